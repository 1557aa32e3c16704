import Foundation

/// What `--live` learnt from one app host at one server address: the HTTPS exchange (verified,
/// or, when verification failed, an unverified one to describe the certificate) and the plain
/// HTTP answer on port 80. Fetched once and shared by `https.certificate`, `https.redirect`
/// and `https.hsts`.
public struct LiveHTTPSProbe: Sendable {
    public var host: String
    public var ip: IPAddress
    /// The verified HTTPS exchange.
    public var https: Result<HTTPResponse, HTTPError>
    /// When verification failed: the unverified exchange, to read the certificate and headers.
    public var unverified: Result<HTTPResponse, HTTPError>?
    public var http: Result<HTTPResponse, HTTPError>

    /// The certificate seen, verified or not.
    public var certificate: HTTPCertificate? {
        if case .success(let r) = https { return r.certificate }
        if case .success(let r)? = unverified { return r.certificate }
        return nil
    }

    /// Headers of the HTTPS answer, verified or not.
    public var httpsResponse: HTTPResponse? {
        if case .success(let r) = https { return r }
        if case .success(let r)? = unverified { return r }
        return nil
    }

    /// Subject text for results: the host, and the address when the server has several.
    public func subject(_ env: PreflightEnvironment) -> String {
        env.serverIPs.count > 1 ? "\(host) at \(ip.text)" : host
    }

    /// `host:port:address` for curl's resolve pin.
    static func pin(_ host: String, _ port: Int, _ ip: IPAddress) -> String {
        "\(host):\(port):" + (ip.family == .v6 ? "[\(ip.text)]" : ip.text)
    }

    static func url(_ scheme: String, _ host: String, _ port: Int, default: Int, path: String = "/") -> String {
        "\(scheme)://\(host)" + (port == `default` ? "" : ":\(port)") + path
    }

    /// Every (app host, server address) pair, probed at once; shared for the run.
    public static func shared(_ env: PreflightEnvironment) async -> [LiveHTTPSProbe] {
        await env.shared("live-https") {
            var pairs: [(String, IPAddress)] = []
            for app in env.apps { for ip in env.serverIPs where !pairs.contains(where: { $0.0 == app.hostname && $0.1 == ip }) { pairs.append((app.hostname, ip)) } }
            return await withTaskGroup(of: (Int, LiveHTTPSProbe).self) { g in
                for (i, (host, ip)) in pairs.enumerated() {
                    g.addTask { (i, await probe(env, host: host, ip: ip)) }
                }
                var out: [(Int, LiveHTTPSProbe)] = []
                for await x in g { out.append(x) }
                return out.sorted { $0.0 < $1.0 }.map(\.1)
            }
        }
    }

    static func probe(_ env: PreflightEnvironment, host: String, ip: IPAddress) async -> LiveHTTPSProbe {
        let t = env.timeoutSeconds
        let httpsPort = env.liveHTTPSPort, httpPort = env.liveHTTPPort
        let tls = HTTPRequest(url: url("https", host, httpsPort, default: 443), timeout: t, connectTimeout: t, maxBodyBytes: 1 << 20,
                              caFile: env.caFile, resolve: [pin(host, httpsPort, ip)], wantsCertificate: true)
        let plain = HTTPRequest(url: url("http", host, httpPort, default: 80), timeout: t, connectTimeout: t, maxBodyBytes: 1 << 20,
                                resolve: [pin(host, httpPort, ip)])
        let client = env.http
        async let httpsResult = DNSClient.onThread { client.send(tls) }
        async let httpResult = DNSClient.onThread { client.send(plain) }
        let verified = await httpsResult
        var unverified: Result<HTTPResponse, HTTPError>?
        if case .failure(.tls) = verified {
            var copy = tls
            copy.verifyPeer = false
            let insecure = copy
            unverified = await DNSClient.onThread { client.send(insecure) }
        }
        return LiveHTTPSProbe(host: host, ip: ip, https: verified, unverified: unverified, http: await httpResult)
    }

    /// Whether a certificate name covers a host: equal, or a wildcard for exactly its leftmost label.
    public static func covers(_ name: String, _ host: String) -> Bool {
        let n = name.lowercased(), h = host.lowercased()
        if n.hasPrefix("*.") {
            let suffix = n.dropFirst(1)
            guard h.hasSuffix(suffix) else { return false }
            let label = h.dropLast(suffix.count)
            return !label.isEmpty && !label.contains(".")
        }
        return n == h
    }

    /// Whole days from `now` until `date` (negative once past).
    public static func days(until date: Date, from now: Date) -> Int {
        Int((date.timeIntervalSince(now) / 86400).rounded(.down))
    }
}

/// The skipped results every live check gives without `--live`, or without apps or addresses.
enum LiveSkip {
    static func reason(_ env: PreflightEnvironment) -> String? {
        if !env.live { return "needs --live (connects to the server's ports 80 and 443)" }
        if env.apps.isEmpty { return "no apps given (--apps)" }
        if env.serverIPs.isEmpty { return "no --server-ip given" }
        return nil
    }
}
