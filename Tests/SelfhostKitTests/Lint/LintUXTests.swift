import Foundation
import Testing
@testable import SelfhostKit

/// The lint command line: empty paths, stdin, typos Compose and systemd reject, baselines and
/// severity profiles, and a tab named as a tab.
@Suite("Lint: command-line UX")
struct LintUXTests {
    static let thirdParty = """
        services:
          web:
            image: nginx:1.27
            restart: unless-stopped
          db:
            image: postgres:17.2
            restart: unless-stopped

        """

    @Test func emptyPathIsAUsageErrorNotTheWorkingDirectory() throws {
        let project = try ScratchProject(["compose.yaml": Self.thirdParty])
        #expect(throws: SelfhostError.self) { try project.run { $0.paths = [""] } }
        do {
            _ = try project.run { $0.paths = ["deploy", ""] }
        } catch let e as SelfhostError {
            #expect(e.status == .usage)
            #expect(e.message.contains("empty path"))
        }
    }

    @Test func standardInputIsLintedUnderTheNameGiven() throws {
        let project = try ScratchProject([:])
        project.standardInput = Data("services:\n  app:\n    image: nginx:1.27\n    restart: allways\n".utf8)
        let (status, out, _) = try project.run { $0.paths = ["-"]; $0.stdinName = "compose.yaml" }
        #expect(status == .problems)
        #expect(out.contains("compose.yaml:4:14: error: service 'app' has restart: allways"))
        // Without a name the content says it is a compose file; findings name <stdin>.
        let (_, unnamed, _) = try project.run { $0.paths = ["-"] }
        #expect(unnamed.contains("<stdin>:4:14: error"))
    }

    @Test func standardInputUnitIsRecognisedByItsSections() throws {
        let project = try ScratchProject([:])
        project.standardInput = Data("[Unit]\nDescription=Nightly\n[Timer]\nOnCalendar=dialy\n[Install]\nWantedBy=timers.target\n".utf8)
        let (status, out, _) = try project.run { $0.paths = ["-"]; $0.stdinName = "backup.timer" }
        #expect(status == .problems)
        #expect(out.contains("backup.timer:4:12: error: invalid OnCalendar=dialy"))
    }

    @Test func standardInputOfUnknownKindOrMisusedNameIsAUsageError() throws {
        let project = try ScratchProject([:])
        project.standardInput = Data("just some text\n".utf8)
        for configure: (inout LintCommand.Options) -> Void in [
            { $0.paths = ["-"] },                                   // nothing says what it is
            { $0.paths = ["-"]; $0.stdinName = "notes.txt" },      // a name lint doesn't know
            { $0.paths = ["."]; $0.stdinName = "compose.yaml" },   // a name but no `-`
        ] {
            do {
                _ = try project.run(configure)
                Issue.record("expected a usage error")
            } catch let e as SelfhostError {
                #expect(e.status == .usage)
                #expect(e.remedy?.contains("--stdin-name") == true || e.remedy?.contains("`-`") == true)
            }
        }
    }

    @Test func oversizedStandardInputIsSkippedWithAReason() throws {
        let project = try ScratchProject([:])
        project.standardInput = Data(("services:\n" + String(repeating: "#", count: LintDiscovery.maxFileSize)).utf8)
        let report = try project.lint(["-"])
        #expect(report.findings.isEmpty)
        #expect(report.skipped.first?.file == "<stdin>")
        #expect(report.skipped.first?.reason.contains("limit") == true)
    }

    @Test func externalToolsReadStandardInputAndTheirEchoesAreShownOnce() throws {
        guard LintFixtures.requireTool("caddy") != nil else {
            #expect(!LintFixtures.inCI, "caddy is not on PATH; scripts/test.sh installs it")
            return
        }
        let project = try ScratchProject([:])
        project.standardInput = Data("example.com {\n    reverse_prox web:80\n}\n".utf8)
        let report = try LintEngine.lint(paths: ["-"], context: project.context(), withExternal: true, stdinName: "Caddyfile")
        // caddy validate ran on the text (its scratch copy) and rejected line 2, as the own rule does:
        // one finding on that line, the own rule's, and the run says a repeat was folded.
        let line2 = report.findings.filter { $0.location?.line == 2 }
        #expect(line2.map(\.ruleID) == ["caddy.unknown-directive"])
        let caddy = report.external.first { $0.tool == "caddy" }
        #expect(caddy?.status == "ran")
        #expect(caddy?.detail.contains("1 repeated a finding") == true)
    }

    @Test func externalFindingOnALineNoOwnRuleReportsIsKept() throws {
        guard LintFixtures.requireTool("caddy") != nil else {
            #expect(!LintFixtures.inCI, "caddy is not on PATH; scripts/test.sh installs it")
            return
        }
        // A directive the own rules know but an argument Caddy rejects: only caddy sees it.
        let project = try ScratchProject(["Caddyfile": "example.com {\n    encode nonsense_codec\n}\n"])
        let report = try project.lint(external: true)
        #expect(report.findings("external.caddy").count == 1)
        #expect(report.external.first { $0.tool == "caddy" }?.detail.contains("repeated") == false)
    }

