/// Checks what a person types into `render` before anything is rendered: host names, e-mail,
/// paths. Every value ends up in YAML, a Caddyfile or a systemd unit, so anything that could
/// change their structure (whitespace, control characters, quotes, `{}`, `#`, `:` …) is refused.
enum RenderInputValidation {
    /// An RFC 1123 host name with at least two labels: letters, digits and `-` per label, no label
    /// starting or ending with `-`, labels ≤ 63 characters, ≤ 253 in all. Lower-cased on return.
    static func hostname(_ raw: String, flag: String) throws -> String {
        if let bad = raw.unicodeScalars.first(where: { !($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == ".")) }) {
            throw SelfhostError.usage(
                "\(flag) \(quoted(raw)) contains \(describe(bad)), which is not allowed in a host name",
                remedy: "use a plain DNS name such as example.com (letters, digits, '-' and '.')")
        }
        var name = raw.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, name.count <= 253 else {
            throw SelfhostError.usage("\(flag) \(quoted(raw)) is not a fully qualified host name", remedy: "use a name with a dot, such as example.com")
        }
        for label in labels {
            guard !label.isEmpty, label.count <= 63, label.first != "-", label.last != "-" else {
                throw SelfhostError.usage(
                    "\(flag) \(quoted(raw)) has an invalid label '\(label)' (labels are 1–63 characters and don't start or end with '-')",
                    remedy: "use a name such as app.example.com")
            }
        }
        guard labels.last!.contains(where: { !$0.isNumber }) else {
            throw SelfhostError.usage("\(flag) \(quoted(raw)) looks like an IP address, not a host name", remedy: "Caddy needs a DNS name to obtain a certificate")
        }
        return name
    }

    /// `app=fqdn` from `--host`.
    static func hostOverride(_ raw: String) throws -> (app: String, host: String) {
        guard let eq = raw.firstIndex(of: "="), eq != raw.startIndex else {
            throw SelfhostError.usage("--host \(quoted(raw)) is not of the form app=host", remedy: "e.g. --host umami=stats.example.com")
        }
        let app = String(raw[..<eq]).lowercased()
        guard app.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            throw SelfhostError.usage("--host \(quoted(raw)): '\(app)' is not an app id", remedy: "e.g. --host umami=stats.example.com")
        }
        return (app, try hostname(String(raw[raw.index(after: eq)...]), flag: "--host \(app)="))
    }

    /// A plain `local@domain` address, nothing that could break out of a Caddyfile or YAML value.
    static func email(_ raw: String, flag: String = "--email") throws -> String {
        let parts = raw.split(separator: "@", omittingEmptySubsequences: false)
        let localOK = parts.count == 2 && !parts[0].isEmpty && parts[0].count <= 64
            && parts[0].allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || ".+-_".contains($0)) }
            && parts[0].first != "." && parts[0].last != "."
        guard localOK else {
            let bad = raw.unicodeScalars.first { !$0.isASCII || $0.properties.generalCategory == .control || " \t\"'{}#:;`$\\".unicodeScalars.contains($0) }
            throw SelfhostError.usage(
                "\(flag) \(quoted(raw)) is not a plain e-mail address" + (bad.map { " (it contains \(describe($0)))" } ?? ""),
                remedy: "use an address such as ops@example.com (letters, digits and . + - _ before the @)")
        }
        _ = try hostname(String(parts[1]), flag: "\(flag) domain")
        return raw.lowercased()
    }

    /// A path that goes into systemd units and scripts unquoted: absolute, with a safe alphabet.
    static func path(_ raw: String, flag: String) throws -> String {
        guard raw.hasPrefix("/") else {
            throw SelfhostError.usage("\(flag) \(quoted(raw)) must be an absolute path", remedy: "e.g. \(flag) /usr/bin/docker")
        }
        if let bad = raw.unicodeScalars.first(where: { !($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "/._-+@".unicodeScalars.contains($0))) }) {
            throw SelfhostError.usage(
                "\(flag) \(quoted(raw)) contains \(describe(bad)); it is written into systemd units and shell scripts",
                remedy: "use a path of letters, digits and / . _ - + @ only")
        }
        return raw
    }

    /// The value as people read it, with control characters made visible.
    static func quoted(_ s: String) -> String {
        var out = "'"
        for u in s.unicodeScalars {
            switch u {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if u.properties.generalCategory == .control { out += "\\u{\(String(u.value, radix: 16))}" } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "'"
    }

    static func describe(_ u: Unicode.Scalar) -> String {
        switch u {
        case "\n": "a line break"
        case "\t": "a tab"
        case " ": "a space"
        default:
            u.properties.generalCategory == .control ? "a control character (U+\(String(u.value, radix: 16, uppercase: true)))" : "'\(u)'"
        }
    }
}
