import Foundation

/// `selfhost cost`: what traffic, servers and SaaS bills cost per month on clouds, VPS providers
/// and self-hosted, from the sourced price lists in `catalog/pricing/`.
public enum CostCommand {
    public struct Options: Sendable {
        public var egress: String?
        public var servers: String?
        public var vps: String?
        public var saas: [String] = []
        public var apps: [String] = []
        public var emailsPerMonth: String?
        public var ram: [String] = []
        public var assumeRAMMB: Int = 1024
        public var providers: [String] = []
        /// `current` (default) or `legacy` (AWS's pre-December-2021 1 GB free allowance).
        public var awsFreeTier: String?
        public var backups = false
        public var ipv4 = false
        public var adminHours: String?
        /// Requests a month, e.g. `9M`.
        public var requests: String?
        public var hourlyRate: String?
        public var chart = false
        public var chartMax: String?
        public var currency: String = "USD"
        public var format: OutputFormat = .text
        public var store: ResourceStore = .embedded
        /// Where app RAM comes from (the catalog by default).
        public var appRAM: (any AppRAMSource)?
        /// Show each app's share of the self-hosted box (by memory) besides the box's full price.
        public var appShares = false
        /// `--refresh`: fetch public price APIs into the cache overlay first (`PriceRefresh`).
        public var refresh = false
        /// The HTTP layer for `--refresh` (libcurl by default; tests inject their own or use loopback).
        public var http: (any HTTPClient)?
        public var refreshTimeout: Double = 20
        /// A directory holding `pricing/<id>.yaml` read over the shipped price files (the refresh
        /// overlay in the cache directory); nil: none.
        public var pricingOverlay: URL?

        public init() {}
    }

    public static let defaultVPS = ServerSpec(vcpu: 4, ramGB: 8)

    /// The provider ids `--providers` accepts in `store` (the shipped catalog by default),
    /// sorted, for help text; empty if the catalog does not load.
    public static func providerIDs(store: ResourceStore = .embedded) -> [String] {
        ((try? PricingCatalog.load(from: store))?.providers.map(\.id) ?? []).sorted()
    }
    /// Break-even searches stop at 10 PB a month.
    static let egressLimit: Decimal = 10_000_000_000_000_000

    public static func run(_ options: Options, context: Context) throws -> ExitStatus {
        var options = options
        var refreshFailed = false
        if options.refresh {
            let outcomes = PriceRefresh.run(http: options.http ?? CurlHTTPClient(), environment: context.environment, store: options.store,
                                            now: context.now(), timeout: options.refreshTimeout, providers: options.providers)
            // A source skipped for want of a token is not a failure; a read that failed is.
            refreshFailed = outcomes.contains { $0.status == "kept" }
            options.pricingOverlay = PriceRefresh.overlay(environment: context.environment) ?? options.pricingOverlay
            let pricesToo = options.egress != nil || options.servers != nil || !options.saas.isEmpty || !options.apps.isEmpty
            switch options.format {
            case .json where !pricesToo:
                context.stdout.write(JSONOutput.encode(RefreshReport(refresh: outcomes)))
            case .json:
                for o in outcomes where o.status == "kept" { context.stderr.write("warning: \(o.provider): \(o.message)\n") }
            case .text:
                var t = TextTable(headers: ["provider", "refresh", "plans", "as of", "note"])
                for o in outcomes { t.add([o.provider, o.status, o.status == "updated" ? "\(o.plans)" : "", o.asOf, o.message]) }
                context.stdout.write(context.style.bold("Price refresh") + "\n" + t.render(headerStyle: context.style.bold) + "\n")
            }
            if !pricesToo { return refreshFailed ? .problems : .success }
        }
        let report = try makeReport(options, now: context.now())
        switch options.format {
        case .json:
            context.stdout.write(JSONOutput.encode(report))
        case .text:
            context.stdout.write(context.fitted(CostText.render(report, options: options, style: context.style, width: context.width)))
        }
        if !report.answered {
            for u in report.unanswered { context.stderr.write("error: \(u)\n") }
            return .problems
        }
        return refreshFailed ? .problems : .success
    }

