import Foundation
import Testing
@testable import SelfhostKit

/// The fixes preflight prints: SPF fixes are records our own parser accepts, records split into
/// strings without a space are recognised, and every fix line is a record or a `;` comment.
@Suite("Preflight fixes", .serialized)
struct PreflightFixTests {
    typealias S = PreflightTestSupport

    /// Every fix line is a zone-file record (absolute name, TTL, IN, type) or a `;` comment.
    static func checkLines(_ r: PreflightCommand.Report, _ scenario: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let record = #/^[a-z0-9_.*-]+\. [0-9]+ IN [A-Z]+ .+$/#
        for c in r.checks {
            guard let fix = c.fix else { continue }
            for line in fix.split(separator: "\n", omittingEmptySubsequences: false) {
                let ok = line.hasPrefix("; ") || line.wholeMatch(of: record) != nil
                #expect(ok, "\(scenario) \(c.id) \(c.subject): fix line is neither a record nor a comment: \(line)", sourceLocation: sourceLocation)
            }
        }
    }

    /// The TXT data of a zone line (`"a" "b"` → "ab"), unescaping `\"`.
    static func txtData(_ line: Substring) -> String? {
        guard let r = line.range(of: " IN TXT ") else { return nil }
        var out = "", inString = false, escaped = false
        for ch in line[r.upperBound...] {
            if escaped { out.append(ch); escaped = false; continue }
            if ch == "\\" { escaped = true; continue }
            if ch == "\"" { inString.toggle(); continue }
            if inString { out.append(ch) }
        }
        return out
    }

    /// Every SPF record a fix suggests (not the `; delete:` ones) parses without errors.
    static func checkSPFFixes(_ r: PreflightCommand.Report, _ scenario: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Int {
        var n = 0
        for c in r.checks {
            guard let fix = c.fix else { continue }
            for line in fix.split(separator: "\n") where !line.hasPrefix(";") {
                guard let text = txtData(line), SPFRecord.isSPF(text) else { continue }
                n += 1
                let parsed = SPFRecord(parsing: text)
                #expect(parsed.errors.isEmpty, "\(scenario) \(c.id) \(c.subject) suggests an invalid SPF record \(text): \(parsed.errors)",
                        sourceLocation: sourceLocation)
            }
        }
        return n
    }

    @Test func recordSplitWithoutASpaceIsNamedAndFixed() async throws {
        guard KnotServer.available() else { return }
        try await KnotServer.with { knot in
            let (r, status, _) = try await S.run(PreflightCommand.Options(domain: "join.test", resolver: knot.resolver, timeout: 5, webPorts: []))
            #expect(status == .problems)
            let syntax = try #require(r.result("spf.syntax", "join.test"))
            #expect(syntax.status == .error)
            #expect(syntax.message.contains("the record's strings are joined without a space"))
            #expect(syntax.message.contains("'ip4:127.0.0.11-all'"))
            // Not repeated as an "invalid ip4" error: the missing space explains it.
            #expect(!syntax.message.contains("invalid ip4"), "\(syntax.message)")
            #expect(syntax.fix?.contains("join.test. 3600 IN TXT \"v=spf1 ip4:127.0.0.11 -all\"") == true, "\(syntax.fix ?? "")")
            #expect(syntax.fix?.contains("v=spf1 ip4:127.0.0.11-all\"") == false)
            // spf.all judges the record as corrected and never suggests "…-all ~all".
            let all = try #require(r.result("spf.all", "join.test"))
            #expect(all.status == .ok && all.message.contains("ends with -all"), "\(all)")
            #expect(all.fix == nil)
            // The record exists: bulk-sender rules call it invalid, not missing.
            let gmail = try #require(r.results("dmarc.bulk-senders").first)
            #expect(gmail.status == .error)
            #expect(gmail.message.contains("invalid SPF on join.test"), "\(gmail.message)")
            #expect(!gmail.message.contains("missing SPF"))
            #expect(Self.checkSPFFixes(r, "join.test") >= 1)
            Self.checkLines(r, "join.test")
        }
    }

