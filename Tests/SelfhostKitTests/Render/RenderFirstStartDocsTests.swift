import Foundation
import Testing
@testable import SelfhostKit

/// docs/RENDER.md's first-start table is generated from the catalog's `first_start` facts.
/// Regenerate with `UPDATE_RENDER_DOCS=1 swift test --filter RenderFirstStartDocsTests`.
@Suite("Render: first-start table in docs/RENDER.md")
struct RenderFirstStartDocsTests {
    @Test("docs/RENDER.md's table equals the one generated from the catalog")
    func upToDate() throws {
        let url = TestSupport.fixtures.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/RENDER.md")
        let doc = try String(contentsOf: url, encoding: .utf8)
        let start = try #require(doc.range(of: RenderFirstStartTable.start))
        let end = try #require(doc.range(of: RenderFirstStartTable.end))
        let generated = RenderFirstStartTable.markdown(TestSupport.catalog)
        if ProcessInfo.processInfo.environment["UPDATE_RENDER_DOCS"] == "1" {
            try (String(doc[..<start.upperBound]) + generated + String(doc[end.lowerBound...])).write(to: url, atomically: true, encoding: .utf8)
            return
        }
        #expect(String(doc[start.upperBound..<end.lowerBound]) == generated,
                "docs/RENDER.md's first-start table is stale: run UPDATE_RENDER_DOCS=1 swift test --filter RenderFirstStartDocsTests")
    }

    @Test("every renderable app is preseeded, gated or has nothing to claim; a gate only where there is an exposure")
    func everyAppClosed() {
        for app in TestSupport.catalog.apps where app.isRenderable {
            guard let fs = app.firstStart else { Issue.record("\(app.id) has no first_start"); continue }
            if fs.closedBy == .noneNeeded { #expect(fs.exposure == .none || fs.exposure == .preseeded, "\(app.id)") }
            if fs.closedBy == .gate { #expect(fs.exposure != .none, "\(app.id)") }
        }
    }
}