    /// Builds the report without printing (used by tests).
    public static func makeReport(_ options: Options, now: Date) throws -> CostReport {
        var options = options
        var overlaid: [String] = []
        if let dir = options.pricingOverlay {
            options.store = try options.store.overlaying(catalogDirectory: dir)
            let store = options.store
            overlaid = store.overlaidPaths.filter { $0.hasPrefix(PricingCatalog.directory) && store.file($0)?.displayPath.hasPrefix(dir.path) == true }.sorted()
        }
        let catalog = try PricingCatalog.load(from: options.store)
        guard ["USD", "EUR"].contains(options.currency.uppercased()) else {
            throw SelfhostError.usage("unknown currency '\(options.currency)'", remedy: "use --currency USD or --currency EUR")
        }
        let currency = options.currency.uppercased()
        if currency == "EUR" && catalog.exchangeRate == nil {
            throw SelfhostError.problem("--currency EUR needs catalog/pricing/eur-usd.yaml", remedy: "restore the rate file")
        }
        guard options.egress != nil || options.servers != nil || !options.saas.isEmpty || !options.apps.isEmpty else {
            throw SelfhostError.usage("nothing to price", remedy: "give --egress SIZE (e.g. 10TB), --servers COUNTxSPEC with --vps SPEC, or --saas NAME=USAGE with --apps LIST")
        }

        // Inputs, each validated with its accepted forms; nothing given is silently ignored.
        // First, no invisible or look-alike character anywhere (`10TB` + U+200B is not 10TB).
        let plain: [(String, [String], String)] = [
            ("--egress", options.egress.map { [$0] } ?? [], "10TB"), ("--chart-max", options.chartMax.map { [$0] } ?? [], "40TB"),
            ("--servers", options.servers.map { [$0] } ?? [], "8x2vcpu-4gb"), ("--vps", options.vps.map { [$0] } ?? [], "4vcpu-8gb"),
            ("--saas", options.saas, "slack=12seats"), ("--apps", options.apps, "listmonk"), ("--ram", options.ram, "rocketchat=2048"),
            ("--providers", options.providers, "aws,hetzner"), ("--emails-per-month", options.emailsPerMonth.map { [$0] } ?? [], "200000"),
            ("--admin-hours", options.adminHours.map { [$0] } ?? [], "4"), ("--hourly-rate", options.hourlyRate.map { [$0] } ?? [], "80"),
            ("--currency", [options.currency], "EUR"), ("--aws-free-tier", options.awsFreeTier.map { [$0] } ?? [], "legacy"),
        ]
        for (flag, values, example) in plain {
            for v in values { try PlainText.requireASCII(v, flag: flag, example: example) }
        }
        for (flag, items, example) in [("--providers", options.providers, "aws,hetzner"), ("--saas", options.saas, "slack=12seats"),
                                       ("--apps", options.apps, "listmonk,rocketchat"), ("--ram", options.ram, "rocketchat=2048")]
        where items.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw SelfhostError.usage("\(flag) has an empty name", remedy: "give \(flag) a comma-separated list, e.g. \(flag) \(example)" + (flag == "--providers" ? ", or leave it out for every provider" : ""))
        }
        let ramOverrides = try AppBudgeting.overrides(options.ram)
        let appIDs = Set(options.apps.map { $0.lowercased() })
        for app in ramOverrides.keys.sorted() where !appIDs.contains(app) {
            throw SelfhostError.usage("--ram \(app)=… names an app not in --apps", remedy: options.apps.isEmpty
                ? "add --apps \(app) (with --saas NAME=USAGE) to price self-hosting it, or drop --ram"
                : "add \(app) to --apps (now \(options.apps.joined(separator: ","))) or drop the --ram item")
        }
        if options.chartMax != nil && !options.chart {
            throw SelfhostError.usage("--chart-max needs --chart", remedy: "add --chart, e.g. --chart --chart-max 40TB")
        }
        if options.emailsPerMonth != nil && options.apps.isEmpty {
            throw SelfhostError.usage("--emails-per-month needs --apps", remedy: "it prices the self-hosted side's sending (Amazon SES): add --apps, e.g. --saas mailchimp=50000contacts --apps listmonk --emails-per-month 200000")
        }
        let egress = try options.egress.map { try parseEgress($0) }
        let egressBytes = egress?.bytes ?? 0
        let servers = try options.servers.map { try ServerSpec(parsing: $0, flag: "--servers") }
        let vps = try options.vps.map { try ServerSpec(parsing: $0, flag: "--vps") }
        if let v = vps, v.count != 1 {
            throw SelfhostError.usage("--vps is one box, not \(v.count)", remedy: "use --vps SPEC like 4vcpu-8gb and --servers COUNTxSPEC for the fleet")
        }
        var hidden = HiddenCostRequest()
        hidden.backups = options.backups
        hidden.ipv4 = options.ipv4
        hidden.adminHours = try options.adminHours.map { try parseAmount($0, flag: "--admin-hours") }
        hidden.requests = try options.requests.map { try parseCount($0, flag: "--requests") }
        if hidden.requests != nil && options.egress == nil && options.servers == nil {
            throw SelfhostError.usage("--requests needs --egress", remedy: "the load balancer's capacity units also count the bytes it passes: give both, e.g. --egress 10TB --requests 9M")
        }
        hidden.hourlyRate = try options.hourlyRate.map { try parseAmount($0, flag: "--hourly-rate") }
        if (hidden.adminHours == nil) != (hidden.hourlyRate == nil) {
            let given = hidden.adminHours == nil ? "--hourly-rate" : "--admin-hours"
            let missing = hidden.adminHours == nil ? "--admin-hours" : "--hourly-rate"
            throw SelfhostError.usage("\(given) needs \(missing): --admin-hours and --hourly-rate go together", remedy: "give both, e.g. --admin-hours 4 --hourly-rate 80 (the rate is in the --currency)")
        }
        if currency == "EUR", let r = hidden.hourlyRate, let fx = catalog.exchangeRate {
            hidden.rateLabel = Money.format(r, currency: "EUR")
            hidden.hourlyRate = r * fx.usdPerEUR.value
        }
        let emails = try options.emailsPerMonth.map { try parseAmount($0, flag: "--emails-per-month") }
        let awsSet: String?
        switch options.awsFreeTier?.lowercased() {
        case nil, "current": awsSet = nil
        case "legacy": awsSet = "legacy"
        case let other?:
            throw SelfhostError.usage("unknown --aws-free-tier '\(other)'", remedy: "use current (100 GB a month, since December 2021) or legacy (1 GB per region, before)")
        }
        guard options.assumeRAMMB > 0 else {
            throw SelfhostError.usage("--assume-ram-mb must be positive", remedy: "e.g. --assume-ram-mb 1024")
        }
        guard options.assumeRAMMB <= InputBudget.maxRAMMB else {
            throw SelfhostError.usage("--assume-ram-mb must be a whole number from 1 to \(InputBudget.maxRAMMB) (100 TB), got \(options.assumeRAMMB)",
                                      remedy: "e.g. --assume-ram-mb 1024")
        }
        for (flag, items) in [("--apps", options.apps), ("--saas", options.saas), ("--ram", options.ram), ("--providers", options.providers)]
        where items.count > InputBudget.maxListItems {
            throw SelfhostError.usage("\(flag) lists \(items.count) items, more than \(InputBudget.maxListItems)", remedy: "give at most \(InputBudget.maxListItems) items")
        }

