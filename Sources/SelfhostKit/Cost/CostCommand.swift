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
        public var hourlyRate: String?
        public var chart = false
        public var chartMax: String?
        public var currency: String = "USD"
        public var format: OutputFormat = .text
        public var store: ResourceStore = .embedded
        /// Where app RAM comes from (the catalog by default).
        public var appRAM: (any AppRAMSource)?

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
        let report = try makeReport(options, now: context.now())
        switch options.format {
        case .json:
            context.stdout.write(JSONOutput.encode(report))
        case .text:
            context.stdout.write(context.fitted(CostText.render(report, options: options, style: context.style, width: context.width)))
        }
        return .success
    }

    /// Builds the report without printing (used by tests).
    public static func makeReport(_ options: Options, now: Date) throws -> CostReport {
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
        var assumptions: [String] = [
            "A month is 730 hours; hourly prices are multiplied by 730.",
            "Egress means internet data transfer out; inbound traffic is free at every provider listed.",
            "Money is exact until shown: each total is rounded once (after any conversion to EUR), and a row's parts are rounded so that they add up to it, so one part can be a cent off its own rounding.",
        ]
        var saasSummary: CostReport.SaaSSummary?
        let spec = vps ?? defaultVPS
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
                        boxToFleet: f.totalUSD > 0 ? Money.round(b.totalUSD / f.totalUSD, scale: 3) : nil))
                }
            }
            for p in providers where p.plans.isEmpty { assumptions.append("\(p.name): no sourced VM prices, so it is left out of the fleet comparison.") }
            assumptions.append("Fleet: \(servers) on each provider's cheapest plan meeting \(servers.vcpu) vCPU and \(Money.exact(servers.ramGB)) GB; box: cheapest plan meeting \(spec). Memory compares the vendor's nominal GB/GiB number.")
        } else if egress != nil || (options.saas.isEmpty && options.apps.isEmpty) {
            for p in providers {
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
            let usages = try options.saas.map { try SaaSUsage(parsing: $0, catalog: catalog) }
            let source = options.appRAM ?? CatalogAppRAMSource.preferred(store: options.store)
            let budgets = try AppBudgeting.budgets(apps: options.apps, overrides: options.ram, assumeMB: options.assumeRAMMB, source: source)
            let (rows, summary, points, notes, left) = try saasComparison(usages: usages, budgets: budgets, emails: emails, catalog: catalog, providers: providers, spec: vps, quoter: quoter, egressBytes: egressBytes, awsSet: awsSet)
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
            let vpsRows = options_.filter { $0.kind == .vps && !$0.isSelfHost }
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
            for o in options_ where o.kind == .cloud || (o.kind == .vps && !o.isSelfHost) {
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
                usage: o.usage,
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
        let unpriced = catalog.unsourced
            .filter { u in wantedKinds.union(saasKinds).contains(u.kind) }
            .filter { u in options.providers.isEmpty || u.kind == "saas" ? true : options.providers.contains(u.id) }
            .map { CostReport.Unpriced(id: $0.id, name: $0.name, notes: $0.notes) }
        if options_.contains(where: { $0.lowerBound }) {
            warnings.append("some totals are lower bounds: a part could not be priced from sourced data (see notes)")
        }
        return CostReport(
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
    static func saasComparison(usages: [SaaSUsage], budgets: [AppBudget], emails: Decimal?, catalog: PricingCatalog, providers: [ProviderPricing], spec: ServerSpec?, quoter: Quoter, egressBytes: Decimal, awsSet: String?) throws -> ([CostOption], CostReport.SaaSSummary, [CostReport.BreakEvenPoint], [String], [CostReport.Unmatched]) {
        var rows: [CostOption] = []
        var unmatched: [CostReport.Unmatched] = []
        var notes: [String] = []
        var saasTotal: Decimal = 0
        var saasLower = false
        var bills: [(SaaSUsage, Decimal)] = []
        for u in usages {
            let bill = u.product.bill(quantity: u.quantity, unitName: u.unitName)
            var o = CostOption(provider: u.product.id, providerName: u.product.name, kind: .saas, plan: bill.plan)
            let amount = try quoter.converter.usd(u.statedBill ?? bill.amount, from: u.product.currency)
            o.computeUSD = amount
            o.figures = u.statedBill == nil ? bill.figures : []
            o.lowerBound = u.statedBill == nil && bill.lowerBound
            if let n = bill.note { o.notes.append(n) }
            if let s = u.statedBill { o.notes.append("your stated bill \(Money.format(s, currency: "USD")); the price table gives \(Money.format(bill.amount, currency: u.product.currency))" + (bill.lowerBound ? " or more" : "")) }
            o.usage = "\(Money.plain(u.quantity, scale: 0)) \(u.unitName)"
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
        if !budgets.isEmpty {
            let neededGB = Decimal(ramMB) / 1000
            for p in providers where p.kind == .vps {
                // The smallest plan holding all apps (and meeting --vps when given).
                let candidates = p.plans.filter { $0.ramMB >= Decimal(ramMB) && (spec?.fits($0) ?? true) }
                guard var o = try candidates.compactMap({ plan in try quoter.quote(provider: p, plan: plan, count: 1, egressBytes: egressBytes, awsPriceSet: awsSet) })
                    .min(by: { $0.totalUSD < $1.totalUSD }) else {
                    let vcpu = spec?.vcpu ?? 1
                    let gb = max(neededGB, spec?.ramGB ?? 0)
                    unmatched.append(CostReport.Unmatched(
                        provider: p.id, providerName: p.name, role: "selfhost", vcpu: vcpu, ramGb: gb,
                        text: "\(p.id): no sourced plan with ≥\(vcpu) vCPU / \(Money.exact(gb)) GB for the apps (\(ramMB) MB)"))
                    continue
                }
                let plan = p.plans.first { $0.name == o.plan }!
                let share = min(1, Decimal(ramMB) / plan.ramMB)
                let whole = o.computeUSD
                o.computeUSD = whole * share
                o.hidden = o.hidden.map { h in h.label == "admin time" ? h : HiddenLine(label: h.label, usd: h.usd * share, note: h.note) }
                o.isSelfHost = true
                o.notes.insert("box share \(Money.plain(share * 100, scale: 1))% of \(Money.format(whole, currency: "USD")) by RAM (\(ramMB) MB of \(Money.plain(plan.ramMB, scale: 0)) MB)", at: 0)
                o.services = services
                o.figures += serviceFigures
                selfRows.append(o)
            }
        }
        rows += selfRows
        let best = selfRows.min { $0.totalUSD < $1.totalUSD }
        var points: [CostReport.BreakEvenPoint] = []
        if let best, let plan = providers.first(where: { $0.id == best.provider })?.plans.first(where: { $0.name == best.plan }) {
            for (u, _) in bills {
                let apps = budgets.filter { u.product.selfHostApps.contains($0.app) }
                guard !apps.isEmpty else {
                    notes.append("\(u.product.name): none of --apps replaces it (\(u.product.selfHostApps.joined(separator: ", "))); no break-even")
                    continue
                }
                let appMB = apps.reduce(0) { $0 + $1.ramMB }
                let fraction = Decimal(appMB) / Decimal(max(ramMB, 1))
                // This SaaS's part of the self-hosted cost: its apps' RAM share of box, hidden lines
                // and (for email lists) the sending service.
                var cost = best.computeUSD * fraction + best.hiddenUSD * fraction
                if u.product.unit == "contacts" { cost += best.servicesUSD }
                let product = u.product
                let unitName = u.unitName
                let conv = quoter.converter
                let q = BreakEven.usage(atLeast: cost, limit: product.pricedLimit) { x in
                    let b = product.bill(quantity: x, unitName: unitName)
                    return b.lowerBound ? -1 : ((try? conv.usd(b.amount, from: product.currency)) ?? 0)
                }
                let text: String
                if q == 0 {
                    text = "self-hosting \(apps.map(\.app).joined(separator: "+")) (\(Money.format(cost, currency: "USD"))/month on \(best.providerName) \(plan.id)) costs less than \(product.name) at any usage"
                } else if let q {
                    text = "self-hosting \(apps.map(\.app).joined(separator: "+")) (\(Money.format(cost, currency: "USD"))/month on \(best.providerName) \(plan.id)) pays off from \(Money.plain(q, scale: 0)) \(q == 1 && unitName.hasSuffix("s") ? String(unitName.dropLast()) : unitName) of \(product.name)"
                } else {
                    text = "\(product.name): the sourced price table never reaches the self-hosted cost of \(Money.format(cost, currency: "USD"))/month"
                }
                points.append(CostReport.BreakEvenPoint(kind: "usage", cheaper: "selfhost:\(apps.map(\.app).joined(separator: "+"))", than: product.id, at: q, unit: unitName, always: q == 0, text: text))
            }
        }
        let summary = CostReport.SaaSSummary(
            apps: budgets, appRamMb: ramMB, saasTotalUsd: Cents(saasTotal),
            selfhostTotalUsd: best.map { Cents($0.totalUSD) },
            savingsUsd: best.map { Cents(saasTotal - $0.totalUSD) }, saasLowerBound: saasLower,
            selfhostLowerBound: best?.lowerBound ?? false,
            savingsBound: best.map { savingsBound(saasLower: saasLower, selfhostLower: $0.lowerBound) },
            suggestedApps: budgets.isEmpty ? Array(Set(usages.flatMap { $0.product.selfHostApps })).sorted() : [])
        notes.append("Self-hosted cost = the box's price × the apps' share of its RAM (no OS headroom counted), plus usage-based services and the hidden costs you asked for.")
        return (rows, summary, points, notes, unmatched)
    }
}
