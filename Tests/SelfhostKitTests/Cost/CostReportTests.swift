import Foundation
import Testing
@testable import SelfhostKit

@Suite("Cost: reports, break-even, JSON")
struct CostReportTests {
    @Test func jsonShape() throws {
        let o = try CostFixtures.options { $0.egress = "10TiB"; $0.format = .json }
        let (status, text) = try CostFixtures.run(o)
        #expect(status == .success)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect((json["egress_bytes"] as? NSNumber)?.int64Value == 10_995_116_277_760)
        #expect(json["currency"] as? String == "USD")
        let options = try #require(json["options"] as? [[String: Any]])
        #expect(options.count >= 4)
        let kinds = Set(options.compactMap { $0["kind"] as? String })
        #expect(kinds.isSubset(of: ["cloud", "vps", "saas", "selfhost"]))
        for opt in options {
            for key in ["provider", "kind", "plan", "compute_usd", "egress_usd", "total_usd", "sources"] {
                #expect(opt[key] != nil, "missing \(key) in \(opt)")
            }
            let sources = try #require(opt["sources"] as? [[String: Any]])
            #expect(!sources.isEmpty)
            for s in sources {
                #expect((s["url"] as? String)?.hasPrefix("http") == true)
                #expect(!((s["as_of"] as? [String]) ?? []).isEmpty)
            }
        }
        let aws = try #require(options.first { $0["provider"] as? String == "aws" })
        #expect((aws["egress_usd"] as? NSNumber)?.decimalValue == Decimal(string: "912.6"))
        #expect(aws["billing_unit"] as? String == "GiB")
        // Cheapest is marked exactly once, on a VPS.
        let cheapest = options.filter { ($0["cheapest"] as? Bool) == true }
        #expect(cheapest.count == 1)
        #expect(cheapest.first?["kind"] as? String == "vps")
        #expect((json["break_even"] as? [[String: Any]])?.isEmpty == false)
        #expect(json["warnings"] is [String])
    }

    @Test func breakEvenIsExactOnPiecewiseLinearCurves() {
        // a: 50 + 0 until 1000, then 1/unit; b: 0.5/unit. a <= b from x = 100.
        let a: (Decimal) -> Decimal = { x in 50 + max(0, x - 1000) }
        let b: (Decimal) -> Decimal = { x in x / 2 }
        #expect(BreakEven.crossing(a, b, breakpoints: [1000], limit: 10_000) == 100)
        #expect(BreakEven.crossing({ _ in 0 }, b, breakpoints: [], limit: 10) == 0)
        #expect(BreakEven.crossing({ _ in 100 }, { _ in 1 }, breakpoints: [], limit: 10) == nil)
        #expect(BreakEven.usage(atLeast: 30, limit: 1000) { $0 * 3 } == 10)
        #expect(BreakEven.usage(atLeast: 31, limit: 1000) { $0 * 3 } == 11)
        #expect(BreakEven.usage(atLeast: 5000, limit: 1000) { $0 * 3 } == nil)
    }

    @Test func vpsBeatsCloudBreakEvenAgainstEgressOnlyCloud() throws {
        // Azure without its VM prices: its curve is egress only.
        let unpriced = try CostFixtures.storeWithUnpricedCompute()
        let o = try CostFixtures.options { $0.store = unpriced; $0.egress = "1TB"; $0.providers = ["digitalocean", "azure"]; $0.format = .json }
        let (_, text) = try CostFixtures.run(o)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let be = try #require((json["break_even"] as? [[String: Any]])?.first)
        // DO $48 + $0.01/GiB over 5,000 GiB against Azure's 100 GB free, then $0.087/GB:
        // 48 = 0.087 × (x − 100) → x = 100 + 48 / 0.087 GB.
        let expected: Decimal = (100 + Decimal(48) / Decimal(string: "0.087")!) * 1_000_000_000
        let at = try #require((be["at"] as? NSNumber)?.decimalValue)
        #expect(abs((at - expected) as Decimal) <= 1, "\(at) vs \(expected)")
        #expect(be["always"] as? Bool == false)
    }

    @Test func vpsAlwaysBeatsFullyPricedCloud() throws {
        // GCP now carries a VM price: DigitalOcean's $48 box is cheaper at any egress.
        let o = try CostFixtures.options { $0.egress = "1TB"; $0.providers = ["digitalocean", "gcp"]; $0.format = .json }
        let (_, text) = try CostFixtures.run(o)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let be = try #require((json["break_even"] as? [[String: Any]])?.first)
        #expect(be["always"] as? Bool == true)
    }

    @Test func fleetAgainstBox() throws {
        let o = try CostFixtures.options { $0.egress = "10TB"; $0.servers = "8x2vcpu-4gb"; $0.vps = "4vcpu-8gb"; $0.format = .json }
        let (_, text) = try CostFixtures.run(o)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let fleet = try #require(json["fleet"] as? [[String: Any]])
        let doRow = try #require(fleet.first { $0["provider"] as? String == "digitalocean" })
        // 8 × $24 with 32,000 GiB pooled (no overage) against $48 + (9,313.2257… − 5,000) GiB × $0.01.
        #expect((doRow["fleet_usd"] as? NSNumber)?.decimalValue == 192)
        #expect((doRow["box_usd"] as? NSNumber)?.decimalValue == Decimal(string: "91.13"))
        let roles = Set(((json["options"] as? [[String: Any]]) ?? []).compactMap { $0["role"] as? String })
        #expect(roles == ["fleet", "box"])
    }

