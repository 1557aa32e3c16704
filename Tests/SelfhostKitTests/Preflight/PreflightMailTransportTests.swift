import Foundation
import Testing
@testable import SelfhostKit

/// MTA-STS, TLS-RPT, BIMI and the MX hosts' reverse DNS, against knotd (checkdmarc parity).
@Suite("Preflight mail transport against knotd", .serialized)
struct PreflightMailTransportTests {
    typealias S = PreflightTestSupport

    @Test func goodRecordsAndForwardConfirmedReverseDNS() async throws {
        guard KnotServer.available() else { return }
        try await KnotServer.with { knot in
            let (r, status, _) = try await S.run(PreflightCommand.Options(domain: "good.test", resolver: knot.resolver, timeout: 5, webPorts: []))
            #expect(status == .success)
            #expect(r.result("mta-sts.record", "_mta-sts.good.test")?.status == .ok)
            #expect(r.result("mta-sts.record", "_mta-sts.good.test")?.message == "v=STSv1; id=20261201T000000")
            #expect(r.result("tlsrpt.record", "_smtp._tls.good.test")?.status == .ok)
            #expect(r.result("bimi.record", "default._bimi.good.test")?.status == .ok)
            let ptr = try #require(r.result("mx.ptr", "mx.good.test"))
            #expect(ptr.status == .ok, "\(ptr)")
            #expect(ptr.message == "forward-confirmed reverse DNS: 127.0.0.11 ↔ mx.good.test")
            // Without --live and --smtp-probe the network checks are skipped and say how to run them.
            #expect(r.result("mta-sts.policy", "mta-sts.good.test")?.status == .skipped)
            #expect(r.results("mx.starttls").first?.status == .skipped)
            #expect(r.results("mx.starttls").first?.message.contains("--smtp-probe") == true)
        }
    }

    @Test func brokenRecordsAreErrorsWithFixesAndMissingPTRIsAWarning() async throws {
        guard KnotServer.available() else { return }
        try await KnotServer.with { knot in
            let (r, status, _) = try await S.run(PreflightCommand.Options(domain: "sts.test", resolver: knot.resolver, timeout: 5, webPorts: []))
            #expect(status == .problems)
            let sts = try #require(r.result("mta-sts.record", "_mta-sts.sts.test"))
            #expect(sts.status == .error)
            #expect(sts.message.contains("no id="), "\(sts)")
            #expect(sts.fix?.contains("_mta-sts.sts.test. 3600 IN TXT \"v=STSv1; id=") == true)
            let rpt = try #require(r.result("tlsrpt.record", "_smtp._tls.sts.test"))
            #expect(rpt.status == .error)
            #expect(rpt.message.contains("'tls@sts.test' must be a mailto: or https: URI"), "\(rpt)")
            #expect(rpt.fix?.hasSuffix("_smtp._tls.sts.test. 3600 IN TXT \"v=TLSRPTv1; rua=mailto:tls-reports@sts.test\"") == true)
            let bimi = try #require(r.result("bimi.record", "default._bimi.sts.test"))
            #expect(bimi.status == .error)
            #expect(bimi.message.contains("must be an https URL"))
            let none = try #require(r.result("mx.ptr", "mx1.sts.test"))
            #expect(none.status == .warning)
            #expect(none.message.hasPrefix("no PTR record for 127.0.0.12"), "\(none)")
            #expect(none.fix?.contains("12.0.0.127.in-addr.arpa. 3600 IN PTR mx1.sts.test.") == true)
            let elsewhere = try #require(r.result("mx.ptr", "mx2.sts.test"))
            #expect(elsewhere.status == .warning)
            #expect(elsewhere.message.contains("PTR of 127.0.0.13 is elsewhere.sts.test, which does not resolve back to 127.0.0.13"), "\(elsewhere)")
            PreflightFixTests.checkLines(r, "sts.test")
        }
    }

    @Test func absentOptionalRecordsAreInfoAndBIMINeedsAnEnforcedDMARC() async throws {
        guard KnotServer.available() else { return }
        try await KnotServer.with { knot in
            let (bad, status, _) = try await S.run(PreflightCommand.Options(domain: "bad.test", resolver: knot.resolver, timeout: 5, webPorts: []))
            #expect(status == .problems)  // bad.test has other errors; the optional records are not among them
            for (id, name) in [("mta-sts.record", "_mta-sts.bad.test"), ("tlsrpt.record", "_smtp._tls.bad.test"), ("bimi.record", "default._bimi.bad.test")] {
                let r = try #require(bad.result(id, name))
                #expect(r.status == .info, "\(r)")
                #expect(r.fix?.contains("\(name). 3600 IN TXT") == true)
            }
            #expect(bad.summary.info >= 3)
            // No MX at all: nothing to look up the reverse DNS of.
            #expect(bad.results("mx.ptr").first?.status == .skipped)

            let (chain, _, _) = try await S.run(PreflightCommand.Options(domain: "chain.test", resolver: knot.resolver, timeout: 5, webPorts: []))
            let bimi = try #require(chain.result("bimi.record", "default._bimi.chain.test"))
            #expect(bimi.status == .warning)
            #expect(bimi.message.contains("DMARC is p=none, so providers won't show the logo"), "\(bimi)")
        }
    }

    @Test func recordParsers() {
        #expect({ if case .valid(let id, _) = MTASTSRecord.parse(["v=STSv1; id=abc123"]) { return id == "abc123" }; return false }())
        #expect({ if case .none = MTASTSRecord.parse(["v=spf1 -all"]) { return true }; return false }())
        #expect({ if case .several = MTASTSRecord.parse(["v=STSv1; id=a", "v=STSv1; id=b"]) { return true }; return false }())
        #expect({ if case .invalid = MTASTSRecord.parse(["v=STSv1; id=has-dash"]) { return true }; return false }())
        #expect({ if case .invalid = MTASTSRecord.parse(["v=stsv1; id=a"]) { return true }; return false }())
        #expect(TLSRPTCheck.problem("v=TLSRPTv1; rua=mailto:a@b.test,https://r.test/x") == nil)
        #expect(TLSRPTCheck.problem("v=TLSRPTv1") == "no rua= (where reports go)")
        #expect(BIMICheck.problem("v=BIMI1; l=") == nil)  // declined
        #expect(BIMICheck.problem("v=BIMI1; l=https://a.test/logo.png")?.contains("SVG") == true)
        #expect(MailExchangers.matches("*.mail.test", "mx1.mail.test"))
        #expect(!MailExchangers.matches("*.mail.test", "a.b.mail.test"))
        #expect(!MailExchangers.matches("*.mail.test", "mail.test"))
        #expect(MailExchangers.matches("MX.Mail.Test", "mx.mail.test"))
        #expect(IPAddress("127.0.0.11")!.reverseName == "11.0.0.127.in-addr.arpa")
        #expect(IPAddress("2001:db8::1")!.reverseName == "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa")
    }
}
