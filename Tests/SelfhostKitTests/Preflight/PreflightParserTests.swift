import Foundation
import Testing
@testable import SelfhostKit

/// SPF, DKIM, DMARC, address and name parsing.
@Suite struct PreflightParserTests {
    static func key(_ name: String) throws -> String {
        try String(contentsOf: KnotServer.fixtures.appendingPathComponent("keys/\(name).b64"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func spfTermsAndErrors() {
        let r = SPFRecord(parsing: "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 a mx:mail.example.test/24 include:_spf.example.test ~all")
        #expect(r.errors.isEmpty)
        #expect(r.mechanisms.map(\.name) == ["ip4", "ip6", "a", "mx", "include", "all"])
        #expect(r.mechanisms.filter(\.queriesDNS).count == 3)
        #expect(r.all?.qualifier == .softfail)
        #expect(r.target(of: r.mechanisms[3], current: "example.test") == "mail.example.test")
        #expect(r.target(of: r.mechanisms[2], current: "example.test") == "example.test")

        let bad = SPFRecord(parsing: "v=spf1 ip4:192.0.2.300 include: foo:bar redirect=a.test redirect=b.test -all mx")
        #expect(bad.errors.contains("invalid ip4 address 'ip4:192.0.2.300'"))
        #expect(bad.errors.contains("'include' needs a domain: 'include:'"))
        #expect(bad.errors.contains("unknown mechanism 'foo:bar'"))
        #expect(bad.errors.contains("more than one redirect= modifier"))
        #expect(bad.warnings.contains { $0.contains("after 'all'") })
        #expect(SPFRecord.isSPF("v=spf1") && SPFRecord.isSPF("V=SPF1 -all") && !SPFRecord.isSPF("v=spf10"))
        #expect(SPFRecordCheck.merge(["v=spf1 mx -all", "v=spf1 include:amazonses.com ~all"]) == "v=spf1 mx include:amazonses.com -all")
    }

    @Test func dkimKeysAreMeasured() throws {
        for (name, bits) in [("k512", 512), ("k1024", 1024), ("k2048", 2048), ("k4096", 4096), ("k1024pkcs1", 1024)] {
            let k = DKIMKey(parsing: "v=DKIM1; k=rsa; p=\(try Self.key(name))")
            #expect(k.errors.isEmpty, "\(name): \(k.errors)")
            #expect(k.rsaBits == bits, "\(name)")
        }
        let ed = DKIMKey(parsing: "v=DKIM1; k=ed25519; p=\(try Self.key("ed"))")
        #expect(ed.errors.isEmpty && ed.keyBytes == 32)
        #expect(DKIMKey(parsing: "v=DKIM1; p=").revoked)
        let flags = DKIMKey(parsing: "v=DKIM1; h=sha1; t=y:s; p=\(try Self.key("k2048"))")
        #expect(flags.testing && flags.hashes == ["sha1"])
        #expect(DKIMKey(parsing: "k=rsa; v=DKIM1; p=AAAA").errors.contains("v= must be the first tag"))
        #expect(DKIMKey(parsing: "v=DKIM1; p=!!notbase64").errors.contains("p= is not valid base64"))
        #expect(DKIMKey(parsing: "v=DKIM1; k=dsa; p=AAAA").errors.contains { $0.contains("unknown key type") })
        #expect(DKIMKey(parsing: "v=DKIM1; k=rsa").errors.contains { $0.contains("no p=") })
        // Whitespace inside p= (folded by DNS panels) is ignored.
        let k = try Self.key("k2048")
        let folded = DKIMKey(parsing: "v=DKIM1; p=\(k.prefix(100)) \(k.dropFirst(100))")
        #expect(folded.rsaBits == 2048)
    }

    @Test func dmarcTags() {
        let r = DMARCRecord(parsing: "v=DMARC1; p=reject; sp=quarantine; adkim=s; pct=50; rua=mailto:a@x.test!10m,mailto:b@example.test; fo=1:d")
        #expect(r.errors.isEmpty)
        #expect(r.warnings.contains { $0.contains("pct=50") })
        #expect(r.reportAddresses.map(\.domain) == ["x.test", "example.test"])
        let bad = DMARCRecord(parsing: "p=maybe; v=DMARC1; adkim=x; pct=200; rua=http://x; fo=9")
        #expect(bad.errors.count == 6, "\(bad.errors)")
        #expect(DMARCRecord(parsing: "v=DMARC1; rua=mailto:a@b.test").warnings.contains { $0.contains("no p=") })
    }

    @Test func addressesResolversAndNames() {
        #expect(IPAddress("127.0.0.10")?.family == .v4)
        #expect(IPAddress("2001:DB8:0:0:0:0:0:1")?.text == "2001:db8::1")
        #expect(IPAddress("::ffff:192.0.2.1")?.text == "::ffff:192.0.2.1")
        #expect(IPAddress("203.0.113") == nil && IPAddress("example.com") == nil && IPAddress("1.2.3.256") == nil)
        #expect(ResolverAddress(parsing: "127.0.0.1:5300")?.port == 5300)
        #expect(ResolverAddress(parsing: "[::1]:53")?.ip.text == "::1")
        #expect(ResolverAddress(parsing: "::1")?.port == 53)
        #expect(ResolverAddress(parsing: "127.0.0.1:0") == nil && ResolverAddress(parsing: "resolver") == nil)
        #expect(ResolverAddress.fromResolvConf("# x\nsearch lan\nnameserver fe80::1%eth0\n")?.ip.text == "fe80::1")
        #expect(DomainName.normalize("Example.COM.") == "example.com")
        #expect(DomainName.normalize("https://example.com") == nil)
        #expect(DomainName.normalize("example") == nil && DomainName.normalize("-a.com") == nil && DomainName.normalize("1.2.3.4") == nil)
        #expect(DomainName.relative("s1._domainkey.example.com", to: "example.com") == "s1._domainkey")
    }

    @Test func espPatterns() throws {
        #expect(EmailProvider.matches("s1.domainkey.u123.wl45.sendgrid.net", pattern: "s1.domainkey.u*.wl*.sendgrid.net"))
        #expect(!EmailProvider.matches("s1.domainkey.u123.evil.net", pattern: "s1.domainkey.u*.wl*.sendgrid.net"))
        #expect(!EmailProvider.matches("feedback-smtp.a.b.amazonses.com", pattern: "feedback-smtp.*.amazonses.com"))
        #expect(EmailProvider.expand("b*.{domain_dashes}.dkim.brevo.com", domain: "example.com") == "b*.example-com.dkim.brevo.com")
        let all = try PreflightTestSupport.providers()
        #expect(Set(all.map(\.id)).isSuperset(of: ["ses", "sendgrid", "mailgun", "postmark", "brevo", "mailtrap"]))
        #expect(try EmailProviders.find("SendInBlue", in: all).id == "brevo")
        #expect(throws: SelfhostError.self) { try EmailProviders.find("sendgird", in: all) }
        do { _ = try EmailProviders.find("sendgird", in: all) } catch let e as SelfhostError {
            #expect(e.remedy?.contains("did you mean 'sendgrid'") == true)
        }
    }

    @Test func caaParameters() {
        func eval(_ values: [(UInt8, String, String)]) -> CheckResult {
            CAACheck.evaluate(CAACheck.definition, host: "app.example.test", at: "example.test",
                              records: values.map { .caa(flags: $0.0, tag: $0.1, value: $0.2) })
        }
        #expect(eval([(0, "issue", "letsencrypt.org")]).status == .ok)
        #expect(eval([(0, "issue", " LetsEncrypt.org ; validationmethods=http-01")]).status == .ok)
        #expect(eval([(0, "issue", "letsencrypt.org; accounturi=https://acme-v02.api.letsencrypt.org/acme/acct/1")]).status == .warning)
        #expect(eval([(0, "issue", ";")]).message.contains("\";\" (nobody)"))
        #expect(eval([(0, "iodef", "mailto:x@example.test")]).status == .ok)
        #expect(eval([(0, "issuewild", "digicert.com")]).status == .ok)  // wildcards only
        #expect(eval([(128, "issue", "letsencrypt.org"), (128, "future", "x")]).status == .error)
        #expect(eval([(0, "future", "x"), (0, "issue", "letsencrypt.org")]).status == .ok)  // non-critical unknown: ignored
    }

    @Test func everyCheckHasAStableDocumentedID() throws {
        let doc = try String(contentsOf: TestSupport.repoRoot.appendingPathComponent("docs/PREFLIGHT.md"), encoding: .utf8)
        let families: Set<String> = ["dns", "caa", "spf", "dkim", "dmarc", "mx", "esp", "port", "host", "mta-sts", "tlsrpt", "bimi", "https"]
        let ids = PreflightChecks.all.map(\.id)
        #expect(Set(ids).count == ids.count)
        for check in PreflightChecks.all {
            let parts = check.id.split(separator: ".")
            #expect(parts.count == 2 && families.contains(String(parts[0])), "\(check.id)")
            #expect(doc.contains("| `\(check.id)` |"), "\(check.id) is not in docs/PREFLIGHT.md")
            #expect(!check.summary.isEmpty && !check.fix.isEmpty)
        }
        for key in ["domain", "resolver", "summary", "checks[]", "checks[].id", "checks[].status", "checks[].subject",
                    "checks[].message", "checks[].fix", "queries", "elapsed_ms"] {
            #expect(doc.contains("| `\(key)` |"), "JSON key \(key) is not documented")
        }
    }

    @Test func zoneLinesSplitLongTXT() {
        let line = ZoneLine.txt("k._domainkey.example.com", String(repeating: "a", count: 300))
        #expect(line == "k._domainkey.example.com. 3600 IN TXT \"\(String(repeating: "a", count: 255))\" \"\(String(repeating: "a", count: 45))\"")
    }
}