    @Test func versionTermInItsOwnStringIsNotMissingSPF() async throws {
        guard KnotServer.available() else { return }
        try await KnotServer.with { knot in
            let (r, _, _) = try await S.run(PreflightCommand.Options(domain: "join.test", esp: "ses", returnPath: "mail",
                                                                     resolver: knot.resolver, timeout: 5, webPorts: []))
            let rec = try #require(r.result("spf.record", "mail.join.test"))
            #expect(rec.status == .error)
            #expect(rec.message.contains("joined without a space") && rec.message.contains("'v=spf1include:amazonses.com -all'"), "\(rec.message)")
            #expect(rec.fix?.hasSuffix("mail.join.test. 3600 IN TXT \"v=spf1 include:amazonses.com -all\"") == true, "\(rec.fix ?? "")")
            #expect(r.results("dmarc.bulk-senders").allSatisfy { $0.message.contains("invalid SPF on mail.join.test") }, "\(r.results("dmarc.bulk-senders"))")
            #expect(Self.checkSPFFixes(r, "join.test/ses") >= 1)
            Self.checkLines(r, "join.test/ses")
        }
    }

    /// Every scenario of the fixture zones: each SPF fix parses, each fix line is a record or a comment.
    @Test func everySPFFixParsesAndEveryFixLineIsARecordOrAComment() async throws {
        guard KnotServer.available() else { return }
        try await KnotServer.with { knot in
            let scenarios: [(String, PreflightCommand.Options)] = [
                ("good", .init(domain: "good.test", serverIPs: ["127.0.0.10"], apps: ["umami,listmonk"], dkimSelectors: ["mail", "ed"])),
                ("bad", .init(domain: "bad.test", serverIPs: ["127.0.0.10"], apps: ["umami", "listmonk"], dkimSelectors: ["weak", "tiny", "split", "pkcs1"])),
                ("bad+ses", .init(domain: "bad.test", esp: "ses", returnPath: "mail")),
                ("chain", .init(domain: "chain.test", dkimSelectors: ["testing", "sha", "revoked"])),
                ("chain+postmark", .init(domain: "chain.test", esp: "postmark")),
                ("loop", .init(domain: "loop.test", serverIPs: ["127.0.0.10"], apps: ["umami", "listmonk"])),
                ("typo", .init(domain: "typo.test", serverIPs: ["127.0.0.10", "::1"], apps: ["umami", "listmonk"], esp: "postmark",
                               dkimSelectors: ["20240101000000pm"])),
                ("typo+brevo", .init(domain: "typo.test", esp: "brevo")),
                ("ses", .init(domain: "ses.test", esp: "ses", dkimSelectors: ["tok1", "tok2", "tok3", "tok4"], returnPath: "mail")),
                ("good+sendgrid", .init(domain: "good.test", esp: "sendgrid", returnPath: "em1234")),
                ("good+mailgun", .init(domain: "good.test", esp: "mailgun")),
                ("sg", .init(domain: "sg.test", serverIPs: ["127.0.0.10"], apps: ["umami"], esp: "sendgrid", returnPath: "em1234")),
                ("join", .init(domain: "join.test", esp: "mailtrap", returnPath: "mt35")),
                ("join+ses", .init(domain: "join.test", esp: "ses", returnPath: "mail")),
                ("broken", .init(domain: "broken.test", serverIPs: ["127.0.0.10"], apps: ["umami"])),
                ("missing zone", .init(domain: "nowhere.test", serverIPs: ["127.0.0.10"], apps: ["umami"], esp: "ses", returnPath: "mail")),
            ]
            var spfFixes = 0
            for (name, var o) in scenarios {
                o.resolver = knot.resolver
                o.timeout = 5
                o.webPorts = []
                let (r, _, _) = try await S.run(o)
                spfFixes += Self.checkSPFFixes(r, name)
                Self.checkLines(r, name)
            }
            // The scenarios do exercise SPF fixes: spf.record, spf.syntax, spf.all, spf.lookups, esp.spf.
            #expect(spfFixes >= 10, "only \(spfFixes) SPF fixes seen")
        }
    }

    /// A resolver that can't be reached, and one that never answers: one `resolver.reachable`
    /// error with comment fixes, exit 2, instead of every DNS check failing with the same fix.
    @Test func deadResolverIsOneErrorWithCommentFixes() async throws {
        let (refused, status, _) = try await S.run(PreflightCommand.Options(domain: "example.test", resolver: "127.0.0.1:9", timeout: 0.5, webPorts: []))
        #expect(status == .usage)
        #expect(refused.checks.count == 1, "\(refused.checks)")
        let one = try #require(refused.result("resolver.reachable", "127.0.0.1:9"))
        #expect(one.status == .error)
        #expect(one.message.hasPrefix("resolver unreachable: none of "), "\(one)")
        #expect(one.message.contains("Connection refused"))
        #expect(one.fix?.hasPrefix("; check that a DNS server listens there: dig @127.0.0.1 -p 9 example.test SOA") == true, "\(one)")
        Self.checkLines(refused, "refused")

        let silent = try PreflightRuntimeTests.SilentResolver()
        let (timedOut, status2, _) = try await S.run(PreflightCommand.Options(domain: "example.test", resolver: "127.0.0.1:\(silent.port)", timeout: 0.3, webPorts: []))
        #expect(status2 == .usage)
        #expect(timedOut.checks.map(\.id) == ["resolver.reachable"])
        #expect(timedOut.checks.first?.message.contains("got an answer within 0.3 s") == true)
        Self.checkLines(timedOut, "timeout")
    }

