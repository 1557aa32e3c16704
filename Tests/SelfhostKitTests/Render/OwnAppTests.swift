import Foundation
import Testing
@testable import SelfhostKit

/// Your own app in the box (issue 16.3): the app file's schema (docs/OWNAPP.md), each error at its
/// position, and what render writes for it beside catalog apps.
@Suite("Render: your own app (app file)")
struct OwnAppTests {
    static let shop = TestSupport.fixtures.appendingPathComponent("ownapp/shop.yaml")

    func parse(_ text: String, file: String = "/tmp/myapp.yaml") throws -> OwnApp {
        try OwnApp.parse(text, file: file, baseDirectory: "/tmp", catalog: TestSupport.catalog, store: .embedded)
    }

    /// The error `text` gives: message and `line:column`.
    func failure(_ text: String) -> (message: String, line: Int?, column: Int?, remedy: String?) {
        do {
            _ = try parse(text)
            Issue.record("no error for:\n\(text)")
            return ("", nil, nil, nil)
        } catch let e as SelfhostError {
            #expect(e.status == .usage, "bad input is exit 2")
            #expect(e.location?.file == "/tmp/myapp.yaml")
            return (e.message, e.location?.line, e.location?.column, e.remedy)
        } catch {
            Issue.record("not a SelfhostError: \(error)")
            return ("", nil, nil, nil)
        }
    }

    static let minimal = "id: shop\nimage: ghcr.io/example/shop:1.4.2\nport: 8000\nhealth: /healthz\n"

    @Test func theWorkedExampleReads() throws {
        let app = try OwnApp.load(path: Self.shop.path, catalog: TestSupport.catalog, store: .embedded)
        #expect(app.id == "shop")
        #expect(app.image.reference == "ghcr.io/example/shop:1.4.2")
        #expect(app.port == 8000 && app.healthPath == "/healthz" && app.ramMB == 512)
        #expect(app.companions.map(\.kind) == ["postgres", "redis"])
        #expect(app.companions[0].image == "postgres" && app.companions[0].tag == "17-alpine")
        #expect(app.env.first { $0.name == "DJANGO_SECRET_KEY" }?.secret == App.Secret(format: .alphanumeric, length: 50))
        #expect(app.env.first { $0.name == "DJANGO_ALLOWED_HOSTS" }?.from == "host")
        #expect(app.closedBy == .preseed && app.preseed == ["DJANGO_SUPERUSER_USERNAME", "DJANGO_SUPERUSER_PASSWORD"])
        #expect(app.volumes == [OwnApp.Volume(name: "shop-media", path: "/app/media")])
        #expect(app.maxUploadMB == 50)
        // A minimal file: a gate by default, render's default memory.
        let minimal = try parse(Self.minimal)
        #expect(minimal.closedBy == .gate && minimal.ramMB == nil && minimal.companions.isEmpty)
    }

