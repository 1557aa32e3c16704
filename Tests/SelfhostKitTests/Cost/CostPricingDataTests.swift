import Foundation
import Testing
import Yams
@testable import SelfhostKit

@Suite("Cost: pricing data files")
struct CostPricingDataTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    @Test func everyPricingFileLoads() throws {
        let catalog = try PricingCatalog.load(from: .embedded)
        for id in ["aws", "gcp", "azure", "digitalocean", "hetzner", "linode", "vultr"] { #expect(catalog.provider(id) != nil, "\(id)") }
        for id in ["mailchimp", "slack", "plausible", "heroku", "posthog", "intercom", "ses", "sendgrid", "postmark"] { #expect(catalog.saasProduct(id) != nil, "\(id)") }
        for id in ["ovh", "mailgun"] { #expect(catalog.unsourced.contains { $0.id == id }, "\(id) is listed with notes") }
        // A provider leaves the unsourced list only with a real plan table.
        for id in ["linode", "vultr", "gcp"] {
            #expect(!catalog.unsourced.contains { $0.id == id }, "\(id)")
            #expect((catalog.provider(id)?.plans.count ?? 0) >= 2, "\(id) has a plan table")
        }
        #expect(catalog.exchangeRate?.usdPerEUR.value == Decimal(string: "1.1172"))
        let files = ResourceStore.embedded.files(under: PricingCatalog.directory)
        #expect(files.count == catalog.providers.count + catalog.saas.count + catalog.unsourced.count + 1)
    }

    /// Independent of the loader: walks every YAML file and checks that each mapping holding a
    /// price-like key also has `as_of` and a `source` that resolves to an http(s) URL.
    @Test func everyFigureHasSourceAndAsOf() throws {
        let dir = Self.repo.appendingPathComponent("catalog/pricing")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".yaml") }
        #expect(names.count >= 15)
        let moneyKeys: Set<String> = ["price", "monthly", "hourly", "value", "percent"]
        var figures = 0
        for name in names {
            let text = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
            let node = try #require(try Yams.compose(yaml: text), "\(name)")
            var sources: [String: String] = [:]
            if let list = node["sources"]?.sequence {
                for s in list {
                    let id = try #require(s["id"]?.scalar?.string)
                    let url = try #require(s["url"]?.scalar?.string)
                    #expect(url.hasPrefix("https://") || url.hasPrefix("http://"), "\(name): \(url)")
                    sources[id] = url
                }
            }
            func walk(_ n: Node, path: String) {
                if let m = n.mapping {
                    let keys = Set(m.keys.compactMap { $0.scalar?.string })
                    // A figure is a mapping whose money key holds a number (not a nested mapping).
                    let scalarMoney = moneyKeys.contains { k in m[k]?.scalar != nil }
                    if scalarMoney, path != "root" {
                        figures += 1
                        #expect(keys.contains("as_of"), "\(name) \(path): figure without as_of")
                        let src = m["source"]?.scalar?.string
                        #expect(src.map { sources[$0] != nil } == true, "\(name) \(path): figure without a resolvable source")
                        if let d = m["as_of"]?.scalar?.string { #expect(CalendarDay.parse(d) != nil, "\(name) \(path): bad date \(d)") }
                    }
                    for (k, v) in m { walk(v, path: path + "." + (k.scalar?.string ?? "?")) }
                } else if let s = n.sequence {
                    for (i, v) in s.enumerated() { walk(v, path: path + "[\(i)]") }
                }
            }
            walk(node, path: "root")
        }
        #expect(figures > 40)
    }

    @Test func figureWithoutAsOfIsRejectedWithLocation() throws {
        let url = CostFixtures.root.appendingPathComponent("bad/pricing/broken.yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        let store = ResourceStore(files: ["catalog/pricing/broken.yaml": .init(path: "catalog/pricing/broken.yaml", displayPath: url.path, contents: text)])
        do {
            _ = try PricingCatalog.load(from: store)
            Issue.record("a figure without as_of must not load")
        } catch let e as SelfhostError {
            #expect(e.message.contains("as_of"))
            #expect(e.location?.line == 10)
            #expect(e.location?.file.hasSuffix("broken.yaml") == true)
        }
    }

    @Test func unknownKeyIsRejectedWithSuggestion() throws {
        let yaml = """
        id: typo
        name: Typo
        kind: vps
        currency: USD
        sources: []
        egres: {}
        """
        let store = ResourceStore(files: ["catalog/pricing/typo.yaml": .init(path: "catalog/pricing/typo.yaml", displayPath: "typo.yaml", contents: yaml)])
        do {
            _ = try PricingCatalog.load(from: store)
            Issue.record("unknown key must fail")
        } catch let e as SelfhostError {
            #expect(e.message.contains("egres"))
            #expect(e.message.contains("egress"))
            #expect(e.location?.line == 6)
        }
    }
}

@Suite("Cost: documentation")
struct CostDocsTests {
    /// Every key the JSON output can carry, and every pricing-file key the loader accepts, is
    /// named in docs/COST.md.
    @Test func everyJSONAndPricingKeyIsDocumented() throws {
        let doc = try String(contentsOf: CostPricingDataTests.repo.appendingPathComponent("docs/COST.md"), encoding: .utf8)
        var keys = Set<String>()
        func collect(_ v: Any) {
            if let d = v as? [String: Any] { for (k, x) in d { keys.insert(k); collect(x) } }
            else if let a = v as? [Any] { a.forEach(collect) }
        }
        let runs: [(inout CostCommand.Options) -> Void] = [
            { $0.egress = "10TB"; $0.chart = true; $0.backups = true; $0.ipv4 = true; $0.adminHours = "1"; $0.hourlyRate = "10"; $0.currency = "EUR" },
            { $0.egress = "10TB"; $0.servers = "8x2vcpu-4gb" },
            { $0.saas = ["slack=12seats", "mailchimp=50000contacts"]; $0.apps = ["rocketchat", "listmonk"]; $0.emailsPerMonth = "1000" },
        ]
        for configure in runs {
            var o = try CostFixtures.options(configure)
            o.format = .json
            let (_, text) = try CostFixtures.run(o)
            collect(try JSONSerialization.jsonObject(with: Data(text.utf8)))
        }
        func documented(_ k: String) -> Bool {
            ["`\(k)`", "`\(k)[]`", ".\(k)`", ".\(k)[]`", "`\(k).", "`\(k) "].contains { doc.contains($0) }
        }
        for k in keys.sorted() {
            #expect(documented(k), "JSON key \(k) is not documented in docs/COST.md")
        }
        let pricingKeys = ["id", "name", "kind", "currency", "region", "notes", "sources", "plans", "egress", "extras",
                           "model", "unit", "aliases", "unit_price", "units", "tiers", "free", "per", "self_host_apps",
                           "usd_per_eur", "unsourced", "billing_unit", "unit_note", "scope", "overage", "price_sets",
                           "seen_in", "checked", "as_of", "source", "note", "up_to", "ram_unit", "disk_gb", "included",
                           "vcpu", "ram", "public_ipv4", "backups", "monthly", "hourly", "percent", "value", "price", "url", "title"]
        for k in pricingKeys {
            #expect(documented(k), "pricing key \(k) is not documented")
        }
    }
}
