import Foundation
import Testing
@testable import SelfhostKit

/// Every check against a real DNS server (knotd) serving the fixture zones.
@Suite("Preflight against knotd", .serialized)
struct PreflightKnotTests {
    // Queries are answered at once; the generous timeout (5 s, so a 10 s run bound) only keeps
    // these tests steady on a machine busy with the rest of the suite.
    typealias S = PreflightTestSupport

    @Test func goodDomainPassesEveryCheck() async throws {
        guard KnotServer.available() else { return }
        try await KnotServer.with { knot in
            let web = try S.Listener("127.0.0.10"), tls = try S.Listener("127.0.0.10")
            let opts = PreflightCommand.Options(
                domain: "good.test", serverIPs: ["127.0.0.10"], apps: ["umami,listmonk"],
                dkimSelectors: ["mail", "ed"], resolver: knot.resolver, timeout: 5, webPorts: [web.port, tls.port])
            let (report, status, json) = try await S.run(opts)
            let bad = report.checks.filter { $0.status != .ok && $0.status != .skipped }
            #expect(bad.isEmpty, "unexpected: \(bad)")
            #expect(status == .success)
            // The CNAME chain is followed and named.
            #expect(report.result("dns.a", "listmonk.good.test")?.message.contains("web.good.test → front.good.test") == true)
            // The 4096-bit key came as several strings and was joined before decoding.
            #expect(report.result("dkim.key-size", "mail._domainkey.good.test")?.message == "RSA key of 4096 bits")
            #expect(report.result("dkim.record", "ed._domainkey.good.test")?.message.contains("ed25519") == true)
            #expect(report.result("dmarc.report-auth", "good.test._report._dmarc.reports.test")?.status == .ok)
            #expect(report.result("spf.lookups", "good.test")?.message == "2/10 DNS lookups")
            #expect(report.results("dmarc.bulk-senders").count == 3)
            #expect(json.contains("\"fix\" : null"))
            // esp.* and host.* don't apply here: skipped, not silently absent.
            #expect(report.results("esp.dkim").first?.status == .skipped)
            #expect(report.results("host.docker").first?.status == .skipped)
            // Every check id appears, so CI can rely on them.
            #expect(Set(report.checks.map(\.id)) == Set(PreflightChecks.all.map(\.id)))
        }
    }

    @Test func launchDayMistakesAreErrorsWithFixes() async throws {
        guard KnotServer.available() else { return }
        try await KnotServer.with { knot in
            let opts = PreflightCommand.Options(
                domain: "bad.test", serverIPs: ["127.0.0.10"], apps: ["umami", "listmonk"],
                dkimSelectors: ["weak", "tiny", "split", "pkcs1"], resolver: knot.resolver, timeout: 5, webPorts: [])
            let (r, status, _) = try await S.run(opts)
            #expect(status == .problems)
            let stale = try #require(r.result("dns.aaaa", "umami.bad.test"))
            #expect(stale.status == .error)
            #expect(stale.message.contains("stale AAAA 2001:db8::1"))
            #expect(stale.fix?.contains("umami.bad.test. 3600 IN AAAA 2001:db8::1") == true)
            let wrongA = try #require(r.result("dns.a", "listmonk.bad.test"))
            #expect(wrongA.status == .error)
            #expect(wrongA.fix?.contains("listmonk.bad.test. 3600 IN A 127.0.0.10") == true)
            let caa = try #require(r.result("caa.letsencrypt", "umami.bad.test"))
            #expect(caa.status == .error)
            #expect(caa.message.contains("digicert.com"))
            #expect(caa.fix == "bad.test. 3600 IN CAA 0 issue \"letsencrypt.org\"")
            let spf = try #require(r.result("spf.record", "bad.test"))
            #expect(spf.status == .error)
            #expect(spf.fix?.contains("\"v=spf1 mx include:amazonses.com ~all\"") == true)
            #expect(r.result("dmarc.record", "_dmarc.bad.test")?.status == .error)
            #expect(r.results("dmarc.bulk-senders").allSatisfy { $0.status == .error })
            #expect(r.result("mx.records", "bad.test")?.status == .warning)
            #expect(r.result("dkim.key-size", "weak._domainkey.bad.test")?.status == .warning)
            #expect(r.result("dkim.key-size", "weak._domainkey.bad.test")?.message.contains("1024 bits") == true)
            #expect(r.result("dkim.key-size", "tiny._domainkey.bad.test")?.status == .error)
            #expect(r.result("dkim.key-size", "pkcs1._domainkey.bad.test")?.message.contains("1024 bits") == true)
            let split = try #require(r.result("dkim.record", "split._domainkey.bad.test"))
            #expect(split.status == .error)
            #expect(split.message.contains("2 TXT records"))
            // The fix joins the halves in the right order, whatever order DNS returned them in.
            let joinedLine = try #require(split.fix?.split(separator: "\n").last.map(String.init))
            #expect(joinedLine.hasPrefix("split._domainkey.bad.test. 3600 IN TXT \"v=DKIM1; k=rsa; p=MII"))
        }
    }

