import Foundation
import Testing
@testable import SelfhostKit

enum CostFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/cost")

    /// 2026-11-29T00:00:00Z, the day the price data was checked.
    static let now: Date = CalendarDay.parse("2026-11-29")!

    static func catalog() throws -> PricingCatalog { try PricingCatalog.load(from: .embedded) }

    static func store(withApps: Bool = true) throws -> ResourceStore {
        withApps ? try ResourceStore.embedded.overlaying(catalogDirectory: appOverlay.get()) : .embedded
    }

    /// A `--catalog` directory with the shipped entries of the apps under `Fixtures/cost/catalog/apps`
    /// whose `resources` RAM figures are replaced by the fixture's (pinned figures, so the reports
    /// don't move with the catalog). Whole entries, so the overlay passes the one catalog loader
    /// every command uses; written once per test run.
    static let appOverlay: Result<URL, any Error> = Result {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cost-apps-\(UUID().uuidString)")
        let apps = dir.appendingPathComponent("apps")
        try FileManager.default.createDirectory(at: apps, withIntermediateDirectories: true)
        let fixtures = root.appendingPathComponent("catalog/apps")
        for name in try FileManager.default.contentsOfDirectory(atPath: fixtures.path) where name.hasSuffix(".yaml") {
            let pinned = try String(contentsOf: fixtures.appendingPathComponent(name), encoding: .utf8)
            let resources = try YAMLParser.parse(pinned, file: name)?["resources"]
            guard var text = ResourceStore.embedded.file("catalog/apps/\(name)")?.contents else { continue }
            for key in ["ram_min_mb", "ram_recommended_mb"] {
                let value = resources?[key]?.text ?? "null"
                text = text.replacingOccurrences(of: #"\n  \#(key): [^\n]*"#, with: "\n  \(key): \(value)", options: .regularExpression)
            }
            try text.write(to: apps.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return dir
    }

    /// The fixture store with Azure's VM prices taken out (the shipped file minus `plans`), for
    /// the path where a provider has egress prices but no sourced compute price.
    static func storeWithUnpricedCompute() throws -> ResourceStore {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cost-unpriced-\(UUID().uuidString)")
        let pricing = dir.appendingPathComponent("pricing")
        try FileManager.default.createDirectory(at: pricing, withIntermediateDirectories: true)
        let shipped = try #require(ResourceStore.embedded.file("catalog/pricing/azure.yaml")).contents
        let head = try #require(shipped.components(separatedBy: "\nplans:").first)
        try (head + "\nplans: []\n").write(to: pricing.appendingPathComponent("azure.yaml"), atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: dir) }
        return try store().overlaying(catalogDirectory: dir)
    }

    static func options(_ configure: (inout CostCommand.Options) -> Void) throws -> CostCommand.Options {
        var o = CostCommand.Options()
        o.store = try store()
        configure(&o)
        return o
    }

    static func run(_ o: CostCommand.Options) throws -> (SelfhostKit.ExitStatus, String) {
        let out = BufferSink()
        let ctx = Context(stdout: out, stderr: BufferSink(), workingDirectory: root, now: { now })
        let status = try CostCommand.run(o, context: ctx)
        return (status, out.text)
    }

    /// Runs and expects a usage error (exit 2); returns its message and remedy.
    static func usageError(_ o: CostCommand.Options) -> String {
        do {
            _ = try run(o)
            Issue.record("expected a usage error")
            return ""
        } catch let e as SelfhostError {
            #expect(e.status == .usage, "\(e)")
            return e.message + " | " + (e.remedy ?? "")
        } catch {
            Issue.record("unexpected error \(error)")
            return ""
        }
    }
}