        var providers = catalog.providers
        if !options.providers.isEmpty {
            let known = catalog.providers.map(\.id)
            let all = known + catalog.unsourced.map(\.id)
            var picked: [ProviderPricing] = []
            for raw in options.providers {
                let id = raw.lowercased()
                if let p = catalog.provider(id) { picked.append(p); continue }
                if let u = catalog.unsourced.first(where: { $0.id == id }) {
                    throw SelfhostError.usage("\(u.name) has no sourced prices", remedy: u.notes.joined(separator: " ") + " Priced providers: \(known.joined(separator: ", "))")
                }
                let hint = Suggestions.didYouMean(id, in: all).map { $0 + " " } ?? ""
                throw SelfhostError.usage("unknown provider '\(raw)'", remedy: "\(hint)accepted: \(known.joined(separator: ", "))")
            }
            providers = picked
        }

        let converter = Converter(rate: catalog.exchangeRate)
        let quoter = Quoter(converter: converter, hidden: hidden)
        var options_: [CostOption] = []
        var fleetRows: [CostReport.FleetRow] = []
        var breakEven: [CostReport.BreakEvenPoint] = []
        var assumptions: [String] = hidden.requests == nil ? [] : [
            "Requests: \(Money.plain(hidden.requests!, scale: 0)) a month price the request-billed front a cloud setup adds (AWS Application Load Balancer: hours plus capacity units, from the same egress); VPS rows bill nothing per request. CDN request charges and GCP/Azure load balancers have no sourced price here (those rows are lower bounds).",
        ]
        assumptions += [
            "A month is 730 hours; hourly prices are multiplied by 730.",
            "Egress means internet data transfer out; inbound traffic is free at every provider listed.",
            "Money is exact until shown: each total is rounded once (after any conversion to EUR), and a row's parts are rounded so that they add up to it, so one part can be a cent off its own rounding.",
        ]
        for path in overlaid {
            let id = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
            let day = catalog.provider(id)?.plans.map(\.price.figure.asOfText).max() ?? "unknown date"
            assumptions.append("Prices of \(id) come from the refresh overlay \(options.store.file(path)?.displayPath ?? path), as of \(day) (selfhost cost --refresh rewrites it).")
        }
        var saasSummary: CostReport.SaaSSummary?
        // The apps and the servers they take (what render would write), before any plan is picked,
        // so every row holds them.
        let modelCatalog = try CatalogLoader.load(options.store)
        var usages: [SaaSUsage] = []
        var budgets: [AppBudget] = []
        var boxes: SelfhostBoxes?
        if !options.saas.isEmpty || !options.apps.isEmpty {
            usages = try options.saas.map { try SaaSUsage(parsing: $0, catalog: catalog, saasCatalog: modelCatalog) }
            let source = options.appRAM ?? CatalogModelAppRAMSource(catalog: modelCatalog)
            budgets = try AppBudgeting.budgets(apps: options.apps, overrides: options.ram, assumeMB: options.assumeRAMMB, source: source)
            if !budgets.isEmpty {
                boxes = try SelfhostBoxes.plan(apps: budgets.map(\.app), catalog: modelCatalog, store: options.store,
                                               ramOverrides: ramOverrides, appDefaultMB: options.assumeRAMMB)
            }
        }
        var spec = vps ?? defaultVPS
        if let shared = boxes?.shared {
            spec.minRAMMB = shared.totalMB
            assumptions.append("The box holds what render writes for the apps: every service's mem_limit (apps and companions), Caddy and a \(shared.systemReserveMib) MiB system reserve, \(boxes!.text); plans smaller than that are left out.")
        }
        var unmatched: [CostReport.Unmatched] = []
        // A provider with plans but none big enough is named, never dropped silently.
        func noPlan(_ p: ProviderPricing, _ s: ServerSpec, role: String?) {
            let what = role == "fleet" ? " for each of the \(s.count) fleet servers" : role == "box" ? " for the box" : ""
            unmatched.append(CostReport.Unmatched(
                provider: p.id, providerName: p.name, role: role, vcpu: s.vcpu, ramGb: s.ramGB,
                text: "\(p.id): no sourced plan with ≥\(s.vcpu) vCPU / \(Money.exact(s.ramGB)) GB\(what)"))
        }

