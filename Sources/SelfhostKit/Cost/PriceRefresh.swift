import Foundation

/// `selfhost cost --refresh`: reads public price APIs that need no account and writes a dated
/// overlay of the pricing files in the user's cache directory (`$XDG_CACHE_HOME/selfhost/pricing/`
/// or `~/.cache/selfhost/pricing/`), which `cost` reads on top of the shipped files. A source that
/// fails (timeout, HTTP error, malformed or partial answer) keeps its previous prices and says why.
///
/// Sources: Linode's plan catalog (`GET /v4/linode/types`, public). Providers whose price APIs need
/// an account (Hetzner, DigitalOcean) are not refreshed; their shipped files stand.
public enum PriceRefresh {
    public struct Source: Sendable {
        /// The pricing file this source rewrites (`catalog/pricing/<provider>.yaml`).
        public var provider: String
        public var url: String
        public var title: String
    }

    /// What happened to one source.
    public struct Outcome: Encodable, Sendable, Equatable {
        public var provider: String
        public var url: String
        /// `updated` (the overlay was written) or `kept` (the previous prices stand).
        public var status: String
        public var plans: Int
        /// Why the previous prices were kept, or what was written.
        public var message: String
        public var asOf: String
    }

    /// The sources, with the API base overridable (`SELFHOST_LINODE_API`) so tests reach loopback.
    public static func sources(environment: [String: String]) -> [Source] {
        let linode = (environment["SELFHOST_LINODE_API"].flatMap { $0.isEmpty ? nil : $0 } ?? "https://api.linode.com")
        return [Source(provider: "linode", url: linode + "/v4/linode/types?page_size=500",
                       title: "Linode API: GET /v4/linode/types (public plan catalog)")]
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

    /// Fetches every source and writes the overlay files that came back whole.
    public static func run(http: any HTTPClient, environment: [String: String], store: ResourceStore, now: Date, timeout: Double = 20) -> [Outcome] {
        let day = Figure.day(now)
        guard let cache = cacheDirectory(environment: environment) else {
            return sources(environment: environment).map {
                Outcome(provider: $0.provider, url: $0.url, status: "kept", plans: 0, message: "no cache directory: set HOME or XDG_CACHE_HOME", asOf: day)
            }
        }
        var out: [Outcome] = []
        for source in sources(environment: environment) {
            let kept = { (why: String) in Outcome(provider: source.provider, url: source.url, status: "kept", plans: 0, message: "previous prices kept: \(why)", asOf: day) }
            let request = HTTPRequest(url: source.url, headers: ["Accept": "application/json"], timeout: timeout, connectTimeout: min(timeout, 10), maxBodyBytes: 4 << 20)
            let response: HTTPResponse
            switch http.send(request) {
            case .failure(let e): out.append(kept(e.message)); continue
            case .success(let r): response = r
            }
            guard (200..<300).contains(response.status) else { out.append(kept("HTTP \(response.status) from \(source.url)")); continue }
            let plans: [LinodePlan]
            do { plans = try LinodePlan.parse(response.body) } catch let e as RefreshError { out.append(kept(e.message)); continue } catch { out.append(kept("\(error)")); continue }
            guard let shipped = store.file("catalog/pricing/\(source.provider).yaml")?.contents else {
                out.append(kept("no shipped catalog/pricing/\(source.provider).yaml to update")); continue
            }
            let yaml = LinodePlan.overlay(shipped: shipped, plans: plans, source: source, day: day)
            // The overlay must load as strictly as the shipped file, or it is not written.
            let target = cache.appendingPathComponent("pricing/\(source.provider).yaml")
            do {
                var check = PricingCatalog(providers: [], saas: [], exchangeRate: nil, unsourced: [])
                try check.add(file: ResourceStore.File(path: "catalog/pricing/\(source.provider).yaml", displayPath: target.path, contents: yaml))
                guard let p = check.provider(source.provider), p.plans.count == plans.count else { throw RefreshError("the refreshed file did not load every plan") }
            } catch let e as SelfhostError {
                out.append(kept("the answer did not make a valid price file: \(e.message)")); continue
            } catch let e as RefreshError {
                out.append(kept(e.message)); continue
            } catch {
                out.append(kept("\(error)")); continue
            }
            do {
                try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                try AtomicFile.write(yaml, to: target)
            } catch {
                out.append(kept("cannot write \(target.path): \(error.localizedDescription)")); continue
            }
            out.append(Outcome(provider: source.provider, url: source.url, status: "updated", plans: plans.count,
                               message: "\(plans.count) plans written to \(target.path)", asOf: day))
        }
        return out
    }

    struct RefreshError: Error {
        var message: String
        init(_ m: String) { message = m }
    }

    /// One plan of Linode's catalog (`/v4/linode/types`): memory and disk in MB, transfer in GB.
    struct LinodePlan: Equatable {
        var id: String
        var label: String
        var vcpus: Int
        var memoryMB: Int
        var diskMB: Int
        var transferGB: Int
        var monthly: Decimal

        /// Plan classes priced here (GPU and accelerated plans carry region or contract prices).
        static let classes: Set<String> = ["nanode", "standard", "dedicated", "highmem", "premium"]

        static func parse(_ body: Data) throws -> [LinodePlan] {
            guard let root = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
                throw RefreshError("the answer is not a JSON object")
            }
            guard let data = root["data"] as? [[String: Any]] else { throw RefreshError("the answer has no 'data' list") }
            // A paged answer that is not all here would drop plans: refuse it.
            if let pages = root["pages"] as? Int, pages > 1 { throw RefreshError("partial answer: page 1 of \(pages)") }
            if let results = root["results"] as? Int, results != data.count { throw RefreshError("partial answer: \(data.count) of \(results) plans") }
            var plans: [LinodePlan] = []
            for (i, t) in data.enumerated() {
                guard let cls = t["class"] as? String else { throw RefreshError("plan \(i + 1) has no 'class'") }
                guard classes.contains(cls) else { continue }
                // Prices are read from their JSON text: JSONSerialization hands back NSNumber, whose
                // decimal value is exact for the two-decimal prices the API sends.
                guard let id = t["id"] as? String, let label = t["label"] as? String,
                      let vcpus = t["vcpus"] as? Int, let memory = t["memory"] as? Int, let disk = t["disk"] as? Int,
                      let transfer = t["transfer"] as? Int,
                      let price = t["price"] as? [String: Any], let monthly = (price["monthly"] as? NSNumber)?.decimalValue,
                      vcpus > 0, memory > 0, monthly > 0,
                      id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) else {
                    throw RefreshError("plan \(i + 1) (\((t["id"] as? String) ?? "no id")) lacks id, label, vcpus, memory, disk, transfer or a positive price.monthly")
                }
                plans.append(LinodePlan(id: id, label: label, vcpus: vcpus, memoryMB: memory, diskMB: disk, transferGB: transfer,
                                        monthly: Money.round(monthly, scale: 4)))
            }
            guard !plans.isEmpty else { throw RefreshError("the answer lists no priced plan") }
            return plans
        }

