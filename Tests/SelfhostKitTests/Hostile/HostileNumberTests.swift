import Foundation
import Testing
@testable import SelfhostKit

/// Numbers from the command line are range-checked before any arithmetic: no value reaches a trap.
@Suite("Hostile input: numbers on the command line")
struct HostileNumberTests {
    /// Found by fuzzing the CLI: `--assume-ram-mb 4611686018427387904` with two apps without a
    /// published RAM figure overflowed the sum and died with SIGILL (exit 132, nothing on stderr).
    @Test func assumeRAMOverflowIsAUsageError() throws {
        let r = try TestSupport.run(["cost", "--apps", "umami,listmonk", "--assume-ram-mb", "4611686018427387904"])
        #expect(r.status == 2, "\(r.status) \(r.stderr)")
        #expect(r.stderr.contains("--assume-ram-mb must be a whole number from 1 to 100000000"), "\(r.stderr)")
        for value in ["9223372036854775807", "100000001", "0", "-1"] {
            let o = try CostFixtures.options { $0.apps = ["umami", "listmonk"]; $0.assumeRAMMB = Int(value)! }
            #expect(CostFixtures.usageError(o).contains("--assume-ram-mb"), "\(value)")
        }
        // The edge itself is accepted: no usage error, an answer (no plan holds 100 TB of RAM: exit 1).
        let edge = try CostFixtures.options { $0.apps = ["umami"]; $0.saas = ["plausible=10000pageviews"]; $0.assumeRAMMB = InputBudget.maxRAMMB }
        #expect(try CostFixtures.run(edge).0 == .problems)
    }

    @Test func catalogRAMFiguresAreRangeCheckedBeforeSumming() throws {
        let dir = try TestSupport.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let apps = dir.appendingPathComponent("apps")
        try FileManager.default.createDirectory(at: apps, withIntermediateDirectories: true)
        // A user's overlay with an absurd figure: CostCommand must refuse it, not add it up.
        let umami = try #require(ResourceStore.embedded.file("catalog/apps/umami.yaml")).contents
        let edited = umami.replacingOccurrences(of: #"ram_min_mb: [0-9a-z~]+"#, with: "ram_min_mb: 4611686018427387904", options: .regularExpression)
            .replacingOccurrences(of: #"ram_recommended_mb: [0-9a-z~]+"#, with: "ram_recommended_mb: 4611686018427387904", options: .regularExpression)
        #expect(edited.contains("4611686018427387904"))
        try edited.write(to: apps.appendingPathComponent("umami.yaml"), atomically: true, encoding: .utf8)
        var o = CostCommand.Options()
        o.store = try ResourceStore.embedded.overlaying(catalogDirectory: dir)
        o.apps = ["umami", "umami"]
        o.saas = ["plausible=10000pageviews"]
        #expect(CostFixtures.usageError(o).contains("outside 1…100000000"))
        // catalog check reports the same figure with its position.
        let result = CatalogLoader.loadChecking(o.store)
        #expect(result.diagnostics.contains { $0.message.contains("ram_") && $0.message.contains("outside") && $0.location?.line != nil })
    }

    @Test func hugeAndNaNNumbersAreRefused() throws {
        let digits = String(repeating: "9", count: 300)
        for (configure, needle) in [
            ({ (o: inout CostCommand.Options) in o.servers = "10001x2vcpu-4gb" }, "invalid --servers"),
            ({ (o: inout CostCommand.Options) in o.servers = "2x\(digits)vcpu-4gb" }, "invalid --servers"),
            ({ (o: inout CostCommand.Options) in o.vps = "2vcpu-\(digits)gb"; o.egress = "1TB" }, "invalid --vps"),
            ({ (o: inout CostCommand.Options) in o.saas = ["slack=\(digits)seats"] }, "too large"),
            ({ (o: inout CostCommand.Options) in o.saas = ["slack=12seats@\(digits)"] }, "invalid monthly bill"),
            ({ (o: inout CostCommand.Options) in o.egress = "1TB"; o.adminHours = digits; o.hourlyRate = "1" }, "is not a number"),
            ({ (o: inout CostCommand.Options) in o.egress = "\(digits)TB" }, "--egress"),
            ({ (o: inout CostCommand.Options) in o.apps = Array(repeating: "umami", count: 1001); o.saas = ["slack=1seats"] }, "more than 1000"),
        ] as [((inout CostCommand.Options) -> Void, String)] {
            let o = try CostFixtures.options(configure)
            let message = CostFixtures.usageError(o)
            #expect(message.contains(needle), "\(message)")
        }
    }

    /// A zero-width space pasted with a value is refused by name, not silently dropped.
    @Test func invisibleCharactersAreRefusedByName() throws {
        for value in ["10TB\u{200B}", "\u{200B}10TB", "10\u{200B}TB", "\u{FEFF}10TB", "10TB\u{00A0}", "١٠TB", "10TB\u{200D}"] {
            let o = try CostFixtures.options { $0.egress = value }
            let message = CostFixtures.usageError(o)
            #expect(message.contains("--egress") && message.contains("U+"), "\(message)")
        }
        let zw = try CostFixtures.options { $0.egress = "10TB\u{200B}" }
        #expect(CostFixtures.usageError(zw).contains("U+200B ZERO WIDTH SPACE"))
        let r = try TestSupport.run(["cost", "--egress", "10TB\u{200B}"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("10TB<U+200B>"), "\(r.stderr)")
    }
}
