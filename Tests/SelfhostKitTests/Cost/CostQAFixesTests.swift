import Foundation
import Testing
@testable import SelfhostKit

/// Defects found by QA: rounding, silently dropped providers, the chart past the sourced data,
/// ignored input, numeric JSON and the SaaS summary without apps.
@Suite("Cost: QA fixes")
struct CostQAFixesTests {
    // MARK: 1. Round once; rows add up and agree with JSON

    @Test func allocateAddsUpToTheTotalRoundedOnce() {
        // Each rounds up to 0.01 (sum 0.03) but the exact sum 0.015 rounds to 0.02.
        #expect(Money.allocate([Decimal(string: "0.005")!, Decimal(string: "0.005")!, Decimal(string: "0.005")!]) == [0, Decimal(string: "0.01")!, Decimal(string: "0.01")!])
        // 106.645 + 742.195 = 848.84, but each part's own rounding gives 106.65 + 742.20 = 848.85.
        let parts = [Decimal(string: "106.645")!, Decimal(string: "742.195")!]
        #expect(Money.allocate(parts) == [Decimal(string: "106.64")!, Decimal(string: "742.20")!])
        // An explicit total is honoured (and rounded to cents first).
        #expect(Money.allocate(parts, to: Decimal(string: "848.841")!).reduce(0, +) == Decimal(string: "848.84")!)
        // Many random parts: always sums to the rounded exact sum, each part within a cent.
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let ps = (0..<Int.random(in: 1...6, using: &rng)).map { _ in Decimal(Int.random(in: 0...10_000_000, using: &rng)) / 10_000 }
            let shown = Money.allocate(ps)
            #expect(shown.reduce(0, +) == Money.round(ps.reduce(0, +)), "\(ps) → \(shown)")
            for (p, s) in zip(ps, shown) { #expect(abs(p - s) < Decimal(string: "0.01")!, "\(p) → \(s)") }
        }
    }

    @Test func eurTotalsAgreeWithJSONAndColumnsAddUp() throws {
        let text = try Self.text { $0.egress = "10TB"; $0.currency = "EUR"; $0.providers = ["hetzner", "aws"] }
        #expect(text.contains("€848.84"), "\(text)")
        #expect(!text.contains("€848.85"))
        try Self.checkRowsAddUp { $0.egress = "10TB"; $0.currency = "EUR"; $0.providers = ["hetzner", "aws"] }
        try Self.checkRowsAddUp { $0.egress = "10TB"; $0.providers = ["hetzner", "aws"] }
    }

    @Test func rowsAddUpWithHiddenCostsInBothCurrencies() throws {
        for currency in ["USD", "EUR"] {
            try Self.checkRowsAddUp {
                $0.egress = "10TB"; $0.currency = currency
                $0.backups = true; $0.ipv4 = true; $0.adminHours = "4"; $0.hourlyRate = "80"
            }
        }
        let text = try Self.text { $0.egress = "10TB"; $0.currency = "EUR"; $0.backups = true; $0.ipv4 = true; $0.adminHours = "4"; $0.hourlyRate = "80" }
        let doLine = try #require(text.split(separator: "\n").first { $0.contains("DigitalOcean [") })
        #expect(doLine.contains("€410.16"), "\(doLine)")
        // Fleets, boxes and the SaaS comparison add up too.
        try Self.checkRowsAddUp { $0.egress = "10TB"; $0.servers = "8x2vcpu-4gb"; $0.currency = "EUR"; $0.backups = true }
        try Self.checkRowsAddUp {
            $0.saas = ["mailchimp=50000contacts", "slack=12seats"]; $0.apps = ["listmonk", "rocketchat"]
            $0.emailsPerMonth = "200000"; $0.currency = "EUR"; $0.adminHours = "2"; $0.hourlyRate = "55.55"
        }
    }

