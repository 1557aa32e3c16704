import Foundation

/// `spf.record`: exactly one SPF record on the sending domain and on the return-path domain.
///
/// Examples:
///   example.test TXT "v=spf1 mx -all"                              → ok
///   no record                                                      → error, fix: a TXT to add
///   TXT "v=spf1 mx -all" + TXT "v=spf1 include:amazonses.com ~all" → error (permerror), fix: the merged record
public enum SPFRecordCheck {
    public static let definition: CheckDefinition = CheckDefinition(
        id: "spf.record",
        summary: "The sending domain (and the ESP return-path domain) has exactly one SPF record (RFC 7208 §3.2, §4.5).",
        fix: "Publish one TXT record starting v=spf1; merge a second one into it."
    ) { env in
        return await withTaskGroup(of: (Int, CheckResult).self) { group in
            for (i, d) in env.spfDomains.enumerated() {
                group.addTask { (i, await checkDomain(env, d)) }
            }
            var r: [(Int, CheckResult)] = []
            for await x in group { r.append(x) }
            return r.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    /// The record we suggest when there is none: the ESP's include, and `mx` on the apex.
    static func suggested(_ env: PreflightEnvironment, _ domain: String) -> String {
        var terms = ["v=spf1"]
        if domain == env.domain { terms.append("mx") }
        if let spf = env.esp?.spf, (spf.on == "domain" && domain == env.domain) || (spf.on == "return-path" && domain == env.returnPathDomain) {
            terms.append("include:" + spf.include)
        }
        terms.append(domain == env.domain ? "~all" : "-all")
        return terms.joined(separator: " ")
    }

    /// Merges several SPF records into one: all terms except `all`, deduplicated, then the strictest all.
    static func merge(_ records: [String]) -> String {
        var terms: [String] = []
        var alls: [String] = []
        for r in records {
            for t in r.split(separator: " ").dropFirst().map(String.init) {
                let bare = t.trimmingCharacters(in: CharacterSet(charactersIn: "+-~?")).lowercased()
                if bare == "all" { alls.append(t) } else if !terms.contains(t) { terms.append(t) }
            }
        }
        let order = ["-all", "~all", "?all", "+all", "all"]
        let all = alls.min { (order.firstIndex(of: $0) ?? 9) < (order.firstIndex(of: $1) ?? 9) } ?? "~all"
        let merged = (["v=spf1"] + terms + [all]).joined(separator: " ")
        // Terms that don't parse are left out, so the merged record is valid (spf.syntax names them).
        return SPFCorrection(SPFRecord(parsing: merged)).record ?? merged
    }

    static func checkDomain(_ env: PreflightEnvironment, _ domain: String) async -> CheckResult {
        let def = definition
        let node = await SPFAnalyzer.shared(domain, env)
        switch node.state {
        case .record(let r):
            return def.result(.ok, domain, "\"\(r.text)\"")
        case .multiple(let records):
            let espHint = env.esp.map { " (often a second record added while setting up \($0.name))" } ?? ""
            return def.result(.error, domain,
                              "\(records.count) SPF records\(espHint): receivers treat this as a permanent error and SPF fails",
                              fix: records.map { "; delete: " + ZoneLine.txt(domain, $0) }.joined(separator: "\n")
                                + "\n" + ZoneLine.txt(domain, merge(records)))
        case .none(let lookup):
            let isReturnPath = domain != env.domain
            // "v=spf1" "include:…" reads as "v=spf1include:…": the record exists but isn't SPF.
            if let glued = SPFCorrection.gluedSPF(lookup) {
                let fixed = SPFCorrection(SPFRecord(parsing: glued.meant)).record
                return def.result(.error, domain,
                                  "the record's strings are joined without a space, so receivers don't see an SPF record: "
                                    + glued.strings.map { "\"\($0)\"" }.joined(separator: " ") + " reads '\(glued.strings.joined())'",
                                  fix: "; delete: " + ZoneLine.record(domain, "TXT", glued.strings.map { "\"\($0)\"" }.joined(separator: " "))
                                    + "\n" + (fixed.map { ZoneLine.txt(domain, $0) } ?? "; publish the record as one string starting \"v=spf1 \""))
            }
            let status: CheckStatus = isReturnPath || env.returnPathDomain == nil ? .error : .warning
            let state = lookup.result == .nxdomain ? "the name does not exist" : "no TXT record starts with v=spf1"
            return def.result(status, domain, "no SPF record (\(state))" + (isReturnPath ? " on the return-path domain" : ""),
                              fix: ZoneLine.txt(domain, suggested(env, domain)))
        case .inconclusive(let lookup):
            return def.inconclusive(lookup, subject: domain, what: "the SPF record")
        case .loop, .tooDeep:
            return def.result(.error, domain, "SPF lookup loops")
        }
    }
}
