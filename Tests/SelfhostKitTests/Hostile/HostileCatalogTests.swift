import Foundation
import Testing
@testable import SelfhostKit

/// Catalog files from a user's `--catalog` directory: budgets, one validator shared with render
/// and recommend, located errors. Every input is generated here from the shipped umami entry.
@Suite("Hostile input: catalog and render")
struct HostileCatalogTests {
    static let umami = ResourceStore.embedded.file("catalog/apps/umami.yaml")!.contents

    /// A user catalog directory holding `files` (relative path → text).
    static func overlay(_ files: [String: String]) throws -> (ResourceStore, URL) {
        let dir = try TestSupport.tempDirectory("hostile-catalog")
        for (path, text) in files {
            let url = dir.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return (try ResourceStore.embedded.overlaying(catalogDirectory: dir), dir)
    }

    static func errors(_ store: ResourceStore) -> [Diagnostic] {
        CatalogLoader.loadChecking(store).diagnostics.filter { $0.severity == .error }
    }

    static func bomb() -> String {
        var lines = ["a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]"]
        for i in 1..<10 { lines.append("b\(i): &b\(i) [" + Array(repeating: i == 1 ? "*a" : "*b\(i - 1)", count: 10).joined(separator: ",") + "]") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A billion-laughs document in every kind of catalog file: refused by the shared budget at a
    /// position, before anything walks it (before: > 10 s and 2.4 GB).
    @Test(arguments: ["apps/umami.yaml", "saas/slack.yaml", "pricing/aws.yaml", "email-providers/ses.yaml", "categories.yaml"])
    func aliasBombsAreRefusedEverywhere(_ path: String) throws {
        let (store, dir) = try Self.overlay([path: Self.bomb()])
        defer { try? FileManager.default.removeItem(at: dir) }
        let errors = Self.errors(store)
        let bomb = try #require(errors.first { $0.message.contains("alias bomb") }, "\(errors.map(\.compilerStyle))")
        #expect(bomb.location?.file.hasSuffix(path) == true)
        #expect(bomb.location?.line != nil && bomb.location?.column != nil)
        // And every command that loads the catalog refuses it (exit 2) instead of walking it.
        #expect(throws: SelfhostError.self) { _ = try CatalogLoader.load(store) }
    }

    @Test func deepNestingIsRefused() throws {
        let deep = String(repeating: "[", count: 300) + String(repeating: "]", count: 300) + "\n"
        #expect(YAMLBudget.check(deep)?.message.contains("nesting deeper than 256") == true)
        #expect(YAMLBudget.check(Self.umami) == nil)
    }

    /// `catalog check` accepted what render refused. One validator now: both refuse, and
    /// catalog check says where.
    @Test func imageTagsLicensesAndDatesAreValidatedOnce() throws {
        let longTag = String(repeating: "1", count: 150)
        for (edit, needle) in [
            ({ (s: String) in s.replacingOccurrences(of: "tag: \"3.4.0\"", with: "tag: \"v6~.2.0:x y\"") }, "the tag contains '~'"),
            ({ (s: String) in s.replacingOccurrences(of: "tag: \"3.4.0\"", with: "tag: \"\(longTag)\"") }, "150 characters long"),
            ({ (s: String) in s.replacingOccurrences(of: "name: ghcr.io/umami-software/umami", with: "name: ghcr.io/Umami Software/umami") }, "not a valid repository path component"),
            ({ (s: String) in s.replacingOccurrences(of: "license: MIT", with: "license: ((((((((((MIT") }, "never closed"),
            ({ (s: String) in s.replacingOccurrences(of: "license: MIT", with: "license: MIT AND") }, "ends after AND"),
            ({ (s: String) in s.replacingOccurrences(of: "license: MIT", with: "license: MIT OR OR Apache-2.0") }, "expected a license id"),
            ({ (s: String) in s.replacingOccurrences(of: "checked: 2026-11-29, facts: [image", with: "checked: -2026-01-01, facts: [image") }, "YYYY-MM-DD"),
            ({ (s: String) in s.replacingOccurrences(of: "checked: 2026-11-29, facts: [image", with: "checked: 2026-02-30, facts: [image") }, "YYYY-MM-DD"),
        ] as [((String) -> String, String)] {
            let text = edit(Self.umami)
            #expect(text != Self.umami)
            let (store, dir) = try Self.overlay(["apps/umami.yaml": text])
            defer { try? FileManager.default.removeItem(at: dir) }
            let errors = Self.errors(store)
            #expect(errors.contains { $0.message.contains(needle) && $0.location?.line != nil }, "\(needle): \(errors.map(\.compilerStyle))")
        }
        // Render's own check says the same about the tag (exit 2), even if the loader were skipped.
        #expect(ImageReference.problem(name: "ghcr.io/umami-software/umami", tag: "v6~.2.0:x y") != nil)
        #expect(ImageReference.problem(name: "ghcr.io/umami-software/umami", tag: "3.4.0") == nil)
        #expect(ImageReference.problem(name: "registry.example.com:5000/a__b/c-d", tag: "v1.2_3") == nil)
        #expect(ImageReference.problem(name: "postgres", tag: "15-alpine") == nil)
        #expect(ImageReference.problem(name: "postgres", tag: "-15") != nil)
        // Dates: exactly YYYY-MM-DD and a real day, the same in the catalog and in price files.
        for bad in ["-2026-01-01", "2026-1-01", "2026-02-30", "2026-13-01", "２０２６-01-01", "2026-01-01 "] {
            #expect(!CalendarDay.isValid(bad), "\(bad)")
            #expect(CalendarDay.parse(bad) == nil, "\(bad)")
        }
        #expect(CalendarDay.isValid("2024-02-29") && !CalendarDay.isValid("2026-02-29"))
        // SPDX: the parser reads what recommend matches on.
        #expect(try SPDXExpression.parse("(MIT AND BSD-2-Clause) OR Apache-2.0 WITH LLVM-exception").identifiers == ["MIT", "BSD-2-Clause", "Apache-2.0"])
        #expect(try SPDXExpression.parse("GPL-2.0+").identifiers == ["GPL-2.0"])
        #expect(throws: SPDXExpression.Problem.self) { try SPDXExpression.parse(String(repeating: "(", count: 40) + "MIT" + String(repeating: ")", count: 40)) }
        #expect(RecommendCommand.licenseMatches("AGPL-3.0-only", "AGPL-3.0"))
        #expect(!RecommendCommand.licenseMatches("AGPL-3.0-only", "GPL-3.0"))
    }

    /// A catalog entry lacking a variable its template uses: catalog check reports it, and
    /// render refuses it as a catalog error (exit 2), not "problems found" (exit 1).
    @Test func catalogTemplateMismatchIsACatalogError() throws {
        let text = Self.umami.replacingOccurrences(of: "  - name: APP_SECRET\n", with: "  - name: APP_SECRET_RENAMED\n")
        #expect(text != Self.umami)
        let (store, dir) = try Self.overlay(["apps/umami.yaml": text])
        defer { try? FileManager.default.removeItem(at: dir) }
        let errors = Self.errors(store)
        let mismatch = try #require(errors.first { $0.ruleID == "catalog.template" }, "\(errors.map(\.compilerStyle))")
        #expect(mismatch.message.contains("${APP_SECRET}"))
        #expect(mismatch.location?.file.hasSuffix("apps/umami.yaml") == true && (27...28).contains(mismatch.location?.line ?? 0))
        let box = try TestSupport.tempDirectory("hostile-render")
        defer { try? FileManager.default.removeItem(at: box) }
        do {
            try RenderTestSupport.render(["umami"], out: box.appendingPathComponent("box"), store: store)
            Issue.record("render accepted the mismatch")
        } catch let e as SelfhostError {
            #expect(e.status == .usage)
            #expect(e.message.contains("${APP_SECRET}"))
        }
        #expect(!FileManager.default.fileExists(atPath: box.appendingPathComponent("box/umami").path))
    }

    /// A directory where render puts a file: exit 2, and nothing at all written (before: ten
    /// files and no manifest, and the hint "check free disk space").
    @Test func renderWritesNothingWhenATargetIsADirectory() throws {
        let root = try TestSupport.tempDirectory("hostile-render")
        defer { try? FileManager.default.removeItem(at: root) }
        let box = root.appendingPathComponent("box")
        try FileManager.default.createDirectory(at: box.appendingPathComponent("umami/compose.yaml"), withIntermediateDirectories: true)
        let before = RenderTestSupport.snapshot(box)
        do {
            try RenderTestSupport.render(["umami"], out: box)
            Issue.record("render went ahead")
        } catch let e as SelfhostError {
            #expect(e.status == .usage)
            #expect(e.message.contains("umami/compose.yaml is directory") || e.message.contains("umami/compose.yaml is a directory") || e.message.contains("where the render writes a file"), "\(e.message)")
            #expect(!(e.remedy ?? "").contains("disk space"))
        }
        #expect(RenderTestSupport.snapshot(box) == before)
        #expect(!FileManager.default.fileExists(atPath: box.appendingPathComponent(".selfhost").path))
        // The atomic writer's own hint for the same case names the directory.
        #expect(AtomicFile.hint(EISDIR, step: "rename", path: "/x").contains("is a directory"))
        #expect(AtomicFile.hint(ENOSPC, step: "write", path: "/x").contains("full"))
    }

    /// Pricing errors are `file:line:col`; a duplicate key names the key and its position
    /// instead of quoting the whole file.
    @Test func pricingAndDuplicateKeyMessages() throws {
        let aws = ResourceStore.embedded.file("catalog/pricing/aws.yaml")!.contents
        let broken = aws.replacingOccurrences(of: "    checked: 2026-11-29\n", with: "    checked: [2026-11-29\n", options: [], range: aws.range(of: "    checked: 2026-11-29\n"))
        #expect(broken != aws)
        let (store, dir) = try Self.overlay(["pricing/aws.yaml": broken])
        defer { try? FileManager.default.removeItem(at: dir) }
        let syntax = try #require(Self.errors(store).first { $0.location?.file.hasSuffix("pricing/aws.yaml") == true })
        #expect(syntax.location?.line != nil && syntax.location?.column != nil, "\(syntax.compilerStyle)")
        #expect(!syntax.message.contains("\n"))

        let dup = Self.umami.replacingOccurrences(of: "port: 3000\n", with: "port: 3000\nport: 3001\n")
        let (store2, dir2) = try Self.overlay(["apps/umami.yaml": dup])
        defer { try? FileManager.default.removeItem(at: dir2) }
        let errors = Self.errors(store2)
        let d = try #require(errors.first { $0.message.contains("duplicate key 'port'") }, "\(errors.map(\.compilerStyle))")
        #expect(!d.message.contains("Context") && !d.message.contains("summary:"))
        let line = Self.umami.components(separatedBy: "\n").firstIndex(of: "port: 3000")! + 2
        #expect(d.location?.line == line && d.location?.column == 1, "\(d.compilerStyle)")
        // The entry is not dropped silently: the file is named as unreadable, with the reason.
        #expect(d.location?.file.hasSuffix("apps/umami.yaml") == true)
    }

    @Test func oversizedCatalogFileIsRefusedBeforeReading() throws {
        let big = String(repeating: "# padding\n", count: InputBudget.maxFileBytes / 10 + 10)
        let dir = try TestSupport.tempDirectory("hostile-catalog")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("apps"), withIntermediateDirectories: true)
        try big.write(to: dir.appendingPathComponent("apps/big.yaml"), atomically: true, encoding: .utf8)
        #expect(throws: SelfhostError.self) { _ = try ResourceStore.embedded.overlaying(catalogDirectory: dir) }
    }
}
