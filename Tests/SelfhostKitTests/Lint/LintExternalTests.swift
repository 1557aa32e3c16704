import Foundation
import Testing
@testable import SelfhostKit

/// `--with-external` against the real validators (Debian: caddy, systemd, docker-compose).
/// A missing tool fails the test when CI is set and skips it otherwise.
@Suite("Lint external validators", .serialized)
struct LintExternalTests {
    static func have(_ tool: String, package: String) -> Bool {
        if LintFixtures.requireTool(tool) != nil { return true }
        if LintFixtures.inCI { Issue.record("\(tool) is not on PATH; install it with `apt-get install -y \(package)`") }
        return false
    }

    @Test("absent tools are reported as skipped, never as findings")
    func absentTools() throws {
        let p = try ScratchProject(["compose.yaml": "services:\n  a:\n    image: nginx:1.27\n", "Caddyfile": "example.com {\n\trespond ok\n}\n", "a.service": "[Service]\nExecStart=/bin/true\n"])
        let empty = p.root.appendingPathComponent("empty-bin")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let ctx = p.context(env: ["PATH": empty.path])
        let report = try LintEngine.lint(paths: ["."], context: ctx, withExternal: true)
        #expect(report.external.count == 3)
        #expect(report.external.allSatisfy { $0.status == "skipped" })
        #expect(report.findings.allSatisfy { !($0.ruleID ?? "").hasPrefix("external.") })
        let out = BufferSink(), err = BufferSink()
        var options = LintCommand.Options()
        options.withExternal = true
        options.failOn = .error
        let status = try LintCommand.run(options, context: p.context(out, err, env: ["PATH": empty.path]))
        #expect(status == .success)
        #expect(out.text.contains("skipped: caddy: caddy is not on PATH"))
    }

    @Test("caddy validate: a bad directive maps to its line; the production Caddyfile passes with its .env")
    func caddy() throws {
        guard Self.have("caddy", package: "caddy") else { return }
        let p = try ScratchProject(["Caddyfile": "example.com {\n\trespond ok\n\treverse_prxy app:80\n}\n"])
        // Our own caddy.unknown-directive reports line 3 too, so caddy's echo is folded into it…
        let both = try p.lint(external: true)
        #expect(both.findings("caddy.unknown-directive").first?.location?.line == 3)
        #expect(both.findings("external.caddy").isEmpty)
        #expect(both.external.first { $0.tool == "caddy" }?.detail.contains("1 repeated") == true)
        // …and with that rule off, caddy's own message is mapped to the line it names.
        try p.write(ExampleFile(".selfhost-lint.yaml", "disable: [caddy.unknown-directive]\n"))
        let f = try #require(try p.lint(external: true).findings("external.caddy").first)
        #expect(f.location?.line == 3)
        #expect(f.message.contains("reverse_prxy"))
        let prod = try LintCrossFileTests.production(dockerStandIn: true)
        let report = try prod.lint(external: true)
        #expect(report.external.contains { $0.tool == "caddy" && $0.status == "ran" })
        #expect(report.findings.filter { ($0.ruleID ?? "").hasPrefix("external.") }.isEmpty, "\(report.findings.map(\.compilerStyle))")
    }

