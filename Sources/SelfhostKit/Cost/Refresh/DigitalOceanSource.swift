import Foundation

/// DigitalOcean's Droplet sizes: `GET /v2/sizes`, an account API (a read token in
/// `DIGITALOCEAN_TOKEN`). `memory` in MB, `disk` in GB, `transfer` in TB, `price_monthly` in USD;
/// paging by `links.pages.next` (docs.digitalocean.com/reference/api, "List All Droplet Sizes").
struct DigitalOceanSource: PriceAPI {
    var base: String
    var token: String?
    let provider = "digitalocean"
    let title = "DigitalOcean API: GET /v2/sizes (Droplet sizes)"
    var url: String { base + "/v2/sizes?per_page=200" }
    var skipReason: String? { token == nil ? "an account API: set DIGITALOCEAN_TOKEN (a read-only DigitalOcean token) to refresh it" : nil }

    func note(day: String) -> String {
        "Plans refreshed from DigitalOcean's API on \(day) (selfhost cost --refresh): every available Droplet size; memory MB ÷ 1,024 = GB, transfer as stated in TB."
    }

    func plans(shipped: ProviderPricing, get: (HTTPRequest) throws(RefreshError) -> Data) throws(RefreshError) -> [RefreshedPlan] {
        let pages = try paged(first: url, token: token, get: get) { page in
            ((page["links"] as? [String: Any])?["pages"] as? [String: Any])?["next"] as? String
        }
        var plans: [RefreshedPlan] = []
        var listed = 0
        for page in pages {
            guard let list = page["sizes"] as? [[String: Any]] else { throw RefreshError("the answer has no 'sizes' list") }
            listed += list.count
            for (i, s) in list.enumerated() {
                if (s["available"] as? Bool) == false { continue }
                guard let slug = s["slug"] as? String, RefreshedPlan.validID(slug),
                      let vcpus = RefreshJSON.int(s["vcpus"]), let memory = RefreshJSON.int(s["memory"]),
                      let monthly = RefreshJSON.decimal(s["price_monthly"]), vcpus > 0, memory > 0, monthly > 0 else {
                    throw RefreshError("size \(i + 1) (\((s["slug"] as? String) ?? "no slug")) lacks slug, vcpus, memory or a positive price_monthly")
                }
                let kind = (s["description"] as? String).map { " \($0)" } ?? ""
                plans.append(RefreshedPlan(id: slug, label: "\(slug)\(kind)", vcpus: vcpus, ram: Decimal(memory) / 1024,
                                           diskGB: RefreshJSON.int(s["disk"]), includedTB: RefreshJSON.decimal(s["transfer"]),
                                           price: .monthly(monthly)))
            }
        }
        if let total = ((pages.first?["meta"] as? [String: Any])?["total"]).flatMap(RefreshJSON.int), total != listed {
            throw RefreshError("partial answer: \(listed) of \(total) sizes")
        }
        guard !plans.isEmpty else { throw RefreshError("the answer lists no available size") }
        return plans
    }
}