        if let servers {
            // Fleet of small servers against one big box, on each provider.
            for p in providers {
                let fleet = try quoter.bestPlan(provider: p, spec: servers, egressBytes: egressBytes, awsPriceSet: awsSet)
                let box = try quoter.bestPlan(provider: p, spec: spec, egressBytes: egressBytes, awsPriceSet: awsSet)
                if var f = fleet { f.role = "fleet"; options_.append(f) } else if !p.plans.isEmpty { noPlan(p, servers, role: "fleet") }
                if var b = box { b.role = "box"; options_.append(b) } else if !p.plans.isEmpty { noPlan(p, spec, role: "box") }
                if let f = fleet, let b = box {
                    fleetRows.append(CostReport.FleetRow(
                        provider: p.id, fleetPlan: "\(servers.count) × \(f.plan)", fleetUsd: Cents(f.totalUSD),
                        boxPlan: b.plan, boxUsd: Cents(b.totalUSD),
                        boxToFleet: f.totalUSD > 0 ? Money.round(b.totalUSD / f.totalUSD, scale: 3) : nil,
                        fleetLowerBound: f.lowerBound, boxLowerBound: b.lowerBound))
                }
            }
            for p in providers where p.plans.isEmpty { assumptions.append("\(p.name): no sourced VM prices, so it is left out of the fleet comparison.") }
            assumptions.append("Fleet: \(servers) on each provider's cheapest plan meeting \(servers.vcpu) vCPU and \(Money.exact(servers.ramGB)) GB; box: cheapest plan meeting \(spec). Memory compares the vendor's nominal GB/GiB number.")
        } else if egress != nil || (options.saas.isEmpty && options.apps.isEmpty) {
            // With --apps, VPS providers appear once, as the self-hosted box (below).
            for p in providers where !(boxes != nil && p.kind == .vps) {
                if p.plans.isEmpty {
                    options_.append(try quoter.quote(provider: p, plan: nil, count: 1, egressBytes: egressBytes, awsPriceSet: awsSet))
                } else if let o = try quoter.bestPlan(provider: p, spec: spec, egressBytes: egressBytes, awsPriceSet: awsSet) {
                    options_.append(o)
                } else {
                    noPlan(p, spec, role: nil)
                }
            }
            assumptions.append("Each provider's cheapest plan with at least \(spec.vcpu) vCPU and \(Money.exact(spec.ramGB)) GB memory (change with --vps); memory compares the vendor's nominal GB/GiB number.")
        }

        // SaaS bills against self-hosting the replacing apps.
        if !options.saas.isEmpty || !options.apps.isEmpty {
            let (rows, summary, points, notes, left) = try saasComparison(
                usages: usages, budgets: budgets, boxes: boxes, emails: emails, catalog: catalog, providers: providers,
                spec: vps, quoter: quoter, egressBytes: egressBytes, awsSet: awsSet, currency: currency, appShares: options.appShares)
            unmatched += left
            options_ += rows
            saasSummary = summary
            breakEven += points
            assumptions += notes
        }

        // Cheapest and ratios: VPS/self-hosted options are the reference.
        let computeRows = options_.filter { $0.kind != .saas && $0.kind != .service }
        let reference = computeRows.filter { ($0.kind == .vps) && !$0.lowerBound }.min { $0.totalUSD < $1.totalUSD }
        if servers == nil {
            options_.sort { a, b in
                if (a.kind == .saas) != (b.kind == .saas) { return a.kind == .saas }
                return a.totalUSD < b.totalUSD
            }
        } else {
            options_.sort { a, b in a.provider == b.provider ? (a.role ?? "") > (b.role ?? "") : a.totalUSD < b.totalUSD }
        }

        // Break-even egress: where each VPS beats each cloud.
        if egress != nil && servers == nil {
            // VPS rows, or with --apps the self-hosted boxes (a box plus a platform's own server
            // has no single plan, so no curve).
            let vpsRows = options_.filter { v in v.kind == .vps && providers.first { $0.id == v.provider }?.plans.contains { $0.name == v.plan } == true }
            let cloudRows = options_.filter { $0.kind == .cloud }
            for v in vpsRows {
                guard let fv = quoter.curve(for: v, providers: providers, awsPriceSet: awsSet) else { continue }
                for c in cloudRows {
                    guard let fc = quoter.curve(for: c, providers: providers, awsPriceSet: awsSet) else { continue }
                    let bps = quoter.breakpoints(for: v, providers: providers, awsPriceSet: awsSet) + quoter.breakpoints(for: c, providers: providers, awsPriceSet: awsSet)
                    let x = BreakEven.crossing(fv, fc, breakpoints: bps, limit: egressLimit)
                    let cloudLabel = c.lowerBound ? "\(c.providerName) (partly priced)" : c.providerName
                    let text: String
                    if x == 0 { text = "\(v.providerName) \(v.plan) costs less than \(cloudLabel) at any egress" }
                    else if let x { text = "\(v.providerName) \(v.plan) beats \(cloudLabel) from \(ByteSize.describe(bytes: x)) a month" }
                    else { text = "\(v.providerName) \(v.plan) does not beat \(cloudLabel) below 10 PB a month" }
                    breakEven.append(CostReport.BreakEvenPoint(kind: "egress", cheaper: v.provider, than: c.provider, at: x.map { Money.round($0, scale: 0) }, unit: "bytes", always: x == 0, text: text))
                }
            }
        }

