import Foundation
import Testing
@testable import SelfhostKit

/// A checkout keeps `.env` (secrets) out of git and commits `.env.example` (names, no values):
/// compose.undefined-variable reads the names from it when there is no `.env`.
@Suite("Lint: .env.example in place of .env")
struct LintEnvExampleTests {
    static let compose = "services:\n  app:\n    image: \"nginx:1.27\"\n    environment:\n      SECRET: ${SECRET}\n      OTHER: ${OTHER}\n"

    @Test("without .env, the names in .env.example count as defined; a name it lacks is still reported")
    func exampleNames() throws {
        let p = try ScratchProject(["compose.yaml": Self.compose, ".env.example": "SECRET=\n"])
        let hits = try p.lint().findings("compose.undefined-variable")
        #expect(hits.count == 1)
        #expect(hits.first?.message.contains("${OTHER}") == true && hits.first?.message.contains(".env.example does not list it") == true,
                "\(hits.map(\.message))")
        try p.write(ExampleFile(".env.example", "SECRET=\nOTHER=\n"))
        #expect(try p.lint().findings("compose.undefined-variable").isEmpty)
    }

    @Test("a .env, when there is one, is what counts: .env.example does not excuse a name the .env lacks")
    func dotEnvWins() throws {
        let p = try ScratchProject(["compose.yaml": Self.compose, ".env.example": "SECRET=\nOTHER=\n"])
        try p.write(ExampleFile(".env", "SECRET=x\n", mode: 0o600))
        let hits = try p.lint().findings("compose.undefined-variable")
        #expect(hits.map(\.message).count == 1 && hits.first?.message.contains("does not define it") == true, "\(hits.map(\.message))")
    }

    @Test("neither file: the message says so")
    func neither() throws {
        let p = try ScratchProject(["compose.yaml": Self.compose])
        let hits = try p.lint().findings("compose.undefined-variable")
        #expect(hits.count == 2 && hits.allSatisfy { $0.message.contains("no .env (nor .env.example)") })
    }
}