    /// knotd answers REFUSED for zones it doesn't serve: all of them refused is one error with a
    /// fix naming a recursive resolver; some refused gets that fix on the check, and the CAA
    /// line doesn't pass a local REFUSED off as a CA's answer.
    @Test func refusedAnswersGetAClearFix() async throws {
        guard KnotServer.available() else { return }
        try await KnotServer.with { knot in
            let (all, status, _) = try await S.run(PreflightCommand.Options(domain: "example.com", resolver: knot.resolver, timeout: 5, webPorts: []))
            #expect(status == .usage)
            let one = try #require(all.results("resolver.reachable").first)
            #expect(all.checks.count == 1)
            #expect(one.message.contains("resolver refuses this machine") && one.message.contains("REFUSED"), "\(one)")
            #expect(one.fix?.contains("pass a recursive resolver with `--resolver IP[:PORT]`") == true)

            let (some, status2, _) = try await S.run(PreflightCommand.Options(
                domain: "good.test", serverIPs: ["127.0.0.10"], apps: ["umami"], hosts: ["umami=umami.example.com"],
                resolver: knot.resolver, timeout: 5, webPorts: []))
            #expect(status2 == .problems)
            #expect(some.results("resolver.reachable").isEmpty)
            let a = try #require(some.result("dns.a", "umami.example.com"))
            #expect(a.status == .error)
            #expect(a.fix?.contains("; the resolver refused the query") == true, "\(a)")
            #expect(a.fix?.contains("--resolver IP[:PORT]") == true)
            let caa = try #require(some.result("caa.letsencrypt", "umami.example.com"))
            #expect(caa.message == "could not check CAA: CAA query for umami.example.com got REFUSED by the resolver", "\(caa)")
            #expect(!caa.message.contains("forbid"))
            Self.checkLines(some, "some refused")
        }
    }

    @Test func fixesBuiltFromBrokenRecordsParse() {
        // (published strings, no-SPF include targets, expected corrected record)
        let cases: [([String], Set<String>, String?)] = [
            (["v=spf1 ip4:127.0.0.11", "-all"], [], "v=spf1 ip4:127.0.0.11 -all"),
            (["v=spf1 mx", "~all"], [], "v=spf1 mx ~all"),
            (["v=spf1", "include:amazonses.com -all"], [], "v=spf1 include:amazonses.com -all"),
            (["v=spf1 include:amazonses.com", "-all"], [], "v=spf1 include:amazonses.com -all"),
            (["v=spf1 ip4:192.0.2.1 ", "-all"], [], nil),  // has its space: nothing to correct
            (["v=spf1 include:_spf.goo", "gle.com ~all"], [], nil),  // split inside a term on purpose
            (["v=spf1 ip4:10.0.0.1", "0 -all"], [], nil),  // ip4:10.0.0.10 is valid as joined
            (["v=spf1 ip4:192.0.2.300 mx -all"], [], "v=spf1 mx -all"),
            (["v=spf1 include:nospf.test a:gone.test -all"], ["nospf.test"], "v=spf1 a:gone.test -all"),
            (["v=spf1 foo:bar include: redirect=a.test redirect=b.test all:x"], [], "v=spf1 redirect=a.test"),
            (["v=spf1 ip6:2001:db8::/129 ip4:192.0.2.0/33 ~all"], [], "v=spf1 ~all"),
            (["v=spf1 mx ", "ip4:1.2.3.4", "-all"], [], "v=spf1 mx ip4:1.2.3.4 -all"),
        ]
        for (strings, noSPF, expected) in cases {
            let record = SPFRecord(parsing: strings.joined(), strings: strings)
            let c = SPFCorrection(record, noSPF: noSPF)
            let corrected = c.record
            #expect(corrected != nil, "\(strings): no record that parses")
            if let corrected {
                #expect(SPFRecord(parsing: corrected).errors.isEmpty, "\(strings) → \(corrected)")
            }
            if let expected {
                #expect(c.changed && corrected == expected, "\(strings) → \(corrected ?? "nil")")
            } else {
                #expect(!c.changed && corrected == record.text, "\(strings) → \(corrected ?? "nil"), \(c.joins)")
            }
        }
        // The merged record of several SPF records leaves out terms that don't parse.
        let merged = SPFRecordCheck.merge(["v=spf1 mx ip4:192.0.2.300 -all", "v=spf1 include:amazonses.com ~all"])
        #expect(merged == "v=spf1 mx include:amazonses.com -all")
        #expect(SPFCorrection.spaceJoined(["v=spf1 ip4:127.0.0.11", "-all"])?.joins == [.init(glued: "ip4:127.0.0.11-all", meant: "ip4:127.0.0.11 -all")])
    }