    /// Caddyfiles whose verdict our parser and rules must share with the real Caddy.
    static let caddyCorpus: [(String, String)] = [
        ("valid-basic", "localhost:8080 {\n\trespond hi\n}\n"),
        ("valid-global-snippet", "{\n\tadmin off\n}\n(common) {\n\tencode gzip\n}\nlocalhost:8080 {\n\timport common\n\trespond ok\n}\n"),
        ("valid-continuation", "localhost:8080 {\n\trespond \\\n\t\t\"hi\" 200\n}\n"),
        ("valid-backticks-comments", "localhost:8080 { # c\n\trespond `a \"b\"` 200 # c2\n}\n"),
        ("valid-matchers", "localhost:8080 {\n\t@a {\n\t\tpath /a*\n\t}\n\thandle @a {\n\t\trespond a\n\t}\n\thandle {\n\t\treverse_proxy localhost:9000 {\n\t\t\theader_up X-A b\n\t\t}\n\t}\n}\n"),
        ("valid-multikey", "localhost:8080,\nlocalhost:8081 {\n\trespond hi\n}\n"),
        ("valid-nobraces", "localhost:8080\nrespond hi\n"),
        ("valid-empty-second-global", "localhost:8080 {\n\trespond hi\n}\n{\n}\n"),
        ("valid-env-default", "{$SITE_ADDR:localhost:8080} {\n\trespond hi\n}\n"),
        ("bad-unclosed", "localhost:8080 {\n\trespond hi\n"),
        ("bad-extra-close", "localhost:8080 {\n\trespond hi\n}\n}\n"),
        ("bad-quote", "localhost:8080 {\n\trespond \"hi\n}\n"),
        ("bad-directive", "localhost:8080 {\n\trespnd hi\n}\n"),
        ("bad-global-option", "{\n\tadmn off\n}\nlocalhost:8080 {\n\trespond hi\n}\n"),
        ("bad-duplicate", "localhost:8080 {\n\trespond a\n}\nlocalhost:8080 {\n\trespond b\n}\n"),
        ("bad-close-inline", "localhost:8080 {\n\trespond hi }\n"),
        ("bad-one-line", "localhost:8080 { respond hi }\n"),
        ("bad-second-global", "localhost:8080 {\n\trespond hi\n}\n{\n\tdebug\n}\n"),
        ("bad-glued-brace", "localhost:8080{\n\trespond hi\n}\n"),
        ("bad-unset-address", "{$SURELY_UNSET_SITE_VAR} {\n\treverse_proxy localhost:9000\n}\n"),
    ]

