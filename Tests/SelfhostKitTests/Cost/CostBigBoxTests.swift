import Foundation
import Testing
@testable import SelfhostKit

/// Issue 12: big and dedicated plans, the box sized from what render writes, any SaaS bill,
/// platform apps on their own server, and exit 1 when nothing answers the question.
@Suite("Cost: the box people buy")
struct CostBigBoxTests {
    static let tenApps = ["listmonk", "umami", "mattermost", "chatwoot", "forgejo", "n8n", "peertube", "nextcloud", "uptime-kuma", "vaultwarden"]

    static func report(_ configure: (inout CostCommand.Options) -> Void) throws -> CostReport {
        var o = CostCommand.Options()
        o.store = .embedded
        configure(&o)
        return try CostCommand.makeReport(o, now: CostFixtures.now)
    }

    static func run(_ configure: (inout CostCommand.Options) -> Void) throws -> (SelfhostKit.ExitStatus, String, String) {
        var o = CostCommand.Options()
        o.store = .embedded
        configure(&o)
        let out = BufferSink(), err = BufferSink()
        let ctx = Context(stdout: out, stderr: err, workingDirectory: CostFixtures.root, now: { CostFixtures.now })
        return (try CostCommand.run(o, context: ctx), out.text, err.text)
    }

    // MARK: big plans and dedicated servers

    @Test(arguments: ["16vcpu-64gb", "32vcpu-128gb"])
    func bigBoxHasRowsFromFiveProviders(vps: String) throws {
        let r = try Self.report { $0.egress = "12TB"; $0.vps = vps }
        let spec = try ServerSpec(parsing: vps, flag: "--vps")
        let priced = r.options.filter { $0.computeUsd != nil && ($0.kind == "vps" || $0.kind == "cloud") }
        let providers = Set(priced.map(\.provider))
        #expect(providers.count >= 5, "\(providers.sorted())")
        #expect(r.answered)
        // Every row is a plan at least that big (the plan names carry the vendor's size).
        let catalog = try PricingCatalog.load(from: .embedded)
        for o in priced {
            let plan = try #require(catalog.provider(o.provider)?.plans.first { $0.name == o.plan }, "\(o.provider) \(o.plan)")
            #expect(plan.vcpu >= spec.vcpu && plan.ram >= spec.ramGB, "\(o.provider) \(o.plan)")
        }
        if vps == "16vcpu-64gb" {
            // A dedicated server, with its setup fee shown apart from the monthly total.
            let dedicated = try #require(priced.first { $0.provider == "hetzner-dedicated" })
            #expect(dedicated.setup != nil && dedicated.setup!.value > 0)
            #expect(dedicated.lowerBound, "a pre-April-2026 price is a lower bound")
            #expect(dedicated.egressUsd.value == 0, "unmetered 1 Gbit/s port")
        } else {
            // Hetzner's AX102 has no dated monthly price: said, not hidden.
            #expect(r.unmatched.contains { $0.provider == "hetzner-dedicated" })
        }
        // At both sizes a dedicated server has a row: OVHcloud's, threads counted as vCPUs, with
        // its installation fee apart, traffic unmetered, and a lower bound (a 2025 catalog).
        let ovh = try #require(priced.first { $0.provider == "ovh-dedicated" }, "\(priced.map(\.provider))")
        let plan = try #require(catalog.provider("ovh-dedicated")?.plans.first { $0.name == ovh.plan })
        #expect(plan.vcpu >= spec.vcpu && plan.ram >= spec.ramGB)
        #expect(ovh.setup != nil && ovh.setup!.value > 0)
        #expect(ovh.egressUsd.value == 0 && ovh.lowerBound)
        #expect(ovh.plan.hasPrefix(vps == "16vcpu-64gb" ? "SYS-2-SSD-64" : "SYS-6-SSD-128"), "\(ovh.plan)")
    }

