/// A `reverse_proxy` upstream address as written in a Caddyfile.
public struct CaddyUpstream: Sendable {
    public var host: String
    /// The port; Caddy's default (80, or 443 for https://) when none is written.
    public var port: Int
    public var portWritten: Bool
    public var token: CaddyToken
    /// `reverse_proxy` or `php_fastcgi`.
    public var directive = "reverse_proxy"

    /// True for addresses on the Caddy machine itself.
    public var isLocal: Bool {
        host == "localhost" || host.hasPrefix("127.") || host == "::1" || host == "0.0.0.0"
    }

    public var isIPAddress: Bool {
        host.contains(":") || host.split(separator: ".").count == 4 && host.split(separator: ".").allSatisfy { Int($0) != nil }
    }

    /// Parses `app:3000`, `http://app:3000`, `https://app`, `[::1]:8080`; nil for placeholders,
    /// Unix sockets and port ranges, which can't be checked.
    public static func parse(_ token: CaddyToken) -> CaddyUpstream? {
        var s = Substring(token.text)
        if s.contains("{") || s.hasPrefix("unix/") { return nil }
        var defaultPort = 80
        if let r = s.range(of: "://") {
            let scheme = s[..<r.lowerBound].lowercased()
            if scheme == "https" || scheme == "srv+https" { defaultPort = 443 }
            if scheme.hasPrefix("srv") { return nil }
            s = s[r.upperBound...]
        }
        if let slash = s.firstIndex(of: "/") { s = s[..<slash] }
        var host: Substring, portText: Substring?
        if s.hasPrefix("["), let close = s.firstIndex(of: "]") {
            host = s[s.index(after: s.startIndex)..<close]
            let rest = s[s.index(after: close)...]
            portText = rest.hasPrefix(":") ? rest.dropFirst() : nil
        } else if let colon = s.lastIndex(of: ":") {
            host = s[..<colon]
            portText = s[s.index(after: colon)...]
        } else {
            host = s
        }
        guard !host.isEmpty else { return nil }
        if let portText {
            guard let port = Int(portText) else { return nil }
            return CaddyUpstream(host: host.lowercased(), port: port, portWritten: true, token: token)
        }
        return CaddyUpstream(host: host.lowercased(), port: defaultPort, portWritten: false, token: token)
    }
}

extension CaddyFile {
    /// Every `reverse_proxy` and `php_fastcgi` upstream in site blocks, with imports expanded, paired with the site's first address.
    public var upstreams: [(site: String, upstream: CaddyUpstream)] {
        var out: [(String, CaddyUpstream)] = []
        func walk(_ directives: [CaddyDirective], site: String) {
            for d in directives {
                if d.name.text == "reverse_proxy" || d.name.text == "php_fastcgi" {
                    var args = d.args
                    // A leading matcher (`@api`, `/api/*`, `*`) is not an upstream.
                    if let first = args.first, first.text.hasPrefix("@") || first.text.hasPrefix("/") || first.text == "*" { args.removeFirst() }
                    func add(_ t: CaddyToken) {
                        guard var u = CaddyUpstream.parse(t) else { return }
                        u.directive = d.name.text
                        out.append((site, u))
                    }
                    args.forEach(add)
                    for sub in d.block ?? [] where sub.name.text == "to" { sub.args.forEach(add) }
                } else if let block = d.block {
                    walk(block, site: site)
                }
            }
        }
        for site in sites {
            walk(expanded(site.directives), site: site.keys.first?.text ?? "")
        }
        return out
    }
}