        /// The shipped file with its plans replaced by the API's, every figure dated `day` and
        /// sourced to the API.
        static func overlay(shipped: String, plans: [LinodePlan], source: Source, day: String) -> String {
            let head = shipped.components(separatedBy: "\nplans:")[0]
            var text = head.replacingOccurrences(of: "\nsources:\n", with: """

                sources:
                  - id: refresh
                    url: \(yamlQuoted(source.url))
                    title: \(yamlQuoted(source.title + ", read \(day) by selfhost cost --refresh"))
                    checked: \(day)

                """)
            text = text.replacingOccurrences(of: "\nnotes:\n", with: "\nnotes:\n  - \(yamlQuoted("Plans refreshed from Linode's API on \(day) (selfhost cost --refresh); memory and transfer as the API states them (MB ÷ 1,024 = GB, GB ÷ 1,000 = TB)."))\n")
            text += "\nplans:\n"
            for p in plans {
                let ram = Money.exact(Decimal(p.memoryMB) / 1024)
                let inc = Money.exact(Decimal(p.transferGB) / 1000)
                text += "  - {id: \(p.id), name: \(yamlQuoted(p.label)), vcpu: \(p.vcpus), ram: \(ram), ram_unit: GB, disk_gb: \(p.diskMB / 1024), "
                    + "price: {monthly: \(Money.exact(p.monthly)), as_of: \(day), source: refresh}"
                    + (p.transferGB > 0 ? ", included: {value: \(inc), unit: TB, as_of: \(day), source: refresh}" : "") + "}\n"
            }
            return text
        }

        static func yamlQuoted(_ s: String) -> String {
            "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
    }
}