    @Test func eachErrorIsLocated() {
        // An unknown key: its line and column, with the nearest key.
        var f = failure(Self.minimal + "helth_command: [CMD, true]\n")
        #expect(f.message.contains("unknown key 'helth_command'") && f.message.contains("health_command"), "\(f.message)")
        #expect(f.line == 5 && f.column == 1)
        // A missing key: at the document.
        f = failure("id: shop\nimage: a/b:1\nhealth: /\n")
        #expect(f.message.contains("missing required key 'port'"), "\(f.message)")
        // A wrong type, at the value.
        f = failure("id: shop\nimage: a/b:1\nport: eighty\nhealth: /\n")
        #expect(f.message.contains("'port' must be an integer") && f.line == 3 && f.column == 7, "\(f)")
        // An unpinned image.
        f = failure("id: shop\nimage: ghcr.io/example/shop\nport: 80\nhealth: /\n")
        #expect(f.message.contains("image 'ghcr.io/example/shop'") && f.line == 2 && f.column == 8, "\(f)")
        f = failure("id: shop\nimage: ghcr.io/example/shop:latest\nport: 80\nhealth: /\n")
        #expect(f.line == 2, "a floating tag is refused as the catalog refuses it: \(f)")
        // Both image and build, or neither.
        f = failure("id: shop\nport: 80\nhealth: /\n")
        #expect(f.message.contains("`image:`") && f.message.contains("`build:`"), "\(f)")
        // An id that is a catalog app's, or not an id.
        f = failure("id: umami\nimage: a/b:1\nport: 80\nhealth: /\n")
        #expect(f.message.contains("catalog's Umami") && f.line == 1 && f.column == 5, "\(f)")
        f = failure("id: My_App\nimage: a/b:1\nport: 80\nhealth: /\n")
        #expect(f.message.contains("is not an app id") && f.line == 1, "\(f)")
        // Port and health.
        f = failure("id: shop\nimage: a/b:1\nport: 70000\nhealth: /\n")
        #expect(f.message.contains("port 70000 is out of range") && f.line == 3, "\(f)")
        f = failure("id: shop\nimage: a/b:1\nport: 80\nhealth: healthz\n")
        #expect(f.message.contains("is not a URL path") && f.line == 4 && f.column == 9, "\(f)")
        // Env: a name twice, a reserved name, a value with $, two sources.
        f = failure(Self.minimal + "env:\n  - {name: A, value: x}\n  - {name: A, value: y}\n")
        #expect(f.message.contains("A is set twice") && f.line == 7, "\(f)")
        f = failure(Self.minimal + "env:\n  - {name: POSTGRES_PASSWORD, value: x}\n")
        #expect(f.message.contains("POSTGRES_PASSWORD is a name render sets itself") && f.line == 6, "\(f)")
        f = failure(Self.minimal + "env:\n  - name: A\n    value: \"a$b\"\n")
        #expect(f.message.contains("the value has") && f.line == 7, "\(f)")
        f = failure(Self.minimal + "env:\n  - name: A\n    value: x\n    from: host\n")
        #expect(f.message.contains("give one of value, secret or from") && f.line == 6, "\(f)")
        f = failure(Self.minimal + "env:\n  - {name: K, secret: {format: hex, length: 4}}\n")
        #expect(f.message.contains("length 4 is out of range") && f.line == 6, "\(f)")
        f = failure(Self.minimal + "env:\n  - {name: K, secret: {format: base32, length: 40}}\n")
        #expect(f.message.contains("expected one of: hex, base64, alphanumeric") && f.line == 6, "\(f)")
        // Companions: an unknown kind, an unknown role, no env, twice.
        f = failure(Self.minimal + "companions:\n  - {kind: oracle, env: {url: DB}}\n")
        #expect(f.message.contains("'companions[0].kind' is 'oracle'") && f.line == 6, "\(f)")
        f = failure(Self.minimal + "companions:\n  - kind: redis\n    env: {database: DB}\n")
        #expect(f.message.contains("redis has no database to pass") && f.line == 7, "\(f)")
        f = failure(Self.minimal + "companions:\n  - kind: postgres\n")
        #expect(f.message.contains("gives the app no env name") && f.line == 6, "\(f)")
        f = failure(Self.minimal + "companions:\n  - {kind: postgres, env: {url: A}}\n  - {kind: postgres, env: {url: B}}\n")
        #expect(f.message.contains("listed twice") && f.line == 7, "\(f)")
        // Volumes and first start.
        f = failure(Self.minimal + "volumes:\n  - {name: media, path: media}\n")
        #expect(f.message.contains("must be an absolute path") && f.line == 6, "\(f)")
        f = failure(Self.minimal + "first_start:\n  closed_by: preseed\n  preseed: [ADMIN_PASSWORD]\n")
        #expect(f.message.contains("preseed ADMIN_PASSWORD is not an env entry") && f.line == 7 && f.column == 13, "\(f)")
        f = failure(Self.minimal + "first_start: {closed_by: none-needed}\n")
        #expect(f.message.contains("must say why"), "\(f)")
    }

    @Test func severalProblemsAreCountedAndBrokenYAMLIsLocated() {
        let f = failure("id: shop\nimage: a/b:1\nport: x\nhealth: y\nwat: 1\n")
        #expect(f.message.contains("(and 1 more problem)") || f.message.contains("more problems"), "\(f.message)")
        let broken = failure("id: shop\nimage: [a\nport: 80\n")
        #expect(broken.line != nil, "libyaml's error keeps its position: \(broken)")
    }

    @Test func buildContextIsResolvedBesideTheFile() throws {
        let dir = try TestSupport.tempDirectory("ownapp-build")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("src"), withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("app.yaml")
        try "id: shop\nbuild: {context: src}\nport: 80\nhealth: /\n".write(to: file, atomically: true, encoding: .utf8)
        let app = try OwnApp.load(path: file.path, catalog: TestSupport.catalog, store: .embedded)
        #expect(app.buildContext == dir.appendingPathComponent("src").standardizedFileURL.path)
        #expect(app.composeTemplate().contains("build:\n      context: \(app.buildContext!)\n"))
        try "id: shop\nbuild: {context: missing}\nport: 80\nhealth: /\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(throws: SelfhostError.self) { try OwnApp.load(path: file.path, catalog: TestSupport.catalog, store: .embedded) }
    }

    // MARK: render

