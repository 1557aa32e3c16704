import Foundation

/// `https.certificate` (`--live`): each app host, connected at the server's address on 443,
/// presents a certificate that verifies, whose names cover the host, and that is not about to
/// expire. Caddy renews 30 days before expiry, so under 14 days means renewal is failing.
///
/// Examples:
///   Let's Encrypt certificate for umami.example.com, 60 days left → ok (issuer named)
///   certificate for other.example.com only                        → error: names don't cover the host
///   expires in 9 days                                             → warning
///   expired, or self-signed                                       → error
public enum HTTPSCertificateCheck {
    public static let definition: CheckDefinition = CheckDefinition(
        id: "https.certificate",
        summary: "With --live: each app host's certificate on the server verifies, covers the host name, and has 14 days or more left.",
        fix: "Let Caddy obtain the certificate: DNS pointing at the server, ports 80 and 443 open, CAA allowing Let's Encrypt; see `journalctl -u selfhost-caddy`."
    ) { env in
        let def = definition
        if let why = LiveSkip.reason(env) { return [def.result(.skipped, env.domain, why)] }
        return await LiveHTTPSProbe.shared(env).map { assess($0, env: env) }
    }

    static let caddyLogs = "; see why Caddy has no valid certificate: sudo journalctl -u selfhost-caddy --since -1d | grep -i -E 'certificate|acme'"

    static func assess(_ p: LiveHTTPSProbe, env: PreflightEnvironment) -> CheckResult {
        let def = definition
        let subject = p.subject(env)
        let at = "at \(p.ip.text):\(env.liveHTTPSPort)"
        var verifyError: String?
        switch p.https {
        case .success: break
        case .failure(.tls(let why)): verifyError = why
        case .failure(.timedOut):
            return def.result(.timeout, subject, "no HTTPS answer \(at) within \(env.timeoutSeconds.formatted()) s",
                              fix: "; open 443/tcp in the server's firewall and the provider's security group")
        case .failure(let e):
            return def.result(.error, subject, "no HTTPS \(at): \(e.message)",
                              fix: "; start Caddy on the server: sudo systemctl start selfhost-caddy (see port.reachable)")
        }
        guard let cert = p.certificate else {
            return def.result(.error, subject, "TLS \(at) failed: \(verifyError ?? "no certificate seen")", fix: caddyLogs)
        }
        return evaluate(cert, host: p.host, now: env.now, verifyError: verifyError, subject: subject, at: at)
    }

    /// The verdict on one certificate for one host (pure: tests give the dates).
    public static func evaluate(_ cert: HTTPCertificate, host: String, now: Date, verifyError: String?,
                                subject: String, at: String) -> CheckResult {
        let def = definition
        let names = cert.dnsNames.isEmpty ? "no DNS names" : cert.dnsNames.joined(separator: ", ")
        let issuer = cert.issuer.isEmpty ? "an unnamed issuer" : cert.issuer
        if !cert.dnsNames.contains(where: { LiveHTTPSProbe.covers($0, host) }) {
            return def.result(.error, subject, "the certificate \(at) is for \(names), not \(host) (issuer \(issuer))",
                              fix: "; add a site block for \(host) to the box's Caddyfile (selfhost render --host), then: sudo systemctl reload selfhost-caddy\n" + caddyLogs)
        }
        if let expires = cert.expires {
            let days = LiveHTTPSProbe.days(until: expires, from: now)
            let date = ISO8601DateFormatter.string(from: expires, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
            if expires <= now {
                return def.result(.error, subject, "the certificate \(at) expired on \(date) (issuer \(issuer))",
                                  fix: "; Caddy renews 30 days before expiry, so renewal has been failing\n" + caddyLogs)
            }
            if let verifyError {
                return def.result(.error, subject, "the certificate \(at) does not verify: \(verifyError) (issuer \(issuer), for \(names))",
                                  fix: "; browsers reject it: is it Caddy's internal CA or a self-signed certificate? Let's Encrypt needs DNS pointing here and ports 80/443 open\n" + caddyLogs)
            }
            if days < 14 {
                return def.result(.warning, subject, "the certificate \(at) expires in \(days) day\(days == 1 ? "" : "s") (\(date); issuer \(issuer))",
                                  fix: "; Caddy renews 30 days before expiry: this close, renewal is failing\n" + caddyLogs)
            }
            return def.result(.ok, subject, "valid for \(names), issued by \(issuer), \(days) days left (until \(date))")
        }
        if let verifyError {
            return def.result(.error, subject, "the certificate \(at) does not verify: \(verifyError) (issuer \(issuer))", fix: caddyLogs)
        }
        return def.result(.warning, subject, "valid for \(names), issued by \(issuer), but its expiry date could not be read")
    }
}