    /// For every priced row: the text's compute + egress (+ extra) equals its total, which equals
    /// JSON `total`; JSON's USD parts add up to `total_usd`.
    static func checkRowsAddUp(_ configure: (inout CostCommand.Options) -> Void) throws {
        let text = try Self.text(configure)
        let json = try Self.json(configure)
        let options = try #require(json["options"] as? [[String: Any]])
        let rows = text.split(separator: "\n").map(String.init)
        var checked = 0
        for o in options where (o["kind"] as? String) != "saas" {
            let usdParts = ["compute_usd", "egress_usd", "hidden_usd", "services_usd"].map { Self.dec(o[$0]) }
            #expect(usdParts.reduce(0, +) == Self.dec(o["total_usd"]), "\(o)")
            let hiddenLines = ((o["hidden"] as? [[String: Any]]) ?? []) + ((o["services"] as? [[String: Any]]) ?? [])
            #expect(hiddenLines.map { Self.dec($0["usd"]) }.reduce(0, +) == usdParts[2] + usdParts[3], "\(o)")
            // The table line: provider name (with footnotes), role, plan.
            let name = try #require(o["provider_name"] as? String)
            let plan = try #require(o["plan"] as? String)
            let role = o["role"] as? String
            let line = try #require(rows.first { $0.contains(name + " [") && $0.contains(plan) && (role == nil || $0.contains(role! + " ")) }, "no row for \(name) \(plan)")
            let amounts = Self.amounts(line)
            // An unpriced compute part (null) is shown as "—", not an amount.
            #expect(amounts.count >= (o["compute_usd"] is NSNull ? 2 : 3), "\(line)")
            let total = try #require(amounts.last)
            #expect(amounts.dropLast().reduce(0, +) == total, "row does not add up: \(line)")
            #expect(total == Self.dec(o["total"]), "text \(total) vs JSON \(o["total"] ?? "nil"): \(line)")
            checked += 1
        }
        #expect(checked > 0)
    }

    static func amounts(_ line: String) -> [Decimal] {
        var out: [Decimal] = []
        var i = line.startIndex
        while i < line.endIndex {
            if line[i] == "$" || line[i] == "€" {
                let rest = line[line.index(after: i)...]
                let num = rest.prefix { $0.isNumber || $0 == "," || $0 == "." }
                if let d = Decimal(string: num.replacingOccurrences(of: ",", with: ""), locale: Locale(identifier: "en_US_POSIX")), !num.isEmpty {
                    out.append(d)
                }
                i = num.endIndex
            } else {
                i = line.index(after: i)
            }
        }
        return out
    }

    static func dec(_ any: Any?) -> Decimal {
        // JSONSerialization yields NSNumber (Double-backed); go through its exact text.
        guard let n = any as? NSNumber else { return 0 }
        return Decimal(string: n.stringValue, locale: Locale(identifier: "en_US_POSIX")).map { Money.round($0) } ?? 0
    }

    static func text(_ configure: (inout CostCommand.Options) -> Void) throws -> String {
        let o = try CostFixtures.options(configure)
        return try CostFixtures.run(o).1
    }