        // Chart data.
        var chart: [CostReport.ChartSeries]?
        if options.chart {
            let maxBytes: Decimal = try options.chartMax.map { try parseEgress($0, flag: "--chart-max").bytes }
                ?? (egressBytes > 0 ? egressBytes * 2 : 20_000_000_000_000)
            guard maxBytes > 0 else { throw SelfhostError.usage("--chart-max must be above 0", remedy: "e.g. --chart-max 20TB") }
            chart = []
            for o in options_ where o.kind == .cloud || (o.kind == .vps && providers.first { $0.id == o.provider }?.plans.contains { $0.name == o.plan } == true) {
                guard let f = quoter.quoteCurve(for: o, providers: providers, awsPriceSet: awsSet) else { continue }
                // Where the sourced egress tiers end the line stops: a flat continuation would
                // read as a real price (and a false crossover).
                let pricedTo = quoter.pricedEgressLimit(for: o, providers: providers, awsPriceSet: awsSet)
                var pts: [CostReport.ChartPoint] = []
                var lower = false
                for i in 0...CostChart.samples {
                    let x = maxBytes * Decimal(i) / Decimal(CostChart.samples)
                    guard let q = f(x) else { continue }
                    if q.egressUnpriced > 0 { lower = true; break }
                    lower = lower || q.lowerBound
                    pts.append(CostReport.ChartPoint(egressBytes: Money.round(x, scale: 0), totalUsd: Cents(q.totalUSD)))
                }
                chart!.append(CostReport.ChartSeries(option: label(o), lowerBound: lower, egressPricedToBytes: pricedTo.flatMap { $0 < maxBytes ? Money.round($0, scale: 0) : nil }, points: pts))
            }
        }