    @Test func typoZoneFixDropsTheBadTermsAndSaysSo() async throws {
        guard KnotServer.available() else { return }
        try await KnotServer.with { knot in
            let (r, _, _) = try await S.run(PreflightCommand.Options(domain: "typo.test", resolver: knot.resolver, timeout: 5, webPorts: []))
            let syntax = try #require(r.result("spf.syntax", "typo.test"))
            let lines = syntax.fix?.split(separator: "\n").map(String.init) ?? []
            #expect(lines.last == "typo.test. 3600 IN TXT \"v=spf1 a:gone.typo.test -all\"", "\(lines)")
            #expect(lines.contains { $0.hasPrefix("; removed") && $0.contains("ip4:192.0.2.300") && $0.contains("include:nospf.typo.test") })
            // An include of a name without SPF is a permerror: the record is invalid, not missing.
            #expect(r.results("dmarc.bulk-senders").first?.message.contains("invalid SPF on typo.test (see spf.syntax)") == true)
        }
    }

    @Test func returnPathTimeoutAndHostAreCheckedAsInput() async throws {
        func usage(_ o: PreflightCommand.Options) async -> SelfhostError? {
            do { _ = try await S.run(o); return nil } catch let e as SelfhostError { return e } catch { return nil }
        }
        let base = PreflightCommand.Options(domain: "b.test", resolver: "127.0.0.1:9", timeout: 0.5, webPorts: [])
        // The return path must be a proper subdomain: on the apex, SES's feedback MX would take all inbound mail.
        for given in ["b.test", "B.TEST.", "b.test."] {
            var o = base; o.esp = "ses"; o.returnPath = given
            let e = await usage(o)
            #expect(e?.status == .usage, "\(given)")
            #expect(e?.message.contains("must be a subdomain of b.test") == true, "\(e?.message ?? "nil")")
        }
        var o = base; o.esp = "ses"; o.returnPath = "mail.b.test."
        #expect(await usage(o) == nil)

        for t in [0.05, 0, -1, 61, Double.nan] {
            o = base; o.timeout = t
            let e = await usage(o)
            #expect(e?.status == .usage && e?.message.contains("--timeout") == true, "\(t)")
        }
        for t in [0.1, 60] {
            o = base; o.timeout = t
            #expect(await usage(o) == nil, "\(t)")
        }

        o = base; o.hosts = ["umami=x"]
        let host = try #require(await usage(o))
        #expect(host.message == "--host names app 'umami', which is not in --apps")
        #expect(host.remedy == "add --apps umami and --server-ip with the server's address", "\(host.remedy ?? "nil")")
        o = base; o.serverIPs = ["127.0.0.10"]; o.apps = ["listmonk"]; o.hosts = ["umami=stats.b.test"]
        #expect(await usage(o)?.remedy == "add --apps listmonk,umami")
    }

    @Test func returnPathOnTheApexExitsTwo() throws {
        let apex = try TestSupport.run(["preflight", "--domain", "b.test", "--esp", "ses", "--return-path", "b.test", "--resolver", "127.0.0.1:9"])
        #expect(apex.status == 2 && apex.stdout.isEmpty)
        #expect(apex.stderr.contains("must be a subdomain of b.test"), "\(apex.stderr)")
        let short = try TestSupport.run(["preflight", "--domain", "b.test", "--timeout", "0.05", "--resolver", "127.0.0.1:9"])
        #expect(short.status == 2 && short.stderr.contains("between 0.1 and 60"), "\(short.stderr)")
    }
}