    /// The dedicated server files say how a vCPU maps to a thread.
    @Test func dedicatedFilesStateThreadsAsVCPUs() throws {
        let catalog = try PricingCatalog.load(from: .embedded)
        for id in ["hetzner-dedicated", "ovh-dedicated"] {
            let p = try #require(catalog.provider(id), "\(id)")
            #expect(p.notes.contains { $0.contains("hardware threads") }, "\(id)")
        }
    }

    @Test func hourlyBigPlansPriceAt730Hours() throws {
        let r = try Self.report { $0.egress = "0GB"; $0.vps = "32vcpu-128gb"; $0.providers = ["aws", "azure", "gcp"] }
        let byProvider = Dictionary(uniqueKeysWithValues: r.options.map { ($0.provider, $0) })
        #expect(byProvider["aws"]?.computeUsd?.value == Decimal(string: "1121.28"))   // m6i.8xlarge 1.536 × 730
        #expect(byProvider["azure"]?.computeUsd?.value == Decimal(string: "1121.28")) // D32s v5
        #expect(byProvider["gcp"]?.computeUsd?.value == Decimal(string: "782.69"))    // e2-standard-32 1.07218272 × 730
    }

    // MARK: exit 1 when there is no answer

    @Test func noPlanFitsExitsOne() throws {
        let (status, out, err) = try Self.run { $0.egress = "1TB"; $0.providers = ["hetzner"]; $0.vps = "64vcpu-512gb" }
        #expect(status == .problems)
        #expect(out.contains("No answer:"), "\(out)")
        #expect(err.contains("no provider has a sourced plan"), "\(err)")
        var json = CostCommand.Options()
        json.store = .embedded; json.egress = "1TB"; json.providers = ["hetzner"]; json.vps = "64vcpu-512gb"; json.format = .json
        let out2 = BufferSink()
        let status2 = try CostCommand.run(json, context: Context(stdout: out2, stderr: BufferSink(), workingDirectory: CostFixtures.root, now: { CostFixtures.now }))
        #expect(status2 == .problems)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(out2.text.utf8)) as? [String: Any])
        #expect(obj["answered"] as? Bool == false)
        #expect((obj["unanswered"] as? [String])?.isEmpty == false)
    }

    @Test func answeredQuestionExitsZero() throws {
        let (status, _, _) = try Self.run { $0.egress = "1TB"; $0.providers = ["hetzner"] }
        #expect(status == .success)
    }

    // MARK: the box from what render writes

