import Foundation
import Testing
@testable import SelfhostKit

/// Issue 12, "any SaaS bill": the categories the catalog's SaaS entries name (CRM, automation,
/// scheduling, forms, video, analytics 360) are priced from their dated tables, or say why not
/// and name `NAME=@AMOUNT`.
@Suite("Cost: SaaS categories")
struct CostSaaSCategoriesTests {
    static func report(_ saas: [String]) throws -> CostReport {
        var o = CostCommand.Options()
        o.store = .embedded
        o.saas = saas
        return try CostCommand.makeReport(o, now: CostFixtures.now)
    }

    static func row(_ r: CostReport, _ provider: String) throws -> CostReport.Option {
        try #require(r.options.first { $0.provider == provider && $0.kind == "saas" }, "\(provider) in \(r.options.map(\.provider))")
    }

    @Test(arguments: [
        ("salesforce=10users", "salesforce", "250"),      // Starter Suite $25 × 10
        ("salesforce=10pro", "salesforce", "1000"),       // Pro Suite $100 × 10
        ("sfdc=4enterprise", "salesforce", "700"),        // the catalog alias, Enterprise $175 × 4
        ("hubspot=3seats", "hubspot", "60"),              // Marketing Hub Starter $20 × 3
        ("calendly=5seats", "calendly", "80"),            // Teams $16 × 5
        ("calendly=5standard", "calendly", "50"),         // Standard $10 × 5
        ("zapier=100tasks", "zapier", "0"),               // Free
        ("zapier=500tasks", "zapier", "29.99"),           // Professional 750
    ])
    func pricedFromTheTable(item: String, provider: String, total: String) throws {
        let r = try Self.report([item])
        let row = try Self.row(r, provider)
        #expect(row.total.value == Decimal(string: total)!, "\(item): \(row.total.value)")
        #expect(!row.lowerBound, "\(item) is inside the sourced table")
        #expect(!row.sources.isEmpty && row.sources.allSatisfy { $0.url.hasPrefix("https://") })
    }

    /// Beyond the sourced tiers the bill is "≥" the largest sourced plan, and the note names the
    /// usage with `@AMOUNT` as the way to give the real bill.
    @Test func usageBeyondTheTableIsALowerBoundNamingTheFix() throws {
        let r = try Self.report(["zapier=5000tasks"])
        let row = try Self.row(r, "zapier")
        #expect(row.lowerBound)
        #expect(row.total.value == Decimal(string: "29.99"))
        #expect(row.notes.contains { $0.contains("zapier=5000tasks@AMOUNT") }, "\(row.notes)")
        // With the bill given, that bill is the row and it is exact.
        let billed = try Self.row(try Self.report(["zapier=5000tasks@240"]), "zapier")
        #expect(billed.total.value == 240 && !billed.lowerBound)
    }

    /// Products with no dated price list (Typeform, Vimeo) and one sold by quote (Analytics 360)
    /// refuse a usage with their reason and the fix, and take a bill.
    @Test(arguments: [
        ("typeform=500responses", "no dated copy", "typeform=@AMOUNT"),
        ("vimeo=3seats", "no dated copy", "vimeo=@AMOUNT"),
        ("ga=1Mpageviews", "sold by quote", "=@AMOUNT"),
        ("google-analytics=1Mhits", "sold by quote", "google-analytics=@AMOUNT"),
    ])
    func unpricedSaySoAndNameTheBill(item: String, reason: String, fix: String) throws {
        let err = CostFixtures.usageError(try CostFixtures.options { $0.store = .embedded; $0.saas = [item] })
        #expect(err.contains("has no sourced prices"), "\(err)")
        #expect(err.contains(reason) && err.contains(fix), "\(err)")
        #expect(err.components(separatedBy: "Give your monthly bill").count == 2, "the fix is said once: \(err)")
    }

    @Test func aBillPricesAnUnpricedProductAndItsNotesAreListed() throws {
        let r = try Self.report(["ga=@500", "slack=12seats"])
        let ga = try Self.row(r, "google-analytics")
        #expect(ga.total.value == 500 && ga.plan == "your bill")
        let unpriced = r.unpriced.map(\.id)
        #expect(unpriced.contains("google-analytics"), "\(unpriced)")
        #expect(r.unpriced.first { $0.id == "google-analytics" }?.notes.joined().contains("sold by quote") == true)
        // Unpriced products nobody asked about stay out of the list.
        #expect(!unpriced.contains("typeform") && !unpriced.contains("vimeo"), "\(unpriced)")
    }

    @Test func theNewTablesReplaceTheirProductsWithCatalogApps() throws {
        let catalog = try PricingCatalog.load(from: .embedded)
        let apps = TestSupport.catalog
        for id in ["salesforce", "hubspot", "zapier", "calendly"] {
            let product = try #require(catalog.saasProduct(id), "\(id)")
            #expect(!product.selfHostApps.isEmpty, "\(id)")
            for app in product.selfHostApps { #expect(apps.app(app) != nil, "\(id): \(app) is a catalog app") }
        }
        for id in ["typeform", "vimeo", "google-analytics"] {
            let u = try #require(catalog.unsourced.first { $0.id == id }, "\(id)")
            #expect(u.kind == "saas" && u.notes.joined().contains("\(id)=@AMOUNT"), "\(id)")
        }
    }
}