    @Test func spfChainsOverTheLimitVoidLookupsAndDKIMFlags() async throws {
        guard KnotServer.available() else { return }
        try await KnotServer.with { knot in
            let opts = PreflightCommand.Options(
                domain: "chain.test", dkimSelectors: ["testing", "sha", "revoked"], resolver: knot.resolver, timeout: 5, webPorts: [])
            let (r, status, _) = try await S.run(opts)
            #expect(status == .problems)
            let lookups = try #require(r.result("spf.lookups", "chain.test"))
            #expect(lookups.status == .error)
            // Evaluation stops at the 11th lookup, as receivers do (RFC 7208 §4.6.4): a:gone2 in s2
            // is never asked, so one void lookup (gone1) was seen before the stop.
            #expect(lookups.message.hasPrefix("more than 10 DNS lookups, limit 10"), "\(lookups.message)")
            #expect(lookups.message.contains("evaluation stops at a:gone2.chain.test in s2.chain.test"), "\(lookups.message)")
            #expect(lookups.message.contains("include:s1.chain.test costs 8"))
            let voids = try #require(r.result("spf.void-lookups", "chain.test"))
            #expect(voids.status == .warning)
            #expect(voids.message.hasPrefix("1 void lookup"), "\(voids.message)")
            #expect(r.result("spf.all", "chain.test")?.status == .warning)
            // s3 (with its ptr term) comes after the 11th lookup: receivers never read it, and
            // neither does preflight now (before, spf.syntax warned about its ptr).
            #expect(r.result("spf.syntax", "chain.test")?.message.contains("ptr") == false)
            #expect(r.result("dkim.flags", "testing._domainkey.chain.test")?.status == .warning)
            #expect(r.result("dkim.flags", "sha._domainkey.chain.test")?.status == .error)
            #expect(r.result("dkim.record", "revoked._domainkey.chain.test")?.message.contains("revoked") == true)
            #expect(r.result("dmarc.record", "_dmarc.chain.test")?.status == .warning)
            let auth = try #require(r.result("dmarc.report-auth", "chain.test._report._dmarc.reports.test"))
            #expect(auth.status == .warning)
            #expect(auth.fix?.contains("chain.test._report._dmarc.reports.test. 3600 IN TXT \"v=DMARC1\"") == true)
        }
    }

