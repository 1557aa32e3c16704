import Foundation

/// `mta-sts.policy` (`--live`): the policy file at
/// `https://mta-sts.<domain>/.well-known/mta-sts.txt` (RFC 8461 §3.2, §3.3) is served over
/// HTTPS with a valid certificate, parses (`version: STSv1`, `mode`, `mx`, `max_age`), and its
/// `mx` patterns match every MX record — in `enforce` mode, senders refuse to deliver to an MX
/// host the policy doesn't list.
///
/// Examples:
///   version: STSv1 / mode: enforce / mx: mx.example.com / max_age: 604800  → ok
///   mode: enforce, MX mx2.example.com not listed      → error: senders won't deliver to it
///   404, or a certificate that doesn't verify          → error: senders ignore the policy
///   max_age under a day                                → warning
public enum MTASTSPolicyCheck {
    public static let definition: CheckDefinition = CheckDefinition(
        id: "mta-sts.policy",
        summary: "With --live: the MTA-STS policy file is served over verified HTTPS, parses, and its mx lines cover every MX host (RFC 8461 §3.2).",
        fix: "Serve `version: STSv1`, `mode: enforce` (or testing), one `mx:` line per MX host and `max_age: 604800` at https://mta-sts.<domain>/.well-known/mta-sts.txt."
    ) { env in
        let def = definition
        let host = "mta-sts.\(env.domain)"
        guard env.live else { return [def.result(.skipped, host, "needs --live (fetches https://\(host)/.well-known/mta-sts.txt)")] }
        guard case .valid = await MTASTSRecord.shared(env) else {
            return [def.result(.skipped, host, "no valid MTA-STS record (see mta-sts.record)")]
        }
        // The policy host is looked up through the same resolver as everything else.
        async let a = env.dns.lookup(host, .a)
        async let aaaa = env.dns.lookup(host, .aaaa)
        let (la, l6) = await (a, aaaa)
        if la.isInconclusive && l6.isInconclusive { return [def.inconclusive(la, subject: host, what: "the MTA-STS policy host")] }
        let ips = (la.records + l6.records).compactMap { r -> IPAddress? in
            switch r {
            case .a(let t), .aaaa(let t): return IPAddress(t)
            default: return nil
            }
        }
        guard let ip = ips.first else {
            return [def.result(.error, host, "\(host) has no address (\(la.stateText)): senders can't fetch the policy, so the record is ignored",
                               fix: ZoneLine.record(host, "A", "<the address serving the policy>"))]
        }
        let port = env.liveHTTPSPort
        let url = LiveHTTPSProbe.url("https", host, port, default: 443, path: "/.well-known/mta-sts.txt")
        let request = HTTPRequest(url: url, timeout: env.timeoutSeconds, connectTimeout: env.timeoutSeconds, maxBodyBytes: 64 << 10,
                                  caFile: env.caFile, resolve: [LiveHTTPSProbe.pin(host, port, ip)])
        let client = env.http
        let response = await DNSClient.onThread { client.send(request) }
        let r: HTTPResponse
        switch response {
        case .failure(.timedOut):
            return [def.result(.timeout, host, "no answer from \(url) at \(ip.text) within \(env.timeoutSeconds.formatted()) s")]
        case .failure(.tls(let why)):
            return [def.result(.error, host, "\(url): the certificate does not verify (\(why)): senders ignore the policy (RFC 8461 §3.3)",
                               fix: "; serve \(host) with a publicly trusted certificate (e.g. a Caddy site block for \(host))")]
        case .failure(let e):
            return [def.result(.error, host, "\(url) at \(ip.text): \(e.message)",
                               fix: "; serve the policy at \(url)")]
        case .success(let ok): r = ok
        }
        guard r.status == 200 else {
            return [def.result(.error, host, "\(url) answered HTTP \(r.status): senders find no policy",
                               fix: "; serve the policy file at \(url) (HTTP 200, text/plain)")]
        }
        let policy = MTASTSPolicy(parsing: r.text)
        if let e = policy.errors.first {
            return [def.result(.error, host, "the policy at \(url) is invalid: \(e)", fix: "; serve a policy like:\n" + example(env))]
        }
        var warnings = policy.warnings
        if let type = r.header("Content-Type"), !type.lowercased().hasPrefix("text/plain") {
            warnings.append("Content-Type is \(type), not text/plain (RFC 8461 §3.2)")
        }
        // Every MX host must match a pattern, or senders in enforce mode won't deliver to it.
        if policy.mode != "none", case .hosts(let hosts) = await MailExchangers.shared(env) {
            let unmatched = hosts.map(\.name).filter { h in !policy.mx.contains { MailExchangers.matches($0, h) } }
            if !unmatched.isEmpty {
                let status: CheckStatus = policy.mode == "enforce" ? .error : .warning
                return [def.result(status, host, "mode \(policy.mode ?? "?"): MX host\(unmatched.count == 1 ? "" : "s") \(unmatched.joined(separator: ", ")) not in the policy's mx lines (\(policy.mx.joined(separator: ", ")))"
                                    + (status == .error ? ": senders that honour MTA-STS won't deliver to \(unmatched.count == 1 ? "it" : "them")" : ""),
                                   fix: "; add to the policy file: " + unmatched.map { "mx: \($0)" }.joined(separator: " / ")
                                    + "\n; then change the id= of _mta-sts.\(env.domain) so senders fetch it again")]
            }
        }
        let summary = "mode \(policy.mode ?? "?"), mx \(policy.mx.joined(separator: ", ")), max_age \(policy.maxAge.map(String.init) ?? "?")"
        if !warnings.isEmpty {
            return [def.result(.warning, host, summary + ": " + warnings.joined(separator: "; "), fix: "; serve a policy like:\n" + example(env))]
        }
        return [def.result(.ok, host, summary)]
    }

    static func example(_ env: PreflightEnvironment) -> String {
        "; version: STSv1\n; mode: enforce\n; mx: <each MX host, e.g. mx.\(env.domain)>\n; max_age: 604800"
    }
}

/// An MTA-STS policy file (RFC 8461 §3.2): `key: value` lines, CRLF or LF.
public struct MTASTSPolicy: Sendable {
    public var version: String?
    public var mode: String?
    public var mx: [String] = []
    public var maxAge: Int?
    public var errors: [String] = []
    public var warnings: [String] = []

    public init(parsing text: String) {
        for raw in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            guard let colon = line.firstIndex(of: ":") else { errors.append("line '\(line)' is not key: value"); continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch key {
            case "version": version = value
            case "mode": mode = value
            case "mx": mx.append(value)
            case "max_age":
                if let n = Int(value), (0...31_557_600).contains(n) { maxAge = n }
                else { errors.append("max_age: \(value) is not 0–31557600 seconds") }
            default: break  // extension keys are ignored (§3.2)
            }
        }
        if version != "STSv1" { errors.append(version.map { "version: \($0), not STSv1" } ?? "no version: STSv1 line") }
        if let m = mode {
            if !["enforce", "testing", "none"].contains(m) { errors.append("mode: \(m) must be enforce, testing or none") }
        } else { errors.append("no mode: line") }
        if maxAge == nil, !errors.contains(where: { $0.hasPrefix("max_age") }) { errors.append("no max_age: line") }
        if mx.isEmpty, mode != "none" { errors.append("no mx: line (one per MX host or *.domain pattern)") }
        if let m = maxAge, m < 86_400 { warnings.append("max_age \(m) is under a day: senders re-fetch constantly and a short outage drops the policy") }
        if mode == "testing" { warnings.append("mode testing: failures are only reported (TLS-RPT), not enforced") }
    }
}
