import Foundation
import Testing
@testable import SelfhostKit

@Suite("Lint parsers")
struct LintParserTests {
    // MARK: YAML

    @Test("YAML nodes carry real lines and columns")
    func yamlMarks() throws {
        let root = try #require(try YAMLParser.parse("services:\n  app:\n    image: nginx:1.27\n    ports: [\"8080:80\"]\n", file: "compose.yaml"))
        let app = try #require(root["services"]?["app"])
        #expect(app["image"]?.line == 3 && app["image"]?.column == 12)
        let port = try #require(app["ports"]?.items?.first)
        #expect(port.line == 4 && port.column == 13)
        #expect(port.column(atOffset: 5, sourceLine: "    ports: [\"8080:80\"]") == 19)  // inside the quotes
    }

    @Test("merge keys bring in anchored defaults; explicit keys win")
    func mergeKeys() throws {
        let root = try #require(try YAMLParser.parse("x: &d\n  restart: always\n  mem_limit: 1g\nservices:\n  a:\n    <<: *d\n    restart: unless-stopped\n", file: "compose.yaml"))
        let a = try #require(root["services"]?["a"])
        #expect(a["restart"]?.string == "unless-stopped")
        #expect(a["mem_limit"]?.string == "1g")
        #expect(a["<<"] == nil)
    }

    @Test("YAML 1.2 scalars: yes is a string, true a boolean, quoted true a string")
    func scalars() throws {
        let root = try #require(try YAMLParser.parse("a: yes\nb: true\nc: \"true\"\nd: ~\ne: 12\n", file: "compose.yaml"))
        #expect(root["a"]?.bool == nil && root["a"]?.string == "yes")
        #expect(root["b"]?.bool == true)
        #expect(root["c"]?.bool == nil)
        #expect(root["d"]?.isNull == true)
        #expect(root["e"]?.int == 12)
    }

    @Test("duplicate keys and syntax errors are located")
    func yamlErrors() {
        #expect(throws: SelfhostError.self) { try YAMLParser.parse("a: 1\na: 2\n", file: "compose.yaml") }
        do {
            _ = try YAMLParser.parse("services:\n  app:\n    image: [x\n", file: "compose.yaml")
            Issue.record("expected an error")
        } catch {
            #expect((error.location?.line ?? 0) >= 3)
            #expect(error.message.contains("YAML"))
        }
    }

    @Test("billion laughs is refused from the event stream, with a position")
    func billionLaughs() {
        var lines = ["a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]"]
        for i in 1..<10 {
            let prev = Character(UnicodeScalar(UInt8(97 + i - 1))), cur = Character(UnicodeScalar(UInt8(97 + i)))
            lines.append("\(cur): &\(cur) [" + Array(repeating: "*\(prev)", count: 9).joined(separator: ",") + "]")
        }
        lines.append("services:\n  app:\n    image: *j")
        do {
            _ = try YAMLParser.parse(lines.joined(separator: "\n"), file: "compose.yaml")
            Issue.record("alias bomb was accepted")
        } catch {
            #expect(error.message.contains("alias bomb"))
            #expect((error.location?.line ?? 0) > 1)
        }
    }

    @Test("aliases within the budget still work")
    func smallAliases() throws {
        let root = try #require(try YAMLParser.parse("x: &p [\"80:80\"]\nservices:\n  a:\n    ports: *p\n", file: "compose.yaml"))
        #expect(root["services"]?["a"]?["ports"]?.items?.count == 1)
    }

    @Test("deep nesting (flow and block) is refused, not a stack overflow")
    func deepNesting() {
        let flow = "services: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: SelfhostError.self) { try YAMLParser.parse(flow, file: "compose.yaml") }
        let block = (0..<2000).map { String(repeating: "  ", count: $0) + "k\($0):" }.joined(separator: "\n")
        do {
            _ = try YAMLParser.parse(block, file: "compose.yaml")
            Issue.record("deep block nesting was accepted")
        } catch {
            #expect(error.message.contains("nesting"))
            #expect(error.location?.line == InputBudget.yamlMaxDepth + 1)
        }
    }

    // MARK: Interpolation and ports