    @Test func loopsEndWithLocatedErrors() async throws {
        guard KnotServer.available() else { return }
        try await KnotServer.with { knot in
            let opts = PreflightCommand.Options(
                domain: "loop.test", serverIPs: ["127.0.0.10"], apps: ["umami", "listmonk"], resolver: knot.resolver, timeout: 5, webPorts: [])
            let (r, _, _) = try await S.run(opts)
            let loop = try #require(r.result("spf.lookups", "loop.test"))
            #expect(loop.status == .error)
            #expect(loop.message.contains("include loop: loop.test → a.loop.test → b.loop.test → a.loop.test"))
            let cname = try #require(r.result("dns.a", "umami.loop.test"))
            #expect(cname.status == .error)
            #expect(cname.message.contains("CNAME loop"))
            #expect(r.result("caa.letsencrypt", "listmonk.loop.test")?.message.contains("critical tag(s) tbs") == true)
            #expect(r.result("caa.letsencrypt", "umami.loop.test")?.message.contains("CNAME loop") == true)
            #expect(r.result("dmarc.record", "_dmarc.loop.test")?.message.contains("2 DMARC records") == true)
        }
    }

    @Test func sesProfileWithCNAMEdDKIMAndDoubledDomain() async throws {
        guard KnotServer.available() else { return }
        try await KnotServer.with { knot in
            let opts = PreflightCommand.Options(
                domain: "ses.test", esp: "amazon-ses", dkimSelectors: ["tok1", "tok2", "tok3", "tok4"], returnPath: "mail",
                resolver: knot.resolver, timeout: 5, webPorts: [])
            let (r, status, _) = try await S.run(opts)
            #expect(status == .problems)
            #expect(r.result("esp.dkim", "tok1._domainkey.ses.test")?.status == .ok)
            #expect(r.result("dkim.record", "tok1._domainkey.ses.test")?.message.contains("via CNAME tok1.dkim.amazonses.com") == true)
            #expect(r.result("dkim.key-size", "tok2._domainkey.ses.test")?.message == "RSA key of 2048 bits")
            let doubled = try #require(r.result("esp.dkim", "tok3._domainkey.ses.test"))
            #expect(doubled.status == .error)
            #expect(doubled.message.contains("tok3._domainkey.ses.test.ses.test exists"))
            let inactive = try #require(r.result("dkim.record", "tok4._domainkey.ses.test"))
            #expect(inactive.message.contains("not activated"))
            #expect(r.result("esp.return-path", "mail.ses.test")?.status == .ok)
            #expect(r.result("esp.spf", "mail.ses.test")?.status == .ok)
            #expect(r.result("spf.record", "mail.ses.test")?.status == .ok)
            #expect(r.result("spf.lookups", "mail.ses.test")?.message == "1/10 DNS lookups")
        }
    }

    @Test func espRecordsMissingArePrintedAsZoneLines() async throws {
        guard KnotServer.available() else { return }
        try await KnotServer.with { knot in
            let opts = PreflightCommand.Options(domain: "good.test", esp: "sendgrid", returnPath: "em1234",
                                                resolver: knot.resolver, timeout: 5, webPorts: [])
            let (r, _, _) = try await S.run(opts)
            let s1 = try #require(r.result("esp.dkim", "s1._domainkey.good.test"))
            #expect(s1.status == .error)
            #expect(s1.fix == "s1._domainkey.good.test. 3600 IN CNAME s1.domainkey.u<from SendGrid>.wl<from SendGrid>.sendgrid.net.")
            #expect(r.result("esp.return-path", "em1234.good.test")?.status == .error)
        }
    }