    @Test func rendersBesideACatalogAppWithTheSameIsolationAndUnits() throws {
        let dir = try TestSupport.tempDirectory("ownapp-render")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("box")
        let (status, stdout, stderr) = try RenderTestSupport.render([Self.shop.path, "umami"], out: out, email: "ops@example.com")
        #expect(status == .success, "\(stdout)\(stderr)")
        let files = RenderTestSupport.snapshot(out)
        let compose = try #require(files["shop/compose.yaml"])
        // The app on its web network, its companions only on the internal backend.
        #expect(compose.contains("      DATABASE_URL: \"postgresql://shop:${POSTGRES_PASSWORD}@postgres:5432/shop\""), "\(compose)")
        #expect(compose.contains("      REDIS_URL: \"redis://:${REDIS_PASSWORD}@redis:6379/0\""))
        #expect(compose.contains("      DJANGO_SECRET_KEY: \"${DJANGO_SECRET_KEY}\""))
        #expect(compose.contains("    image: postgres:17-alpine") && compose.contains("    image: redis:7-alpine"))
        #expect(compose.contains("    internal: true") && compose.contains("name: selfhost_shop_web"))
        #expect(compose.contains("      - shop-web"))
        #expect(compose.contains("mem_limit: 489m"), "ram_mb 512 (MB) is 489 MiB: \(compose)")
        #expect(compose.contains("http://127.0.0.1:8000/healthz"))
        #expect(compose.contains("      - shop-media:/app/media"))
        // Secrets generated, host-derived values filled in, nothing a person must copy.
        let env = try #require(files["shop/.env"])
        let values = RenderEnvFile.values(in: env)
        #expect(values["DJANGO_SECRET_KEY"]?.count == 50)
        #expect(values["POSTGRES_PASSWORD"]?.count == 32 && values["REDIS_PASSWORD"]?.count == 32)
        #expect(values["DJANGO_ALLOWED_HOSTS"] == "shop.example.com")
        #expect(values["DJANGO_CSRF_TRUSTED_ORIGINS"] == "https://shop.example.com")
        #expect(values["DJANGO_SUPERUSER_EMAIL"] == "ops@example.com")
        #expect(values["DJANGO_DEBUG"] == "0")
        // Caddy site, units, backup (pg_dump of its database and its volume; Redis is a cache).
        let caddy = try #require(files["caddy/Caddyfile"])
        #expect(caddy.contains("shop.example.com {") && caddy.contains("reverse_proxy shop-web:8000"), "\(caddy)")
        #expect(caddy.contains("request_body") && caddy.contains("50MB"), "max_upload_mb 50")
        #expect(files["systemd/selfhost-shop.service"] != nil && files["systemd/selfhost-shop-backup.timer"] != nil)
        let backup = try #require(files["shop/backup.sh"])
        #expect(backup.contains("service_exec postgres") && backup.contains("pg_dump"), "\(backup)")
        #expect(backup.contains("volume-shop-media.tar.gz") && !backup.contains("shop-redis-data"))
        // Preseeded: no gate for shop; umami (default credentials) keeps its gate.
        #expect(caddy.components(separatedBy: "basicauth {").count == 2, "one gate, umami's: \(caddy)")
        #expect(files["shop/gate-password"] == nil && files["umami/gate-password"] != nil)
        // The manifest remembers the file; the box holds a copy.
        let manifest = try #require(try RenderManifest.read(in: out))
        #expect(manifest.ownApps?["shop"]?.file == Self.shop.standardizedFileURL.path)
        #expect(files["shop/\(OwnApp.copyName)"] == (try String(contentsOf: Self.shop, encoding: .utf8)))
        // The box's memory counts its services from its template, as for catalog apps.
        let memory = try BoxMemory.plan(apps: ["shop"], catalog: OwnAppTests.catalogWithShop(), store: OwnAppTests.storeWithShop())
        #expect(memory.apps[0].services.map(\.service).sorted() == ["app", "postgres", "redis"])
        #expect(stdout.contains("This box needs"))
    }

    static func shopApp() throws -> OwnApp { try OwnApp.load(path: shop.path, catalog: TestSupport.catalog, store: .embedded) }
    static func catalogWithShop() throws -> Catalog {
        let c = TestSupport.catalog
        return Catalog(apps: c.apps + [try shopApp().catalogApp(today: "2026-12-02")], saas: c.saas, categories: c.categories, licenseIDs: c.licenseIDs)
    }
    static func storeWithShop() throws -> ResourceStore { ResourceStore.embedded.adding(try shopApp().templateFiles()) }

