import Foundation
import Testing
@testable import SelfhostKit

@Suite("Lint output formats")
struct LintFormatTests {
    static let files: [String: String] = [
        "stack/compose.yaml": "services:\n  app:\n    image: nginx:latest\n    privileged: true\n",
        "stack/Caddyfile": "example.com {\n\treverse_proxy ap:80\n}\n",
    ]

    @Test("text: path:line:col: severity: message [rule-id]")
    func text() throws {
        let p = try ScratchProject(Self.files)
        let (status, out, _) = try p.run()
        #expect(status == .problems)
        #expect(out.contains("stack/compose.yaml:4:17: error: service 'app' runs privileged [compose.privileged]\n"))
        #expect(out.contains("stack/compose.yaml:3:18: warning: image 'nginx:latest' uses the floating tag 'latest' [compose.image-tag]\n"))
        #expect(out.contains("stack/Caddyfile:2:16: error: reverse_proxy upstream 'ap' is not a service in any linted compose file; did you mean 'app'? [caddy.upstream-service]"))
        // Findings are sorted by file, line, column.
        let lines = out.split(separator: "\n").filter { $0.hasPrefix("stack/") }
        #expect(lines.first?.hasPrefix("stack/Caddyfile") == true)
    }

    @Test("json: findings[] with rule, severity, file, line, column, message, fix")
    func json() throws {
        let p = try ScratchProject(Self.files)
        let (_, out, _) = try p.run { $0.format = .json }
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        let findings = try #require(doc["findings"] as? [[String: Any]])
        #expect(!findings.isEmpty)
        for f in findings {
            #expect(Set(f.keys).isSuperset(of: ["rule", "severity", "file", "line", "column", "message", "fix"]), "\(f.keys)")
            #expect(["error", "warning", "info"].contains(f["severity"] as? String ?? ""))
        }
        let priv = try #require(findings.first { $0["rule"] as? String == "compose.privileged" })
        #expect(priv["file"] as? String == "stack/compose.yaml" && priv["line"] as? Int == 4 && priv["column"] as? Int == 17)
        let summary = try #require(doc["summary"] as? [String: Int])
        #expect(summary["errors"] == findings.filter { $0["severity"] as? String == "error" }.count)
        #expect((doc["files"] as? [[String: String]])?.count == 2)
    }

    /// Fails on any empty string in the document (GitHub rejects them in several places).
    static func noEmptyStrings(_ value: Any, path: String = "$") -> [String] {
        switch value {
        case let s as String: return s.isEmpty ? [path] : []
        case let d as [String: Any]: return d.flatMap { noEmptyStrings($0.value, path: "\(path).\($0.key)") }
        case let a as [Any]: return a.enumerated().flatMap { noEmptyStrings($0.element, path: "\(path)[\($0.offset)]") }
        default: return []
        }
    }