    @Test("compose interpolation references and resolution")
    func interpolation() {
        let refs = Interpolation.references(in: "${A}-$B-${C:-x}-${D?err}-$$E-${F:-${G}}")
        #expect(refs.map(\.name) == ["A", "B", "C", "D", "F", "G"])
        #expect(refs.map(\.hasDefault) == [false, false, true, false, true, false])
        #expect(refs[0].offset == 0 && refs[1].offset == 5)
        #expect(Interpolation.resolve("${A}:${C:-8080}:$$x", env: ["A": "127.0.0.1"]) == "127.0.0.1:8080:$x")
        #expect(Interpolation.resolve("${MISSING}", env: [:]) == nil)
        #expect(Interpolation.resolve("${E:-d}", env: ["E": ""]) == "d")
        #expect(Interpolation.resolve("${E-d}", env: ["E": ""]) == "")
    }

    @Test("port specifications, short and long")
    func ports() throws {
        let a = try #require(PortSpec.parse(short: "8080:80"))
        #expect(a.hostIP == nil && a.hostPorts == [8080] && a.containerPorts == [80] && a.proto == "tcp" && a.bindsAllAddresses)
        let b = try #require(PortSpec.parse(short: "127.0.0.1:5432:5432/tcp"))
        #expect(b.isLoopback && !b.bindsAllAddresses)
        let c = try #require(PortSpec.parse(short: "[::1]:8443:443/udp"))
        #expect(c.hostIP == "::1" && c.proto == "udp" && c.isLoopback)
        let d = try #require(PortSpec.parse(short: "8000-8002:9000-9002"))
        #expect(d.hostPorts == [8000, 8001, 8002])
        let e = try #require(PortSpec.parse(short: "3000"))
        #expect(e.hostPorts.isEmpty && e.containerPorts == [3000])
        #expect(PortSpec.parse(short: "abc:80") == nil)
        let node = try #require(try YAMLParser.parse("- target: 80\n  published: \"${P:-8081}\"\n  host_ip: 127.0.0.1\n", file: "compose.yaml")?.items?.first)
        let f = try #require(PortSpec.parse(node, env: [:]))
        #expect(f.hostPorts == [8081] && f.isLoopback)
    }

    // MARK: Caddyfile

    @Test("Caddyfile tokens: quotes, backticks, heredoc, comments, continuation, placeholders")
    func caddyTokens() throws {
        let src = "example.com { # comment\n\trespond \"a \\\"b\\\" c\" `raw \"q\"` \\\n\t\t200\n\trespond <<EOF\n\t\tline1\n\t\tEOF 200\n\troot * {$ROOT:/srv}\n}\n"
        let tokens = try CaddyLexer.tokenize(src)
        let texts = tokens.map(\.text)
        #expect(texts.contains("a \"b\" c"))
        #expect(texts.contains("raw \"q\""))
        #expect(!texts.contains("#") && !texts.contains("comment"))
        let respond = try #require(tokens.first { $0.text == "respond" })
        let twoHundred = try #require(tokens.first { $0.text == "200" })
        #expect(twoHundred.logicalLine == respond.logicalLine)  // joined by the backslash
        #expect(twoHundred.line == respond.line + 1)
        #expect(texts.contains("line1"))
        let heredoc = try #require(tokens.firstIndex { $0.text == "line1" })
        #expect(tokens[heredoc + 1].text == "200" && tokens[heredoc + 1].logicalLine == tokens[heredoc].logicalLine)
        #expect(tokens[heredoc + 2].text == "root" && tokens[heredoc + 2].logicalLine != tokens[heredoc].logicalLine)
        let ph = try #require(tokens.first { $0.text.hasPrefix("{$") })
        #expect(ph.envPlaceholders.first?.name == "ROOT" && ph.envPlaceholders.first?.defaultValue == "/srv")
        #expect(respond.line == 2 && respond.column == 2)
    }

    @Test("Caddyfile structure: global options, snippets, sites, nested blocks, imports")
    func caddyStructure() throws {
        let src = "{\n\temail a@b.c\n}\n(proxy) {\n\treverse_proxy app:3000\n}\na.example.com, b.example.com {\n\thandle /api/* {\n\t\timport proxy\n\t}\n}\n"
        let file = CaddyFile(source: LintSource(path: "Caddyfile", url: URL(fileURLWithPath: "/tmp/Caddyfile"), kind: .caddyfile, text: src))
        #expect(file.syntaxError == nil)
        #expect(file.blocks.map(\.kind) == [.globalOptions, .snippet("proxy"), .site])
        #expect(file.sites.first?.keys.map(\.text) == ["a.example.com,", "b.example.com"])
        let ups = file.upstreams
        #expect(ups.count == 1 && ups.first?.upstream.host == "app" && ups.first?.upstream.port == 3000)
        #expect(ups.first?.upstream.token.line == 5)
    }