    static func json(_ configure: (inout CostCommand.Options) -> Void) throws -> [String: Any] {
        var o = try CostFixtures.options(configure)
        o.format = .json
        let (_, text) = try CostFixtures.run(o)
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    // MARK: 2. Providers with no plan of the size are named

    @Test func providersWithoutAFittingPlanAreListed() throws {
        let text = try Self.text { $0.egress = "10TB"; $0.vps = "64vcpu-512gb" }
        for id in ["aws", "digitalocean", "hetzner"] {
            #expect(text.contains("\(id): no sourced plan with ≥64 vCPU / 512 GB"), "\(text)")
        }
        #expect(text.contains("No answer: no provider has a sourced plan"), "\(text)")
        let json = try Self.json { $0.egress = "10TB"; $0.vps = "64vcpu-512gb" }
        #expect(json["answered"] as? Bool == false)
        let unmatched = try #require(json["unmatched"] as? [[String: Any]])
        let ids = Set(unmatched.compactMap { $0["provider"] as? String })
        #expect(ids.isSuperset(of: ["aws", "digitalocean", "hetzner"]))
        let options = try #require(json["options"] as? [[String: Any]])
        // Every priced provider is either a row or named as unmatched.
        let rows = Set(options.compactMap { $0["provider"] as? String })
        for p in try CostFixtures.catalog().providers { #expect(rows.contains(p.id) || ids.contains(p.id), "\(p.id) vanished") }
        #expect(unmatched.first?["vcpu"] as? Int == 64)

        // Fleet mode names the side that has no plan.
        let fleet = try Self.json { $0.egress = "1TB"; $0.servers = "2x64vcpu-512gb"; $0.vps = "4vcpu-8gb" }
        let left = try #require(fleet["unmatched"] as? [[String: Any]])
        #expect(left.contains { $0["provider"] as? String == "hetzner" && $0["role"] as? String == "fleet" })
        // A size that fits everywhere leaves nothing out.
        let fits = try Self.json { $0.egress = "1TB" }
        #expect((fits["unmatched"] as? [Any])?.isEmpty == true)
    }

    // MARK: 3. The chart stops where the sourced data ends

    @Test func chartStopsWhereEgressPricesEndAndMarksLowerBounds() throws {
        let json = try Self.json { $0.egress = "10TB"; $0.chart = true; $0.providers = ["azure", "aws"] }
        let series = try #require(json["chart"] as? [[String: Any]])
        let azure = try #require(series.first { ($0["option"] as? String)?.hasPrefix("Azure") == true })
        // Azure: 100 GB free, then $0.087/GB for 10 TB; nothing sourced above 10.1 TB.
        #expect(Self.dec(azure["egress_priced_to_bytes"]) == 10_100_000_000_000)
        #expect(azure["lower_bound"] as? Bool == true)
        let points = try #require(azure["points"] as? [[String: Any]])
        #expect(!points.isEmpty && points.count < CostChart.samples + 1)
        for p in points { #expect(Self.dec(p["egress_bytes"]) <= 10_100_000_000_000) }
        let aws = try #require(series.first { ($0["option"] as? String)?.hasPrefix("AWS") == true })
        #expect(aws["lower_bound"] as? Bool == false)
        #expect(aws["egress_priced_to_bytes"] == nil)
        #expect((aws["points"] as? [Any])?.count == CostChart.samples + 1)

        // Text: ≥ in the legend, and no Azure mark right of 10.1 TB (column 30.3 of 60 on a 20 TB axis).
        let text = try Self.text { $0.egress = "10TB"; $0.chart = true; $0.providers = ["azure"] }
        let legend = try #require(text.split(separator: "\n").first { $0.contains("A  ≥ Azure") })
        #expect(legend.contains("stops"), "\(legend)")
        let grid = text.split(separator: "\n").filter { $0.contains(" |") && !$0.contains("[") }
        #expect(grid.count == CostChart.height + 1)
        for row in grid {
            let cells = Array(row[row.range(of: " |")!.upperBound...])
            #expect(cells.count <= 31 || cells[31...].allSatisfy { $0 == " " }, "mark past the data: \(row)")
        }
    }

    // MARK: 4. Ignored input is refused

    @Test func ignoredInputIsRefused() throws {
        let ram = CostFixtures.usageError(try CostFixtures.options { $0.egress = "10TB"; $0.ram = ["listmonk=abc"] })
        #expect(ram.contains("invalid --ram 'listmonk=abc'"), "\(ram)")
        let ramNoApp = CostFixtures.usageError(try CostFixtures.options { $0.egress = "10TB"; $0.ram = ["listmonk=512"] })
        #expect(ramNoApp.contains("not in --apps"), "\(ramNoApp)")
        let rateOnly = CostFixtures.usageError(try CostFixtures.options { $0.egress = "10TB"; $0.hourlyRate = "80" })
        let hoursOnly = CostFixtures.usageError(try CostFixtures.options { $0.egress = "10TB"; $0.adminHours = "4" })
        for m in [rateOnly, hoursOnly] { #expect(m.contains("--admin-hours") && m.contains("--hourly-rate"), "\(m)") }
        let providers = CostFixtures.usageError(try CostFixtures.options { $0.egress = "10TB"; $0.providers = [""] })
        #expect(providers.contains("--providers has an empty name"), "\(providers)")
        let chartMax = CostFixtures.usageError(try CostFixtures.options { $0.egress = "10TB"; $0.chartMax = "40TB" })
        #expect(chartMax.contains("--chart"), "\(chartMax)")
        let emails = CostFixtures.usageError(try CostFixtures.options { $0.egress = "10TB"; $0.emailsPerMonth = "1000" })
        #expect(emails.contains("--apps"), "\(emails)")
    }

    @Test func ignoredInputExitsTwoThroughTheBinary() throws {
        for args in [["--ram", "listmonk=abc"], ["--hourly-rate", "80"], ["--providers", ""]] {
            let r = try TestSupport.run(["cost", "--egress", "10TB"] + args)
            #expect(r.status == 2, "\(args): \(r.stderr)")
            #expect(r.stderr.contains(args[0]), "\(args): \(r.stderr)")
        }
    }

    // MARK: 5. Numeric JSON, exact decimals, absurd sizes refused

    @Test func billedAndIncludedHaveNumericFields() throws {
        var o = try CostFixtures.options { $0.egress = "10TB"; $0.providers = ["hetzner", "aws", "digitalocean"]; $0.format = .json }
        o.format = .json
        let raw = try CostFixtures.run(o).1
        // 10^13 bytes = 9,313.2257461547851562 GiB, less AWS's 100 GB free: exact, not a float.
        #expect(raw.contains("\"egress_billed_amount\" : 9213.22574615478515625"), "\(raw)")
        let json = try Self.json { $0.egress = "10TB"; $0.providers = ["hetzner", "aws", "digitalocean"] }
        let options = try #require(json["options"] as? [[String: Any]])
        let aws = try #require(options.first { $0["provider"] as? String == "aws" })
        #expect(aws["egress_billed_unit"] as? String == "GiB")
        #expect(aws["egress_billed"] as? String == "9,213.23 GiB")
        let hetzner = try #require(options.first { $0["provider"] as? String == "hetzner" })
        #expect((hetzner["included_transfer_amount"] as? NSNumber)?.intValue == 20)
        #expect(hetzner["included_transfer_unit"] as? String == "TB")
        #expect(hetzner["included_transfer_scope"] as? String == "per_server")
        #expect((hetzner["egress_billed_amount"] as? NSNumber)?.intValue == 0)
        let digitalocean = try #require(options.first { $0["provider"] as? String == "digitalocean" })
        #expect(digitalocean["included_transfer_scope"] as? String == "pooled")
        #expect(digitalocean["included_transfer_unit"] as? String == "GiB")
    }

    @Test func hugeEgressIsExactOrRefused() throws {
        var o = try CostFixtures.options { $0.egress = "1000PB"; $0.chart = true; $0.format = .json }
        o.format = .json
        let raw = try CostFixtures.run(o).1
        #expect(!raw.contains("e+") && !raw.contains("E+"), "float notation in JSON")
        #expect(raw.contains("\"egress_bytes\" : 1000000000000000000"))
        let over = CostFixtures.usageError(try CostFixtures.options { $0.egress = "1001PB" })
        #expect(over.contains("more than 1 EB"), "\(over)")
        let huge = CostFixtures.usageError(try CostFixtures.options { $0.egress = "5000000000000000000000000000000PB" })
        #expect(huge.contains("more than 1 EB"), "\(huge)")
        let chartMax = CostFixtures.usageError(try CostFixtures.options { $0.egress = "1TB"; $0.chart = true; $0.chartMax = "2000PB" })
        #expect(chartMax.contains("--chart-max"), "\(chartMax)")
    }

    // MARK: 6. --saas without --apps

    @Test func saasWithoutAppsSaysSo() throws {
        let text = try Self.text { $0.saas = ["slack=12seats"] }
        #expect(!text.contains("apps:  = 0 MB"), "\(text)")
        #expect(text.contains("apps: none given"), "\(text)")
        #expect(text.contains("--apps"))
        // Slack's replacements from the price file are suggested.
        #expect(text.contains("rocketchat"), "\(text)")
        let json = try Self.json { $0.saas = ["slack=12seats"] }
        let saas = try #require(json["saas"] as? [String: Any])
        #expect((saas["suggested_apps"] as? [String])?.contains("rocketchat") == true)
    }
}
