import Foundation

/// One provider's price API, read by `cost --refresh`. Each source knows its URL (overridable by an
/// environment variable, so tests reach loopback), whether it can run (an account API needs its
/// token), how to page through the answer and how to turn it into plans.
protocol PriceAPI: Sendable {
    /// The pricing file it rewrites: `catalog/pricing/<provider>.yaml`.
    var provider: String { get }
    /// The first URL read, as shown to the user.
    var url: String { get }
    var title: String { get }
    /// Why the source does not run here (an account API without its token), or nil.
    var skipReason: String? { get }
    /// Reads the API through `get` (one call per page) and returns every plan, or why not.
    func plans(shipped: ProviderPricing, get: (HTTPRequest) throws(RefreshError) -> Data) throws(RefreshError) -> [RefreshedPlan]
    /// The note the overlay adds at the top of the file's `notes:`.
    func note(day: String) -> String
}

extension PriceAPI {
    var skipReason: String? { nil }

    func request(_ url: String, token: String? = nil) -> HTTPRequest {
        var headers = ["Accept": "application/json"]
        if let token { headers["Authorization"] = "Bearer \(token)" }
        return HTTPRequest(url: url, headers: headers, maxBodyBytes: 8 << 20)
    }

    /// Follows "next page" links up to `PriceAPIs.maxPages`; a longer chain is a partial answer.
    func paged(first: String, token: String? = nil, get: (HTTPRequest) throws(RefreshError) -> Data,
               next: ([String: Any]) -> String?) throws(RefreshError) -> [[String: Any]] {
        var pages: [[String: Any]] = []
        var url: String? = first
        while let u = url {
            guard pages.count < PriceAPIs.maxPages else {
                throw RefreshError("partial answer: more than \(PriceAPIs.maxPages) pages")
            }
            let page = try RefreshJSON.object(try get(request(u, token: token)))
            pages.append(page)
            url = next(page).flatMap { $0.isEmpty ? nil : $0 }
        }
        return pages
    }
}

/// The sources `cost --refresh` reads, with their base URLs from the environment.
enum PriceAPIs {
    static let maxPages = 20

    static func all(environment env: [String: String]) -> [any PriceAPI] {
        func base(_ key: String, _ fallback: String) -> String {
            env[key].flatMap { $0.isEmpty ? nil : $0 } ?? fallback
        }
        func token(_ key: String) -> String? { env[key].flatMap { $0.isEmpty ? nil : $0 } }
        return [
            LinodeSource(base: base("SELFHOST_LINODE_API", "https://api.linode.com")),
            VultrSource(base: base("SELFHOST_VULTR_API", "https://api.vultr.com")),
            AzureRetailSource(base: base("SELFHOST_AZURE_PRICES_API", "https://prices.azure.com")),
            HetznerSource(base: base("SELFHOST_HETZNER_API", "https://api.hetzner.cloud"), token: token("HCLOUD_TOKEN")),
            DigitalOceanSource(base: base("SELFHOST_DIGITALOCEAN_API", "https://api.digitalocean.com"), token: token("DIGITALOCEAN_TOKEN")),
        ]
    }
}
