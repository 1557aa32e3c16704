import Foundation
@testable import SelfhostKit

/// One fuzz target per parser that reads untrusted input. Each takes raw bytes, runs the parser
/// (and, for lint, every rule) and returns the invariants it broke; a trap or a hang is a finding
/// too. The same targets run in two harnesses:
/// - in-process, in the test suite (`FuzzHarnessTests`): seeded mutation, a fixed number of runs;
/// - under libFuzzer (`scripts/fuzz.sh`, package `Fuzz/`), coverage-guided, for a set time.
enum FuzzTargets {
    struct Target: Sendable {
        var name: String
        /// Tokens the mutator splices in (libFuzzer gets them as a dictionary too).
        var dictionary: [String]
        /// Seed inputs from the suite's fixtures and the shipped catalog.
        var seeds: @Sendable () -> [[UInt8]]
        /// Runs the parser; returns broken invariants (empty when fine).
        var run: @Sendable ([UInt8]) -> [String]
    }

    /// Tests/SelfhostKitTests/Fixtures (SELFHOST_FUZZ_FIXTURES when built into the libFuzzer
    /// binary, where this file is reached through a symbolic link).
    static let fixtures: URL = ProcessInfo.processInfo.environment["SELFHOST_FUZZ_FIXTURES"].map { URL(fileURLWithPath: $0) }
        ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    static var all: [Target] { [compose, caddyfile, systemd, env, catalogYAML, records, dnsWire, cliNumbers] }

    static func named(_ name: String) -> Target? { all.first { $0.name == name } }

    // MARK: Seeds

    /// Files under Fixtures whose name matches `pattern`, as bytes.
    static func fixtureFiles(_ match: @escaping (String) -> Bool) -> [[UInt8]] {
        guard let walker = FileManager.default.enumerator(at: fixtures, includingPropertiesForKeys: nil) else { return [] }
        var out: [[UInt8]] = []
        for case let url as URL in walker where match(url.lastPathComponent) {
            if let data = FileManager.default.contents(atPath: url.path), data.count < 200_000 { out.append(Array(data)) }
        }
        return out
    }

