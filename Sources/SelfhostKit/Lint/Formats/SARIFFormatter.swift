import Foundation

/// `--format sarif`: SARIF 2.1.0 as GitHub code scanning ingests it (`github/codeql-action/upload-sarif`).
enum SARIFFormatter {
    static let schema = "https://json.schemastore.org/sarif-2.1.0.json"

    static func level(_ s: Severity) -> String {
        switch s {
        case .error: "error"
        case .warning: "warning"
        case .info: "note"
        }
    }

    /// GitHub ranks security alerts by this score (0.0–10.0).
    static func securitySeverity(_ s: Severity) -> String {
        switch s {
        case .error: "8.0"
        case .warning: "5.5"
        case .info: "2.0"
        }
    }

    /// 64-bit FNV-1a, hex: stable across runs and platforms (Swift's hashValue is seeded per process).
    static func fnv1a(_ s: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h ^= UInt64(b); h = h &* 0x0000_0100_0000_01B3 }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    static func rule(_ r: RuleInfo, severity: Severity) -> [String: Any] {
        var props: [String: Any] = ["tags": r.security ? ["security", r.family] : [r.family], "precision": "high"]
        if r.security { props["security-severity"] = securitySeverity(severity) }
        return [
            "id": r.id,
            "name": r.id.split(whereSeparator: { $0 == "." || $0 == "-" }).map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(),
            "shortDescription": ["text": r.summary],
            "fullDescription": ["text": r.why],
            "help": ["text": "\(r.why)\n\nFix: \(r.fix)", "markdown": "\(r.why)\n\n**Fix:** \(r.fix)"],
            "defaultConfiguration": ["level": level(severity)],
            "properties": props,
        ]
    }

    static func format(_ report: LintReport) -> String {
        // Every rule that ran, plus any rule a finding names (e.g. lint.unreadable).
        var infos = report.rules
        for d in report.findings { if let id = d.ruleID, !infos.contains(where: { $0.id == id }), let i = RuleRegistry.info(id) { infos.append(i) } }
        let index = Dictionary(infos.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        var occurrences: [String: Int] = [:]
        var results: [[String: Any]] = []
        for d in report.findings {
            let ruleID = d.ruleID ?? "lint.unreadable"
            var result: [String: Any] = [
                "ruleId": ruleID,
                "level": level(d.severity),
                "message": ["text": d.fix.map { (d.message.last.map { ".?!".contains($0) } == true ? d.message + " " : d.message + ". ") + "Fix: " + $0 } ?? d.message],
            ]
            if let i = index[ruleID] { result["ruleIndex"] = i }
            if let loc = d.location {
                var region: [String: Any] = ["startLine": loc.line ?? 1]
                if let c = loc.column { region["startColumn"] = c }
                result["locations"] = [[
                    "physicalLocation": [
                        "artifactLocation": ["uri": uri(loc.file), "uriBaseId": "%SRCROOT%"],
                        "region": region,
                    ],
                ]]
                // Fingerprint on the rule, file and the line's text (not its number), so an alert
                // survives lines inserted above it; repeated identical lines are told apart by count.
                let text = (report.lines[loc.file].flatMap { lines in loc.line.flatMap { $0 >= 1 && $0 <= lines.count ? lines[$0 - 1] : nil } }).map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
                let base = "\(ruleID)|\(loc.file)|\(text)|\(d.message)"
                let n = occurrences[base, default: 0] + 1
                occurrences[base] = n
                result["partialFingerprints"] = ["selfhostLint/v1": "\(fnv1a(base)):\(n)"]
            }
            results.append(result)
        }
        let severities = Dictionary(infos.map { ($0.id, report.config.severity[$0.id] ?? $0.severity) }, uniquingKeysWith: { a, _ in a })
        let doc: [String: Any] = [
            "$schema": schema,
            "version": "2.1.0",
            "runs": [[
                "tool": ["driver": [
                    "name": "selfhost-lint",
                    "version": SelfhostVersion.current,
                    "rules": infos.map { rule($0, severity: severities[$0.id] ?? $0.severity) },
                ]],
                "columnKind": "unicodeCodePoints",
                "originalUriBaseIds": ["%SRCROOT%": ["uri": report.root.standardizedFileURL.absoluteString.hasSuffix("/") ? report.root.standardizedFileURL.absoluteString : report.root.standardizedFileURL.absoluteString + "/"]],
                "results": results,
            ]],
        ]
        guard let data = try? JSONSerialization.data(withJSONObject: doc, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Relative paths as URI references (percent-encoded); absolute ones as file URIs.
    static func uri(_ path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: ":")
        let encoded = path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
        return path.hasPrefix("/") ? "file://" + encoded : encoded
    }
}