    @Test("our verdict on Caddyfiles matches `caddy validate`", arguments: caddyCorpus.map(\.0))
    func caddyDifferential(_ name: String) throws {
        guard Self.have("caddy", package: "caddy") else { return }
        let text = try #require(Self.caddyCorpus.first { $0.0 == name }?.1)
        let p = try ScratchProject(["Caddyfile": text])
        let ours = try p.lint().findings.contains { $0.severity == .error && ($0.ruleID ?? "").hasPrefix("caddy.") }
        let caddy = try #require(LintFixtures.requireTool("caddy"))
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "SURELY_UNSET_SITE_VAR")
        let r = ExternalValidators.execute(caddy, ["validate", "--config", p.root.appendingPathComponent("Caddyfile").path, "--adapter", "caddyfile"], cwd: p.root, env: env)
        #expect(ours == (r.status != 0), "\(name): ours=\(ours) caddy=\(r.status): \(r.output.split(separator: "\n").last ?? "")")
        #expect(name.hasPrefix("bad-") == ours)
    }

    @Test("systemd-analyze verify: ignored lines become warnings at their line; a missing binary is an error")
    func systemd() throws {
        guard Self.have("systemd-analyze", package: "systemd") else { return }
        let p = try ScratchProject(["app.service": "[Unit]\nDescription=x\n[Service]\nExecStart=/usr/bin/true\nProtectSystem=stricct\n"])
        let report = try p.lint(external: true)
        #expect(report.findings("systemd.bad-value").first?.location?.line == 5, "our own rule makes it an error")
        #expect(report.findings("external.systemd-analyze").isEmpty, "systemd's warning on the same line is folded into ours")
        try p.write(ExampleFile(".selfhost-lint.yaml", "disable: [systemd.bad-value]\n"))
        let ext = try #require(try p.lint(external: true).findings("external.systemd-analyze").first)
        #expect(ext.location?.line == 5 && ext.severity == .warning)
        let q = try ScratchProject(["b.service": "[Service]\nExecStart=/nonexistent/bin/app\n"])
        #expect(try q.lint(external: true).findings("external.systemd-analyze").contains { $0.severity == .error })
    }

    @Test("every line systemd-analyze ignores is a systemd.* error at the same line, and nothing else is")
    func systemdDifferential() throws {
        guard Self.have("systemd-analyze", package: "systemd") else { return }
        let text = try String(contentsOf: LintFixtures.root.appendingPathComponent("systemd/differential.service"), encoding: .utf8)
        let p = try ScratchProject(["differential.service": text])
        let sa = try #require(LintFixtures.requireTool("systemd-analyze"))
        let r = ExternalValidators.execute(sa, ["verify", p.root.appendingPathComponent("differential.service").path], cwd: p.root, env: ProcessInfo.processInfo.environment)
        var theirs = Set<Int>()
        for line in r.output.split(separator: "\n") where line.lowercased().contains("ignoring") {
            guard let range = line.range(of: "differential.service:") else { continue }
            if let n = Int(line[range.upperBound...].prefix { $0.isNumber }) { theirs.insert(n) }
        }
        #expect(theirs.count >= 10, "systemd flagged: \(r.output)")
        let ours = Set(try p.lint().findings.filter { $0.severity == .error && ($0.ruleID ?? "").hasPrefix("systemd.") }.compactMap(\.location?.line))
        #expect(ours == theirs, "only ours: \(ours.subtracting(theirs).sorted()), only systemd's: \(theirs.subtracting(ours).sorted())")
    }

    /// Compose files whose verdict (valid or not) our schema and reference rules share with docker-compose.
    /// Not here: an undefined network (docker-compose 1.x `config` lets it pass and fails at `up`; compose v2
    /// rejects it) and `privileged: yes` (1.x reads YAML 1.1, where yes is true; compose v2 reads YAML 1.2).
    static let composeCorpus: [(String, String)] = [
        ("valid-full", "services:\n  web:\n    image: nginx:1.27\n    ports: [\"127.0.0.1:8080:80\"]\n    networks: [front]\n    depends_on: [db]\n    healthcheck:\n      test: [\"CMD\", \"true\"]\n    logging: {driver: json-file, options: {max-size: 10m}}\n  db:\n    image: postgres:16.4\n    volumes: [\"data:/var/lib/postgresql/data\"]\n    networks: [front]\nnetworks:\n  front:\nvolumes:\n  data:\n"),
        ("valid-extensions", "x-base: &b\n  image: nginx:1.27\nservices:\n  a:\n    <<: *b\n    x-note: hi\n"),
        ("bad-unknown-key", "services:\n  web:\n    image: nginx:1.27\n    restat: always\n"),
        ("bad-unknown-top", "services:\n  web:\n    image: nginx:1.27\nnetwork:\n  a:\n"),
        ("bad-undefined-volume", "services:\n  web:\n    image: nginx:1.27\n    volumes: [\"data:/data\"]\n"),
        ("bad-undefined-dependency", "services:\n  web:\n    image: nginx:1.27\n    depends_on: [db]\n"),
        ("bad-ports-type", "services:\n  web:\n    image: nginx:1.27\n    ports: \"80:80\"\n"),
        ("bad-logging-type", "services:\n  web:\n    image: nginx:1.27\n    logging: json-file\n"),
        ("bad-yaml", "services:\n  web:\n    image: [nginx\n"),
    ]

    @Test("our verdict on compose files matches docker-compose config", arguments: composeCorpus.map(\.0))
    func composeDifferential(_ name: String) throws {
        guard Self.have("docker-compose", package: "docker-compose") else { return }
        let text = try #require(Self.composeCorpus.first { $0.0 == name }?.1)
        let p = try ScratchProject(["compose.yaml": text])
        let rules: Set<String> = ["compose.syntax", "compose.schema", "compose.type", "compose.undefined-ref"]
        let ours = try p.lint().findings.contains { $0.severity == .error && rules.contains($0.ruleID ?? "") }
        let dc = try #require(LintFixtures.requireTool("docker-compose"))
        let r = ExternalValidators.execute(dc, ["-f", "compose.yaml", "config", "-q"], cwd: p.root, env: ProcessInfo.processInfo.environment)
        #expect(ours == (r.status != 0), "\(name): ours=\(ours) docker-compose=\(r.status): \(r.output)")
        #expect(name.hasPrefix("bad-") == ours)
    }

    @Test("docker compose config: an unknown key is an error; the production files pass (top-level name: too)")
    func compose() throws {
        guard Self.have("docker-compose", package: "docker-compose") else { return }
        let p = try ScratchProject(["compose.yaml": "services:\n  a:\n    image: nginx:1.27\n    restat: always\n"])
        let f = try #require(try p.lint(external: true).findings("external.compose").first)
        #expect(f.severity == .error && f.message.contains("restat"))
        let prod = try LintCrossFileTests.production(dockerStandIn: true)
        let report = try prod.lint(external: true)
        #expect(report.findings.filter { ($0.ruleID ?? "").hasPrefix("external.") }.isEmpty, "\(report.findings.map(\.compilerStyle))")
    }
}