    @Test("sarif: the fields GitHub code scanning requires")
    func sarif() throws {
        let p = try ScratchProject(Self.files)
        let (_, out, _) = try p.run { $0.format = .sarif }
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        #expect(doc["version"] as? String == "2.1.0")
        #expect((doc["$schema"] as? String)?.contains("sarif-2.1.0") == true)
        #expect(Self.noEmptyStrings(doc).isEmpty, "\(Self.noEmptyStrings(doc))")
        let run = try #require((doc["runs"] as? [[String: Any]])?.first)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "selfhost-lint")
        let rules = try #require(driver["rules"] as? [[String: Any]])
        var ruleIDs: [String] = []
        for r in rules {
            let id = try #require(r["id"] as? String)
            ruleIDs.append(id)
            for key in ["shortDescription", "fullDescription", "help"] {
                #expect(((r[key] as? [String: Any])?["text"] as? String)?.isEmpty == false, "\(id).\(key)")
            }
            if let props = r["properties"] as? [String: Any], let sev = props["security-severity"] as? String {
                let v = try #require(Double(sev))
                #expect(v >= 0 && v <= 10)
            }
        }
        #expect(Set(ruleIDs).count == ruleIDs.count)
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(!results.isEmpty)
        var fingerprints = Set<String>()
        for r in results {
            let ruleID = try #require(r["ruleId"] as? String)
            #expect(ruleIDs.contains(ruleID))
            if let index = r["ruleIndex"] as? Int { #expect(ruleIDs[index] == ruleID) }
            #expect(["note", "warning", "error"].contains(r["level"] as? String ?? ""))
            #expect(((r["message"] as? [String: Any])?["text"] as? String)?.isEmpty == false)
            let loc = try #require((r["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
            let uri = try #require((loc["artifactLocation"] as? [String: Any])?["uri"] as? String)
            #expect(uri.hasPrefix("stack/"), "relative uri: \(uri)")
            let region = try #require(loc["region"] as? [String: Any])
            #expect((region["startLine"] as? Int ?? 0) >= 1)
            #expect((region["startColumn"] as? Int ?? 0) >= 1)
            let fp = try #require(r["partialFingerprints"] as? [String: String])
            #expect(fingerprints.insert(fp.values.first ?? "").inserted, "fingerprints are unique per result")
        }
        // Stable across runs.
        let (_, again, _) = try p.run { $0.format = .sarif }
        #expect(again == out)
    }

    @Test("sarif: valid against the OASIS SARIF 2.1.0 schema (python3-jsonschema)")
    func sarifSchema() throws {
        let check = "import json,sys,jsonschema; s=json.load(open(sys.argv[1])); d=json.load(open(sys.argv[2])); e=[x.message for x in jsonschema.Draft4Validator(s).iter_errors(d)]; print('\\n'.join(e)); sys.exit(1 if e else 0)"
        guard let python = LintFixtures.requireTool("python3"),
              ExternalValidators.execute(python, ["-c", "import jsonschema"], cwd: nil, env: ProcessInfo.processInfo.environment).status == 0 else {
            if LintFixtures.inCI { Issue.record("python3-jsonschema is missing: apt-get install -y python3-jsonschema") }
            return
        }
        let p = try ScratchProject(Self.files)
        let (_, out, _) = try p.run { $0.format = .sarif }
        let file = p.root.appendingPathComponent("out.sarif")
        try Data(out.utf8).write(to: file)
        let schema = LintFixtures.root.appendingPathComponent("sarif-schema-2.1.0.json").path
        let r = ExternalValidators.execute(python, ["-c", check, schema, file.path], cwd: nil, env: ProcessInfo.processInfo.environment)
        #expect(r.status == 0, "schema errors: \(r.output)")
        // The validator is real: a broken document fails it.
        try Data(out.replacingOccurrences(of: "\"2.1.0\"", with: "\"9.9\"").utf8).write(to: file)
        #expect(ExternalValidators.execute(python, ["-c", check, schema, file.path], cwd: nil, env: ProcessInfo.processInfo.environment).status != 0)
    }

    @Test("github: workflow commands with GitHub's escaping")
    func github() throws {
        #expect(GitHubFormatter.escapeData("50% done\r\nnext") == "50%25 done%0D%0Anext")
        #expect(GitHubFormatter.escapeProperty("a,b:c%") == "a%2Cb%3Ac%25")
        let p = try ScratchProject(["we,ird:dir/compose.yaml": "services:\n  app:\n    image: nginx:1.27\n    privileged: true\n"])
        let (_, out, _) = try p.run { $0.format = .github }
        let line = try #require(out.split(separator: "\n").first { $0.contains("compose.privileged") })
        #expect(line.hasPrefix("::error file=we%2Cird%3Adir/compose.yaml,line=4,col=17,title=compose.privileged::service 'app' runs privileged%0AFix: "))
        #expect(out.contains("::warning file="))
        #expect(!out.contains("\r"))
    }

    @Test("--list-rules and --explain come from the rule files")
    func listAndExplain() throws {
        let p = try ScratchProject([:])
        let (s1, list, _) = try p.run { $0.listRules = true }
        #expect(s1 == .success)
        for info in RuleRegistry.infos { #expect(list.contains(info.id)) }
        let (s2, explain, _) = try p.run { $0.explain = "compose.unbound-port" }
        #expect(s2 == .success)
        #expect(explain.contains("Why:") && explain.contains("Fix:") && explain.contains("Triggers:") && explain.contains("Passes:"))
        #expect(throws: SelfhostError.self) { try p.run { $0.explain = "compose.unbound-prot" } }
    }
}
