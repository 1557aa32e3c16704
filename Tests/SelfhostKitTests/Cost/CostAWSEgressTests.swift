import Foundation
import Testing
@testable import SelfhostKit

@Suite("Cost: AWS egress, exact")
struct CostAWSEgressTests {
    func awsEgress(_ size: String, set: String? = nil) throws -> Decimal {
        let catalog = try CostFixtures.catalog()
        let aws = try #require(catalog.provider("aws"))
        let quoter = Quoter(converter: Converter(rate: catalog.exchangeRate), hidden: HiddenCostRequest())
        let bytes = try ByteSize(parsing: size).bytes
        return try quoter.quote(provider: aws, plan: nil, count: 1, egressBytes: bytes, awsPriceSet: set).egressUSD
    }

    @Test func tenTebibytesIs912_60() throws {
        let usd = try awsEgress("10TiB")
        #expect(usd == Decimal(string: "912.6")!)
        #expect(Money.plain(usd) == "912.60")
    }

    @Test func legacyOneGigabyteAllowanceIs921_51() throws {
        let usd = try awsEgress("10TiB", set: "legacy")
        #expect(usd == Decimal(string: "921.51")!)
    }

    @Test func decimalTerabytesDiffer() throws {
        // 10 TB = 10^13 bytes = 9313.2257461547851... GiB; minus 100 free, × $0.09.
        let usd = try awsEgress("10TB")
        let expected = (Decimal(10_000_000_000_000) / 1_073_741_824 - 100) * Decimal(string: "0.09")!
        #expect(usd == expected)
        #expect(Money.plain(usd) == "829.19")
    }

    @Test func tierBoundariesInGiBAsAWSBills() throws {
        // 100 free + 10,240 at $0.09 exactly fills the first tier: $921.60.
        #expect(try awsEgress("10340GiB") == Decimal(string: "921.6")!)
        // One more GiB is billed at $0.085.
        #expect(try awsEgress("10341GiB") == Decimal(string: "921.685")!)
        // Into the third and fourth tiers: 100 + 10240 + 40960 + 102400 + 1000 GiB.
        let all = Decimal(string: "921.6")! + 40960 * Decimal(string: "0.085")! + 102400 * Decimal(string: "0.07")! + 1000 * Decimal(string: "0.05")!
        #expect(try awsEgress("154700GiB") == all)
        #expect(try awsEgress("100GiB") == 0)
        #expect(try awsEgress("0B") == 0)
    }

    @Test func commandReportsAWSFiguresAndUnit() throws {
        let o = try CostFixtures.options { $0.egress = "10TiB"; $0.providers = ["aws"] }
        let (status, text) = try CostFixtures.run(o)
        #expect(status == .success)
        #expect(text.contains("$912.60"))
        #expect(text.contains("10,140.00 GiB"))
        #expect(text.contains("bills egress in GiB"))
        var legacy = o
        legacy.awsFreeTier = "legacy"
        let (_, t2) = try CostFixtures.run(legacy)
        #expect(t2.contains("$921.51"))
        #expect(t2.contains("more than 12 months old"), "the 2021 allowance is dated and must draw a staleness warning")
    }
}

@Suite("Cost: VPS allowances and overage")
struct CostVPSOverageTests {
    func quote(_ provider: String, plan: String, count: Int = 1, egress: String) throws -> CostOption {
        let catalog = try CostFixtures.catalog()
        let p = try #require(catalog.provider(provider))
        let quoter = Quoter(converter: Converter(rate: catalog.exchangeRate), hidden: HiddenCostRequest())
        return try quoter.quote(provider: p, plan: p.plans.first { $0.id == plan }, count: count, egressBytes: try ByteSize(parsing: egress).bytes, awsPriceSet: nil)
    }

    @Test func hetznerOverageInEURConvertedExactly() throws {
        // CX33: 20 TB included, 30 TB used → 10 TB × EUR 1 = EUR 10 = USD 11.172.
        let o = try quote("hetzner", plan: "cx33", egress: "30TB")
        #expect(o.egressUSD == Decimal(string: "11.172")!)
        #expect(o.computeUSD == Decimal(string: "6.49")! * Decimal(string: "1.1172")!)
        // A fleet of 8 includes 8 × 20 TB.
        #expect(try quote("hetzner", plan: "cx23", count: 8, egress: "150TB").egressUSD == 0)
    }

    @Test func digitalOceanPoolsAndBillsGiB() throws {
        // 5,000 GiB included; 6,000 GiB used → 1,000 GiB × $0.01.
        let o = try quote("digitalocean", plan: "s-4vcpu-8gb", egress: "6000GiB")
        #expect(o.egressUSD == 10)
        #expect(o.totalUSD == 58)
        // 8 × 4,000 GiB pooled covers 30,000 GiB.
        #expect(try quote("digitalocean", plan: "s-2vcpu-4gb", count: 8, egress: "30000GiB").egressUSD == 0)
    }
}
