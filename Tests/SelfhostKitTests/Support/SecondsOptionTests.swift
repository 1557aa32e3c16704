import Foundation
import Testing
@testable import SelfhostKit

/// `--timeout`, `--interval`, `--watch`: one check and one wording for every command.
@Suite("seconds options")
struct SecondsOptionTests {
    func refusal(_ value: Double, _ option: String, _ bounds: ClosedRange<Double>, example: String? = nil) -> SelfhostError? {
        do {
            try SecondsOption.check(value, option, bounds, example: example)
            return nil
        } catch {
            return error
        }
    }

    @Test func boundsAreInclusive() {
        #expect(refusal(0.1, "--interval", 0.1...60) == nil)
        #expect(refusal(60, "--interval", 0.1...60) == nil)
        #expect(refusal(900, "--timeout", 1...86_400) == nil)
    }

    @Test func outsideTheBoundsIsAUsageErrorNamingThem() throws {
        let low = try #require(refusal(0.05, "--interval", 0.1...60))
        #expect(low.status == .usage)
        #expect(low.message == "--interval takes 0.1 to 60 seconds, not 0.05")
        #expect(low.remedy == nil)
        let high = try #require(refusal(86_401, "--timeout", 1...86_400, example: "900"))
        #expect(high.message == "--timeout takes 1 to 86400 seconds, not 86401.0")
        #expect(high.remedy == "e.g. --timeout 900")
    }

    @Test func notANumberIsRefused() {
        #expect(refusal(.nan, "--timeout", 1...3600)?.message == "--timeout takes 1 to 3600 seconds, not nan")
        #expect(refusal(.infinity, "--timeout", 1...3600)?.message == "--timeout takes 1 to 3600 seconds, not inf")
    }

    @Test func commandsUseIt() throws {
        let (context, _, _) = TestSupport.context()
        do {
            try StatusCommand.validate(.init(watch: 0.1), context: context)
            Issue.record("expected --watch 0.1 to be refused")
        } catch let e as SelfhostError {
            #expect(e.message == "--watch takes 0.5 to 3600 seconds, not 0.1")
            #expect(e.remedy == "e.g. --watch 2")
        }
    }
}
