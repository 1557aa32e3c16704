import Foundation
import Testing
@testable import SelfhostKit

/// Every rule's triggering and non-triggering examples, linted as real projects on disk.
@Suite("Lint rule examples")
struct LintRuleExampleTests {
    static let rules = RuleRegistry.rules.map(\.info.id)

    @Test("every rule documents itself and has examples of both kinds", arguments: rules)
    func documented(_ id: String) throws {
        let info = try #require(RuleRegistry.info(id))
        #expect(!info.summary.isEmpty && !info.why.isEmpty && !info.fix.isEmpty)
        #expect(info.examples.contains(where: { $0.triggers }), "\(info.id) has no triggering example")
        #expect(info.examples.contains(where: { !$0.triggers }), "\(info.id) has no passing example")
    }

    @Test("examples trigger or pass as documented", arguments: rules)
    func examples(_ id: String) throws {
        let info = try #require(RuleRegistry.info(id))
        for (n, example) in info.examples.enumerated() {
            let project = try ScratchProject(example.files)
            let report = try project.lint()
            let hits = report.findings(info.id)
            if example.triggers {
                #expect(!hits.isEmpty, "\(info.id) example \(n) should trigger; findings: \(report.findings.map(\.compilerStyle))")
                for h in hits where info.id != "lint.unreadable" || h.location?.line != nil {
                    #expect(h.location?.line != nil, "\(info.id) finding without a line: \(h.compilerStyle)")
                }
            } else {
                #expect(hits.isEmpty, "\(info.id) example \(n) should pass; got \(hits.map(\.compilerStyle))")
            }
        }
    }

    @Test("rule ids are unique and namespaced")
    func uniqueIDs() {
        let ids = RuleRegistry.infos.map(\.id)
        #expect(Set(ids).count == ids.count)
        for id in ids { #expect(["lint", "compose", "caddy", "systemd", "env", "ownapp", "external"].contains(String(id.split(separator: ".")[0])), "\(id)") }
    }
}