    @Test func typosAndHalfFinishedSetups() async throws {
        guard KnotServer.available() else { return }
        try await KnotServer.with { knot in
            let opts = PreflightCommand.Options(
                domain: "typo.test", serverIPs: ["127.0.0.10", "::1"], apps: ["umami", "listmonk"], esp: "postmark",
                dkimSelectors: ["20240101000000pm"], resolver: knot.resolver, timeout: 5, webPorts: [])
            let (r, status, _) = try await S.run(opts)
            #expect(status == .problems)
            #expect(r.result("dns.aaaa", "umami.typo.test")?.status == .ok)
            #expect(r.result("dns.aaaa", "listmonk.typo.test")?.status == .warning)
            #expect(r.result("dns.a", "listmonk.typo.test")?.status == .ok)
            let caa = try #require(r.result("caa.letsencrypt", "umami.typo.test"))
            #expect(caa.status == .error && caa.message.contains("dns-01"))
            #expect(r.result("mx.records", "typo.test")?.message.contains("nowhere.typo.test has no A/AAAA record") == true)
            let syntax = try #require(r.result("spf.syntax", "typo.test"))
            #expect(syntax.status == .error)
            #expect(syntax.message.contains("invalid ip4 address 'ip4:192.0.2.300'"))
            #expect(syntax.message.contains("include target nospf.typo.test has no SPF record"))
            #expect(r.result("spf.void-lookups", "typo.test")?.status == .warning)
            #expect(r.result("dmarc.record", "_dmarc.typo.test")?.message.contains("p=maybe") == true)
            let rp = try #require(r.result("esp.return-path", "pm-bounces.typo.test"))
            #expect(rp.status == .error && rp.message.contains("typed twice"))
            #expect(rp.fix?.hasSuffix("pm-bounces.typo.test. 3600 IN CNAME pm.mtasv.net.") == true)
            #expect(r.result("esp.dkim", "20240101000000pm._domainkey.typo.test")?.status == .ok)
            #expect(r.result("dkim.key-size", "20240101000000pm._domainkey.typo.test")?.message == "RSA key of 2048 bits")
            #expect(r.result("esp.spf", "typo.test")?.status == .warning)  // optional for Postmark
        }
    }

    @Test func completeSendGridSetupPasses() async throws {
        guard KnotServer.available() else { return }
        try await KnotServer.with { knot in
            let web = try S.Listener("127.0.0.10"), tls = try S.Listener("127.0.0.10")
            let opts = PreflightCommand.Options(
                domain: "sg.test", serverIPs: ["127.0.0.10"], apps: ["umami"], esp: "sendgrid", returnPath: "em1234",
                resolver: knot.resolver, timeout: 5, webPorts: [web.port, tls.port])
            let (r, status, _) = try await S.run(opts)
            // sg.test publishes no MTA-STS, TLS-RPT or BIMI: optional, so `info`, never a problem.
            let bad = r.checks.filter { $0.status != .ok && $0.status != .skipped && $0.status != .info }
            #expect(bad.isEmpty, "unexpected: \(bad)")
            #expect(r.checks.filter { $0.status == .info }.map(\.id) == ["mta-sts.record", "tlsrpt.record", "bimi.record"])
            #expect(status == .success)
            #expect(r.result("esp.dkim", "s2._domainkey.sg.test")?.message == "CNAME → s2.domainkey.u123.wl45.sendgrid.net")
            #expect(r.result("esp.return-path", "em1234.sg.test")?.status == .ok)
            #expect(r.results("dmarc.bulk-senders").allSatisfy { $0.status == .ok })
        }
    }

    @Test func mailgunSendingSubdomain() async throws {
        guard KnotServer.available() else { return }
        try await KnotServer.with { knot in
            let opts = PreflightCommand.Options(domain: "good.test", esp: "mailgun", resolver: knot.resolver, timeout: 5, webPorts: [])
            let (r, _, _) = try await S.run(opts)
            #expect(r.result("esp.dkim", "pdk1._domainkey.mg.good.test")?.status == .ok)
            #expect(r.result("dkim.key-size", "pdk2._domainkey.mg.good.test")?.message == "RSA key of 2048 bits")
            #expect(r.result("esp.return-path", "mg.good.test")?.message == "MX mxa.mailgun.org, mxb.mailgun.org")
            #expect(r.result("esp.spf", "mg.good.test")?.status == .ok)
            #expect(r.result("spf.lookups", "mg.good.test")?.message == "2/10 DNS lookups")
            let bad = r.checks.filter { $0.status != .ok && $0.status != .skipped }
            #expect(bad.isEmpty, "unexpected: \(bad)")
        }
    }