    @Test func saasAgainstSelfHosting() throws {
        let o = try CostFixtures.options {
            $0.saas = ["mailchimp=50000contacts", "slack=12seats", "plausible=1Mpageviews"]
            $0.apps = ["listmonk", "rocketchat", "plausible"]
            $0.emailsPerMonth = "200000"
            $0.format = .json
        }
        let (_, text) = try CostFixtures.run(o)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let saas = try #require(json["saas"] as? [String: Any])
        let apps = try #require(saas["apps"] as? [[String: Any]])
        #expect(apps.first { $0["app"] as? String == "rocketchat" }?["basis"] as? String == "assumed")
        #expect(apps.first { $0["app"] as? String == "listmonk" }?["basis"] as? String == "minimum")
        #expect(apps.first { $0["app"] as? String == "plausible" }?["ram_mb"] as? Int == 4000)
        #expect((saas["saas_total_usd"] as? NSNumber)?.decimalValue == 274)
        #expect(saas["saas_lower_bound"] as? Bool == true)
        let options = try #require(json["options"] as? [[String: Any]])
        #expect(options.contains { $0["kind"] as? String == "saas" })
        let selfhost = try #require(options.first { $0["kind"] as? String == "selfhost" })
        // SES: 200,000 emails × $0.10 / 1,000.
        #expect((selfhost["services_usd"] as? NSNumber)?.decimalValue == 20)
        let be = try #require(json["break_even"] as? [[String: Any]])
        #expect(be.contains { $0["than"] as? String == "slack" && $0["kind"] as? String == "usage" })
        #expect(((json["assumptions"] as? [String]) ?? []).contains { $0.contains("ASSUMED 1024 MB") })
    }

    @Test func hiddenCosts() throws {
        let o = try CostFixtures.options { $0.egress = "1TB"; $0.providers = ["aws", "digitalocean"]; $0.ipv4 = true; $0.backups = true; $0.adminHours = "2"; $0.hourlyRate = "50"; $0.format = .json }
        let (_, text) = try CostFixtures.run(o)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let options = try #require(json["options"] as? [[String: Any]])
        let aws = try #require(options.first { $0["provider"] as? String == "aws" })
        let hidden = try #require(aws["hidden"] as? [[String: Any]])
        #expect(hidden.contains { $0["label"] as? String == "public IPv4" && ($0["usd"] as? NSNumber)?.decimalValue == Decimal(string: "3.65") })
        #expect(hidden.contains { $0["label"] as? String == "admin time" && ($0["usd"] as? NSNumber)?.decimalValue == 100 })
        let d = try #require(options.first { $0["provider"] as? String == "digitalocean" })
        let dh = try #require(d["hidden"] as? [[String: Any]])
        #expect(dh.contains { $0["label"] as? String == "backups" && ($0["usd"] as? NSNumber)?.decimalValue == Decimal(string: "9.6") })
    }

    @Test func staleAndCurrency() throws {
        var o = try CostFixtures.options { $0.egress = "10TB"; $0.providers = ["hetzner", "digitalocean"] }
        let (_, text) = try CostFixtures.run(o)
        #expect(text.contains("warning: price from 2022-07-01 is more than 12 months old"))
        // Seen from August 2022, the 2022 list is fresh.
        let report = try CostCommand.makeReport(o, now: CalendarDay.parse("2022-08-01")!)
        #expect(!report.warnings.contains { $0.contains("2022-07-01") })
        o.currency = "EUR"
        o.format = .json
        let (_, eur) = try CostFixtures.run(o)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(eur.utf8)) as? [String: Any])
        #expect(json["currency"] as? String == "EUR")
        let h = try #require((json["options"] as? [[String: Any]])?.first { $0["provider"] as? String == "hetzner" })
        // EUR 6.49 → USD 7.250628 → shown as EUR 6.49 again.
        #expect((h["total_usd"] as? NSNumber)?.decimalValue == Decimal(string: "7.25"))
        #expect((h["total"] as? NSNumber)?.decimalValue == Decimal(string: "6.49"))
    }

    @Test func chartShowsEveryOptionAndNoColourOffTTY() throws {
        let o = try CostFixtures.options { $0.egress = "10TB"; $0.providers = ["aws", "digitalocean", "hetzner"]; $0.chart = true; $0.chartMax = "40TB" }
        let (_, text) = try CostFixtures.run(o)
        #expect(text.contains("Monthly cost against egress"))
        #expect(text.contains("  A  ") && text.contains("  B  ") && text.contains("  C  "))
        #expect(text.contains("40 TB  egress/month"))
        #expect(!text.contains("\u{1B}["))
    }
}

@Suite("Cost: shipped catalog")
struct CostShippedCatalogTests {
    /// The third invocation against the shipped catalog (no --ram): every app gets a
    /// RAM budget with a stated basis, from the catalog model.
    @Test func saasInvocationOnShippedCatalog() throws {
        var o = CostCommand.Options()
        o.saas = ["mailchimp=50000contacts", "slack=12seats", "plausible=1Mpageviews"]
        o.apps = ["listmonk", "rocketchat", "plausible"]
        o.emailsPerMonth = "200000"
        let report = try CostCommand.makeReport(o, now: CostFixtures.now)
        let saas = try #require(report.saas)
        #expect(saas.apps.map(\.app) == ["listmonk", "rocketchat", "plausible"])
        for a in saas.apps {
            #expect(["recommended", "minimum", "assumed"].contains(a.basis))
            if a.basis == "assumed" { #expect(report.assumptions.contains { $0.contains("\(a.app): upstream publishes no RAM figure") }) }
        }
        #expect(report.options.contains { $0.kind == "selfhost" })
        #expect(report.breakEven.filter { $0.kind == "usage" }.count == 3)
    }
}