        // Footnotes, staleness, display currency.
        var sourceIndex: [String: Int] = [:]
        var sourceRefs: [CostReport.SourceRef] = []
        var warnings: [String] = []
        var staleSeen = Set<String>()
        func refs(for figures: [Figure]) -> [CostReport.SourceRef] {
            var out: [CostReport.SourceRef] = []
            for f in figures {
                let key = f.source.id + "|" + f.source.url + "|" + f.source.title
                let n: Int
                if let i = sourceIndex[key] {
                    n = i
                    if !sourceRefs[n - 1].asOf.contains(f.asOfText) { sourceRefs[n - 1].asOf.append(f.asOfText); sourceRefs[n - 1].asOf.sort() }
                } else {
                    n = sourceRefs.count + 1
                    sourceIndex[key] = n
                    sourceRefs.append(CostReport.SourceRef(footnote: n, title: f.source.title, url: f.source.url, seenIn: f.source.seenIn, asOf: [f.asOfText]))
                }
                if f.isStale(now: now), staleSeen.insert(key + f.asOfText).inserted {
                    warnings.append("price from \(f.asOfText) is more than \(CostConstants.staleAfterMonths) months old: \(f.source.title) [\(n)]" + (f.note.map { " (\($0))" } ?? ""))
                }
                if !out.contains(where: { $0.footnote == n }) { out.append(sourceRefs[n - 1]) }
            }
            // A row's footnotes read in order ([1,2,3]), whatever order its figures came in.
            return out.sorted { $0.footnote < $1.footnote }
        }
        let rateFig = catalog.exchangeRate?.usdPerEUR
        func display(_ usd: Decimal) -> Decimal {
            currency == "EUR" ? usd / (rateFig?.value ?? 1) : usd
        }
        let cheapestTotal = reference?.totalUSD
        var jsonOptions: [CostReport.Option] = []
        let cheapestID = reference.map { label($0) }
        for o in options_ {
            var figs = o.figures
            if currency == "EUR", let r = rateFig { figs.append(r) }
            let r = refs(for: figs)
            let isCheapest = label(o) == cheapestID
            // Round once: the cents of compute, egress and each hidden/service line are allocated
            // so that they add up to the total rounded from the exact sum.
            let shown = Money.allocate([o.computeUSD, o.egressUSD] + o.hidden.map(\.usd) + o.services.map(\.usd), to: o.totalUSD)
            var hidden = o.hidden, services = o.services
            for i in hidden.indices { hidden[i].shownUSD = shown[2 + i] }
            for i in services.indices { services[i].shownUSD = shown[2 + hidden.count + i] }
            jsonOptions.append(CostReport.Option(
                provider: o.provider, providerName: o.providerName, kind: o.jsonKind, role: o.role, plan: o.plan, count: o.count,
                computeUsd: o.computeUnpriced ? nil : Cents(exact: o.computeUSD, shown: shown[0]), egressUsd: Cents(exact: o.egressUSD, shown: shown[1]),
                hiddenUsd: Cents(exact: o.hiddenUSD, shown: hidden.reduce(0) { $0 + $1.shownUSD! }),
                servicesUsd: Cents(exact: o.servicesUSD, shown: services.reduce(0) { $0 + $1.shownUSD! }),
                hidden: hidden, services: services, totalUsd: Cents(o.totalUSD), total: Cents(display(o.totalUSD)),
                lowerBound: o.lowerBound, cheapest: isCheapest,
                ratioToCheapest: (o.kind == .saas || o.kind == .service) ? nil : cheapestTotal.flatMap { $0 > 0 ? Money.round(o.totalUSD / $0, scale: 2) : nil },
                usage: o.usage, setup: o.setupUSD.map { Cents(display($0)) },
                billingUnit: o.billingUnit?.rawValue, billingUnitNote: o.unitNote,
                includedTransfer: o.includedText, includedTransferAmount: o.includedAmount, includedTransferUnit: o.includedUnit, includedTransferScope: o.includedScope,
                egressBilled: o.billedText, egressBilledAmount: o.billedAmount, egressBilledUnit: o.billedAmount == nil ? nil : o.billingUnit?.rawValue,
                notes: o.notes, sources: r))
        }
        if let r = rateFig, catalog.providers.contains(where: { $0.currency != "USD" }) || currency == "EUR" {
            _ = refs(for: [r])
        }
        let wantedKinds: Set<String> = (servers != nil || egress != nil || (options.saas.isEmpty && options.apps.isEmpty)) ? ["cloud", "vps"] : []
        let saasKinds: Set<String> = options.saas.isEmpty ? [] : ["saas", "service"]
        // A SaaS listed without prices is shown only when asked for (by bill: ga=@500).
        let namedSaaS = Set(usages.map(\.product.id))
        let unpriced = catalog.unsourced
            .filter { u in wantedKinds.union(saasKinds).contains(u.kind) }
            .filter { u in u.kind != "saas" || namedSaaS.contains(u.id) }
            .filter { u in options.providers.isEmpty || u.kind == "saas" ? true : options.providers.contains(u.id) }
            .map { CostReport.Unpriced(id: $0.id, name: $0.name, notes: $0.notes) }
        if options_.contains(where: { $0.lowerBound }) {
            warnings.append("some totals are lower bounds: a part could not be priced from sourced data (see notes)")
        }
        // The question has no answer when a part asked for has no priced row at all.
        var unanswered: [String] = []
        let wantsCompute = servers != nil || egress != nil || (options.saas.isEmpty && options.apps.isEmpty)
        if wantsCompute && !options_.contains(where: { ($0.kind == .cloud || $0.kind == .vps) && !$0.computeUnpriced }) {
            let asked = servers.map { "\($0) and one \(spec) box" } ?? spec.description
            unanswered.append("no provider has a sourced plan of the size asked for (\(asked))" + (options.providers.isEmpty ? "" : " among --providers \(options.providers.joined(separator: ","))") + "; see 'Left out' for the largest sizes, or ask for a smaller --vps")
        }
        if !options.apps.isEmpty && !options_.contains(where: { $0.isSelfHost }) {
            unanswered.append("no sourced VPS plan holds the box the apps need (\(saasSummary.map { "\($0.boxNeedText)" } ?? "see above")); pass --providers with larger plans or fewer --apps")
        }
        return CostReport(
            answered: unanswered.isEmpty, unanswered: unanswered,
            currency: currency,
            exchangeRate: rateFig.map { CostReport.ExchangeRateInfo(usdPerEur: $0.value, asOf: $0.asOfText, source: $0.source.url) },
            egressBytes: egress.map { Money.round($0.bytes, scale: 0) }, egressInput: egress?.original,
            options: jsonOptions, fleet: servers == nil ? nil : fleetRows, saas: saasSummary, breakEven: breakEven,
            chart: chart, unmatched: unmatched, unpriced: unpriced, assumptions: assumptions, warnings: warnings, sources: sourceRefs)
    }

    /// How SaaS total − self-hosted total bounds the real difference when either side is a
    /// lower bound: a higher SaaS bill can only widen it, a higher self-hosted cost only narrow it.
    static func savingsBound(saasLower: Bool, selfhostLower: Bool) -> String {
        switch (saasLower, selfhostLower) {
        case (false, false): return "exact"
        case (true, false): return "at_least"
        case (false, true): return "at_most"
        case (true, true): return "unknown"
        }
    }

    static func label(_ o: CostOption) -> String {
        (o.role.map { "\($0): " } ?? "") + (o.isSelfHost ? "self-hosted on " : "") + o.providerName + " — " + (o.count > 1 ? "\(o.count) × " : "") + o.plan
    }

    /// SaaS rows, self-hosted rows (one per VPS provider), the summary and usage break-evens.
    /// A self-hosted row prices the whole box the apps need (the cheapest plan that holds it),
    /// plus a server of its own for each platform app (Dokku, Coolify, CapRover).
    static func saasComparison(usages: [SaaSUsage], budgets: [AppBudget], boxes: SelfhostBoxes?, emails: Decimal?, catalog: PricingCatalog,
                               providers: [ProviderPricing], spec: ServerSpec?, quoter: Quoter, egressBytes: Decimal, awsSet: String?,
                               currency: String, appShares: Bool) throws -> ([CostOption], CostReport.SaaSSummary, [CostReport.BreakEvenPoint], [String], [CostReport.Unmatched]) {
        var rows: [CostOption] = []
        var unmatched: [CostReport.Unmatched] = []
        var notes: [String] = []
        var saasTotal: Decimal = 0
        var saasLower = false
        var bills: [(SaaSUsage, Decimal)] = []
        for u in usages {
            let bill = u.product.bill(quantity: u.quantity, unitName: u.unitName)
            var o = CostOption(provider: u.product.id, providerName: u.product.name, kind: .saas, plan: u.hasUsage ? bill.plan : "your bill")
            // A stated bill is in the display currency; a table price in the product's.
            let amount = try u.statedBill.map { try quoter.converter.usd($0, from: currency) } ?? quoter.converter.usd(bill.amount, from: u.product.currency)
            o.computeUSD = amount
            o.figures = u.statedBill == nil ? bill.figures : []
            o.lowerBound = u.statedBill == nil && bill.lowerBound
            if u.statedBill == nil, let n = bill.note { o.notes.append(n) }
            if o.lowerBound {
                o.notes.append("the real bill is higher than the sourced table: give it with \(u.product.id)=\(Money.exact(u.quantity))\(u.unitName)@AMOUNT (monthly, in \(currency))")
            }
            if let s = u.statedBill {
                if u.product.hasPriceTable && u.hasUsage {
                    o.notes.append("your stated bill \(Money.format(s, currency: currency)); the price table gives \(Money.format(bill.amount, currency: u.product.currency))" + (bill.lowerBound ? " or more" : ""))
                } else {
                    o.notes.append("your stated bill \(Money.format(s, currency: currency)) a month" + (u.product.hasPriceTable ? "; give the usage too (\(u.product.id)=NUMBER\(u.product.unit)@\(Money.exact(s))) to see the price table's figure and a break-even" : "; no sourced price table for \(u.product.name)"))
                }
            }
            o.usage = u.hasUsage ? "\(Money.plain(u.quantity, scale: 0)) \(u.unitName)" : "—"
            saasTotal += amount
            saasLower = saasLower || o.lowerBound
            bills.append((u, amount))
            rows.append(o)
        }
        let ramMB = budgets.reduce(0) { $0 + $1.ramMB }
        for b in budgets where b.basis == "assumed" {
            notes.append("\(b.app): upstream publishes no RAM figure" + (b.note.map { " (catalog: \($0))" } ?? "") + "; ASSUMED \(b.ramMB) MB (override with --ram \(b.app)=MB or --assume-ram-mb)")
        }
        for b in budgets where b.basis == "flag" { notes.append("\(b.app): \(b.ramMB) MB from --ram") }
        var services: [HiddenLine] = []
        var serviceFigures: [Figure] = []
        if let emails, emails > 0 {
            if let ses = catalog.saasProduct("ses") {
                let bill = ses.bill(quantity: emails)
                services.append(HiddenLine(label: "Amazon SES", usd: try quoter.converter.usd(bill.amount, from: ses.currency), note: "\(Money.plain(emails, scale: 0)) emails a month"))
                serviceFigures += bill.figures
            }
        } else if usages.contains(where: { $0.product.unit == "contacts" }) {
            notes.append("email sending not priced: pass --emails-per-month N to add Amazon SES")
        }
        var selfRows: [CostOption] = []
        if let boxes {
            // The servers, in order: the shared box (with the egress), then each platform's own.
            var servers: [(label: String?, memory: BoxMemory)] = []
            if let s = boxes.shared { servers.append((nil, s)) }
            for o in boxes.ownServers { servers.append((o.app, o.memory)) }
            for p in providers where p.kind == .vps {
                var row: CostOption?
                var missing: (String?, BoxMemory)?
                for (i, server) in servers.enumerated() {
                    var need = spec ?? ServerSpec(vcpu: 1, ramGB: 0)
                    if server.label != nil { need = ServerSpec(vcpu: 1, ramGB: 0) }
                    need.minRAMMB = server.memory.totalMB
                    guard let q = try quoter.bestPlan(provider: p, spec: need, egressBytes: i == 0 ? egressBytes : 0, awsPriceSet: awsSet) else {
                        missing = server
                        break
                    }
                    if var r = row {
                        r.computeUSD += q.computeUSD
                        r.egressUSD += q.egressUSD
                        r.hidden = zip(r.hidden, q.hidden).map { HiddenLine(label: $0.label, usd: $0.label == "admin time" ? $0.usd : $0.usd + $1.usd, note: $0.note) }
                        r.setupUSD = (r.setupUSD ?? 0) + (q.setupUSD ?? 0)
                        r.plan += " + \(q.plan) (\(server.label!)'s own server)"
                        r.lowerBound = r.lowerBound || q.lowerBound
                        r.figures += q.figures
                        for n in q.notes where !r.notes.contains(n) { r.notes.append(n) }
                        row = r
                    } else {
                        var r = q
                        if let label = server.label { r.plan = "\(q.plan) (\(label)'s own server)" }
                        row = r
                    }
                }
                if let (label, memory) = missing {
                    let gb = memory.totalMB / 1000
                    unmatched.append(CostReport.Unmatched(
                        provider: p.id, providerName: p.name, role: "selfhost", vcpu: label == nil ? (spec?.vcpu ?? 1) : 1, ramGb: Money.round(gb, scale: 1),
                        text: "\(p.id): no sourced plan holds " + (label.map { "\($0)'s own server" } ?? "the box") + " (≈ \(Money.plain(memory.gib, scale: 1)) GiB)"))
                    continue
                }
                guard var o = row else { continue }
                o.isSelfHost = true
                o.notes.insert("the whole box: \(boxes.text)", at: 0)
                o.services = services
                o.figures += serviceFigures
                selfRows.append(o)
            }
        }
        rows += selfRows
        let best = selfRows.filter { !$0.lowerBound }.min { $0.totalUSD < $1.totalUSD } ?? selfRows.min { $0.totalUSD < $1.totalUSD }
        let weights = boxes?.weights ?? [:]
        let weightTotal = Decimal(max(1, weights.values.reduce(0, +)))
        var points: [CostReport.BreakEvenPoint] = []
        if let best {
            let base = best.computeUSD + best.egressUSD + best.hiddenUSD
            for (u, _) in bills {
                guard u.product.hasPriceTable, u.hasUsage else {
                    notes.append("\(u.product.name): your bill stands in for a price table, so there is no break-even usage")
                    continue
                }
                let apps = budgets.filter { u.product.selfHostApps.contains($0.app) }
                guard !apps.isEmpty else {
                    notes.append("\(u.product.name): none of --apps replaces it (\(u.product.selfHostApps.joined(separator: ", "))); no break-even")
                    continue
                }
                let fraction = Decimal(apps.reduce(0) { $0 + (weights[$1.app] ?? 0) }) / weightTotal
                // This SaaS's part of the self-hosted cost: its apps' memory share of the servers,
                // and (for email lists) the sending service.
                var cost = base * fraction
                if u.product.unit == "contacts" { cost += best.servicesUSD }
                let product = u.product
                let unitName = u.unitName
                let conv = quoter.converter
                let q = BreakEven.usage(atLeast: cost, limit: product.pricedLimit) { x in
                    let b = product.bill(quantity: x, unitName: unitName)
                    return b.lowerBound ? -1 : ((try? conv.usd(b.amount, from: product.currency)) ?? 0)
                }
                let label = apps.map(\.app).joined(separator: "+")
                let text: String
                if q == 0 {
                    text = "self-hosting \(label) (\(Money.format(cost, currency: "USD"))/month of \(best.providerName) \(best.plan)) costs less than \(product.name) at any usage"
                } else if let q {
                    text = "self-hosting \(label) (\(Money.format(cost, currency: "USD"))/month of \(best.providerName) \(best.plan)) pays off from \(Money.plain(q, scale: 0)) \(q == 1 && unitName.hasSuffix("s") ? String(unitName.dropLast()) : unitName) of \(product.name)"
                } else {
                    text = "\(product.name): the sourced price table never reaches the self-hosted cost of \(Money.format(cost, currency: "USD"))/month; if your bill is higher, give it with \(product.id)=USAGE@AMOUNT"
                }
                points.append(CostReport.BreakEvenPoint(kind: "usage", cheaper: "selfhost:\(label)", than: product.id, at: q, unit: unitName, always: q == 0, text: text))
            }
        }
        var shares: [CostReport.AppShare]?
        if appShares, let best {
            let base = best.computeUSD + best.egressUSD + best.hiddenUSD
            shares = budgets.map { b in
                let w = weights[b.app] ?? 0
                return CostReport.AppShare(app: b.app, mib: w, usd: Cents(base * Decimal(w) / weightTotal))
            }
        }
        if usages.contains(where: { $0.product.id == "heroku" }), let own = boxes?.ownServers, !own.isEmpty {
            notes.append("Heroku: the platform's own server is sized for the platform alone; the apps your dynos run need memory on it too and are not counted: give the total with --ram \(own[0].app)=MB")
        }
        let summary = CostReport.SaaSSummary(
            apps: budgets, appRamMb: ramMB, box: boxes?.shared, ownServers: boxes?.ownServers ?? [], boxNeedText: boxes?.text ?? "",
            saasTotalUsd: Cents(saasTotal),
            selfhostTotalUsd: best.map { Cents($0.totalUSD) },
            savingsUsd: best.map { Cents(saasTotal - $0.totalUSD) }, saasLowerBound: saasLower,
            selfhostLowerBound: best?.lowerBound ?? false,
            savingsBound: best.map { savingsBound(saasLower: saasLower, selfhostLower: $0.lowerBound) },
            suggestedApps: budgets.isEmpty ? Array(Set(usages.flatMap { $0.product.selfHostApps })).sorted() : [],
            appShares: shares)
        if boxes != nil {
            notes.append("Self-hosted cost = the whole box the apps need (the cheapest plan holding every service's mem_limit, Caddy and the system reserve, as render writes them), plus a server of its own for each platform app, usage-based services and the hidden costs you asked for" + (appShares ? "; --app-shares splits it by memory." : "; --app-shares splits it per app by memory."))
        }
        return (rows, summary, points, notes, unmatched)
    }
}

/// `cost --refresh --format json` alone: what each source did.
struct RefreshReport: Encodable {
    var refresh: [PriceRefresh.Outcome]
}
