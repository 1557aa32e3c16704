import Foundation

/// All price lists from `catalog/pricing/*.yaml` (shipped in the binary, overlaid by `--catalog`).
/// Loading is strict: a figure without `as_of` and `source`, an unknown key, or a number that is
/// not a plain decimal is an error with `file:line:col`.
public struct PricingCatalog: Sendable {
    public var providers: [ProviderPricing]
    public var saas: [SaaSPricing]
    public var exchangeRate: ExchangeRate?
    /// Pricing files that load but hold no usable price (e.g. nothing could be sourced), with why.
    public var unsourced: [(id: String, name: String, kind: String, notes: [String])]

    public static let directory = "catalog/pricing/"

    public func provider(_ id: String) -> ProviderPricing? { providers.first { $0.id == id } }
    public func saasProduct(_ id: String) -> SaaSPricing? { saas.first { $0.id == id } }

    /// Loads every pricing file in `store`.
    public static func load(from store: ResourceStore) throws -> PricingCatalog {
        var catalog = PricingCatalog(providers: [], saas: [], exchangeRate: nil, unsourced: [])
        let files = store.files(under: directory).filter { $0.path.hasSuffix(".yaml") || $0.path.hasSuffix(".yml") }
        for file in files {
            try catalog.add(file: file)
        }
        return catalog
    }

    mutating func add(file: ResourceStore.File) throws {
        try YAMLNode.reading(remedy: "fix the pricing file; keys and meaning are in docs/COST.md") { try read(file) }
    }

    private mutating func read(_ file: ResourceStore.File) throws {
        let root = try YAMLParser.parseDocument(file.contents, file: file.displayPath, what: "a price list (docs/COST.md)")
        let top = try root.map("pricing file", allowed: [
            "id", "name", "kind", "currency", "region", "category", "notes", "sources",
            "plans", "egress", "extras", "model", "unit", "aliases", "unit_price", "units",
            "tiers", "free", "per", "self_host_apps", "usd_per_eur", "unsourced",
        ])
        let id = try top.required("id").text("id")
        let expected = (file.path as NSString).lastPathComponent.replacingOccurrences(of: ".yaml", with: "").replacingOccurrences(of: ".yml", with: "")
        guard id == expected else { throw try top.required("id").fail("id '\(id)' must equal the file name '\(expected)'") }
        let name = try top.required("name").text("name")
        let kindText = try top.required("kind").text("kind")
        let notes = try top["notes"].map { try $0.stringList("notes") } ?? []
        let sources = try Self.readSources(top["sources"])
        let ctx = FigureReader(sources: sources)

        if kindText == "exchange_rate" {
            let rate = try ctx.figure(top.required("usd_per_eur"), what: "usd_per_eur", valueKey: "value")
            guard rate.value > 0 else { throw try top.required("usd_per_eur").fail("usd_per_eur must be positive") }
            exchangeRate = ExchangeRate(usdPerEUR: rate)
            return
        }
        guard let kind = PricingKind(rawValue: kindText) else {
            throw try top.required("kind").fail("kind must be one of cloud, vps, saas, service, exchange_rate")
        }
        let currency = try top.required("currency").text("currency")
        guard ["USD", "EUR"].contains(currency) else { throw try top.required("currency").fail("currency must be USD or EUR") }
        if let u = top["unsourced"], try u.bool("unsourced") {
            unsourced.append((id, name, kindText, notes))
            return
        }
        switch kind {
        case .cloud, .vps:
            providers.append(try Self.readProvider(top, id: id, name: name, kind: kind, currency: currency, notes: notes, ctx: ctx, file: file.displayPath))
        case .saas, .service:
            saas.append(try Self.readSaaS(top, id: id, name: name, kind: kind, currency: currency, notes: notes, ctx: ctx, file: file.displayPath))
        }
    }

