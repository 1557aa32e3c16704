import Foundation

/// `selfhost cost --refresh`: reads the providers' price APIs and writes a dated overlay of the
/// pricing files in the user's cache directory (`$XDG_CACHE_HOME/selfhost/pricing/` or
/// `~/.cache/selfhost/pricing/`), which `cost` reads on top of the shipped files. A source that
/// fails (timeout, HTTP error, malformed or partial answer) keeps its previous prices and says why;
/// an account API without its token is skipped (not a failure) and says which variable to set.
///
/// Sources (`PriceAPIs.all`): Linode's plan types, Vultr's plans and Azure's Retail Prices (public),
/// Hetzner Cloud (`HCLOUD_TOKEN`) and DigitalOcean (`DIGITALOCEAN_TOKEN`). Tokens are sent only to
/// their API and never printed or written.
public enum PriceRefresh {
    /// What happened to one source.
    public struct Outcome: Encodable, Sendable, Equatable {
        public var provider: String
        public var url: String
        /// `updated` (the overlay was written), `kept` (the previous prices stand: the read failed)
        /// or `skipped` (not read: an account API without its token).
        public var status: String
        public var plans: Int
        /// Why the previous prices were kept, or what was written.
        public var message: String
        public var asOf: String
    }

    /// `$XDG_CACHE_HOME/selfhost`, else `$HOME/.cache/selfhost`; nil when neither is set.
    public static func cacheDirectory(environment: [String: String]) -> URL? {
        if let x = environment["XDG_CACHE_HOME"], x.hasPrefix("/") { return URL(fileURLWithPath: x).appendingPathComponent("selfhost") }
        if let h = environment["HOME"], h.hasPrefix("/") { return URL(fileURLWithPath: h).appendingPathComponent(".cache/selfhost") }
        return nil
    }

    /// The overlay directory `cost` reads (it holds `pricing/<id>.yaml`), when it exists.
    public static func overlay(environment: [String: String]) -> URL? {
        guard let dir = cacheDirectory(environment: environment) else { return nil }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir.appendingPathComponent("pricing").path, isDirectory: &isDir), isDir.boolValue else { return nil }
        return dir
    }

    /// Fetches every source (only those of `providers` when given) and writes the overlay files
    /// that came back whole.
    public static func run(http: any HTTPClient, environment: [String: String], store: ResourceStore, now: Date,
                           timeout: Double = 20, providers: [String] = []) -> [Outcome] {
        let day = Figure.day(now)
        let sources = PriceAPIs.all(environment: environment).filter { providers.isEmpty || providers.contains($0.provider) }
        guard let cache = cacheDirectory(environment: environment) else {
            return sources.map {
                Outcome(provider: $0.provider, url: $0.url, status: "kept", plans: 0, message: "no cache directory: set HOME or XDG_CACHE_HOME", asOf: day)
            }
        }
        return sources.map { refresh($0, http: http, store: store, cache: cache, day: day, timeout: timeout) }
    }

    static func refresh(_ source: any PriceAPI, http: any HTTPClient, store: ResourceStore, cache: URL, day: String, timeout: Double) -> Outcome {
        func kept(_ why: String) -> Outcome {
            Outcome(provider: source.provider, url: source.url, status: "kept", plans: 0, message: "previous prices kept: \(why)", asOf: day)
        }
        if let why = source.skipReason {
            return Outcome(provider: source.provider, url: source.url, status: "skipped", plans: 0, message: "not read: \(why)", asOf: day)
        }
        let path = "catalog/pricing/\(source.provider).yaml"
        guard let shippedText = store.file(path)?.contents else { return kept("no shipped \(path) to update") }
        let shipped: ProviderPricing
        do {
            var catalog = PricingCatalog(providers: [], saas: [], exchangeRate: nil, unsourced: [])
            try catalog.add(file: ResourceStore.File(path: path, displayPath: path, contents: shippedText))
            guard let p = catalog.provider(source.provider) else { return kept("\(path) holds no provider '\(source.provider)'") }
            shipped = p
        } catch {
            return kept("the shipped \(path) does not load: \(error)")
        }
        let get = { (request: HTTPRequest) throws(RefreshError) -> Data in
            var r = request
            r.timeout = timeout
            r.connectTimeout = min(timeout, 10)
            switch http.send(r) {
            case .failure(let e): throw RefreshError(e.message)
            case .success(let response):
                guard (200..<300).contains(response.status) else {
                    // The URL without its query: a filter can be long, and a token never travels in it.
                    let shown = r.url.components(separatedBy: "?")[0]
                    let hint = response.status == 401 || response.status == 403 ? " (is the token valid and allowed to read?)"
                        : response.status == 429 ? " (rate limited: try again later)" : ""
                    throw RefreshError("HTTP \(response.status) from \(shown)\(hint)")
                }
                return response.body
            }
        }
        let plans: [RefreshedPlan]
        do { plans = try source.plans(shipped: shipped, get: get) } catch { return kept(error.message) }
        let yaml = RefreshedPlan.overlay(shipped: shippedText, plans: plans, url: source.url.components(separatedBy: "?")[0],
                                         title: source.title, note: source.note(day: day), day: day)
        // The overlay must load as strictly as the shipped file, or it is not written.
        let target = cache.appendingPathComponent("pricing/\(source.provider).yaml")
        do {
            var check = PricingCatalog(providers: [], saas: [], exchangeRate: nil, unsourced: [])
            try check.add(file: ResourceStore.File(path: path, displayPath: target.path, contents: yaml))
            guard let p = check.provider(source.provider), p.plans.count == plans.count else {
                return kept("the refreshed file did not load every plan")
            }
        } catch let e as SelfhostError {
            return kept("the answer did not make a valid price file: \(e.message)")
        } catch {
            return kept("\(error)")
        }
        do {
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try AtomicFile.write(yaml, to: target)
        } catch {
            return kept("cannot write \(target.path): \(error.localizedDescription)")
        }
        return Outcome(provider: source.provider, url: source.url, status: "updated", plans: plans.count,
                       message: "\(plans.count) plans written to \(target.path)", asOf: day)
    }
}
