/// `https.redirect` (`--live`): plain HTTP on port 80 answers each app host with a redirect to
/// `https://` on the same host (Caddy does this by itself), so typed or old `http://` links
/// don't stay unencrypted.
///
/// Examples:
///   301 Location: https://umami.example.com/     → ok
///   200 over plain HTTP                          → warning: no redirect
///   connection refused on 80                     → error: Let's Encrypt http-01 needs port 80 too
public enum HTTPSRedirectCheck {
    public static let definition: CheckDefinition = CheckDefinition(
        id: "https.redirect",
        summary: "With --live: http://<app host>/ on port 80 redirects to https:// on the same host.",
        fix: "Serve the host from Caddy with its automatic HTTPS (it redirects port 80 itself); open 80/tcp."
    ) { env in
        let def = definition
        if let why = LiveSkip.reason(env) { return [def.result(.skipped, env.domain, why)] }
        return await LiveHTTPSProbe.shared(env).map { p in
            let subject = p.subject(env)
            let at = "at \(p.ip.text):\(env.liveHTTPPort)"
            switch p.http {
            case .failure(.timedOut):
                return def.result(.timeout, subject, "no HTTP answer \(at) within \(env.timeoutSeconds.formatted()) s",
                                  fix: "; open 80/tcp in the server's firewall and the provider's security group (Let's Encrypt's http-01 uses it)")
            case .failure(let e):
                return def.result(.error, subject, "no HTTP \(at): \(e.message)",
                                  fix: "; start Caddy on the server: sudo systemctl start selfhost-caddy; Let's Encrypt's http-01 needs port 80 too")
            case .success(let r):
                let location = r.header("Location") ?? ""
                if [301, 302, 303, 307, 308].contains(r.status) {
                    let lower = location.lowercased()
                    let target = lower.hasPrefix("https://") ? String(lower.dropFirst(8).prefix { $0 != "/" && $0 != ":" && $0 != "?" }) : nil
                    if target == p.host.lowercased() {
                        return def.result(.ok, subject, "http:// \(at) answers \(r.status) → \(location)")
                    }
                    return def.result(.warning, subject, "http:// \(at) answers \(r.status) → \(location.isEmpty ? "no Location" : location), not https://\(p.host)/",
                                      fix: "; let Caddy redirect: remove any http:// site block or redir for \(p.host) from the Caddyfile")
                }
                return def.result(.warning, subject, "http:// \(at) answers \(r.status) without redirecting to HTTPS: pages load unencrypted",
                                  fix: "; serve \(p.host) with Caddy's automatic HTTPS (a site block named \(p.host), not http://\(p.host)); it redirects port 80 itself")
            }
        }
    }
}