    static func readSources(_ node: YAMLNode?) throws -> [String: PriceSource] {
        guard let node else { return [:] }
        var out: [String: PriceSource] = [:]
        for item in try node.list("sources") {
            let m = try item.map("source", allowed: ["id", "url", "title", "seen_in", "checked"])
            let id = try m.required("id").text("source id")
            let url = try m.required("url").text("source url")
            guard url.hasPrefix("https://") || url.hasPrefix("http://") else { throw try m.required("url").fail("source url must be an http(s) URL") }
            let seen = try m["seen_in"].map { try $0.stringList("seen_in") } ?? []
            let checked = try m["checked"].map { try $0.date("checked") }
            if out[id] != nil { throw item.fail("duplicate source id '\(id)'") }
            out[id] = PriceSource(id: id, url: url, title: try m["title"]?.text("title") ?? url, seenIn: seen, checked: checked)
        }
        return out
    }

    static func readProvider(_ top: YAMLMap, id: String, name: String, kind: PricingKind, currency: String, notes: [String], ctx: FigureReader, file: String) throws -> ProviderPricing {
        var plans: [ComputePlan] = []
        for p in try top.required("plans").list("plans") {
            let m = try p.map("plan", allowed: ["id", "name", "vcpu", "ram", "ram_unit", "disk_gb", "price", "included", "notes", "setup", "price_floor"])
            let planID = try m.required("id").text("plan id")
            let ramUnit = try m["ram_unit"]?.text("ram_unit") ?? "GB"
            guard ["GB", "GiB"].contains(ramUnit) else { throw try m.required("ram_unit").fail("ram_unit must be GB or GiB") }
            let priceNode = try m.required("price")
            let price = try ctx.monthly(priceNode, what: "price of \(planID)")
            var included: Figure?
            var includedUnit: BillingUnit?
            if let inc = m["included"] {
                let im = try inc.map("included", allowed: ["value", "unit", "as_of", "source", "note"])
                guard let u = BillingUnit(text: try im.required("unit").text("unit")) else { throw try im.required("unit").fail("unit must be GB, GiB, TB or TiB") }
                includedUnit = u
                included = try ctx.figure(inc, what: "included transfer of \(planID)", valueKey: "value", extraKeys: ["unit"])
            }
            let vcpu = try m.required("vcpu").int("vcpu")
            let ram = try m.required("ram").nonNegative("ram")
            guard vcpu > 0, ram > 0 else { throw p.fail("vcpu and ram must be positive") }
            plans.append(ComputePlan(
                id: planID, name: try m["name"]?.text("name") ?? planID, vcpu: vcpu, ram: ram, ramUnit: ramUnit,
                diskGB: try m["disk_gb"]?.int("disk_gb"), price: price, included: included, includedUnit: includedUnit,
                notes: try m["notes"].map { try $0.stringList("notes") } ?? [],
                setup: try m["setup"].map { try ctx.figure($0, what: "setup fee of \(planID)", valueKey: "value") },
                priceFloor: try m["price_floor"]?.text("price_floor")))
        }
        let e = try top.required("egress").map("egress", allowed: ["billing_unit", "unit_note", "scope", "free", "tiers", "overage", "price_sets", "notes"])
        guard let unit = BillingUnit(text: try e.required("billing_unit").text("billing_unit")) else {
            throw try e.required("billing_unit").fail("billing_unit must be GB, GiB, TB or TiB")
        }
        guard let scope = AllowanceScope(rawValue: try e.required("scope").text("scope")) else {
            throw try e.required("scope").fail("scope must be account or per_server")
        }
        let free = try e["free"].map { try ctx.figure($0, what: "egress free allowance", valueKey: "value") }
        var tiers: [Tier] = []
        if let t = e["tiers"] { tiers = try ctx.tiers(t) }
        if let o = e["overage"] {
            guard tiers.isEmpty else { throw o.fail("give either tiers or overage, not both") }
            tiers = [Tier(upTo: nil, price: try ctx.figure(o, what: "overage", valueKey: "price"))]
        }
        guard !tiers.isEmpty else { throw try top.required("egress").fail("egress needs tiers or overage") }
        var sets: [EgressPricing.PriceSet] = []
        if let ps = e["price_sets"] {
            for s in try ps.list("price_sets") {
                let sm = try s.map("price set", allowed: ["id", "description", "free", "tiers"])
                sets.append(EgressPricing.PriceSet(
                    id: try sm.required("id").text("price set id"),
                    description: try sm.required("description").text("description"),
                    free: try sm["free"].map { try ctx.figure($0, what: "price set free allowance", valueKey: "value") },
                    tiers: try sm["tiers"].map { try ctx.tiers($0) }))
            }
        }
        let egress = EgressPricing(
            unit: unit, unitNote: try e["unit_note"]?.text("unit_note"), scope: scope, free: free,
            rate: TieredRate(free: free?.value ?? 0, tiers: tiers), priceSets: sets,
            notes: try e["notes"].map { try $0.stringList("notes") } ?? [])
        var ipv4: ExtraCharge?
        var backups: ExtraCharge?
        var loadBalancer: LoadBalancerPricing?
        if let x = top["extras"] {
            let xm = try x.map("extras", allowed: ["public_ipv4", "backups", "load_balancer"])
            if let n = xm["load_balancer"] {
                let lm = try n.map("load_balancer", allowed: ["name", "hour", "capacity_unit_hour", "unit_gb_per_hour", "unit_new_connections_per_second"])
                loadBalancer = LoadBalancerPricing(
                    name: try lm.required("name").text("load_balancer name"),
                    hour: try ctx.figure(lm.required("hour"), what: "load_balancer hour", valueKey: "value"),
                    capacityUnitHour: try ctx.figure(lm.required("capacity_unit_hour"), what: "load_balancer capacity_unit_hour", valueKey: "value"),
                    unitGBPerHour: try ctx.figure(lm.required("unit_gb_per_hour"), what: "load_balancer unit_gb_per_hour", valueKey: "value"),
                    unitNewConnectionsPerSecond: try ctx.figure(lm.required("unit_new_connections_per_second"), what: "load_balancer unit_new_connections_per_second", valueKey: "value"))
                guard loadBalancer!.unitGBPerHour.value > 0, loadBalancer!.unitNewConnectionsPerSecond.value > 0 else {
                    throw n.fail("load_balancer unit sizes must be positive")
                }
            }
            if let n = xm["public_ipv4"] {
                ipv4 = ExtraCharge(basis: .perServer(try ctx.monthly(n, what: "public_ipv4")), note: try n.map("public_ipv4", allowed: ["hourly", "monthly", "as_of", "source", "note"])["note"]?.text("note"))
            }
            if let n = xm["backups"] {
                let f = try ctx.figure(n, what: "backups", valueKey: "percent")
                backups = ExtraCharge(basis: .percentOfCompute(f), note: f.note)
            }
        }
        return ProviderPricing(id: id, name: name, kind: kind, currency: currency, region: try top["region"]?.text("region"),
                               plans: plans, egress: egress, publicIPv4: ipv4, backups: backups, notes: notes, file: file,
                               loadBalancer: loadBalancer)
    }

