import Foundation
import Testing
@testable import SelfhostKit

/// Bad input writes nothing; re-renders keep secrets, grow the box, respect edits.
@Suite("Render: behaviour")
struct RenderBehaviourTests {
    func temp(_ name: String) throws -> URL { try TestSupport.tempDirectory("render-\(name)").appendingPathComponent("box") }

    func usageError(_ body: () throws -> Void) -> SelfhostError? {
        do { try body() } catch let e as SelfhostError { return e } catch { return nil }
        return nil
    }

    @Test("bad --domain, --host and --email exit 2 and write nothing", arguments: [
        (["--domain"], "x.com\n    privileged: true"),
        (["--domain"], "x.com privileged"),
        (["--domain"], "exa{mple}.com"),
        (["--domain"], "example.com:8080"),
        (["--domain"], "-bad-.example.com"),
        (["--domain"], "localhost"),
        (["--domain"], "127.0.0.1"),
        (["--host"], "umami=stats.example.com\n"),
        (["--host"], "umami=stats example.com"),
        (["--host"], "umami"),
        (["--email"], "ops@example.com\n  - privileged"),
        (["--email"], "ops@exa mple.com"),
        (["--email"], "ops{x}@example.com"),
        (["--email"], "not-an-address"),
    ])
    func badInput(_ flag: [String], _ value: String) throws {
        let out = try temp("bad")
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        let store = try RenderTestSupport.fixtureStore()
        let e = usageError {
            switch flag[0] {
            case "--domain": try RenderTestSupport.render(["umami"], out: out, store: store, domain: value)
            case "--host": try RenderTestSupport.render(["umami"], out: out, store: store, hosts: [value])
            default: try RenderTestSupport.render(["umami"], out: out, store: store, email: value)
            }
        }
        #expect(e?.status == .usage, "\(flag) \(value.debugDescription) was accepted")
        #expect(!FileManager.default.fileExists(atPath: out.path), "something was written")
    }

