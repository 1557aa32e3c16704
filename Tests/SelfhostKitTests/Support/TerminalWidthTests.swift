import Foundation
import Testing
@testable import SelfhostKit

/// Text output fits the terminal: `COLUMNS` (or the terminal's width) is honoured by every
/// command's text output; tables drop or cut columns, prose wraps.
@Suite("Terminal width")
struct TerminalWidthTests {
    static func context(columns: Int?, cwd: URL = FileManager.default.temporaryDirectory) -> (Context, BufferSink, BufferSink) {
        TestSupport.context(cwd: cwd, env: columns.map { ["COLUMNS": "\($0)"] } ?? [:])
    }

    /// Lines wider than `width`, with their widths, for the failure message.
    static func over(_ text: String, _ width: Int) -> [String] {
        text.split(separator: "\n").map(String.init).filter { $0.displayWidth > width }.map { "\($0.displayWidth): \($0)" }
    }

    @Test func widthComesFromColumnsWhenNotATerminal() {
        #expect(Self.context(columns: 80).0.width == 80)
        #expect(Self.context(columns: nil).0.width == nil)
        #expect(TestSupport.context(env: ["COLUMNS": "abc"]).0.width == nil)
    }

    @Test func wrapKeepsIndentAndBreaksOverlongWords() {
        let text = TextFit.wrap("one two three four five six seven eight nine ten eleven twelve", indent: "  - ", hanging: "    ", width: 24)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { $0.count <= 24 }, "\(lines)")
        #expect(lines[0].hasPrefix("  - one"))
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("    ") && !$0.hasPrefix("     ") })
        let url = "https://example.com/" + String(repeating: "a", count: 100)
        let broken = TextFit.wrap("see \(url)", indent: "", width: 40).split(separator: "\n")
        #expect(broken.allSatisfy { $0.count <= 40 })
        #expect(broken.joined().replacingOccurrences(of: "see", with: "").contains(String(url.prefix(30))))
    }

    @Test func fitHangsUnderListMarkers() {
        let fitted = TextFit.fit("  [12] a source title that is rather long — https://example.com/a/b/c — as of 2026-01-01\nshort", width: 40)
        let lines = fitted.split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { $0.count <= 40 }, "\(lines)")
        #expect(lines[0].hasPrefix("  [12] a source"))
        #expect(lines[1].hasPrefix("       ") && !lines[1].hasPrefix("        "), "hangs under the text after [12]: \(lines)")
        #expect(lines.last == "short")
        #expect(TextFit.fit("unchanged line", width: nil) == "unchanged line")
    }

    @Test func cutKeepsColourEscapesAndMarksTheCut() {
        let cut = TextFit.cut("\u{1B}[1mabcdefghij\u{1B}[0m", to: 5)
        #expect(cut.displayWidth == 5)
        #expect(cut.hasSuffix("…\u{1B}[0m"))
        #expect(TextFit.quoted(String(repeating: "x", count: 100_000)).count < 100)
    }

    @Test func fittedTableDropsLeastUsefulColumnsThenCuts() {
        var t = FittedTable(columns: [.init("ID"), .init("NAME", keep: 2, minWidth: 6), .init("NOTES", keep: 1), .init("LONG", minWidth: 8)])
        t.add(["a", "Alpha Application", "some notes here", String(repeating: "L", count: 60)])
        let wide = t.render(width: nil)
        #expect(wide[0].contains("NOTES") && wide[1].contains(String(repeating: "L", count: 60)))
        let narrow = t.render(width: 40)
        #expect(narrow.allSatisfy { $0.displayWidth <= 40 }, "\(narrow)")
        #expect(!narrow[0].contains("NOTES"), "the keep-1 column goes first")
        #expect(narrow[1].contains("…"))
        #expect(narrow[0].hasPrefix("ID"))
    }

    @Test(arguments: [80, 60])
    func recommendFits(columns: Int) throws {
        for query in ["slack", "mailchimp", "google fonts"] {
            let (ctx, out, _) = Self.context(columns: columns)
            _ = try RecommendCommand.run(.init(query: query), catalog: TestSupport.catalog, context: ctx)
            #expect(Self.over(out.text, columns).isEmpty, "\(query): \(Self.over(out.text, columns))")
            #expect(out.text.contains("Export from"))
        }
    }

    @Test func recommendWithoutAWidthKeepsEveryColumn() throws {
        let (ctx, out, _) = Self.context(columns: nil)
        _ = try RecommendCommand.run(.init(query: "slack"), catalog: TestSupport.catalog, context: ctx)
        #expect(out.text.contains("COMPANIONS") && out.text.contains("DEPLOY"))
        let (narrow, nout, _) = Self.context(columns: 80)
        _ = try RecommendCommand.run(.init(query: "slack"), catalog: TestSupport.catalog, context: narrow)
        #expect(nout.text.contains("APP") && nout.text.contains("RAM"), "the essential columns stay")
    }

    @Test func catalogListAndSearchFit() throws {
        let (ctx, out, _) = Self.context(columns: 80)
        _ = try CatalogListCommand.run(.init(), catalog: TestSupport.catalog, context: ctx)
        #expect(Self.over(out.text, 80).isEmpty, "\(Self.over(out.text, 80))")
        #expect(out.text.contains("mailchimp") && out.text.contains("listmonk"))
        let (sctx, sout, _) = Self.context(columns: 80)
        _ = try CatalogSearchCommand.run(.init(words: ["chat"]), catalog: TestSupport.catalog, context: sctx)
        #expect(Self.over(sout.text, 80).isEmpty, "\(Self.over(sout.text, 80))")
    }

    @Test func costFitsEightyColumns() throws {
        let options = try CostFixtures.options { $0.egress = "10TB" }
        let out = BufferSink()
        let ctx = Context(stdout: out, stderr: BufferSink(), environment: ["COLUMNS": "80"], workingDirectory: CostFixtures.root, now: { CostFixtures.now })
        _ = try CostCommand.run(options, context: ctx)
        #expect(Self.over(out.text, 80).isEmpty, "\(Self.over(out.text, 80).prefix(5))")
        #expect(out.text.contains("Hetzner") && out.text.contains("Sources"))
    }

    @Test func fleetModeListsEachProvidersNotesOnce() throws {
        let options = try CostFixtures.options { $0.egress = "10TB"; $0.servers = "8x2vcpu-4gb" }
        let out = BufferSink()
        let ctx = Context(stdout: out, stderr: BufferSink(), environment: ["COLUMNS": "80"], workingDirectory: CostFixtures.root, now: { CostFixtures.now })
        _ = try CostCommand.run(options, context: ctx)
        let notes = try #require(out.text.range(of: "\nNotes\n")).upperBound
        let section = out.text[notes...].components(separatedBy: "\n\n")[0]  // up to the next section
        let blocks = section.split(separator: "\n").filter { $0.hasPrefix("  - Hetzner Cloud") }
        #expect(blocks.count == 1, "\(blocks)")
        #expect(blocks.first?.contains("fleet") == true && blocks.first?.contains("box") == true, "one block names both roles")
        #expect(Self.over(out.text, 80).isEmpty, "\(Self.over(out.text, 80).prefix(5))")
    }

    @Test func renderDryRunFits() throws {
        let dir = try TestSupport.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (ctx, out, _) = Self.context(columns: 80, cwd: dir)
        let options = RenderCommand.Options(apps: ["umami", "listmonk"], domain: "example.com", hosts: [], email: nil,
                                            out: dir.appendingPathComponent("box").path, docker: "/usr/bin/true", dryRun: true, force: false, format: .text)
        _ = try RenderCommand.run(options, store: .embedded, context: ctx)
        #expect(!out.text.isEmpty)
        #expect(Self.over(out.text, 80).isEmpty, "\(Self.over(out.text, 80))")
    }

    @Test func lintTextFits() throws {
        let long = String(repeating: "x", count: 120)
        let project = try ScratchProject(["compose.yaml": "services:\n  app-with-a-long-name-\(long):\n    image: nginx:1.27\n    privileged: true\n"])
        let (_, out, _) = try project.run { $0.format = .text }
        _ = out
        let text = BufferSink()
        let ctx = Context(stdout: text, stderr: BufferSink(), environment: ["COLUMNS": "80"], workingDirectory: project.root)
        var options = LintCommand.Options()
        options.format = .text
        _ = try LintCommand.run(options, context: ctx)
        #expect(text.text.contains("compose.privileged"))
        #expect(Self.over(text.text, 80).isEmpty, "\(Self.over(text.text, 80))")
    }
}
