import Foundation
import Testing
@testable import SelfhostKit

@Suite("Cost: parsing and bad input")
struct CostParsingTests {
    @Test func serverSpecs() throws {
        let fleet = try ServerSpec(parsing: "8x2vcpu-4gb", flag: "--servers")
        #expect(fleet.count == 8 && fleet.vcpu == 2 && fleet.ramGB == 4)
        let box = try ServerSpec(parsing: "4VCPU-8GB", flag: "--vps")
        #expect(box.count == 1 && box.vcpu == 4 && box.ramGB == 8)
        #expect(try ServerSpec(parsing: "2vcpu-0.5gb", flag: "--vps").ramGB == Decimal(string: "0.5")!)
        for bad in ["8x", "4cpu-8gb", "4vcpu", "0vcpu-8gb", "4vcpu-8tb", "-1x2vcpu-4gb", "x2vcpu-4gb"] {
            #expect(throws: SelfhostError.self, "\(bad)") { try ServerSpec(parsing: bad, flag: "--vps") }
        }
    }

    @Test func saasUsage() throws {
        let catalog = try CostFixtures.catalog()
        let a = try SaaSUsage(parsing: "plausible=1Mpageviews", catalog: catalog)
        #expect(a.quantity == 1_000_000 && a.unitName == "pageviews")
        let b = try SaaSUsage(parsing: "mailchimp=50000contacts", catalog: catalog)
        #expect(b.quantity == 50_000)
        let c = try SaaSUsage(parsing: "slack=12seats@120", catalog: catalog)
        #expect(c.quantity == 12 && c.statedBill == 120)
        let d = try SaaSUsage(parsing: "heroku=3standard-2x", catalog: catalog)
        #expect(d.product.bill(quantity: d.quantity, unitName: d.unitName).amount == 150)
        let e = try SaaSUsage(parsing: "posthog=1.5Mevents", catalog: catalog)
        #expect(e.quantity == 1_500_000)
        #expect(e.product.bill(quantity: e.quantity).amount == 25)
    }

    @Test func badSaaSNamesAcceptedForms() throws {
        let catalog = try CostFixtures.catalog()
        for (input, needle) in [("mailchump=5contacts", "mailchimp"), ("slack=-3seats", "negative"), ("slack=12parrots", "seats"), ("slack", "NAME=NUMBER"), ("intercom=3parrots", "essential")] {
            do {
                _ = try SaaSUsage(parsing: input, catalog: catalog)
                Issue.record("\(input) should fail")
            } catch let e as SelfhostError {
                #expect(e.status == .usage)
                #expect((e.message + " " + (e.remedy ?? "")).contains(needle), "\(input): \(e)")
            }
        }
    }

    @Test func badEgressExitsTwoNamingForms() throws {
        let msg = CostFixtures.usageError(try CostFixtures.options { $0.egress = "10XB" })
        #expect(msg.contains("unknown unit 'XB'"))
        #expect(msg.contains("10TiB"))
        #expect(CostFixtures.usageError(try CostFixtures.options { $0.egress = "-5TB" }).contains("must not be negative"))
        #expect(CostFixtures.usageError(try CostFixtures.options { $0.egress = "1TB"; $0.providers = ["aws", "hetznr"] }).contains("hetzner"))
        #expect(CostFixtures.usageError(try CostFixtures.options { $0.egress = "1TB"; $0.providers = ["ovh"] }).contains("no sourced prices"))
        #expect(CostFixtures.usageError(try CostFixtures.options { $0.egress = "1TB"; $0.adminHours = "-2"; $0.hourlyRate = "50" }).contains("negative"))
        #expect(CostFixtures.usageError(try CostFixtures.options { $0.egress = "1TB"; $0.adminHours = "2" }).contains("--hourly-rate"))
        #expect(CostFixtures.usageError(try CostFixtures.options { $0.egress = "1TB"; $0.currency = "GBP" }).contains("EUR"))
        #expect(CostFixtures.usageError(try CostFixtures.options { $0.egress = "1TB"; $0.awsFreeTier = "2019" }).contains("legacy"))
        #expect(CostFixtures.usageError(try CostFixtures.options { _ in }).contains("--egress"))
        #expect(CostFixtures.usageError(try CostFixtures.options { $0.servers = "8x2vcpu-4gb"; $0.vps = "2x4vcpu-8gb" }).contains("one box"))
        #expect(CostFixtures.usageError(try CostFixtures.options { $0.saas = ["nosuch=1seats"] }).contains("accepted"))
        #expect(CostFixtures.usageError(try CostFixtures.options { $0.apps = ["nosuchapp"] }).contains("--ram"))
        #expect(CostFixtures.usageError(try CostFixtures.options { $0.apps = ["listmonk"]; $0.ram = ["listmonk=lots"] }).contains("APP=MB"))
    }
}
