import Foundation
import Testing
@testable import SelfhostKit

/// The built `selfhost preflight` binary: exit codes, JSON on stdout, errors on stderr.
@Suite struct PreflightEndToEndTests {
    @Test func exitCodesAndJSON() async throws {
        guard KnotServer.available() else { return }
        try await KnotServer.with { knot in
            let good = try TestSupport.run(["preflight", "--domain", "good.test", "--server-ip", "127.0.0.10", "--apps", "umami,listmonk",
                                            "--dkim-selector", "mail", "--resolver", knot.resolver, "--format", "json"])
            #expect(good.status == 0, "\(good.stderr)")
            let json = try JSONSerialization.jsonObject(with: Data(good.stdout.utf8)) as? [String: Any]
            let checks = try #require(json?["checks"] as? [[String: Any]])
            #expect(checks.allSatisfy { Set($0.keys) == ["id", "status", "subject", "message", "fix"] })
            #expect(Set(checks.compactMap { $0["status"] as? String }).isSubset(of: ["ok", "warning", "skipped"]))

            let bad = try TestSupport.run(["preflight", "--domain", "bad.test", "--server-ip", "127.0.0.10", "--apps", "umami",
                                           "--resolver", knot.resolver])
            #expect(bad.status == 1)
            #expect(bad.stdout.contains("✖ umami.bad.test stale AAAA 2001:db8::1"))
            #expect(!bad.stdout.contains("\u{1B}["))  // no colour when not a TTY
        }
    }

    @Test func deadResolverIsOneLineAndExitsTwo() throws {
        let dead = try TestSupport.run(["preflight", "--domain", "example.test", "--resolver", "127.0.0.1:9", "--timeout", "0.5"])
        #expect(dead.status == 2, "\(dead.stdout)\(dead.stderr)")
        #expect(dead.stdout.components(separatedBy: "✖").count == 2, "one error line:\n\(dead.stdout)")
        #expect(dead.stdout.contains("✖ 127.0.0.1:9 resolver unreachable: none of"))
        #expect(dead.stdout.contains("DNS resolver"))
        let json = try TestSupport.run(["preflight", "--domain", "example.test", "--resolver", "127.0.0.1:9", "--timeout", "0.5", "--format", "json"])
        #expect(json.status == 2)
        let doc = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let checks = try #require(doc?["checks"] as? [[String: Any]])
        #expect(checks.compactMap { $0["id"] as? String } == ["resolver.reachable"])
    }

    @Test func badInputExitsTwoWithAHint() throws {
        let esp = try TestSupport.run(["preflight", "--domain", "example.test", "--esp", "sendgird", "--resolver", "127.0.0.1:9"])
        #expect(esp.status == 2)
        #expect(esp.stderr.contains("unknown email provider 'sendgird'") && esp.stderr.contains("did you mean 'sendgrid'"))
        let ip = try TestSupport.run(["preflight", "--domain", "example.test", "--server-ip", "300.1.2.3", "--resolver", "127.0.0.1:9"])
        #expect(ip.status == 2 && ip.stderr.contains("not an IPv4 or IPv6 address"))
        let app = try TestSupport.run(["preflight", "--domain", "example.test", "--server-ip", "127.0.0.10", "--apps", "listmonkk",
                                       "--resolver", "127.0.0.1:9"])
        #expect(app.status == 2 && app.stderr.contains("did you mean 'listmonk'"))
        let domain = try TestSupport.run(["preflight", "--domain", "example..test"])
        #expect(domain.status == 2 && domain.stdout.isEmpty)
    }
}
