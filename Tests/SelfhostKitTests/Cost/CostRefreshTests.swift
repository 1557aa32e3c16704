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

    static func refresh(_ server: LoopbackHTTPServer, mode: String, cache: URL, timeout: Double = 5) -> [PriceRefresh.Outcome] {
        PriceRefresh.run(http: CurlHTTPClient(), environment: ["SELFHOST_LINODE_API": "\(server.baseURL)/\(mode)", "XDG_CACHE_HOME": cache.path],
                         store: .embedded, now: CostFixtures.now, timeout: timeout)
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
