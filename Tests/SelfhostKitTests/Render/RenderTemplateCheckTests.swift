import Foundation
import Testing
@testable import SelfhostKit

/// The template engine's traps: a tag the view model doesn't supply must fail loudly (file and
/// line), never render empty; values are never HTML-escaped.
@Suite("Render: template checks")
struct RenderTemplateCheckTests {
    struct View {
        struct Item { var name: String }
        var title: String
        var url: String
        var missing: String?
        var flag: Bool
        var items: [Item]
    }

    static let view = View(title: "T", url: "postgres://u:p@db/x?a=1&b=<2>", missing: nil, flag: false, items: [.init(name: "a"), .init(name: "b")])

    func set(_ files: [String: String]) throws -> TemplateSet {
        var all: [String: ResourceStore.File] = [:]
        for (path, text) in files {
            all["templates/\(path)"] = .init(path: "templates/\(path)", displayPath: "templates/\(path)", contents: text)
        }
        return try TemplateSet(store: ResourceStore(files: all))
    }

    @Test("an unknown tag is an error naming the template file and line")
    func unknownTag() throws {
        let t = try set(["x.mustache": "{{% CONTENT_TYPE: TEXT}}\nline two\n{{title}} {{titel}}\n"])
        #expect(throws: SelfhostError.self) { try t.render("x", Self.view) }
        let problems = t.problems("x", Self.view)
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("templates/x.mustache:3: `{{titel}}` is not supplied") == true)
    }

    @Test("a tag inside a list section is checked against each element, then up the stack")
    func sections() throws {
        let t = try set(["x.mustache": "{{% CONTENT_TYPE: TEXT}}\n{{#items}}\n{{name}} {{title}} {{nope}}\n{{/items}}\n"])
        let problems = t.problems("x", Self.view)
        #expect(problems.count == 2)  // once per element
        #expect(problems.allSatisfy { $0.contains("x.mustache:3: `{{nope}}`") })
    }

    @Test("the body of a false flag is still checked")
    func falseFlag() throws {
        let t = try set(["x.mustache": "{{% CONTENT_TYPE: TEXT}}\n{{#flag}}\n{{typo}}\n{{/flag}}\n"])
        #expect(t.problems("x", Self.view).first?.contains("x.mustache:3") == true)
    }

    @Test("a nil value would render empty: an error")
    func nilValue() throws {
        let t = try set(["x.mustache": "{{% CONTENT_TYPE: TEXT}}\n{{missing}}\n"])
        #expect(t.problems("x", Self.view).first?.contains("would render as an empty string") == true)
    }

    @Test("tags in partials are checked, with the partial's own file and line")
    func partials() throws {
        let t = try set([
            "x.mustache": "{{% CONTENT_TYPE: TEXT}}\n  {{> p}}\n",
            "p.mustache": "{{% CONTENT_TYPE: TEXT}}\nok: {{title}}\nbad: {{nothing}}\n",
        ])
        #expect(t.problems("x", Self.view) == ["templates/p.mustache:3: `{{nothing}}` is not supplied by the renderer (View has title, url, missing, flag, items)"])
        let u = try set(["x.mustache": "{{% CONTENT_TYPE: TEXT}}\n{{> nope}}\n"])
        #expect(u.problems("x", Self.view).first?.contains("partial `{{> nope}}` does not exist") == true)
    }

    @Test("a partial with a section is refused: swift-mustache would drop its indentation")
    func partialWithSection() throws {
        let t = try set([
            "x.mustache": "{{% CONTENT_TYPE: TEXT}}\n    {{> p}}\n",
            "p.mustache": "{{% CONTENT_TYPE: TEXT}}\n{{#items}}\n- {{name}}\n{{/items}}\n",
        ])
        #expect(t.problems("x", Self.view).contains { $0.contains("partials must not contain sections") })
    }

    @Test("values are not HTML-escaped, also inside partials")
    func noEscaping() throws {
        let t = try set([
            "x.mustache": "{{% CONTENT_TYPE: TEXT}}\nurl: {{url}}\n{{> p}}\n",
            "p.mustache": "{{% CONTENT_TYPE: TEXT}}\nagain: {{url}}\n",
        ])
        let out = try t.render("x", Self.view)
        #expect(out == "url: postgres://u:p@db/x?a=1&b=<2>\nagain: postgres://u:p@db/x?a=1&b=<2>\n")
    }

    @Test("a template without the TEXT pragma, or with unsupported syntax, is refused with its line")
    func scannerErrors() throws {
        #expect(throws: SelfhostError.self) { try set(["x.mustache": "{{title}}\n"]) }
        #expect(throws: TemplateScanner.ScanError(message: "section `items` is never closed", line: 2)) {
            try TemplateScanner.scan("{{% CONTENT_TYPE: TEXT}}\n{{#items}}\n")
        }
        #expect(throws: TemplateScanner.ScanError.self) { try TemplateScanner.scan("{{% CONTENT_TYPE: TEXT}}\n{{=<% %>=}}\n") }
        #expect(throws: TemplateScanner.ScanError.self) { try TemplateScanner.scan("{{% CONTENT_TYPE: TEXT}}\n{{#a}}\n{{/b}}\n") }
    }

    @Test("a value with a line break can't reach a YAML template")
    func controlCharacters() throws {
        let t = try set(["x.mustache": "{{% CONTENT_TYPE: TEXT}}\nhost: {{title}}\n"])
        let evil = View(title: "x.com\n    privileged: true", url: "", missing: nil, flag: false, items: [])
        #expect(t.problems("x", evil).first?.contains("line break or control character") == true)
        #expect(t.problems("x", evil, multiline: true).isEmpty)
    }

    @Test("every shipped template is well-formed and the compose templates check against their views")
    func shippedTemplates() throws {
        let t = try TemplateSet(store: .embedded)
        #expect(t.names.contains("caddy/Caddyfile"))
        #expect(t.names.contains("systemd/app.service"))
        for app in RenderTestSupport.renderableApps {
            #expect(t.contains("apps/\(app)/compose.yaml"), "no template for \(app)")
        }
    }
}
