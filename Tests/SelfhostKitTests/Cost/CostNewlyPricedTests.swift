import Foundation
import Testing
@testable import SelfhostKit

/// Providers priced from the second sourcing pass (GCP VMs, Linode, Vultr, Postmark): each picks
/// the plan the data says and its total comes out exactly as the shipped figures give.
@Suite("Cost: newly priced providers")
struct CostNewlyPricedTests {
    static func json(_ configure: (inout CostCommand.Options) -> Void) throws -> [String: Any] {
        var o = try CostFixtures.options(configure)
        o.format = .json
        let (status, text) = try CostFixtures.run(o)
        #expect(status == .success)
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    static func option(_ json: [String: Any], _ provider: String, role: String? = nil) throws -> [String: Any] {
        let options = try #require(json["options"] as? [[String: Any]])
        return try #require(options.first { $0["provider"] as? String == provider && (role == nil || $0["role"] as? String == role) }, "\(provider)")
    }

    /// A JSON money number (rounded to the cent by the report), read back through its shortest
    /// decimal text so that binary-float parsing does not add digits.
    static func usd(_ o: [String: Any], _ key: String) -> Decimal? { (o[key] as? NSNumber).flatMap { Decimal(string: $0.stringValue) } }

    @Test func gcpIsFullyPricedWithE2Standard4() throws {
        let json = try Self.json { $0.egress = "10TB"; $0.providers = ["gcp"] }
        let gcp = try Self.option(json, "gcp")
        #expect((gcp["plan"] as? String)?.hasPrefix("e2-standard-4") == true)
        #expect(gcp["lower_bound"] as? Bool == false)
        // $0.13402284 × 730 h = $97.8366732.
        #expect(Self.usd(gcp, "compute_usd") == Decimal(string: "97.84"))
        // 10^13 bytes = 9,313.2257… GiB: 1,024 × $0.12 + 8,289.2257… × $0.11 = $1,034.6948….
        #expect(Self.usd(gcp, "egress_usd") == Decimal(string: "1034.69"))
        #expect(Self.usd(gcp, "total_usd") == Decimal(string: "1132.53"))
        // The VM price is from a 2025-03-06 dump: older than 12 months, so it is flagged.
        #expect(((json["warnings"] as? [String]) ?? []).contains { $0.contains("2025-03-06") })
    }

    @Test func linodePicksLinode8GBWithPooledOverage() throws {
        let json = try Self.json { $0.egress = "10TB"; $0.providers = ["linode"] }
        let l = try Self.option(json, "linode")
        #expect((l["plan"] as? String)?.hasPrefix("Linode 8 GB") == true)
        #expect(l["lower_bound"] as? Bool == false)
        // $48 + (10,000 − 5,000) GB × $0.005 = $73 (Dedicated 8 GB would be $97, Linode 16 GB $106).
        #expect(Self.usd(l, "compute_usd") == 48)
        #expect(Self.usd(l, "egress_usd") == 25)
        #expect(Self.usd(l, "total_usd") == 73)
        #expect(l["billing_unit"] as? String == "GB")
    }

    @Test func vultrCountsTheAccountsFreeTwoTerabytes() throws {
        let json = try Self.json { $0.egress = "10TB"; $0.providers = ["vultr"] }
        let v = try Self.option(json, "vultr")
        #expect(v["plan"] as? String == "4 vCPU, 8 GB")
        // $40 + (10,000 − 4,000 included − 2,000 free) GB × $0.01 = $80.
        #expect(Self.usd(v, "egress_usd") == 40)
        #expect(Self.usd(v, "total_usd") == 80)
        #expect(v["lower_bound"] as? Bool == false)
    }

    @Test func fleetAgainstBoxOnNewProviders() throws {
        let json = try Self.json { $0.egress = "10TB"; $0.servers = "8x2vcpu-4gb"; $0.vps = "4vcpu-8gb"; $0.providers = ["gcp", "linode", "vultr"] }
        let fleet = try #require(json["fleet"] as? [[String: Any]])
        func row(_ p: String) throws -> [String: Any] { try #require(fleet.first { $0["provider"] as? String == p }, "\(p)") }
        // Linode: 8 × $24 with 32 TB pooled, no overage; the box is the $73 Linode 8 GB.
        #expect(Self.usd(try row("linode"), "fleet_usd") == 192)
        #expect(Self.usd(try row("linode"), "box_usd") == 73)
        // Vultr: 8 × $20 with 24 TB + 2 TB free, no overage; the box is $80.
        #expect(Self.usd(try row("vultr"), "fleet_usd") == 160)
        #expect(Self.usd(try row("vultr"), "box_usd") == 80)
        // GCP: 8 × e2-standard-2 ($0.06701142 × 730 = $48.9183366) + the same $1,034.69 egress.
        #expect(Self.usd(try row("gcp"), "fleet_usd") == Decimal(string: "1426.04"))
        #expect(Self.usd(try row("gcp"), "box_usd") == Decimal(string: "1132.53"))
    }

    @Test func postmarkBasicAndLowerBoundAboveTheFloor() throws {
        let at10k = try Self.json { $0.saas = ["postmark=10000emails"] }
        let p = try Self.option(at10k, "postmark")
        #expect(p["plan"] as? String == "Basic 10k")
        #expect(Self.usd(p, "total_usd") == 15)
        #expect(p["lower_bound"] as? Bool == false)
        let at50k = try Self.json { $0.saas = ["postmark=50000emails"] }
        let q = try Self.option(at50k, "postmark")
        #expect(q["lower_bound"] as? Bool == true, "the overage above 10,000 emails is not modelled")
    }

    @Test func unpricedEntriesStayListed() throws {
        let json = try Self.json { $0.egress = "10TB" }
        let unpriced = try #require(json["unpriced"] as? [[String: Any]])
        #expect(unpriced.map { $0["id"] as? String } == ["ovh"])
        let saas = try Self.json { $0.saas = ["slack=12seats"] }
        #expect(((saas["unpriced"] as? [[String: Any]]) ?? []).contains { $0["id"] as? String == "mailgun" })
    }
}