    @Test("a Caddyfile without braces is one site")
    func caddySingleSite() {
        let file = CaddyFile(source: LintSource(path: "Caddyfile", url: URL(fileURLWithPath: "/tmp/Caddyfile"), kind: .caddyfile, text: "localhost:8080\nreverse_proxy web:80\nencode gzip\n"))
        #expect(file.syntaxError == nil)
        #expect(file.sites.count == 1 && file.sites[0].directives.count == 2)
    }

    @Test("unbalanced braces and bad quotes are located", arguments: [
        ("example.com {\n\trespond ok\n", 1, 13),
        ("example.com {\n\thandle {\n\t\trespond ok\n}\n", 1, 13),
        ("example.com {\n}\n}\n", 3, 1),
        ("example.com {\n\trespond \"oops\n}\n", 2, 10),
        ("example.com {\n\theader X <<END\n\tno end\n}\n", 2, 11),
        ("example.com {\n\trespond hi }\n", 2, 13),
        ("example.com { respond hi }\n", 1, 15),
        ("{\n\tdebug\n}\nexample.com {\n}\n{\n\tdebug\n}\n", 6, 1),
    ])
    func caddyErrors(_ src: String, _ line: Int, _ column: Int) {
        let file = CaddyFile(source: LintSource(path: "Caddyfile", url: URL(fileURLWithPath: "/tmp/Caddyfile"), kind: .caddyfile, text: src))
        #expect(file.syntaxError?.line == line, "\(String(describing: file.syntaxError))")
        #expect(file.syntaxError?.column == column, "\(String(describing: file.syntaxError))")
    }

    @Test("upstream addresses")
    func upstreams() throws {
        func up(_ s: String) -> CaddyUpstream? { CaddyUpstream.parse(CaddyToken(text: s, line: 1, column: 1, logicalLine: 1, quoted: false)) }
        #expect(up("app:3000")?.port == 3000)
        #expect(up("http://app")?.port == 80 && up("http://app")?.portWritten == false)
        #expect(up("https://app")?.port == 443)
        #expect(up("[::1]:8080")?.host == "::1" && up("[::1]:8080")?.isLocal == true)
        #expect(up("{http.request.host}") == nil)
        #expect(up("unix//run/app.sock") == nil)
    }

    // MARK: systemd and .env

    @Test("unit files: sections, continuation lines, comments, positions")
    func unitParser() {
        let src = "# c\n[Service]\nExecStart=/usr/bin/app \\\n  --one \\\n# skipped comment\n  --two\n  Environment=A=1\n[Install]\nWantedBy=multi-user.target\n"
        let unit = UnitFile(source: LintSource(path: "a.service", url: URL(fileURLWithPath: "/tmp/a.service"), kind: .systemd, text: src))
        #expect(unit.problems.isEmpty)
        let exec = unit.value("Service", "ExecStart")
        #expect(exec?.value == "/usr/bin/app  --one  --two")
        #expect(exec?.line == 3 && exec?.valueColumn == 11)
        #expect(unit.value("Service", "Environment")?.column == 3)
        #expect(unit.value("Install", "WantedBy")?.line == 9)
    }

    @Test(".env files: quotes, export, multi-line values, comments")
    func envParser() {
        let src = "export A=1\nB='x # y'\nC=\"multi\nline\"\nD=plain # comment\nE=\n"
        let env = EnvFile(source: LintSource(path: ".env", url: URL(fileURLWithPath: "/tmp/.env"), kind: .env, text: src))
        #expect(env.problems.isEmpty)
        #expect(env.values == ["A": "1", "B": "x # y", "C": "multi\nline", "D": "plain", "E": ""])
        #expect(env.entries.first { $0.key == "D" }?.line == 5)
    }

    @Test("file kinds from names")
    func kinds() {
        #expect(LintFileKind.detect(fileName: "compose.yaml") == .compose)
        #expect(LintFileKind.detect(fileName: "docker-compose.yml") == .compose)
        #expect(LintFileKind.detect(fileName: "monitoring.compose.yml") == .compose)
        #expect(LintFileKind.detect(fileName: "Caddyfile") == .caddyfile)
        #expect(LintFileKind.detect(fileName: "backup.timer") == .systemd)
        #expect(LintFileKind.detect(fileName: ".env") == .env)
        #expect(LintFileKind.detect(fileName: "values.yaml") == nil)
    }
}