    @Test func servfailIsReportedAsSuchNotAsMissing() async throws {
        guard KnotServer.available() else { return }
        try await KnotServer.with { knot in
            // broken.test is configured but fails to load: knotd answers SERVFAIL.
            let client = DNSClient(resolver: ResolverAddress(parsing: knot.resolver)!, timeout: .seconds(5))
            #expect(await client.query("broken.test", .txt) == .servfail)
            let opts = PreflightCommand.Options(domain: "broken.test", serverIPs: ["127.0.0.10"], apps: ["umami"],
                                                resolver: knot.resolver, timeout: 5, webPorts: [])
            let (r, status, _) = try await S.run(opts)
            #expect(status == .problems)
            for id in ["spf.record", "dns.a", "mx.records", "caa.letsencrypt"] {
                let result = try #require(r.results(id).first)
                #expect(result.status == .error, "\(id)")
                #expect(result.message.contains("SERVFAIL"), "\(id): \(result.message)")
            }
            #expect(r.result("dmarc.record", "_dmarc.broken.test")?.message.contains("could not check") == true)
        }
    }

    @Test func ipv6ResolverAddress() async throws {
        guard KnotServer.available(), KnotServer.ipv6Loopback else { return }
        try await KnotServer.with { knot in
            let resolver = try #require(ResolverAddress(parsing: "[::1]:\(knot.port)"))
            let client = DNSClient(resolver: resolver, timeout: .seconds(5))
            let lookup = await client.lookup("mail._domainkey.good.test", .txt)
            #expect(DKIMKey(parsing: try #require(TXT.texts(lookup).first)).rsaBits == 4096)
            // Over TCP too (truncated over UDP).
            #expect(TXT.texts(await client.lookup("big.good.test", .txt)).first?.utf8.count == 3 * 736)
        }
    }

    @Test func textChecklistShowsMarksAndFixes() async throws {
        guard KnotServer.available() else { return }
        try await KnotServer.with { knot in
            let out = BufferSink()
            let ctx = Context(stdout: out, stderr: BufferSink(), workingDirectory: URL(fileURLWithPath: "/"))
            let opts = PreflightCommand.Options(domain: "bad.test", serverIPs: ["127.0.0.10"], apps: ["umami"],
                                                resolver: knot.resolver, timeout: 5, webPorts: [])
            let status = try await PreflightCommand.run(opts, catalog: S.catalog(), providers: S.providers(), context: ctx)
            #expect(status == .problems)
            let text = out.text
            #expect(text.contains("✖ umami.bad.test stale AAAA"))
            #expect(text.contains("      fix:\n        ; delete: umami.bad.test. 3600 IN AAAA 2001:db8::1"))
            #expect(text.contains("✔ umami.bad.test A 127.0.0.10"))
            #expect(text.contains("! bad.test no MX record"))
        }
    }

    @Test func truncatedAnswersAreRetriedOverTCP() async throws {
        guard KnotServer.available() else { return }
        try await KnotServer.with { knot in
            let client = DNSClient(resolver: ResolverAddress(parsing: knot.resolver)!, timeout: .seconds(5))
            let lookup = await client.lookup("big.good.test", .txt)
            let text = try #require(TXT.texts(lookup).first)
            #expect(text.utf8.count == 3 * 736)  // > 1232 bytes: only TCP can carry it
        }
    }

    @Test func queriesRunConcurrently() async throws {
        guard KnotServer.available() else { return }
        try await KnotServer.with { knot in
            let client = DNSClient(resolver: ResolverAddress(parsing: knot.resolver)!, timeout: .seconds(5))
            let names = (0..<40).map { "n\($0).good.test" }
            let results = await withTaskGroup(of: DNSOutcome.self) { g in
                for n in names { g.addTask { await client.query(n, .a) } }
                var out: [DNSOutcome] = []
                for await r in g { out.append(r) }
                return out
            }
            #expect(results.allSatisfy { $0 == .nxdomain })
            #expect(await client.query("good.test", .txt) != .nxdomain)
            #expect(await client.query("umami.good.test", .aaaa) == .nodata)
            #expect(await client.query("elsewhere.example", .a) == .refused)
        }
    }
}