    @Test("the injection from the issue is refused with a clear message, through the real binary")
    func injectionEndToEnd() throws {
        let dir = try TestSupport.tempDirectory("render-e2e")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try TestSupport.run(["render", "umami", "--domain", "x.com\n    privileged: true", "--out", "box",
                                     "--catalog", RenderTestSupport.fixtureCatalog.path], cwd: dir)
        #expect(r.status == 2)
        #expect(r.stderr.contains("--domain 'x.com\\n    privileged: true' contains a line break"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test("the real binary renders a box and reports it as JSON; re-running changes nothing")
    func endToEndJSON() throws {
        let dir = try TestSupport.tempDirectory("render-e2e-json")
        defer { try? FileManager.default.removeItem(at: dir) }
        let args = ["render", "umami", "--domain", "example.com", "--out", "box", "--docker", RenderTestSupport.docker, "--format", "json"]
        let first = try TestSupport.run(args, cwd: dir)
        #expect(first.status == 0, "\(first.stderr)")
        let report = try TestSupport.json(first.stdout)
        #expect((report["files"] as? [[String: Any]])?.allSatisfy { $0["action"] as? String == "created" } == true)
        let second = try TestSupport.run(args, cwd: dir)
        #expect(second.status == 0)
        let again = try TestSupport.json(second.stdout)
        #expect((again["files"] as? [[String: Any]])?.allSatisfy { $0["action"] as? String == "unchanged" } == true)
    }

    @Test("an unknown app exits 2 with did-you-mean; a non-renderable one says how it installs")
    func unknownAndNotRenderable() throws {
        let out = try temp("unknown")
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        let store = try RenderTestSupport.fixtureStore()
        let e = usageError { try RenderTestSupport.render(["umamy"], out: out, store: store) }
        #expect(e?.status == .usage)
        #expect(e?.message.contains("did you mean 'umami'") == true)
        let d = usageError { try RenderTestSupport.render(["umami", "discourse"], out: out, store: store) }
        #expect(d?.status == .usage)
        #expect(d?.message.contains("./discourse-setup") == true)
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test("a catalog image that would inject YAML is refused and nothing is written")
    func evilCatalogImage() throws {
        let out = try temp("evil")
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        let base = ResourceStore(files: ResourceStore.embedded.files.filter {
            !$0.key.hasPrefix("catalog/apps/") && !$0.key.hasPrefix("catalog/saas/")
        })
        let store = try base.overlaying(catalogDirectory: TestSupport.fixtures.appendingPathComponent("render/evil-catalog"))
        let e = usageError { try RenderTestSupport.render(["umami"], out: out, store: store) }
        #expect(e?.status == .usage)
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    /// The fixture store with umami's compose template edited by `edit`.
    func storeWithUmamiTemplate(_ edit: (String) -> String) throws -> ResourceStore {
        var files = try RenderTestSupport.fixtureStore().files
        let key = "templates/apps/umami/compose.yaml.mustache"
        let original = try #require(files[key])
        files[key] = .init(path: key, displayPath: key, contents: edit(original.contents))
        return ResourceStore(files: files)
    }

    @Test("a rendered compose file is read back: template mistakes fail the render, nothing is written", arguments: [
        ("postgresql://umami:${POSTGRES_PASSWORD}@db", "postgresql://umami:${APP_SECRET}@db", "no app service uses ${POSTGRES_PASSWORD}"),
        ("APP_SECRET: \"${APP_SECRET}\"", "APP_SECRET: \"${APP_SECRT}\"", "catalog entry umami does not declare ${APP_SECRT}, which templates/apps/umami/compose.yaml.mustache uses"),
        ("      - umami-db-data:/var/lib/postgresql/data", "      - other:/var/lib/postgresql/data", "is not declared under top-level `volumes:`"),
        ("    {{> compose/healthcheck-postgres}}", "", "which has no healthcheck"),
        ("services:", "version: \"3.8\"\nservices:", "top-level `version:` is not allowed"),
    ])
    func templateMistakes(_ from: String, _ to: String, _ message: String) throws {
        let out = try temp("mistake")
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        let store = try storeWithUmamiTemplate {
            #expect($0.contains(from), "fixture template changed: \(from)")
            return $0.replacingOccurrences(of: from, with: to)
        }
        var error: SelfhostError?
        do { try RenderTestSupport.render(["umami"], out: out, store: store) } catch let e as SelfhostError { error = e }
        // A variable the catalog entry doesn't declare is a catalog error (exit 2, as catalog check
        // reports it); the other mistakes are the template's (exit 1).
        #expect(error?.status == (message.contains("does not declare") ? .usage : .problems))
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "no error")")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test("--dry-run lists the files and writes nothing")
    func dryRun() throws {
        let out = try temp("dry")
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        let (status, text, _) = try RenderTestSupport.render(["umami"], out: out, store: try RenderTestSupport.fixtureStore(), dryRun: true)
        #expect(status == .success)
        #expect(text.contains("umami/compose.yaml") && text.contains("systemd/selfhost-umami.service"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test("re-rendering keeps every secret, adds only missing keys, and grows the box")
    func rerender() throws {
        let out = try temp("rerender")
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        let store = try RenderTestSupport.fixtureStore()
        try RenderTestSupport.render(["umami"], out: out, store: store, hosts: ["umami=stats.example.com"])
        let envURL = out.appendingPathComponent("umami/.env")
        let first = try String(contentsOf: envURL, encoding: .utf8)
        #expect(first.contains("POSTGRES_PASSWORD=") && first.contains("APP_SECRET="))

        // A second render: the .env is byte for byte the same, and made private again if someone
        // loosened its mode.
        chmod(envURL.path, 0o644)
        let (s2, _, _) = try RenderTestSupport.render(["umami"], out: out, store: store)
        #expect(s2 == .success)
        #expect(try String(contentsOf: envURL, encoding: .utf8) == first)
        #expect((try FileManager.default.attributesOfItem(atPath: envURL.path)[.posixPermissions] as? Int) == 0o600)

        // A key removed by hand comes back, the others stay as they were; a person's line stays.
        var lines = first.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let appSecret = lines.first { $0.hasPrefix("APP_SECRET=") }!
        lines.removeAll { $0.hasPrefix("APP_SECRET=") }
        lines.append("MY_OWN=1")
        try lines.joined(separator: "\n").write(to: envURL, atomically: true, encoding: .utf8)
        try RenderTestSupport.render(["umami"], out: out, store: store)
        let third = try String(contentsOf: envURL, encoding: .utf8)
        #expect(third.contains("MY_OWN=1"))
        #expect(third.contains(first.split(separator: "\n").first { $0.hasPrefix("POSTGRES_PASSWORD=") }!))
        #expect(third.contains("APP_SECRET=") && !third.contains(appSecret), "a new APP_SECRET is generated")

        // Adding gitea under another domain (--force: the box mixes two on purpose) keeps umami
        // (its host from the first render) in Caddy and systemd.
        let (s4, _, _) = try RenderTestSupport.render(["gitea"], out: out, store: store, domain: "example.org", force: true)
        #expect(s4 == .success)
        let files = RenderTestSupport.snapshot(out)
        let caddy = try #require(files["caddy/Caddyfile"])
        #expect(caddy.contains("stats.example.com {") && caddy.contains("gitea.example.org {"))
        #expect(files["caddy/compose.yaml"]?.contains("selfhost_umami_web") == true)
        #expect(files["caddy/compose.yaml"]?.contains("selfhost_gitea_web") == true)
        #expect(files["systemd/selfhost-caddy.service"]?.contains("selfhost-gitea.service selfhost-umami.service") == true)
        #expect(files["umami/.env"] == third)
        let manifest = try #require(try RenderManifest.read(in: out))
        #expect(Set(manifest.apps.keys) == ["umami", "gitea"])
        #expect(manifest.apps["gitea"]?.publishedPorts["22/tcp"] == 2222)
    }

    @Test("a later render without --domain serves new apps under the box's domain")
    func rememberedDomain() throws {
        let out = try temp("domain")
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        let store = try RenderTestSupport.fixtureStore()
        try RenderTestSupport.render(["umami"], out: out, store: store, domain: "example.net")
        let (status, _, _) = try RenderTestSupport.render(["gitea"], out: out, store: store, domain: nil)
        #expect(status == .success)
        let caddy = try String(contentsOf: out.appendingPathComponent("caddy/Caddyfile"), encoding: .utf8)
        #expect(caddy.contains("gitea.example.net {") && caddy.contains("umami.example.net {"))
        // A fresh box without --domain or --host has no name for the app: exit 2, nothing written.
        let fresh = try temp("nodomain")
        defer { try? FileManager.default.removeItem(at: fresh.deletingLastPathComponent()) }
        let e = usageError { try RenderTestSupport.render(["umami"], out: fresh, store: store, domain: nil) }
        #expect(e?.status == .usage && e?.message.contains("no host name for umami") == true)
        #expect(!FileManager.default.fileExists(atPath: fresh.path))
    }

    @Test(".env values with spaces or quotes are quoted so compose reads them back unchanged")
    func envQuoting() {
        #expect(RenderEnvFile.quote("plain-value_1") == "plain-value_1")
        #expect(RenderEnvFile.quote("[\"127.0.0.1\", \"loopback\"]") == "'[\"127.0.0.1\", \"loopback\"]'")
        #expect(RenderEnvFile.quote("it's $HOME") == "\"it's \\$HOME\"")
        let merged = RenderEnvFile.merge(existing: "A=1\n", entries: [.init(key: "A", value: "2"), .init(key: "B", value: "x y")], header: "")
        #expect(merged.text == "A=1\n\n# Added by selfhost render\nB='x y'\n")
        #expect(merged.added == ["B"])
    }

    @Test("the README asks for required settings until they are filled in .env")
    func requiredSettings() throws {
        let out = try temp("required")
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        try RenderTestSupport.render(["zulip"], out: out)
        let readme = out.appendingPathComponent("README.md"), env = out.appendingPathComponent("zulip/.env")
        #expect(try String(contentsOf: readme, encoding: .utf8).contains("set `SETTING_EMAIL_HOST`"))
        let text = try String(contentsOf: env, encoding: .utf8).replacingOccurrences(of: "\nSETTING_EMAIL_HOST=\n", with: "\nSETTING_EMAIL_HOST=smtp.example.com\n")
        try AtomicFile.write(text, to: env, permissions: 0o600)
        let (status, _, _) = try RenderTestSupport.render(["zulip"], out: out)
        #expect(status == .success)
        let after = try String(contentsOf: readme, encoding: .utf8)
        #expect(!after.contains("set `SETTING_EMAIL_HOST`") && after.contains("set `SETTING_EMAIL_HOST_USER`"))
        #expect(try String(contentsOf: env, encoding: .utf8) == text)
    }

    @Test("an edited file is left alone (exit 1) unless --force; --force never touches .env values")
    func editedFiles() throws {
        let out = try temp("edited")
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        let store = try RenderTestSupport.fixtureStore()
        try RenderTestSupport.render(["umami"], out: out, store: store)
        let compose = out.appendingPathComponent("umami/compose.yaml")
        let env = try String(contentsOf: out.appendingPathComponent("umami/.env"), encoding: .utf8)
        let edited = try String(contentsOf: compose, encoding: .utf8) + "# my change\n"
        try edited.write(to: compose, atomically: true, encoding: .utf8)

        let (status, _, _) = try RenderTestSupport.render(["umami"], out: out, store: store, format: .json)
        #expect(status == .problems)
        #expect(try String(contentsOf: compose, encoding: .utf8) == edited)

        // Still refused on the next render (the manifest keeps the old hash).
        let (again, json, _) = try RenderTestSupport.render(["umami"], out: out, store: store, format: .json)
        #expect(again == .problems)
        let report = try TestSupport.json(json)
        let files = try #require(report["files"] as? [[String: Any]])
        let entry = try #require(files.first { $0["path"] as? String == "umami/compose.yaml" })
        #expect(entry["action"] as? String == "skipped")
        #expect((entry["reason"] as? String)?.contains("edited since the last render") == true)

        let (forced, _, _) = try RenderTestSupport.render(["umami"], out: out, store: store, force: true)
        #expect(forced == .success)
        #expect(try String(contentsOf: compose, encoding: .utf8) != edited)
        #expect(try String(contentsOf: out.appendingPathComponent("umami/.env"), encoding: .utf8) == env)
    }

    @Test("JSON output lists apps, hosts and files")
    func json() throws {
        let out = try temp("json")
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        let (_, text, _) = try RenderTestSupport.render(["umami", "gitea"], out: out, store: try RenderTestSupport.fixtureStore(),
                                                        hosts: ["umami=stats.example.com"], format: .json)
        let r = try TestSupport.json(text)
        #expect(r["hosts"] as? [String] == ["gitea.example.com", "stats.example.com"])
        #expect(r["dry_run"] as? Bool == false)
        let apps = try #require(r["apps"] as? [[String: Any]])
        #expect(apps.map { $0["id"] as? String } == ["gitea", "umami"])
        #expect(apps.first?["published_ports"] as? [String] == ["2222:22/tcp"])
        let files = try #require(r["files"] as? [[String: Any]])
        #expect(files.contains { $0["path"] as? String == "umami/.env" && $0["action"] as? String == "created" })
        #expect(!text.contains("POSTGRES_PASSWORD="), "no secret in the report")
    }

    @Test("the units run /usr/bin/docker whatever this machine's PATH has; a docker elsewhere here draws a note, none draws none")
    func dockerLookup() throws {
        let dir = try TestSupport.tempDirectory("render-docker")
        defer { try? FileManager.default.removeItem(at: dir) }
        let bin = dir.appendingPathComponent("bin")
        try AtomicFile.write("#!/bin/sh\n", to: bin.appendingPathComponent("docker"), permissions: 0o755)
        let store = try RenderTestSupport.fixtureStore()
        func render(path: String, out: String) throws -> (RenderCommand.Report, String) {
            let (ctx, _, _) = TestSupport.context(cwd: dir, env: ["PATH": path])
            let (report, _) = try RenderCommand.render(.init(apps: ["umami"], domain: "example.com", out: out), store: store, context: ctx)
            let unit = try String(contentsOf: dir.appendingPathComponent("\(out)/systemd/selfhost-umami.service"), encoding: .utf8)
            return (report, unit)
        }
        let (elsewhere, unit) = try render(path: "/nonexistent:\(bin.path)", out: "a")
        #expect(elsewhere.docker == "/usr/bin/docker")
        #expect(unit.contains("ExecStart=/usr/bin/docker compose up -d --remove-orphans"))
        #expect(elsewhere.notes.first?.contains("docker on this machine is \(bin.path)/docker") == true, "\(elsewhere.notes)")
        let (missing, unit2) = try render(path: "/nonexistent", out: "b")
        #expect(missing.docker == "/usr/bin/docker" && missing.notes.isEmpty, "\(missing.notes)")
        #expect(unit2.contains("ExecStart=/usr/bin/docker compose up -d --remove-orphans"))
    }

    @Test("secrets have the catalog's format and length and differ between apps and renders")
    func secrets() {
        for (format, length) in [(App.SecretFormat.hex, 64), (.alphanumeric, 32), (.base64, 44), (.base64, 64), (.base64, 30)] {
            let a = RenderSecret.generate(format, length: length), b = RenderSecret.generate(format, length: length)
            #expect(a.count == length && a != b)
            switch format {
            case .hex: #expect(a.allSatisfy { $0.isHexDigit && !$0.isUppercase })
            case .alphanumeric: #expect(a.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
            case .base64:
                #expect(a.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "+/=".contains($0)) })
                if length % 4 == 0 { #expect(Data(base64Encoded: a)?.count == RenderSecret.base64ByteCount(length: length)) }
            }
        }
    }

    @Test("SHA-256 matches the standard test vectors")
    func sha256() {
        #expect(RenderHash.sha256("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(RenderHash.sha256("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(RenderHash.sha256(String(repeating: "a", count: 1000)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }
}
