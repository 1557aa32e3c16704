import Foundation

/// Hetzner Cloud's server types with prices: `GET /v1/server_types`, an account API (a project's
/// API token in `HCLOUD_TOKEN`). Prices are per location as decimal strings (`price_monthly.net`,
/// EUR without VAT); `included_traffic` in bytes (Hetzner's "20 TB" is 20 × 2^40); memory in GB;
/// page paging in `meta.pagination.next_page` (docs.hetzner.cloud, "Server Types").
struct HetznerSource: PriceAPI {
    var base: String
    var token: String?
    let provider = "hetzner"
    let title = "Hetzner Cloud API: GET /v1/server_types (prices of the project's token)"
    var url: String { base + "/v1/server_types?per_page=50" }
    var skipReason: String? { token == nil ? "an account API: set HCLOUD_TOKEN (a read-only Hetzner Cloud project token) to refresh it" : nil }

    /// The location whose prices are taken: the one the shipped file prices (Germany).
    static let location = "fsn1"

    func note(day: String) -> String {
        "Plans refreshed from Hetzner's Cloud API on \(day) (selfhost cost --refresh): net EUR prices at \(Self.location) (Falkenstein), deprecated types left out; included traffic as the API states it in bytes (÷ 2^40 = TB, as Hetzner counts its TB)."
    }

    func plans(shipped: ProviderPricing, get: (HTTPRequest) throws(RefreshError) -> Data) throws(RefreshError) -> [RefreshedPlan] {
        let pages = try paged(first: url, token: token, get: get) { page in
            guard let next = RefreshJSON.int(((page["meta"] as? [String: Any])?["pagination"] as? [String: Any])?["next_page"]) else { return nil }
            return base + "/v1/server_types?per_page=50&page=\(next)"
        }
        var plans: [RefreshedPlan] = []
        var listed = 0
        for page in pages {
            guard let list = page["server_types"] as? [[String: Any]] else { throw RefreshError("the answer has no 'server_types' list") }
            listed += list.count
            for (i, t) in list.enumerated() {
                let deprecated = (t["deprecated"] as? Bool) == true || (t["deprecation"].map { !($0 is NSNull) } ?? false)
                if deprecated { continue }
                guard let name = t["name"] as? String, RefreshedPlan.validID(name),
                      let cores = RefreshJSON.int(t["cores"]), let memory = RefreshJSON.decimal(t["memory"]),
                      let prices = t["prices"] as? [[String: Any]] else {
                    throw RefreshError("server type \(i + 1) (\((t["name"] as? String) ?? "no name")) lacks name, cores, memory or prices")
                }
                // A type not sold at the location is not offered there: skip it rather than guess.
                guard let here = prices.first(where: { $0["location"] as? String == Self.location }) else { continue }
                guard let monthly = RefreshJSON.decimal((here["price_monthly"] as? [String: Any])?["net"]), monthly > 0 else {
                    throw RefreshError("server type \(name) has no positive price_monthly.net at \(Self.location)")
                }
                let traffic = RefreshJSON.decimal(here["included_traffic"]).map { $0 / 1_099_511_627_776 }
                let cpu = (t["cpu_type"] as? String) == "dedicated" ? "dedicated vCPU" : "vCPU"
                plans.append(RefreshedPlan(id: name, label: "\(name.uppercased()) (\(cores) \(cpu), \(Money.exact(memory)) GB)", vcpus: cores,
                                           ram: memory, diskGB: RefreshJSON.int(t["disk"]), includedTB: traffic,
                                           price: .monthly(Money.round(monthly, scale: 4))))
            }
        }
        let pagination = (pages.first?["meta"] as? [String: Any])?["pagination"] as? [String: Any]
        if let total = RefreshJSON.int(pagination?["total_entries"]), total != listed {
            throw RefreshError("partial answer: \(listed) of \(total) server types")
        }
        guard !plans.isEmpty else { throw RefreshError("the answer lists no server type priced at \(Self.location)") }
        return plans
    }
}
