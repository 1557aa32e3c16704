import Foundation

/// Vultr's plan list: `GET /v2/plans` (public: listing plans needs no API key). Fields as Vultr
/// documents them (docs.vultr.com/reference/terraform/data-sources/plan, updated 2025-09-15):
/// `vcpu_count`, `ram` in MB, `disk` in GB, `bandwidth` in GB, `monthly_cost` in USD, `type`;
/// cursor paging in `meta.links.next` (vultr-cli plans list, updated 2025-11-07).
struct VultrSource: PriceAPI {
    var base: String
    let provider = "vultr"
    let title = "Vultr API: GET /v2/plans (public plan list)"
    var url: String { base + "/v2/plans?per_page=500" }

    /// Cloud Compute plan types: regular (`vc2`), high frequency (`vhf`), high performance (`vhp`)
    /// and optimized (`voc`). Bare metal and GPU plans are priced elsewhere.
    static let types: Set<String> = ["vc2", "vhf", "vhp", "voc"]

    func note(day: String) -> String {
        "Plans refreshed from Vultr's API on \(day) (selfhost cost --refresh): every Cloud Compute type (regular, high frequency, high performance, optimized), not only the Regular Performance table; memory MB ÷ 1,024 = GB, bandwidth GB ÷ 1,000 = TB."
    }

    func plans(shipped: ProviderPricing, get: (HTTPRequest) throws(RefreshError) -> Data) throws(RefreshError) -> [RefreshedPlan] {
        let pages = try paged(first: url, get: get) { page in
            guard let next = ((page["meta"] as? [String: Any])?["links"] as? [String: Any])?["next"] as? String, !next.isEmpty else { return nil }
            return base + "/v2/plans?per_page=500&cursor=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? next)
        }
        var plans: [RefreshedPlan] = []
        var listed = 0
        for page in pages {
            guard let list = page["plans"] as? [[String: Any]] else { throw RefreshError("the answer has no 'plans' list") }
            listed += list.count
            for (i, p) in list.enumerated() {
                guard let type = p["type"] as? String else { throw RefreshError("plan \(i + 1) has no 'type'") }
                guard Self.types.contains(where: { type.hasPrefix($0) }) else { continue }
                guard let id = p["id"] as? String, RefreshedPlan.validID(id),
                      let vcpus = RefreshJSON.int(p["vcpu_count"]), let ram = RefreshJSON.int(p["ram"]),
                      let disk = RefreshJSON.int(p["disk"]), let bandwidth = RefreshJSON.int(p["bandwidth"]),
                      let monthly = RefreshJSON.decimal(p["monthly_cost"]), vcpus > 0, ram > 0, monthly > 0 else {
                    throw RefreshError("plan \(i + 1) (\((p["id"] as? String) ?? "no id")) lacks id, vcpu_count, ram, disk, bandwidth or a positive monthly_cost")
                }
                let gb = Money.exact(Decimal(ram) / 1024)
                plans.append(RefreshedPlan(id: id, label: "\(id) (\(vcpus) vCPU, \(gb) GB)", vcpus: vcpus, ram: Decimal(ram) / 1024,
                                           diskGB: disk, includedTB: Decimal(bandwidth) / 1000, price: .monthly(monthly)))
            }
        }
        if let total = ((pages.first?["meta"] as? [String: Any])?["total"]).flatMap(RefreshJSON.int), total != listed {
            throw RefreshError("partial answer: \(listed) of \(total) plans")
        }
        guard !plans.isEmpty else { throw RefreshError("the answer lists no Cloud Compute plan") }
        return plans
    }
}
