import Foundation
import Testing
@testable import SelfhostKit

/// `cost --refresh` through the libcurl HTTP layer, against a loopback stand-in for Linode's
/// public plan catalog (Fixtures/cost/api/server.py): what a whole answer writes, and that every
/// kind of failure keeps the previous prices and says why.
@Suite("Cost: price refresh on loopback", .serialized)
struct CostRefreshTests {
    /// The fixture API server on 127.0.0.1 (the shared loopback server runner), stopped when released.
    static func apiServer() throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer(scriptURL: CostFixtures.root.appendingPathComponent("api/server.py"))
    }

    static func cache() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cost-refresh-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Every source's API on the loopback server (a test never reaches a real API), with the tokens
    /// the fixture accepts unless `tokens` is false.
    static func environment(_ server: LoopbackHTTPServer, mode: String, cache: URL, tokens: Bool = true) -> [String: String] {
        var env = ["XDG_CACHE_HOME": cache.path]
        for key in ["SELFHOST_LINODE_API", "SELFHOST_VULTR_API", "SELFHOST_AZURE_PRICES_API", "SELFHOST_HETZNER_API", "SELFHOST_DIGITALOCEAN_API"] {
            env[key] = "\(server.baseURL)/\(mode)"
        }
        if tokens { env["HCLOUD_TOKEN"] = "test-token"; env["DIGITALOCEAN_TOKEN"] = "test-token" }
        return env
    }

    static func refresh(_ server: LoopbackHTTPServer, mode: String, cache: URL, timeout: Double = 5,
                        providers: [String] = ["linode"], tokens: Bool = true) -> [PriceRefresh.Outcome] {
        PriceRefresh.run(http: CurlHTTPClient(), environment: environment(server, mode: mode, cache: cache, tokens: tokens),
                         store: .embedded, now: CostFixtures.now, timeout: timeout, providers: providers)
    }

    @Test func everySourceReadsItsAPIAndWritesAnOverlayThatLoads() throws {
        let server = try Self.apiServer()
        let cache = try Self.cache()
        defer { try? FileManager.default.removeItem(at: cache) }
        let outcomes = Self.refresh(server, mode: "ok", cache: cache, providers: [])
        let byProvider = Dictionary(uniqueKeysWithValues: outcomes.map { ($0.provider, $0) })
        #expect(Set(byProvider.keys) == ["linode", "vultr", "azure", "hetzner", "digitalocean"])
        #expect(outcomes.allSatisfy { $0.status == "updated" }, "\(outcomes.map { "\($0.provider): \($0.message)" })")
        #expect(byProvider["vultr"]?.plans == 3, "the GPU plan (type vcg) is left out")
        #expect(byProvider["azure"]?.plans == 4, "the four sizes azure.yaml lists, across two pages")
        #expect(byProvider["hetzner"]?.plans == 2, "deprecated cx11 and cpx11 (not sold at fsn1) are left out; two pages")
        #expect(byProvider["digitalocean"]?.plans == 2, "the unavailable size is left out; two pages")

        var o = CostCommand.Options()
        o.store = .embedded
        o.egress = "1TB"
        o.vps = "32vcpu-128gb"
        o.pricingOverlay = try #require(PriceRefresh.overlay(environment: ["XDG_CACHE_HOME": cache.path]))
        func row(_ provider: String) throws -> CostReport.Option? {
            o.providers = [provider]
            return try CostCommand.makeReport(o, now: CostFixtures.now).options.first
        }
        // Each refreshed price is what its API said, dated the day of the read.
        #expect(try row("vultr")?.computeUsd?.value == 960)
        #expect(try row("digitalocean")?.computeUsd?.value == 1008)
        #expect(try row("azure")?.computeUsd?.value == Decimal(string: "1168"), "1.600 an hour × 730 hours")
        let hetzner = try #require(try row("hetzner"))
        #expect(hetzner.plan.hasPrefix("CCX53"))
        #expect(hetzner.sources.contains { $0.url.hasPrefix(server.baseURL) && $0.asOf == ["2026-11-29"] })
        // No token ever lands in an overlay.
        for file in try FileManager.default.contentsOfDirectory(atPath: cache.appendingPathComponent("selfhost/pricing").path) {
            #expect(!(try String(contentsOf: cache.appendingPathComponent("selfhost/pricing/\(file)"), encoding: .utf8)).contains("test-token"))
        }
    }

    @Test func accountAPIsWithoutATokenAreSkippedNotFailed() throws {
        let server = try Self.apiServer()
        let cache = try Self.cache()
        defer { try? FileManager.default.removeItem(at: cache) }
        let outcomes = Self.refresh(server, mode: "ok", cache: cache, providers: ["hetzner", "digitalocean"], tokens: false)
        #expect(outcomes.map(\.status) == ["skipped", "skipped"])
        #expect(outcomes[0].message.contains("HCLOUD_TOKEN") && outcomes[1].message.contains("DIGITALOCEAN_TOKEN"))
        var o = CostCommand.Options()
        o.store = .embedded
        o.refresh = true
        o.providers = ["hetzner"]
        let out = BufferSink()
        let ctx = Context(stdout: out, stderr: BufferSink(), environment: Self.environment(server, mode: "ok", cache: cache, tokens: false),
                          workingDirectory: cache, now: { CostFixtures.now })
        #expect(try CostCommand.run(o, context: ctx) == .success, "a skipped source is not a failure: \(out.text)")
        #expect(out.text.contains("skipped"))
    }

    @Test(arguments: ["vultr", "azure", "hetzner", "digitalocean"], [
        ("e500", "HTTP 500"), ("e401", "is the token valid"), ("e429", "rate limited"), ("malformed", "not a JSON object"),
        ("partial", "partial answer"), ("slow", "no answer within 1 s"),
    ])
    func everySourceKeepsThePreviousPricesOnAFailedRead(provider: String, failure: (mode: String, reason: String)) throws {
        let server = try Self.apiServer()
        let cache = try Self.cache()
        defer { try? FileManager.default.removeItem(at: cache) }
        #expect(Self.refresh(server, mode: "ok", cache: cache, providers: [provider]).first?.status == "updated")
        let file = cache.appendingPathComponent("selfhost/pricing/\(provider).yaml")
        let before = try String(contentsOf: file, encoding: .utf8)
        let outcome = try #require(Self.refresh(server, mode: failure.mode, cache: cache, timeout: 1, providers: [provider]).first)
        #expect(outcome.status == "kept")
        #expect(outcome.message.hasPrefix("previous prices kept: ") && outcome.message.contains(failure.reason), "\(provider) \(failure.mode): \(outcome.message)")
        #expect(try String(contentsOf: file, encoding: .utf8) == before, "the earlier overlay is untouched")
    }

    @Test func aWholeAnswerWritesADatedOverlayThatCostReads() throws {
        let server = try Self.apiServer()
        let cache = try Self.cache()
        defer { try? FileManager.default.removeItem(at: cache) }
        let outcomes = Self.refresh(server, mode: "ok", cache: cache)
        #expect(outcomes.map(\.status) == ["updated"], "\(outcomes)")
        #expect(outcomes.first?.plans == 3, "the GPU plan with a $0 base price is left out")
        let overlay = try #require(PriceRefresh.overlay(environment: ["XDG_CACHE_HOME": cache.path]))
        #expect(overlay.path == cache.appendingPathComponent("selfhost").path)

        // cost reads it: the 4 vCPU / 8 GB plan now costs what the API said, dated the day of the read.
        var o = CostCommand.Options()
        o.store = .embedded
        o.egress = "1TB"
        o.providers = ["linode"]
        o.pricingOverlay = overlay
        let r = try CostCommand.makeReport(o, now: CostFixtures.now)
        let row = try #require(r.options.first)
        #expect(row.plan == "Linode 8GB" && row.computeUsd?.value == Decimal(string: "77.25"), "\(row.plan) \(String(describing: row.computeUsd))")
        #expect(row.includedTransfer == "5 TB pooled", "\(String(describing: row.includedTransfer))")
        #expect(row.sources.contains { $0.url.hasPrefix(server.baseURL) && $0.asOf == ["2026-11-29"] })
        #expect(r.assumptions.contains { $0.contains("Prices of linode come from the refresh overlay") && $0.contains("as of 2026-11-29") })
        // A box that needs 64 GB finds the refreshed 16 vCPU plan.
        o.vps = "16vcpu-64gb"
        #expect(try CostCommand.makeReport(o, now: CostFixtures.now).options.first?.computeUsd?.value == Decimal(string: "401.5"))
    }

    @Test(arguments: [
        ("e500", "HTTP 500"), ("e404", "HTTP 404"), ("malformed", "not a JSON object"),
        ("partial", "partial answer: page 1 of 2"), ("badplan", "g6-standard-4"),
    ])
    func aFailedAnswerKeepsThePreviousPrices(mode: String, reason: String) throws {
        let server = try Self.apiServer()
        let cache = try Self.cache()
        defer { try? FileManager.default.removeItem(at: cache) }
        #expect(Self.refresh(server, mode: "ok", cache: cache).first?.status == "updated")
        let file = cache.appendingPathComponent("selfhost/pricing/linode.yaml")
        let before = try String(contentsOf: file, encoding: .utf8)
        let outcome = try #require(Self.refresh(server, mode: mode, cache: cache).first)
        #expect(outcome.status == "kept")
        #expect(outcome.message.hasPrefix("previous prices kept: ") && outcome.message.contains(reason), "\(outcome.message)")
        #expect(try String(contentsOf: file, encoding: .utf8) == before, "the earlier overlay is untouched")
    }

    @Test func aTimeoutKeepsThePreviousPricesAndExitsOne() throws {
        let server = try Self.apiServer()
        let cache = try Self.cache()
        defer { try? FileManager.default.removeItem(at: cache) }
        var o = CostCommand.Options()
        o.store = .embedded
        o.refresh = true
        o.refreshTimeout = 1
        o.providers = ["linode"]
        let out = BufferSink(), err = BufferSink()
        let ctx = Context(stdout: out, stderr: err, environment: ["SELFHOST_LINODE_API": "\(server.baseURL)/slow", "XDG_CACHE_HOME": cache.path],
                          workingDirectory: cache, now: { CostFixtures.now })
        let status = try CostCommand.run(o, context: ctx)
        #expect(status == .problems)
        #expect(out.text.contains("kept") && out.text.contains("no answer within 1 s"), "\(out.text)")
        #expect(!FileManager.default.fileExists(atPath: cache.appendingPathComponent("selfhost/pricing/linode.yaml").path))
        // Nothing listening at all: the same.
        o.format = .json
        let out2 = BufferSink()
        let ctx2 = Context(stdout: out2, stderr: BufferSink(), environment: ["SELFHOST_LINODE_API": "http://127.0.0.1:9", "XDG_CACHE_HOME": cache.path],
                           workingDirectory: cache, now: { CostFixtures.now })
        #expect(try CostCommand.run(o, context: ctx2) == .problems)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(out2.text.utf8)) as? [String: Any])
        let first = try #require((json["refresh"] as? [[String: Any]])?.first)
        #expect(first["status"] as? String == "kept" && first["provider"] as? String == "linode")
    }
}
