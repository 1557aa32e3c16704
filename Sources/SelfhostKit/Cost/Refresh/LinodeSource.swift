import Foundation

/// Linode's public plan catalog: `GET /v4/linode/types` (no account). Memory and disk in MB,
/// transfer in GB, monthly prices in USD.
struct LinodeSource: PriceAPI {
    var base: String
    let provider = "linode"
    let title = "Linode API: GET /v4/linode/types (public plan catalog)"
    var url: String { base + "/v4/linode/types?page_size=500" }

    /// Plan classes priced here (GPU and accelerated plans carry region or contract prices).
    static let classes: Set<String> = ["nanode", "standard", "dedicated", "highmem", "premium"]

    func note(day: String) -> String {
        "Plans refreshed from Linode's API on \(day) (selfhost cost --refresh); memory and transfer as the API states them (MB ÷ 1,024 = GB, GB ÷ 1,000 = TB)."
    }

    func plans(shipped: ProviderPricing, get: (HTTPRequest) throws(RefreshError) -> Data) throws(RefreshError) -> [RefreshedPlan] {
        let root = try RefreshJSON.object(try get(request(url)))
        return try Self.parse(root)
    }

    static func parse(_ root: [String: Any]) throws(RefreshError) -> [RefreshedPlan] {
        guard let data = root["data"] as? [[String: Any]] else { throw RefreshError("the answer has no 'data' list") }
        // A paged answer that is not all here would drop plans: refuse it.
        if let pages = root["pages"] as? Int, pages > 1 { throw RefreshError("partial answer: page 1 of \(pages)") }
        if let results = root["results"] as? Int, results != data.count { throw RefreshError("partial answer: \(data.count) of \(results) plans") }
        var plans: [RefreshedPlan] = []
        for (i, t) in data.enumerated() {
            guard let cls = t["class"] as? String else { throw RefreshError("plan \(i + 1) has no 'class'") }
            guard classes.contains(cls) else { continue }
            guard let id = t["id"] as? String, let label = t["label"] as? String,
                  let vcpus = RefreshJSON.int(t["vcpus"]), let memory = RefreshJSON.int(t["memory"]), let disk = RefreshJSON.int(t["disk"]),
                  let transfer = RefreshJSON.int(t["transfer"]),
                  let monthly = RefreshJSON.decimal((t["price"] as? [String: Any])?["monthly"]),
                  vcpus > 0, memory > 0, monthly > 0, RefreshedPlan.validID(id) else {
                throw RefreshError("plan \(i + 1) (\((t["id"] as? String) ?? "no id")) lacks id, label, vcpus, memory, disk, transfer or a positive price.monthly")
            }
            plans.append(RefreshedPlan(id: id, label: label, vcpus: vcpus, ram: Decimal(memory) / 1024, diskGB: disk / 1024,
                                       includedTB: Decimal(transfer) / 1000, price: .monthly(Money.round(monthly, scale: 4))))
        }
        guard !plans.isEmpty else { throw RefreshError("the answer lists no priced plan") }
        return plans
    }
}
