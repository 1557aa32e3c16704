import Foundation

/// `mx.starttls` (`--smtp-probe`): each MX host, on each address, offers STARTTLS on port 25
/// and completes a TLS handshake with a certificate valid for the MX host name (what MTA-STS
/// senders require). Off by default: it connects to the MX hosts, which may be another
/// provider's servers and many networks block outbound port 25.
///
/// Examples:
///   220 … EHLO → STARTTLS → TLS, certificate for mx.example.com  → ok
///   no STARTTLS in the EHLO answer                               → error: mail arrives unencrypted
///   certificate not valid for the MX name                        → warning (error for MTA-STS enforce senders)
public enum SMTPStartTLSCheck {
    public static let definition: CheckDefinition = CheckDefinition(
        id: "mx.starttls",
        summary: "With --smtp-probe: each MX host accepts STARTTLS on port 25 and presents a certificate valid for its name.",
        fix: "Enable STARTTLS on the mail server with a certificate for the MX host name (e.g. Let's Encrypt)."
    ) { env in
        let def = definition
        guard env.smtpProbe else {
            return [def.result(.skipped, env.domain, "needs --smtp-probe (connects to each MX host on port \(env.smtpPort))")]
        }
        switch await MailExchangers.shared(env) {
        case .inconclusive(let lookup): return [def.inconclusive(lookup, subject: env.domain, what: "MX")]
        case .none: return [def.result(.skipped, env.domain, "no MX record (see mx.records)")]
        case .nullMX: return [def.result(.skipped, env.domain, "null MX: the domain receives no mail")]
        case .hosts(let hosts):
            var targets: [(String, IPAddress)] = []
            for h in hosts { for ip in h.addresses { targets.append((h.name, ip)) } }
            if targets.isEmpty { return [def.result(.skipped, env.domain, "no MX host has an address (see mx.records)")] }
            return await withTaskGroup(of: (Int, CheckResult).self) { g in
                for (i, (host, ip)) in targets.enumerated() {
                    g.addTask { (i, await probe(env, host: host, ip: ip, several: hosts.first { $0.name == host }!.addresses.count > 1)) }
                }
                var out: [(Int, CheckResult)] = []
                for await x in g { out.append(x) }
                return out.sorted { $0.0 < $1.0 }.map(\.1)
            }
        }
    }

    static func probe(_ env: PreflightEnvironment, host: String, ip: IPAddress, several: Bool) async -> CheckResult {
        let def = definition
        let subject = several ? "\(host) at \(ip.text)" : host
        let at = "\(ip.family == .v6 ? "[\(ip.text)]" : ip.text):\(env.smtpPort)"
        let smtp = env.smtp, port = env.smtpPort, t = env.timeoutSeconds, ca = env.caFile
        let result = await DNSClient.onThread { smtp.probe(host: host, ip: ip, port: port, timeout: t, caFile: ca) }
        switch result {
        case .tls(let cert, nil):
            let left = cert?.expires.map { " , \(LiveHTTPSProbe.days(until: $0, from: env.now)) days left" } ?? ""
            return def.result(.ok, subject, "STARTTLS at \(at): certificate for \(cert?.dnsNames.joined(separator: ", ") ?? "?") from \(cert?.issuer ?? "?")\(left)"
                .replacingOccurrences(of: " , ", with: ", "))
        case .tls(let cert, let why?):
            return def.result(.warning, subject, "STARTTLS at \(at) works, but the certificate does not verify for \(host): \(why)"
                                + (cert.map { " (it is for \($0.dnsNames.joined(separator: ", ")), from \($0.issuer))" } ?? "")
                                + "; senders using MTA-STS or DANE won't deliver",
                              fix: "; give the mail server a certificate for \(host) from a public CA (e.g. Let's Encrypt)")
        case .noSTARTTLS(let why):
            return def.result(.error, subject, "no STARTTLS at \(at) (\(why)): mail to this host travels unencrypted",
                              fix: "; enable STARTTLS in the mail server (Postfix: smtpd_tls_security_level = may, with smtpd_tls_chain_files)")
        case .refused(let why):
            return def.result(.error, subject, "cannot connect to \(at): \(why)",
                              fix: "; start the mail server, and open 25/tcp in its firewall")
        case .timeout:
            return def.result(.timeout, subject, "no SMTP answer at \(at) within \(t.formatted()) s (port 25 is often blocked outbound: run from a machine that may send mail)")
        case .failed(let why):
            return def.result(.error, subject, "SMTP at \(at) failed: \(why)", fix: "; check the mail server's log")
        }
    }
}
