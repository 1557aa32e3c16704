import Foundation
import Testing
@testable import SelfhostKit

/// Second QA round: exact decimals in the JSON text, unpriced compute shown as unpriced, the
/// account-wide free allowance shown with the included transfer, bounds carried into ratios and
/// the SaaS difference, sorted footnotes, negative sizes and the provider list in `--help`.
@Suite("Cost: QA round 2")
struct CostQARound2Tests {
    static func raw(_ configure: (inout CostCommand.Options) -> Void) throws -> String {
        var o = try CostFixtures.options(configure)
        o.format = .json
        return try CostFixtures.run(o).1
    }

    /// Every `"key" : literal` in the JSON text, in document order (numbers and null only).
    static func literals(_ key: String, in text: String) -> [String] {
        let pattern = "\"\(key)\" : ([-0-9.eE+]+|null)"
        let re = try! NSRegularExpression(pattern: pattern)
        let ns = text as NSString
        return re.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range(at: 1)) }
    }

    // MARK: 1. Decimals are written exactly

    @Test func everyDecimalFieldIsItsExactLiteral() throws {
        let configure: (inout CostCommand.Options) -> Void = { $0.egress = "10TB"; $0.chart = true }
        let text = try Self.raw(configure)
        let report = try CostCommand.makeReport(try CostFixtures.options(configure), now: CostFixtures.now)
        func check(_ key: String, _ values: [Decimal]) {
            let got = Self.literals(key, in: text)
            #expect(got == values.map { "\($0)" }, "\(key): JSON \(got) vs report \(values)")
            #expect(!got.isEmpty, "\(key) not in the JSON")
        }
        check("egress_billed_amount", report.options.compactMap(\.egressBilledAmount))
        check("included_transfer_amount", report.options.compactMap(\.includedTransferAmount))
        check("ratio_to_cheapest", report.options.compactMap(\.ratioToCheapest))
        check("egress_usd", report.options.map(\.egressUsd.value))
        check("at", report.breakEven.compactMap(\.at))
        // Top-level `egress_bytes` sorts after `chart`: compare as a multiset.
        let bytes = Self.literals("egress_bytes", in: text)
        let expected = ([report.egressBytes!] + report.chart!.flatMap { $0.points.map(\.egressBytes) }).map { "\($0)" }
        #expect(bytes.sorted() == expected.sorted() && bytes.count > 60, "egress_bytes literals differ from the report")
        check("usd_per_eur", [report.exchangeRate!.usdPerEur])
        // The literal QA read as 9213.225746154785 (a float parser's rounding): every digit is there,
        // more than a Double holds, so this cannot pass by way of Double.
        let exact = "9213.22574615478515625"
        #expect(Self.literals("egress_billed_amount", in: text).contains(exact), "\(text)")
        #expect(String(Double(exact)!) != exact)
        // And a whole byte count above 2^53 stays whole and exact.
        let big = try Self.raw { $0.egress = "999999999999999999B"; $0.providers = ["aws"] }
        #expect(Self.literals("egress_bytes", in: big) == ["999999999999999999"], "\(big)")
        #expect(Double("999999999999999999")! == 1e18)
    }

    @Test func exactLiteralThroughTheBinary() throws {
        let r = try TestSupport.run(["cost", "--egress", "10TB", "--providers", "aws", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(Self.literals("egress_billed_amount", in: r.stdout) == ["9213.22574615478515625"], "\(r.stdout)")
    }

    // MARK: 2. Unpriced compute is null / "—", never $0.00

    @Test func azureComputeIsNullAndDash() throws {
        // The shipped Azure file now has VM prices; the unpriced path is checked without them.
        let unpriced = try CostFixtures.storeWithUnpricedCompute()
        let text = try Self.raw { $0.store = unpriced; $0.egress = "10TB"; $0.providers = ["azure", "hetzner"] }
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let options = try #require(json["options"] as? [[String: Any]])
        let azure = try #require(options.first { $0["provider"] as? String == "azure" })
        #expect(azure["compute_usd"] is NSNull, "\(azure)")
        #expect(azure["lower_bound"] as? Bool == true)
        let hetzner = try #require(options.first { $0["provider"] as? String == "hetzner" })
        #expect((hetzner["compute_usd"] as? NSNumber) != nil)

        let table = try CostQAFixesTests.text { $0.store = unpriced; $0.egress = "10TB"; $0.providers = ["azure", "hetzner"] }
        let row = try #require(table.split(separator: "\n").first { $0.contains("Azure") && $0.contains("no sourced VM price") })
        let afterPlan = row.components(separatedBy: "no sourced VM price")[1]
        #expect(afterPlan.trimmingCharacters(in: .whitespaces).hasPrefix("—"), "\(row)")
        #expect(!row.contains("$0.00"), "\(row)")
        #expect(row.contains("≥ $861.30"), "\(row)")
        #expect(table.contains("— = no sourced price"), "\(table)")
        // Rows still add up (null compute counts as 0) in both currencies.
        try CostQAFixesTests.checkRowsAddUp { $0.store = unpriced; $0.egress = "10TB"; $0.providers = ["azure", "hetzner"] }
        try CostQAFixesTests.checkRowsAddUp { $0.store = unpriced; $0.egress = "10TB"; $0.providers = ["azure", "hetzner"]; $0.currency = "EUR" }
    }

    // MARK: 3. Included transfer states all that is subtracted

    @Test func vultrShowsTheAccountAllowanceItSubtracts() throws {
        let table = try CostQAFixesTests.text { $0.egress = "10TB"; $0.providers = ["vultr"] }
        #expect(table.contains("4,000.00 GB (incl. 4 TB pooled + 2 TB free per account)"), "\(table)")
        let json = try CostQAFixesTests.json { $0.egress = "10TB"; $0.providers = ["vultr"] }
        let vultr = try #require((json["options"] as? [[String: Any]])?.first)
        #expect(vultr["included_transfer"] as? String == "4 TB pooled + 2 TB free per account")
        #expect((vultr["included_transfer_amount"] as? NSNumber)?.intValue == 6)
        #expect(vultr["included_transfer_unit"] as? String == "TB")
        #expect(vultr["included_transfer_scope"] as? String == "pooled")
        #expect((vultr["egress_billed_amount"] as? NSNumber)?.intValue == 4000)
    }

    /// For every server row, billed egress = egress − the stated included amount (nothing else is
    /// taken off), exactly, in the billing unit.
    @Test func billedEqualsEgressLessStatedIncluded() throws {
        for (egress, servers) in [("50TB", nil), ("10TB", nil), ("3TB", "3x2vcpu-4gb")] as [(String, String?)] {
            let o = try CostFixtures.options { $0.egress = egress; $0.servers = servers }
            let report = try CostCommand.makeReport(o, now: CostFixtures.now)
            let bytes = try #require(report.egressBytes)
            var checked = 0
            for row in report.options where row.kind == "cloud" || row.kind == "vps" {
                let unit = try #require(row.billingUnit.flatMap { BillingUnit(text: $0) }, "\(row.provider)")
                let incUnit = row.includedTransferUnit.flatMap { BillingUnit(text: $0) } ?? unit
                let included = (row.includedTransferAmount ?? 0) * incUnit.bytes / unit.bytes
                let billed = try #require(row.egressBilledAmount)
                #expect(billed == max(0, bytes / unit.bytes - included), "\(egress) \(row.provider) \(row.role ?? ""): billed \(billed), included \(row.includedTransfer ?? "none")")
                checked += 1
            }
            #expect(checked >= 7)
        }
        // The free allowances are named where they apply.
        let report = try CostCommand.makeReport(try CostFixtures.options { $0.egress = "10TB" }, now: CostFixtures.now)
        let byID = Dictionary(report.options.map { ($0.provider, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(byID["aws"]?.includedTransfer == "100 GiB free per account")
        #expect(byID["azure"]?.includedTransfer == "100 GB free per account")
        #expect(byID["gcp"]?.includedTransfer == nil)
        #expect(byID["hetzner"]?.includedTransfer == "20 TB per server")
    }

    // MARK: 4. Bounds, footnotes, negative sizes, provider list

    @Test func lowerBoundRatioHasTheSign() throws {
        let unpriced = try CostFixtures.storeWithUnpricedCompute()
        let table = try CostQAFixesTests.text { $0.store = unpriced; $0.egress = "10TB" }
        let azure = try #require(table.split(separator: "\n").first { $0.contains("Azure") && $0.contains("cloud") })
        #expect(azure.contains("≥ $861.30"), "\(azure)")
        #expect(azure.contains("≥ 118.79×"), "\(azure)")
        // Fully priced rows keep a plain ratio.
        let aws = try #require(table.split(separator: "\n").first { $0.contains("AWS") && $0.contains("cloud") })
        #expect(aws.contains(" 130.79×") && !aws.contains("≥"), "\(aws)")
    }

    @Test func savingsBoundFollowsTheSides() throws {
        #expect(CostCommand.savingsBound(saasLower: false, selfhostLower: false) == "exact")
        #expect(CostCommand.savingsBound(saasLower: true, selfhostLower: false) == "at_least")
        #expect(CostCommand.savingsBound(saasLower: false, selfhostLower: true) == "at_most")
        #expect(CostCommand.savingsBound(saasLower: true, selfhostLower: true) == "unknown")

        // Mailchimp above 10,000 contacts is a lower bound, so the difference is one too.
        let lower: (inout CostCommand.Options) -> Void = {
            $0.saas = ["mailchimp=50000contacts", "slack=12seats"]; $0.apps = ["listmonk", "rocketchat"]; $0.emailsPerMonth = "200000"
        }
        let text = try CostQAFixesTests.text(lower)
        let line = try #require(text.split(separator: "\n").first { $0.contains("SaaS bills:") })
        #expect(line.contains("SaaS bills: ≥ $"), "\(line)")
        #expect(line.contains("difference ≥ $") && line.contains("(≥ $"), "\(line)")
        let saas = try #require(try CostQAFixesTests.json(lower)["saas"] as? [String: Any])
        #expect(saas["savings_bound"] as? String == "at_least")
        #expect(saas["saas_lower_bound"] as? Bool == true)
        #expect(saas["selfhost_lower_bound"] as? Bool == false)

        // Fully priced on both sides: a plain difference.
        let exact: (inout CostCommand.Options) -> Void = { $0.saas = ["slack=12seats"]; $0.apps = ["rocketchat"] }
        let plain = try #require(try CostQAFixesTests.text(exact).split(separator: "\n").first { $0.contains("SaaS bills:") })
        #expect(plain.contains("difference $") && !plain.contains("≥"), "\(plain)")
        #expect((try CostQAFixesTests.json(exact)["saas"] as? [String: Any])?["savings_bound"] as? String == "exact")
    }

    @Test func footnotesAreSortedInEveryRow() throws {
        // Each of these printed an unsorted list before ([3,1,2], [10,3], [6,7,5]).
        let runs: [(inout CostCommand.Options) -> Void] = [
            { $0.egress = "10TB"; $0.currency = "EUR" },
            { $0.egress = "10TB"; $0.servers = "8x2vcpu-4gb" },
            { $0.saas = ["mailchimp=50000contacts", "slack=12seats"]; $0.apps = ["listmonk", "rocketchat"]; $0.emailsPerMonth = "200000"; $0.currency = "EUR" },
        ]
        let re = try NSRegularExpression(pattern: "\\[([0-9]+(?:,[0-9]+)+)\\]")
        for configure in runs {
            let text = try CostQAFixesTests.text(configure)
            let ns = text as NSString
            let lists = re.matches(in: text, range: NSRange(location: 0, length: ns.length)).map {
                ns.substring(with: $0.range(at: 1)).split(separator: ",").compactMap { Int($0) }
            }
            #expect(lists.count >= 3, "\(text)")
            for l in lists { #expect(l == l.sorted(), "unsorted footnotes \(l)") }
            let json = try CostQAFixesTests.json(configure)
            for o in try #require(json["options"] as? [[String: Any]]) {
                let notes = ((o["sources"] as? [[String: Any]]) ?? []).compactMap { ($0["footnote"] as? NSNumber)?.intValue }
                #expect(notes == notes.sorted(), "\(o["provider"] ?? ""): \(notes)")
            }
        }
    }

    @Test func negativeSizesReachValidationThroughTheBinary() throws {
        for (flag, value) in [("--egress", "-5TB"), ("--chart-max", "-3TB")] {
            let args = flag == "--chart-max" ? ["cost", "--egress", "1TB", "--chart", flag, value] : ["cost", flag, value]
            let r = try TestSupport.run(args)
            #expect(r.status == 2, "\(args): \(r.stderr)")
            #expect(r.stderr.contains("\(flag) must not be negative (got \(value))"), "\(r.stderr)")
            #expect(r.stderr.contains("10TiB") && r.stderr.contains("GB"), "accepted forms missing: \(r.stderr)")
            #expect(!r.stderr.contains("Missing value"), "\(r.stderr)")
        }
        for (flag, value) in [("--admin-hours", "-3"), ("--hourly-rate", "-80"), ("--emails-per-month", "-1")] {
            var args = ["cost", "--egress", "1TB", flag, value]
            if flag == "--admin-hours" { args += ["--hourly-rate", "80"] }
            if flag == "--hourly-rate" { args += ["--admin-hours", "4"] }
            if flag == "--emails-per-month" { args = ["cost", "--apps", "listmonk", flag, value] }
            let r = try TestSupport.run(args)
            #expect(r.status == 2, "\(args): \(r.stderr)")
            #expect(r.stderr.contains("\(flag) must not be negative"), "\(args): \(r.stderr)")
        }
        let ram = try TestSupport.run(["cost", "--apps", "listmonk", "--assume-ram-mb", "-5"])
        #expect(ram.status == 2 && ram.stderr.contains("--assume-ram-mb must be positive"), "\(ram.stderr)")
        // A flag where the value should be: named as a missing value, with the forms.
        let missing = try TestSupport.run(["cost", "--egress", "--chart"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("--egress is missing its value") && missing.stderr.contains("10TiB"), "\(missing.stderr)")
    }

    @Test func helpListsEveryPricedProvider() throws {
        let ids = CostCommand.providerIDs()
        let catalog = try CostFixtures.catalog()
        #expect(ids == catalog.providers.map(\.id).sorted())
        #expect(Set(ids).isSuperset(of: ["aws", "azure", "digitalocean", "gcp", "hetzner", "linode", "vultr"]))
        let r = try TestSupport.run(["cost", "--help"])
        #expect(r.status == 0)
        // Help wraps lines: compare with whitespace collapsed.
        let flat = r.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(flat.contains("comma-separated (" + ids.joined(separator: ", ") + ")"), "\(r.stdout)")
    }
}