    @Test func restartTypoAndCalendarTypoAreFoundWithoutExternalTools() throws {
        let project = try ScratchProject([
            "compose.yaml": "services:\n  app:\n    image: nginx:1.27\n    restart: allways\n",
            "backup.timer": "[Unit]\nDescription=Nightly\n[Timer]\nOnCalendar=dialy\nPersistent=true\n[Install]\nWantedBy=timers.target\n",
        ])
        let report = try project.lint(external: false)
        let restart = report.findings("compose.restart-value")
        #expect(restart.count == 1)
        #expect(restart.first?.message.contains("did you mean 'always'") == true, "\(restart)")
        #expect(restart.first?.location?.line == 4)
        let calendar = report.findings("systemd.bad-value")
        #expect(calendar.contains { $0.message.contains("OnCalendar=dialy") && $0.message.contains("'daily'") }, "\(calendar)")
        // Real calendar events still pass.
        for good in ["daily", "Mon,Fri 02:00", "*-*-* 03:15:00", "weekly", "Sat *-*-1..7 18:00:00"] {
            #expect(SystemdValues.calendarProblem(good) == nil, "\(good)")
        }
    }

    @Test func thirdPartyProfileLowersBoxOnlyRulesToInfo() throws {
        let project = try ScratchProject(["compose.yaml": Self.thirdParty])
        let (boxStatus, boxOut, _) = try project.run { $0.format = .json }
        #expect(boxStatus == .problems)
        let boxFindings = try TestSupport.json(boxOut)["findings"] as? [[String: Any]] ?? []
        let boxOnly: Set<String> = ["compose.mem-limit", "compose.log-rotation", "compose.no-new-privileges"]
        #expect(boxFindings.contains { boxOnly.contains($0["rule"] as? String ?? "") && $0["severity"] as? String == "warning" })
        let (status, out, _) = try project.run { $0.format = .json; $0.profile = .thirdParty }
        let findings = try TestSupport.json(out)["findings"] as? [[String: Any]] ?? []
        let lowered = findings.filter { boxOnly.contains($0["rule"] as? String ?? "") }
        #expect(!lowered.isEmpty && lowered.allSatisfy { $0["severity"] as? String == "info" }, "\(lowered)")
        #expect(status == .success, "only info findings left at --fail-on warning")
    }

    @Test func baselineRecordsThenReportsOnlyNewFindings() throws {
        let project = try ScratchProject(["compose.yaml": Self.thirdParty])
        let baseline = project.root.appendingPathComponent("lint-baseline.json")
        let (first, firstOut, firstErr) = try project.run { $0.baseline = baseline.path }
        #expect(first == .success)
        #expect(firstErr.contains("recorded"), "\(firstErr)")
        #expect(!firstOut.contains("warning"))
        #expect(FileManager.default.fileExists(atPath: baseline.path))
        let (again, _, againErr) = try project.run { $0.baseline = baseline.path }
        #expect(again == .success, "nothing new")
        #expect(againErr.contains("0 new"), "\(againErr)")
        // A new problem (a privileged service) is reported; the known ones stay hidden.
        try project.write(ExampleFile("compose.yaml", Self.thirdParty + "  tool:\n    image: alpine:3.20\n    privileged: true\n    restart: unless-stopped\n"))
        let (status, out, _) = try project.run { $0.baseline = baseline.path; $0.format = .json }
        #expect(status == .problems)
        let rules = Set((try TestSupport.json(out)["findings"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String })
        #expect(rules.contains("compose.privileged"))
        let services = (try TestSupport.json(out)["findings"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
        #expect(!services.contains { $0.contains("'web'") }, "known findings of web stay hidden: \(services)")
    }

    @Test func aBrokenBaselineIsAUsageError() throws {
        let project = try ScratchProject(["compose.yaml": Self.thirdParty, "b.json": "not json"])
        #expect(throws: SelfhostError.self) { try project.run { $0.baseline = project.root.appendingPathComponent("b.json").path } }
    }

    @Test func tabIndentationIsNamed() throws {
        let project = try ScratchProject(["compose.yaml": "services:\n\tapp:\n    image: nginx:1.27\n"])
        let report = try project.lint()
        let messages = report.findings.map(\.message).joined(separator: "\n")
        #expect(messages.contains("a tab"), "\(messages)")
        do {
            _ = try YAMLParser.parse("a: 1\nb:\n\tc: 2\n", file: "x.yaml")
            Issue.record("a tab in indentation must fail")
        } catch let e {
            #expect(e.message.contains("a tab"), "\(e.message)")
            #expect(e.location?.line == 3)
        }
    }
}
