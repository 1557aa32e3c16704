import Foundation
import Testing
@testable import SelfhostKit

/// Every parser under seeded mutation, in process: the short run the test suite affords on every
/// CI build (the coverage-guided run is `scripts/fuzz.sh`, libFuzzer). A broken invariant is
/// recorded with the input (base64) so it can become a regression test; a trap ends the run.
@Suite("Fuzz: in-process mutation harness", .serialized)
struct FuzzHarnessTests {
    /// Runs per target (SELFHOST_FUZZ_RUNS overrides, e.g. for a longer local run).
    static let runs = ProcessInfo.processInfo.environment["SELFHOST_FUZZ_RUNS"].flatMap(Int.init) ?? 300

    @Test(arguments: FuzzTargets.all.map(\.name))
    func target(_ name: String) throws {
        let target = try #require(FuzzTargets.named(name))
        let seeds = target.seeds()
        #expect(!seeds.isEmpty, "\(name) has no seeds")
        var failures = 0
        // The seeds themselves first, unchanged.
        for s in seeds {
            for problem in target.run(s) where failures < 5 {
                failures += 1
                Issue.record("\(name) seed: \(problem)\ninput (base64): \(Data(s).base64EncodedString().prefix(2000))")
            }
        }
        var mutator = Mutator(seed: 0x5EED_0000 &+ UInt64(name.utf8.reduce(0) { $0 &* 31 &+ Int($1) } & 0xFFFF), seeds: seeds, dictionary: target.dictionary)
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<Self.runs {
            let input = mutator.input()
            for problem in target.run(input) where failures < 5 {
                failures += 1
                Issue.record("\(name): \(problem)\ninput (base64): \(Data(input).base64EncodedString().prefix(2000))")
            }
        }
        let seconds = Double((clock.now - start).components.attoseconds) / 1e18 + Double((clock.now - start).components.seconds)
        print("fuzz \(name): \(Self.runs + seeds.count) runs, \(Int(Double(Self.runs) / max(seconds, 0.001))) exec/s (in-process, unguided)")
    }
}