    /// The box's figure is what render writes: the sum of every mem_limit in the rendered
    /// compose files, plus the stated reserve.
    @Test func boxMemoryEqualsTheRenderedMemLimits() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cost-box-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (ctx, _, _) = TestSupport.context(cwd: dir.deletingLastPathComponent(), env: ["PATH": "/usr/bin:/bin"])
        let options = RenderCommand.Options(apps: Self.tenApps, domain: "example.com", hosts: [], email: nil, out: dir.path,
                                            docker: "/usr/bin/docker", dryRun: true, force: false, format: .json)
        let (report, contents) = try RenderCommand.render(options, store: .embedded, context: ctx)
        var rendered = 0
        for (path, text) in contents where path.hasSuffix("compose.yaml") {
            for line in text.split(separator: "\n") {
                let t = line.trimmingCharacters(in: .whitespaces)
                guard t.hasPrefix("mem_limit:") else { continue }
                let v = t.dropFirst("mem_limit:".count).trimmingCharacters(in: .whitespaces)
                rendered += try #require(BoxMemory.mib(literal: v), "\(path): \(t)")
            }
        }
        let memory = try #require(report.memory)
        #expect(rendered > 20_000)
        #expect(memory.totalMib == rendered + memory.systemReserveMib, "rendered \(rendered) MiB, box \(memory.totalMib) MiB")
        // The rendered box's mem_limits, Caddy included, are the 23,153 MiB.
        #expect(memory.apps.reduce(0) { $0 + $1.mib } + memory.caddyMib == 23_153)
    }

    @Test func renderPrintsWhatTheBoxNeeds() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cost-box-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (status, text, _) = try RenderTestSupport.render(["umami", "listmonk"], out: dir, dryRun: true)
        #expect(status == .success)
        let memory = try BoxMemory.plan(apps: ["listmonk", "umami"], catalog: TestSupport.catalog, store: .embedded)
        #expect(text.contains("This box needs ≈ \(Money.plain(memory.gib, scale: 1)) GiB of memory"), "\(text)")
        #expect(text.contains("selfhost cost --apps listmonk,umami"), "\(text)")
    }

    @Test func pricedSaaSFromTheCatalogsCommonOnes() throws {
        let r = try Self.report { $0.saas = ["zendesk=5agents", "github=20users", "github=3enterprise"] }
        let totals = r.options.map(\.total.value)
        #expect(totals.sorted() == [63, 80, 275], "\(totals)")
        #expect(r.options.allSatisfy { !$0.sources.isEmpty && !$0.lowerBound })
    }

    @Test func cheapestMarkOnlyOnAPlanThatHoldsTheBox() throws {
        let r = try Self.report { $0.apps = Self.tenApps; $0.egress = "10TB" }
        let box = try #require(r.saas?.box)
        let catalog = try PricingCatalog.load(from: .embedded)
        let cheapest = try #require(r.options.first { $0.cheapest })
        let plan = try #require(catalog.provider(cheapest.provider)?.plans.first { $0.name == cheapest.plan })
        #expect(plan.ramMB >= box.totalMB, "\(cheapest.plan) holds \(plan.ramMB) MB, the box needs \(box.totalMB)")
        // Every server row holds it, and self-hosted rows charge the whole plan.
        for o in r.options where o.kind == "vps" || o.kind == "cloud" || o.kind == "selfhost" {
            guard let p = catalog.provider(o.provider)?.plans.first(where: { $0.name == o.plan }) else { continue }
            #expect(p.ramMB >= box.totalMB, "\(o.provider) \(o.plan)")
            if o.kind == "selfhost", !p.price.isHourly, catalog.provider(o.provider)?.currency == "USD" {
                #expect(o.computeUsd?.value == Money.round(p.price.monthly, scale: 2), "\(o.provider): the box's full price")
            }
        }
        // Break-even egress rows are among plans that hold the box too.
        for b in r.breakEven where b.kind == "egress" {
            let row = try #require(r.options.first { $0.provider == b.cheaper })
            let p = try #require(catalog.provider(row.provider)?.plans.first { $0.name == row.plan })
            #expect(p.ramMB >= box.totalMB)
        }
    }

    @Test func appSharesOnlyWhenAsked() throws {
        let plain = try Self.report { $0.apps = ["listmonk", "umami"]; $0.saas = ["mailchimp=5000contacts"] }
        #expect(plain.saas?.appShares == nil)
        let shared = try Self.report { $0.apps = ["listmonk", "umami"]; $0.saas = ["mailchimp=5000contacts"]; $0.appShares = true }
        let shares = try #require(shared.saas?.appShares)
        #expect(shares.map(\.app) == ["listmonk", "umami"])
        let total = try #require(shared.saas?.selfhostTotalUsd)
        let sum = shares.reduce(Decimal(0)) { $0 + $1.usd.exact }
        #expect(abs(sum - total.exact) < Decimal(string: "0.000001")!, "shares add up to the self-hosted total without services")
    }

    // MARK: any SaaS bill

    @Test func anySaaSByItsBill() throws {
        let r = try Self.report { $0.saas = ["zendesk=@345"] }
        let row = try #require(r.options.first { $0.kind == "saas" })
        #expect(row.provider == "zendesk" && row.total.value == 345 && row.plan == "your bill")
        #expect(r.saas?.suggestedApps.contains("zammad") == true || r.saas?.suggestedApps.isEmpty == false)
        // Not in the catalog at all: the bill alone still prices it.
        let other = try Self.report { $0.saas = ["acme-crm=@99.50"] }
        #expect(other.options.first?.total.value == Decimal(string: "99.5"))
        // In EUR, the bill is euros.
        let eur = try Self.report { $0.saas = ["zendesk=@345"]; $0.currency = "EUR" }
        #expect(eur.options.first?.total.value == 345)
    }

    @Test func aliasesAsInRecommendAndTheBillAsTheFix() throws {
        let ga = CostFixtures.usageError(try CostFixtures.options { $0.store = .embedded; $0.saas = ["ga=1Mpageviews"] })
        #expect(ga.contains("Google Analytics") && ga.contains("@AMOUNT"), "\(ga)")
        #expect(!ga.contains("mailchimp ") && !ga.contains("did you mean"), "\(ga)")
        let unknown = CostFixtures.usageError(try CostFixtures.options { $0.store = .embedded; $0.saas = ["acme=5seats"] })
        #expect(unknown.contains("acme=@AMOUNT"), "\(unknown)")
        // Beyond the sourced tiers: ≥, and the note names the fix.
        let r = try Self.report { $0.saas = ["mailchimp=50000contacts"] }
        let row = try #require(r.options.first)
        #expect(row.lowerBound)
        #expect(row.notes.contains { $0.contains("mailchimp=50000contacts@AMOUNT") }, "\(row.notes)")
    }

    // MARK: request-billed parts

    @Test func requestsPriceTheLoadBalancerAndNothingOnAVPS() throws {
        let r = try Self.report { $0.egress = "10TB"; $0.requests = "9M"; $0.providers = ["aws", "hetzner", "gcp"] }
        let aws = try #require(r.options.first { $0.provider == "aws" })
        let lb = try #require(aws.hidden.first { $0.label == "application load balancer" })
        // 730 h × $0.0225 + (10,000 GB / 730 h = 13.70 LCU) × 730 h × $0.008 = $16.425 + $80.
        #expect(lb.usd == Decimal(string: "96.425"), "\(lb.usd)")
        #expect(aws.sources.contains { $0.url.contains("elasticloadbalancing") })
        let hetzner = try #require(r.options.first { $0.provider == "hetzner" })
        #expect(hetzner.hidden.map(\.label) == ["per request"] && hetzner.hiddenUsd.value == 0)
        let gcp = try #require(r.options.first { $0.provider == "gcp" })
        #expect(gcp.lowerBound && gcp.notes.contains { $0.contains("no sourced price for Google Cloud") })
        // Without --egress the capacity units cannot be counted: refused.
        let err = CostFixtures.usageError(try CostFixtures.options { $0.requests = "9M"; $0.saas = ["slack=3seats"] })
        #expect(err.contains("--requests needs --egress"), "\(err)")
        let bad = CostFixtures.usageError(try CostFixtures.options { $0.requests = "lots"; $0.egress = "1TB" })
        #expect(bad.contains("not a count"), "\(bad)")
    }

    // MARK: platforms on their own server

    @Test func platformAppsArePricedAsTheirOwnServer() throws {
        let r = try Self.report { $0.saas = ["heroku=3standard-2x"]; $0.apps = ["dokku", "umami"] }
        #expect(r.saas?.ownServers.map(\.app) == ["dokku"])
        #expect(r.saas?.box?.apps.map(\.app) == ["umami"])
        let rows = r.options.filter { $0.kind == "selfhost" }
        #expect(!rows.isEmpty)
        for o in rows { #expect(o.plan.contains("dokku's own server"), "\(o.plan)") }
        #expect(r.assumptions.contains { $0.contains("dynos run") && $0.contains("--ram dokku=MB") })
        // Only the platform: the row is its server alone.
        let only = try Self.report { $0.saas = ["heroku=3standard-2x"]; $0.apps = ["coolify"] }
        #expect(only.saas?.box == nil)
        #expect(only.options.filter { $0.kind == "selfhost" }.allSatisfy { $0.plan.contains("coolify's own server") })
    }
}