    static func readSaaS(_ top: YAMLMap, id: String, name: String, kind: PricingKind, currency: String, notes: [String], ctx: FigureReader, file: String) throws -> SaaSPricing {
        let modelNode = try top.required("model")
        let unit = try top.required("unit").text("unit")
        let model: SaaSPricing.Model
        switch try modelNode.text("model") {
        case "per_unit":
            if let up = top["unit_price"] {
                model = .perUnit([SaaSPricing.UnitPrice(id: unit, aliases: [], price: try ctx.figure(up, what: "unit_price", valueKey: "value"))])
            } else {
                var units: [SaaSPricing.UnitPrice] = []
                for u in try top.required("units").list("units") {
                    let um = try u.map("unit", allowed: ["id", "aliases", "value", "as_of", "source", "note"])
                    units.append(SaaSPricing.UnitPrice(
                        id: try um.required("id").text("unit id"),
                        aliases: try um["aliases"].map { try $0.stringList("aliases") } ?? [],
                        price: try ctx.figure(u, what: "unit price", valueKey: "value", extraKeys: ["id", "aliases"])))
                }
                guard !units.isEmpty else { throw try top.required("units").fail("units must not be empty") }
                model = .perUnit(units)
            }
        case "plan_tiers":
            var plans: [SaaSPricing.PlanTier] = []
            for p in try top.required("plans").list("plans") {
                let pm = try p.map("plan", allowed: ["name", "up_to", "price", "as_of", "source", "note"])
                plans.append(SaaSPricing.PlanTier(
                    name: try pm.required("name").text("plan name"),
                    upTo: try pm.required("up_to").nonNegative("up_to"),
                    price: try ctx.figure(p, what: "plan price", valueKey: "price", extraKeys: ["name", "up_to"])))
            }
            guard !plans.isEmpty else { throw try top.required("plans").fail("plans must not be empty") }
            model = .planTiers(plans)
        case "metered":
            let free = try top["free"].map { try ctx.figure($0, what: "free allowance", valueKey: "value") }
            let per = try top["per"]?.nonNegative("per") ?? 1
            guard per > 0 else { throw try top.required("per").fail("per must be positive") }
            model = .metered(TieredRate(free: free?.value ?? 0, tiers: try ctx.tiers(top.required("tiers")), per: per))
        default:
            throw modelNode.fail("model must be per_unit, plan_tiers or metered")
        }
        return SaaSPricing(id: id, name: name, kind: kind, currency: currency, unit: unit,
                           aliases: try top["aliases"].map { try $0.stringList("aliases") } ?? [],
                           model: model, selfHostApps: try top["self_host_apps"].map { try $0.stringList("self_host_apps") } ?? [],
                           notes: notes, file: file)
    }
}

