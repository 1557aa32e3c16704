import Foundation
import Testing
@testable import SelfhostKit

/// `recommend` for a whole stack (issue 16.2): the box's memory from the rendered mem_limits, the
/// data services the apps could or must not share, and the SaaS bills the plan replaces.
@Suite("Recommend: a whole stack")
struct RecommendStackTests {
    let store = ResourceStore.embedded

    func run(_ queries: [String], usages: [String] = [], format: OutputFormat = .json, env: [String: String] = [:]) throws -> (SelfhostKit.ExitStatus, String, String) {
        let (ctx, out, err) = TestSupport.context(env: env)
        var options = RecommendCommand.Options(queries: queries, format: format)
        options.usages = usages
        let status = try RecommendCommand.run(options, catalog: TestSupport.catalog, store: store, context: ctx)
        return (status, out.text, err.text)
    }

    func plan(_ queries: [String], usages: [String] = []) throws -> [String: Any] {
        let (status, out, err) = try run(queries, usages: usages)
        #expect(status == .success, "\(err)")
        return try #require(try TestSupport.json(out)["plan"] as? [String: Any])
    }

    @Test func memoryIsTheRenderedBoxOfTheRenderableApps() throws {
        let p = try plan(["mailchimp", "slack", "google analytics", "zendesk"])
        let apps = try #require(p["render_command"] as? String).split(separator: " ").dropFirst(2).prefix { !$0.hasPrefix("--") }.map(String.init)
        #expect(apps.count == 4, "\(apps)")
        let memory = try #require(p["memory"] as? [String: Any])
        // The same function render and cost use, for exactly the apps of the render command.
        let expected = try BoxMemory.plan(apps: apps, catalog: TestSupport.catalog, store: store)
        #expect(memory["total_mib"] as? Int == expected.totalMib)
        #expect((memory["apps"] as? [[String: Any]])?.compactMap { $0["app"] as? String } == apps)
        // Each app's part is the sum of its compose template's mem_limits (companions included).
        for part in expected.apps { #expect(part.services.count >= 1 + (TestSupport.catalog.app(part.app)!.companions.filter { $0.required ?? true }.count > 0 ? 1 : 0)) }
        #expect(expected.totalMib == expected.apps.map(\.mib).reduce(0, +) + expected.caddyMib + expected.systemReserveMib)
    }

    @Test func companionsSayWhetherTheyCouldShare() throws {
        let p = try plan(["mailchimp", "slack", "google analytics", "zendesk"])
        let companions = try #require(p["companions"] as? [[String: Any]])
        let picked = try #require(p["apps"] as? [String])
        for c in companions {
            let kind = try #require(c["kind"] as? String)
            let images = (c["images"] as? [[String: Any]] ?? []).compactMap { $0["image"] as? String }
            // Recomputed from the catalog: the images the picked apps pin for this kind.
            let pinned = picked.flatMap { id in TestSupport.catalog.app(id)!.companions.filter { $0.kind == kind }.map(\.reference) }
            #expect(images == pinned, "\(kind)")
            let users = Set(picked.filter { id in TestSupport.catalog.app(id)!.companions.contains { $0.kind == kind } })
            let sharing = c["sharing"] as? String
            if users.count == 1 { #expect(sharing == "one_app") }
            else if Set(pinned).count == 1 { #expect(sharing == "could_share") }
            else { #expect(sharing == "must_not_share"); #expect((c["why"] as? String ?? "").contains(pinned[0])) }
        }
        #expect(companions.contains { $0["sharing"] as? String != "one_app" }, "four apps, some data service used twice: \(companions)")
    }

    @Test func billsArePricedFromTheSourcedTablesWithAUsage() throws {
        let p = try plan(["mailchimp", "slack", "google analytics", "zendesk"], usages: ["slack=12seats", "zendesk=3agents", "ga=@0"])
        let bills = try #require(p["bills"] as? [[String: Any]])
        #expect(bills.compactMap { $0["saas"] as? String } == ["mailchimp", "slack", "google-analytics", "zendesk"])
        let pricing = try PricingCatalog.load(from: store)
        let slack = try #require(bills.first { $0["saas"] as? String == "slack" })
        let perSeat = try #require(pricing.saasProduct("slack")).bill(quantity: 12).amount
        #expect(Decimal(string: "\(slack["monthly"]!)") == perSeat)
        #expect(slack["priced"] as? Bool == true)
        #expect((slack["source"] as? String ?? "").hasPrefix("https://"))
        let zendesk = try #require(bills.first { $0["saas"] as? String == "zendesk" })
        let agents = try #require(pricing.saasProduct("zendesk")).bill(quantity: 3).amount
        #expect(Decimal(string: "\(zendesk["monthly"]!)") == agents)
        // Mailchimp has a table but no usage was given: described, not priced.
        let mailchimp = try #require(bills.first { $0["saas"] as? String == "mailchimp" })
        #expect(mailchimp["monthly"] is NSNull)
        #expect((mailchimp["basis"] as? String ?? "").contains("contacts"))
        // Google Analytics has no table: only the stated bill.
        let ga = try #require(bills.first { $0["saas"] as? String == "google-analytics" })
        #expect(ga["priced"] as? Bool == false)
        #expect(Decimal(string: "\(p["bills_monthly_total"]!)") == perSeat + agents)
    }

    @Test func textShowsMemoryBillsAndTheOneCommand() throws {
        let (_, out, _) = try run(["mailchimp", "slack", "google analytics", "zendesk"], usages: ["slack=12seats"], format: .text, env: ["COLUMNS": "100"])
        let prose = out.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(prose.contains("RAM: the box needs ≈ "), "\(out)")
        #expect(prose.contains("Slack: $105.00 a month for slack=12seats"), "\(out)")
        #expect(prose.contains("give --saas mailchimp=USAGE to price yours"), "\(out)")
        #expect(out.contains("Next: selfhost render "))
        #expect(out.split(separator: "\n").allSatisfy { String($0).displayWidth <= 100 }, "\(out)")
    }

    @Test func usageErrorsAreUsageErrors() throws {
        #expect(throws: SelfhostError.self) { try run(["mailchimp", "slack"], usages: ["zendesk=3agents"]) }
        #expect(throws: SelfhostError.self) { try run(["mailchimp", "slack"], usages: ["slack=12seats", "slack=3seats"]) }
        #expect(throws: SelfhostError.self) { try run(["slack"], usages: ["slack=12seats"]) }
        do { _ = try run(["mailchimp", "slack"], usages: ["slack=12bananas"]) } catch let e as SelfhostError {
            #expect(e.status == .usage)
            #expect(e.message.contains("unknown unit"), "\(e.message)")
        }
    }
}
