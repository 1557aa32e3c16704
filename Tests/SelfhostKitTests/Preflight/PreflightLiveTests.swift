import Foundation
import Testing
@testable import SelfhostKit

/// `--live` and `--smtp-probe` against loopback servers with a test CA (LiveServers) and the
/// good.test zone on knotd: every exchange goes through the project's libcurl HTTP layer.
@Suite("Preflight --live against loopback HTTPS", .serialized)
struct PreflightLiveTests {
    typealias S = PreflightTestSupport

    static func run(_ servers: LiveServers, knot: KnotServer, apps: [String] = ["umami", "listmonk"]) async throws
        -> (PreflightCommand.Report, SelfhostKit.ExitStatus, String) {
        try await S.run(PreflightCommand.Options(
            domain: "good.test", serverIPs: ["127.0.0.10"], apps: apps, resolver: knot.resolver, timeout: 5,
            webPorts: [servers.httpPort, servers.httpsPort], live: true, smtpProbe: true,
            caFile: servers.caFile, smtpPort: servers.smtpPort))
    }

    @Test func certificateRedirectHSTSPolicyAndSTARTTLS() async throws {
        guard KnotServer.available(), LiveServers.available() else { return }
        try await KnotServer.with { knot in
            // One certificate for umami, the MTA-STS host and the MX host, 10 days left;
            // listmonk is not on it, gets no HSTS and no redirect.
            let servers = try LiveServers(
                names: ["umami.good.test", "mta-sts.good.test", "mx.good.test"], days: 10,
                policy: "version: STSv1\r\nmode: enforce\r\nmx: mx.good.test\r\nmax_age: 604800\r\n",
                extra: ["--no-hsts", "listmonk.good.test", "--no-redirect", "listmonk.good.test"])
            defer { servers.stop() }
            let (r, status, _) = try await Self.run(servers, knot: knot)
            #expect(status == .problems)

            let umami = try #require(r.result("https.certificate", "umami.good.test"))
            #expect(umami.status == .warning, "\(umami)")
            #expect(umami.message.contains("expires in 9 days"), "\(umami)")
            #expect(umami.message.contains("Selfhost Test CA"))
            let listmonk = try #require(r.result("https.certificate", "listmonk.good.test"))
            #expect(listmonk.status == .error, "\(listmonk)")
            #expect(listmonk.message.contains("is for umami.good.test, mta-sts.good.test, mx.good.test, not listmonk.good.test"), "\(listmonk)")

            let redirect = try #require(r.result("https.redirect", "umami.good.test"))
            #expect(redirect.status == .ok, "\(redirect)")
            #expect(redirect.message.contains("301 → https://umami.good.test:\(servers.httpsPort)/"))
            let plain = try #require(r.result("https.redirect", "listmonk.good.test"))
            #expect(plain.status == .warning)
            #expect(plain.message.contains("answers 200 without redirecting to HTTPS"))

            #expect(r.result("https.hsts", "umami.good.test")?.status == .ok)
            #expect(r.result("https.hsts", "umami.good.test")?.message == "Strict-Transport-Security: max-age=31536000")
            let noHSTS = try #require(r.result("https.hsts", "listmonk.good.test"))
            #expect(noHSTS.status == .warning)
            #expect(noHSTS.fix?.contains("header Strict-Transport-Security") == true)

            let policy = try #require(r.result("mta-sts.policy", "mta-sts.good.test"))
            #expect(policy.status == .ok, "\(policy)")
            #expect(policy.message == "mode enforce, mx mx.good.test, max_age 604800")

            let tls = try #require(r.result("mx.starttls", "mx.good.test"))
            #expect(tls.status == .ok, "\(tls)")
            #expect(tls.message.contains("STARTTLS at 127.0.0.11:\(servers.smtpPort): certificate for umami.good.test"), "\(tls)")
            PreflightFixTests.checkLines(r, "live")
        }
    }

