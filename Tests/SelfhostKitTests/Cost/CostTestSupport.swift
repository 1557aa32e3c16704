import Foundation
import Testing
@testable import SelfhostKit

enum CostFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/cost")

    /// 2026-11-29T00:00:00Z, the day the price data was checked.
    static let now: Date = YNode.parseDay("2026-11-29")!

    static func catalog() throws -> PricingCatalog { try PricingCatalog.load(from: .embedded) }

    static func store(withApps: Bool = true) throws -> ResourceStore {
        withApps ? try ResourceStore.embedded.overlaying(catalogDirectory: root.appendingPathComponent("catalog")) : .embedded
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
