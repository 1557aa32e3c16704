/// caddy.duplicate-site: the same site address defined twice.
struct DuplicateSiteRule: LintRule {
    static let info = RuleInfo(
        id: "caddy.duplicate-site", severity: .error,
        summary: "The same site address appears in two site blocks.",
        why: "Caddy refuses to load an ambiguous config ('ambiguous site definition'), and `example.com` and `https://example.com:443` are the same site.",
        fix: "Merge the two blocks into one, or use different hosts or paths.",
        examples: [
            .bad("Caddyfile", "example.com {\n\trespond a\n}\n\nhttps://EXAMPLE.com:443 {\n\trespond b\n}\n"),
            .good("Caddyfile", "example.com {\n\trespond a\n}\n\nwww.example.com, http://example.com {\n\tredir https://example.com{uri}\n}\n"),
        ])

    /// `scheme://host:port/path` normalised the way Caddy matches sites.
    static func normalize(_ address: String) -> String {
        var s = Substring(address.lowercased())
        var scheme = ""
        if let r = s.range(of: "://") { scheme = String(s[..<r.lowerBound]); s = s[r.upperBound...] }
        var path = ""
        if let slash = s.firstIndex(of: "/") { path = String(s[slash...]); s = s[..<slash] }
        var host = String(s), port = ""
        if let colon = s.lastIndex(of: ":"), !s.hasSuffix("]") { host = String(s[..<colon]); port = String(s[s.index(after: colon)...]) }
        if scheme.isEmpty { scheme = port == "80" ? "http" : "https" }
        if port.isEmpty { port = scheme == "http" ? "80" : "443" }
        return "\(scheme)://\(host):\(port)\(path)"
    }

    func check(_ project: LintProject) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for c in project.caddyFiles where c.syntaxError == nil {
            var seen: [String: CaddyToken] = [:]
            for site in c.sites {
                for key in site.keys {
                    for part in key.text.split(separator: ",") where !part.isEmpty && !part.contains("{$") {
                        let n = Self.normalize(String(part))
                        if let first = seen[n] {
                            out.append(Self.info.finding("site address '\(part)' is already defined at line \(first.line)", at: c.location(key)))
                        } else {
                            seen[n] = key
                        }
                    }
                }
            }
        }
        return out
    }
}