    @Test func policyMissingAnMXHostAndNoSTARTTLS() async throws {
        guard KnotServer.available(), LiveServers.available() else { return }
        try await KnotServer.with { knot in
            // The policy lists another host (enforce), and the SMTP server offers no STARTTLS.
            // The certificate doesn't name mx.good.test either.
            let servers = try LiveServers(
                names: ["umami.good.test", "mta-sts.good.test"], days: 90,
                policy: "version: STSv1\nmode: enforce\nmx: *.elsewhere.test\nmax_age: 3600\n", extra: ["--no-starttls"])
            defer { servers.stop() }
            let (r, status, _) = try await Self.run(servers, knot: knot, apps: ["umami"])
            #expect(status == .problems)
            #expect(r.result("https.certificate", "umami.good.test")?.status == .ok)
            #expect(r.result("https.certificate", "umami.good.test")?.message.contains("89 days left") == true)
            let policy = try #require(r.result("mta-sts.policy", "mta-sts.good.test"))
            #expect(policy.status == .error, "\(policy)")
            #expect(policy.message.contains("MX host mx.good.test not in the policy's mx lines (*.elsewhere.test)"), "\(policy)")
            #expect(policy.fix?.contains("mx: mx.good.test") == true)
            let tls = try #require(r.result("mx.starttls", "mx.good.test"))
            #expect(tls.status == .error, "\(tls)")
            #expect(tls.message.contains("no STARTTLS at 127.0.0.11:\(servers.smtpPort)"))
        }
        // The same with STARTTLS but a certificate for other names: a warning naming them.
        try await KnotServer.with { knot in
            let servers = try LiveServers(names: ["umami.good.test", "mta-sts.good.test"], days: 90,
                                          policy: "version: STSv1\nmode: testing\nmx: mx.good.test\nmax_age: 86400\n")
            defer { servers.stop() }
            let (r, _, _) = try await Self.run(servers, knot: knot, apps: ["umami"])
            let tls = try #require(r.result("mx.starttls", "mx.good.test"))
            #expect(tls.status == .warning, "\(tls)")
            #expect(tls.message.contains("does not verify for mx.good.test"))
            #expect(r.result("mta-sts.policy", "mta-sts.good.test")?.status == .warning)  // mode testing
        }
    }

    @Test func nothingListeningIsAnErrorNotAHang() async throws {
        guard KnotServer.available() else { return }
        try await KnotServer.with { knot in
            let closed = try (0..<2).map { _ in try KnotServer.freePort() }
            let (r, _, _) = try await S.run(PreflightCommand.Options(
                domain: "good.test", serverIPs: ["127.0.0.10"], apps: ["umami"], resolver: knot.resolver, timeout: 2,
                webPorts: closed, live: true))
            #expect(r.result("https.certificate", "umami.good.test")?.status == .error)
            #expect(r.result("https.certificate", "umami.good.test")?.fix?.contains("systemctl start selfhost-caddy") == true)
            #expect(r.result("https.redirect", "umami.good.test")?.status == .error)
            #expect(r.result("https.hsts", "umami.good.test")?.status == .skipped)
            #expect(r.result("mta-sts.policy", "mta-sts.good.test")?.status == .error)
            #expect(r.elapsedMs < 6000)
        }
    }

    /// The verdict on a certificate, with the clock fixed.
    @Test func certificateVerdicts() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        func cert(_ names: [String], days: Double) -> HTTPCertificate {
            HTTPCertificate(subject: "CN=x", issuer: "CN=R11, O=Let's Encrypt", expires: now.addingTimeInterval(days * 86400), dnsNames: names)
        }
        func verdict(_ c: HTTPCertificate, _ host: String, verify: String? = nil) -> CheckResult {
            HTTPSCertificateCheck.evaluate(c, host: host, now: now, verifyError: verify, subject: host, at: "at 127.0.0.10:443")
        }
        #expect(verdict(cert(["a.example.test"], days: 60), "a.example.test").status == .ok)
        #expect(verdict(cert(["*.example.test"], days: 60), "a.example.test").status == .ok)
        #expect(verdict(cert(["*.example.test"], days: 60), "a.b.example.test").status == .error)
        #expect(verdict(cert(["a.example.test"], days: 13.5), "a.example.test").status == .warning)
        let expired = verdict(cert(["a.example.test"], days: -1), "a.example.test")
        #expect(expired.status == .error && expired.message.contains("expired on"))
        #expect(verdict(cert(["a.example.test"], days: 60), "a.example.test", verify: "self-signed certificate").status == .error)
        #expect(LiveHTTPSProbe.days(until: now.addingTimeInterval(86400 * 14 - 1), from: now) == 13)
        let policy = MTASTSPolicy(parsing: "version: STSv1\nmode: enforce\nmax_age: 99999999\n")
        #expect(policy.errors.contains { $0.hasPrefix("max_age") } && policy.errors.contains { $0.hasPrefix("no mx") })
    }
}