/// Reads figures (`{value, as_of, source, note}`) against a file's source list.
struct FigureReader {
    let sources: [String: PriceSource]

    func figure(_ node: YAMLNode, what: String, valueKey: String, extraKeys: [String] = []) throws -> Figure {
        let m = try node.map(what, allowed: [valueKey, "as_of", "source", "note"] + extraKeys)
        let value = try m.required(valueKey).nonNegative("\(what) \(valueKey)")
        return try finish(m, node: node, value: value, what: what)
    }

    func finish(_ m: YAMLMap, node: YAMLNode, value: Decimal, what: String) throws -> Figure {
        guard let asOfNode = m["as_of"] else { throw node.fail("\(what) has no as_of date", remedy: "every figure needs as_of (YYYY-MM-DD) and source") }
        guard let srcNode = m["source"] else { throw node.fail("\(what) has no source", remedy: "every figure needs as_of (YYYY-MM-DD) and source") }
        let srcID = try srcNode.text("source")
        guard let src = sources[srcID] else {
            let hint = Suggestions.didYouMean(srcID, in: Array(sources.keys)).map { " (\($0))" } ?? ""
            throw srcNode.fail("unknown source '\(srcID)'\(hint)", remedy: "add it under sources: with id, url, title")
        }
        return Figure(value: value, asOf: try asOfNode.date("as_of"), source: src, note: try m["note"]?.text("note"), location: node.location)
    }

    func monthly(_ node: YAMLNode, what: String) throws -> MonthlyPrice {
        let m = try node.map(what, allowed: ["monthly", "hourly", "as_of", "source", "note"])
        switch (m["monthly"], m["hourly"]) {
        case (let mo?, nil):
            return MonthlyPrice(figure: try finish(m, node: node, value: try mo.nonNegative("monthly"), what: what), isHourly: false)
        case (nil, let h?):
            return MonthlyPrice(figure: try finish(m, node: node, value: try h.nonNegative("hourly"), what: what), isHourly: true)
        default:
            throw node.fail("\(what) needs exactly one of monthly or hourly")
        }
    }

    func tiers(_ node: YAMLNode) throws -> [Tier] {
        var out: [Tier] = []
        var last: Decimal = -1
        let items = try node.list("tiers")
        for (i, t) in items.enumerated() {
            let m = try t.map("tier", allowed: ["up_to", "price", "as_of", "source", "note"])
            let up = try m["up_to"].map { try $0.nonNegative("up_to") }
            if let up {
                guard up > last else { throw t.fail("tier bounds must increase") }
                last = up
            } else if i != items.count - 1 {
                throw t.fail("only the last tier may omit up_to")
            }
            out.append(Tier(upTo: up, price: try figure(t, what: "tier", valueKey: "price", extraKeys: ["up_to"])))
        }
        guard !out.isEmpty else { throw node.fail("tiers must not be empty") }
        return out
    }
}
