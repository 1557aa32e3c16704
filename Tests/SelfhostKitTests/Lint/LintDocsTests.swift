import Foundation
import Testing
@testable import SelfhostKit

/// docs/LINT.md's rule reference is generated from the rule files; this keeps it current.
/// Regenerate with `UPDATE_LINT_DOCS=1 swift test --filter LintDocsTests`.
@Suite("Lint docs")
struct LintDocsTests {
    static let marker = "## Rules\n\n"

    @Test("docs/LINT.md lists every rule exactly as the rule files describe it")
    func upToDate() throws {
        let url = LintFixtures.root.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/LINT.md")
        let doc = try String(contentsOf: url, encoding: .utf8)
        let range = try #require(doc.range(of: Self.marker))
        let generated = RuleDocs.markdown()
        if ProcessInfo.processInfo.environment["UPDATE_LINT_DOCS"] == "1" {
            try (String(doc[..<range.upperBound]) + generated).write(to: url, atomically: true, encoding: .utf8)
            return
        }
        #expect(String(doc[range.upperBound...]) == generated, "docs/LINT.md is stale: run UPDATE_LINT_DOCS=1 swift test --filter LintDocsTests")
    }
}