    @Test func theRenderedBoxPassesTheRealValidatorsAndLint() throws {
        let dir = try TestSupport.tempDirectory("ownapp-lint")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("box")
        let (ctx, _, _) = TestSupport.context(cwd: dir, env: ["PATH": "/usr/bin:/bin"])
        _ = try RenderCommand.run(.init(apps: [Self.shop.path, "umami"], domain: "example.com", email: "ops@example.com",
                                        out: out.path, docker: "/usr/bin/docker"), store: .embedded, context: ctx)
        let report = try LintEngine.lint(paths: [out.path], context: ctx)
        let serious = report.findings.filter { $0.severity >= .info }
        #expect(serious.isEmpty, "\(serious.map(\.compilerStyle).joined(separator: "\n"))")
        #expect(report.files.contains { $0.path.hasSuffix("shop/compose.yaml") }, "lint read the own app's compose file")
        #expect(report.files.contains { $0.path.hasSuffix("shop/selfhost-app.yaml") && $0.kind == .ownapp }, "and its app file")
        #expect(try RenderTestSupport.validateCaddyfile(out).isEmpty)
        if let compose = RenderTestSupport.tool("docker-compose", package: "docker-compose") {
            let r = try RenderTestSupport.run(compose, ["config", "-q"], cwd: out.appendingPathComponent("shop"))
            #expect(r.status == 0, "\(r.output)")
        }
    }

    @Test func aGateUnlessTheFileSaysHowTheAdminIsPreseeded() throws {
        let dir = try TestSupport.tempDirectory("ownapp-gate")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("tool.yaml")
        try (Self.minimal.replacingOccurrences(of: "id: shop", with: "id: tool")).write(to: file, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("box")
        let (status, _, err) = try RenderTestSupport.render([file.path], out: out)
        #expect(status == .success, "\(err)")
        let caddy = try String(contentsOf: out.appendingPathComponent("caddy/Caddyfile"), encoding: .utf8)
        #expect(caddy.contains("basicauth {"), "\(caddy)")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("tool/gate-password").path))
        let manifest = try #require(try RenderManifest.read(in: out))
        #expect(manifest.gates?["tool"]?.state == .closed)
    }

    @Test func reRenderFindsTheFileThenItsCopy() throws {
        let dir = try TestSupport.tempDirectory("ownapp-rerender")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("shop.yaml")
        try FileManager.default.copyItem(at: Self.shop, to: file)
        let out = dir.appendingPathComponent("box")
        try RenderTestSupport.render([file.path, "umami"], out: out)
        let secret = RenderEnvFile.values(in: try String(contentsOf: out.appendingPathComponent("shop/.env"), encoding: .utf8))["DJANGO_SECRET_KEY"]
        // No app named: the box re-renders both, the own app from the remembered file, secrets kept.
        var (status, stdout, stderr) = try RenderTestSupport.render([], out: out, domain: nil, format: .json)
        #expect(status == .success, "\(stderr)")
        let apps = (try TestSupport.json(stdout)["apps"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        #expect(apps == ["shop", "umami"])
        #expect(RenderEnvFile.values(in: try String(contentsOf: out.appendingPathComponent("shop/.env"), encoding: .utf8))["DJANGO_SECRET_KEY"] == secret)
        // The file gone: the copy in the box is read, and the owner is told.
        try FileManager.default.removeItem(at: file)
        (status, stdout, stderr) = try RenderTestSupport.render(["shop"], out: out, domain: nil, format: .json)
        #expect(status == .success, "\(stderr)")
        #expect(stderr.contains("shop/\(OwnApp.copyName)"), "\(stderr)")
        // Taken out, then the copy is still how it comes back.
        (status, _, stderr) = try RenderTestSupport.render([], out: out, domain: nil, format: .json)
        #expect(status == .success, "\(stderr)")
    }

    @Test func renderRefusesABrokenFileWithItsPositionAndWritesNothing() throws {
        let dir = try TestSupport.tempDirectory("ownapp-broken")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("app.yaml")
        try "id: shop\nimage: a/b:1\nport: 80\nhealth: /\nenv:\n  - {name: 1BAD, value: x}\n".write(to: file, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("box")
        do {
            try RenderTestSupport.render([file.path, "umami"], out: out)
            Issue.record("rendered a broken app file")
        } catch let e as SelfhostError {
            #expect(e.status == .usage)
            #expect(e.location?.description == "\(file.path):6:12", "\(String(describing: e.location))")
        }
        #expect(!FileManager.default.fileExists(atPath: out.path))
        #expect(throws: SelfhostError.self) { try RenderTestSupport.render([dir.appendingPathComponent("nope.yaml").path], out: out) }
    }
}