    static func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }
    static func text(_ b: [UInt8]) -> String { String(decoding: b, as: UTF8.self) }

    // MARK: Lint targets

    /// Lints one in-memory file with every rule; each finding must sit inside the file.
    static func lint(_ kind: LintFileKind, name: String, _ input: [UInt8]) -> [String] {
        let text = text(input)
        let url = URL(fileURLWithPath: "/nonexistent-selfhost-fuzz/\(name)")
        let source = LintSource(path: name, url: url, kind: kind, text: text, mode: 0o600)
        let project = LintProject(sources: [source])
        let report = LintEngine.lint(project: project, discovered: LintDiscovery.Result(),
                                     context: Context(stdout: BufferSink(), stderr: BufferSink(), workingDirectory: url.deletingLastPathComponent()))
        var broken: [String] = []
        let lines = source.lines
        for f in report.findings {
            guard let loc = f.location, loc.file == name, let line = loc.line else { continue }
            if line < 1 || line > max(1, lines.count) { broken.append("\(f.ruleID ?? "?") at line \(line) of a \(lines.count)-line file: \(f.message.prefix(80))") ; continue }
            if let col = loc.column, col < 1 || col > lines[line - 1].unicodeScalars.count + 1 {
                broken.append("\(f.ruleID ?? "?") at \(line):\(col) on a \(lines[line - 1].unicodeScalars.count)-column line: \(f.message.prefix(80))")
            }
        }
        return broken
    }

    static let compose = Target(
        name: "compose",
        dictionary: ["services:", "\n  ", "image: ", "ports:", "\"1-65535:1-65535\"", "${A:-", "}", "$$", "&a ", "*a", "<<: *a", "extends:", "include:",
                     "depends_on:", "environment:", "\r\n", "\r", "!!binary", "\"", "'", "- ", ": ", "{", "[", "127.0.0.1:", "/udp", "x-"],
        seeds: {
            fixtureFiles { n in (n.hasPrefix("compose") || n.hasPrefix("docker-compose")) && (n.hasSuffix(".yaml") || n.hasSuffix(".yml")) }
                + [bytes("services:\n  app:\n    image: nginx:1.27\n    ports: [\"8080:80\", \"${P:-1-10}:1-10/udp\"]\n    environment:\n      A: ${B:-${C:-x}}\n")]
        },
        run: { lint(.compose, name: "compose.yaml", $0) })

    static let caddyfile = Target(
        name: "caddyfile",
        dictionary: ["{", "}", "\n", "\r\n", "\r", "import ", "(snip)", "reverse_proxy ", "localhost:", "<<EOF\n", "EOF", "`", "\"", "\\\n", "#", "{$VAR}", "handle ", "example.com "],
        seeds: { fixtureFiles { $0.lowercased().hasPrefix("caddyfile") || $0.hasSuffix(".caddyfile") } + [bytes("(c) {\n\tencode gzip\n}\nexample.com {\n\timport c\n\treverse_proxy app:80\n}\n")] },
        run: { lint(.caddyfile, name: "Caddyfile", $0) })

    static let systemd = Target(
        name: "systemd",
        dictionary: ["[Unit]\n", "[Service]\n", "[Install]\n", "ExecStart=", "Type=", "\\\n", "\r\n", "\r", "#", ";", "=", "Restart=", "WorkingDirectory=", "docker compose up"],
        seeds: { fixtureFiles { $0.hasSuffix(".service") || $0.hasSuffix(".timer") || $0.hasSuffix(".socket") } + [bytes("[Service]\nType=oneshot\nExecStart=/usr/bin/docker compose up -d\n")] },
        run: { lint(.systemd, name: "app.service", $0) })

    static let env = Target(
        name: "env",
        dictionary: ["=", "\n", "\r\n", "\r", "export ", "\"", "'", "\\n", "\\\"", " #", "${", "PASSWORD="],
        seeds: { fixtureFiles { $0 == ".env" || $0.hasPrefix(".env.") || $0.hasSuffix(".env") } + [bytes("A=1\nexport B=\"two\nlines\"\nC='x' # c\n")] },
        run: { input in
            var broken = lint(.env, name: ".env", input)
            let parsed = EnvFile(source: LintSource(path: ".env", url: URL(fileURLWithPath: "/nonexistent/.env"), kind: .env, text: text(input)))
            if parsed.entries.count > InputBudget.envMaxLines { broken.append("\(parsed.entries.count) entries past the line budget") }
            return broken
        })

    // MARK: Catalog YAML

    static let appSeeds: [[UInt8]] = ResourceStore.embedded.files(under: "catalog/").map { Array($0.contents.utf8) }

    static let catalogYAML = Target(
        name: "catalog-yaml",
        dictionary: ["&a ", "*a", "<<: ", "tag: ", "license: ", "checked: ", "ram_min_mb: ", "9223372036854775807", "((", " AND ", " OR ", "env:\n  - name: ", "\n  ", "- ", "{", "[", "~", "null"],
        seeds: { appSeeds + fixtureFiles { $0.hasSuffix(".yaml") && !$0.hasPrefix("compose") } },
        run: { input in
            let contents = text(input)
            var broken: [String] = []
            // The strict reader of every catalog folder: schema walk + decode, pricing, ESP profiles.
            let file = ResourceStore.File(path: "catalog/apps/fuzz.yaml", displayPath: "fuzz.yaml", contents: contents)
            var diags: [Diagnostic] = []
            if let node = CatalogLoader.parse(file, schema: CatalogSchema.app, into: &diags) {
                _ = CatalogLoader.decode(node, file, into: &diags, App.init(tree:))
            }
            for d in diags where d.location?.file != "fuzz.yaml" { broken.append("diagnostic without the file: \(d.message.prefix(80))") }
            do { _ = try YAMLParser.parse(contents, file: "fuzz.yaml") } catch let e as SelfhostError {
                if e.location?.file != "fuzz.yaml" { broken.append("YAML error without the file") }
            } catch { broken.append("YAML parser threw \(type(of: error))") }
            do { _ = try PricingCatalog.load(from: ResourceStore(files: ["catalog/pricing/fuzz.yaml": ResourceStore.File(path: "catalog/pricing/fuzz.yaml", displayPath: "fuzz.yaml", contents: contents)])) } catch is SelfhostError {
            } catch { broken.append("pricing reader threw \(type(of: error))") }
            do { _ = try EmailProviders.read(ResourceStore.File(path: "catalog/email-providers/fuzz.yaml", displayPath: "fuzz.yaml", contents: contents)) } catch is SelfhostError {
            } catch { broken.append("ESP reader threw \(type(of: error))") }
            return broken
        })

    // MARK: DNS records and wire

    /// TXT strings from the preflight zone fixtures.
    static let recordSeeds: [[UInt8]] = {
        var out: [[UInt8]] = []
        for b in fixtureFiles({ $0.hasSuffix(".zone") }) {
            for line in TextLines.split(text(b)) where line.contains("TXT") || line.contains("CAA") {
                if let q = line.firstIndex(of: "\"") { out.append(Array(line[q...].filter { $0 != "\"" }.utf8)) }
            }
        }
        return out + ["v=spf1 include:_spf.example.com ip4:192.0.2.0/24 ~all", "v=DMARC1; p=reject; rua=mailto:d@example.com",
                      "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC"].map { Array($0.utf8) }
    }()

    static let records = Target(
        name: "records",
        dictionary: ["v=spf1 ", "include:", "redirect=", "a:", "mx:", "ip4:", "ip6:", "exists:", "%{d}", "-all", "v=DMARC1;", "p=", "rua=mailto:", "pct=", "v=DKIM1;", "k=ed25519;", "p=", "t=y:s;", "h=sha256;"],
        seeds: { recordSeeds },
        run: { input in
            let s = text(input)
            var broken: [String] = []
            let spf = SPFRecord(parsing: s, strings: [s])
            // Every SPF fix preflight prints is itself a record that parses.
            if SPFRecord.isSPF(s), let fixed = SPFCorrection(spf).record {
                let again = SPFRecord(parsing: fixed)
                if !again.errors.isEmpty { broken.append("SPF correction '\(fixed.prefix(80))' does not parse: \(again.errors.first ?? "")") }
            }
            _ = DKIMKey(parsing: s)
            _ = DMARCRecord(parsing: s)
            _ = SPFCorrection.spaceJoined(s.split(separator: " ", omittingEmptySubsequences: false).map(String.init))
            return broken
        })

    /// DNS messages: a few answers built here, then mutated.
    static let wireSeeds: [[UInt8]] = {
        func name(_ n: String) -> [UInt8] { n.split(separator: ".").flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) } + [0] }
        let question = name("example.test") + [0, 16, 0, 1]
        func message(_ type: UInt16, _ rdata: [UInt8], count: UInt8 = 1) -> [UInt8] {
            var m: [UInt8] = [0x12, 0x34, 0x81, 0x80, 0, 1, 0, count, 0, 0, 0, 0] + question
            for _ in 0..<count { m += [0xC0, 12, UInt8(type >> 8), UInt8(type & 0xFF), 0, 1, 0, 0, 0, 60, UInt8(rdata.count >> 8), UInt8(rdata.count & 0xFF)] + rdata }
            return m
        }
        let txt = Array("v=spf1 -all".utf8)
        return [
            message(16, [UInt8(txt.count)] + txt),
            message(1, [127, 0, 0, 1], count: 2),
            message(28, [UInt8](repeating: 0, count: 15) + [1]),
            message(15, [0, 10] + name("mx.example.test")),
            message(5, [0xC0, 12]),
            message(257, [0, 5] + Array("issueletsencrypt.org".utf8)),
            message(6, name("ns.example.test") + name("h.example.test") + [UInt8](repeating: 0, count: 20)),
        ]
    }()

    static let dnsWire = Target(
        name: "dns-wire",
        dictionary: ["\u{C0}\u{0C}", "\u{00}\u{10}\u{00}\u{01}", "\u{01}\u{01}", "\u{3F}", "\u{FF}\u{FF}"],
        seeds: { wireSeeds },
        run: { input in
            do {
                let m = try DNSWireParser.parse(input)
                _ = m.answers.count
            } catch {
                if "\(error)".isEmpty { return ["DNSParseError without text"] }
            }
            return []
        })

    // MARK: Numbers and names on the command line

    static let pricing: PricingCatalog? = try? PricingCatalog.load(from: .embedded)

    static let cliNumbers = Target(
        name: "cli-numbers",
        dictionary: ["TB", "TiB", "PB", "kB", "x", "vcpu-", "gb", "=", "seats", "contacts", "@", "k", "M", "B", ".", "-", "\u{200B}", "\u{FEFF}", "١", "9223372036854775807", "e5", "-1-65535", ":"],
        seeds: { ["10TB", "10TiB", "0.5GB", "8x2vcpu-4gb", "4vcpu-8gb", "slack=12seats@80", "mailchimp=50000contacts", "rocketchat=2048", "4", "80.50",
                  "127.0.0.1:8080:80/tcp", "MIT OR (Apache-2.0 AND BSD-3-Clause)", "ghcr.io/a/b", "2026-11-29", "${A:-x}"].map(bytes) },
        run: { input in
            let s = text(input)
            var broken: [String] = []
            func usageOnly(_ what: String, _ body: () throws -> Void) {
                do { try body() } catch let e as SelfhostError {
                    if e.status != .usage { broken.append("\(what) '\(s.prefix(40))' threw exit \(e.status.rawValue)") }
                } catch { broken.append("\(what) threw \(type(of: error))") }
            }
            usageOnly("--egress") {
                let size = try parseEgress(s)
                if size.bytes > maxEgressBytes || size.bytes < 0 || size.bytes.isNaN { broken.append("--egress gave \(size.bytes)") }
                if !s.unicodeScalars.allSatisfy({ $0.isASCII }) { try PlainText.requireASCII(s, flag: "--egress", example: "10TB"); broken.append("non-ASCII --egress accepted") }
            }
            usageOnly("--servers") {
                let spec = try ServerSpec(parsing: s, flag: "--servers")
                if spec.count > InputBudget.maxServerCount || spec.vcpu > InputBudget.maxServerSize { broken.append("--servers out of range: \(spec)") }
            }
            usageOnly("--admin-hours") { _ = try parseAmount(s, flag: "--admin-hours") }
            usageOnly("--ram") {
                for (_, mb) in try AppBudgeting.overrides([s]) where mb > InputBudget.maxRAMMB { broken.append("--ram \(mb) past the budget") }
            }
            if let pricing { usageOnly("--saas") { _ = try SaaSUsage(parsing: s, catalog: pricing) } }
            if let p = PortSpec.parse(short: s), let h = p.hostRange, !PortSet.valid.contains(h.lowerBound) || !PortSet.valid.contains(h.upperBound) {
                broken.append("port range \(h) outside 0…65535")
            }
            _ = Interpolation.resolve(s, env: ["A": "1"])
            _ = Interpolation.references(in: s)
            _ = try? SPDXExpression.parse(s)
            _ = ImageReference.problem(name: s, tag: s)
            _ = CalendarDay.parse(s)
            return broken
        })
}
