import Foundation
import Testing
@testable import SelfhostKit

/// `selfhost upgrade`: planning (images, majors, the catalog's notes), the manifest's images and
/// history across renders, upgrades and rollbacks, and the refusals. The steps that need a Docker
/// Engine (pull, up, the health wait) run in e2e/test_lifecycle.py.
@Suite("Upgrade")
struct UpgradeTests {
    // MARK: planning

    static func app(tag: String, db: String = "15-alpine", notes: [App.Upgrade] = []) throws -> App {
        var app = try #require(TestSupport.catalog.app("nextcloud"))
        app.image = App.Image(name: "nextcloud", tag: tag)
        if let i = app.companions.firstIndex(where: { $0.service == "db" }) { app.companions[i].tag = db }
        app.upgrade = notes
        return app
    }

    static func pins(_ app: App) -> [String: String] { ImagePins.of(app) }

    static let stepNotes = [
        App.Upgrade(from: "33", to: "34", steps: ["One major at a time."], docs: nil,
                    commands: [.init(service: "app", run: "php occ db:add-missing-indices")]),
        App.Upgrade(from: "34", to: "35", steps: ["One major at a time."], docs: nil),
    ]

    @Test("the same images: current, nothing planned")
    func current() throws {
        let app = try Self.app(tag: "35.0.1-apache")
        let plan = UpgradePlan.upgrade(app: app, current: Self.pins(app))
        #expect(plan.isCurrent && plan.blocked.isEmpty && plan.path.isEmpty)
    }

    @Test("a newer minor: the app's image (and the cron service sharing it) change, path within one major, notes of that major only")
    func minor() throws {
        let old = try Self.app(tag: "35.0.1-apache")
        let new = try Self.app(tag: "35.0.3-apache", notes: Self.stepNotes + [App.Upgrade(from: "35.x", to: "35.x (newer)", steps: ["Just pull."], docs: nil)])
        let plan = UpgradePlan.upgrade(app: new, current: Self.pins(old))
        #expect(plan.changes.map(\.service) == ["app"] || plan.changes.first?.service == "app")
        #expect(plan.changes.first == .init(service: "app", from: "nextcloud:35.0.1-apache", to: "nextcloud:35.0.3-apache"))
        #expect(plan.path == ["35"])
        #expect(plan.notes.map(\.from) == ["35.x"])
        #expect(plan.blocked.isEmpty)
    }

    @Test("two majors where the notes go one at a time: blocked with the next major to take; --to that major goes, with its note and command")
    func majorSteps() throws {
        let old = try Self.app(tag: "33.0.4-apache")
        let new = try Self.app(tag: "35.0.1-apache", notes: Self.stepNotes)
        let plan = UpgradePlan.upgrade(app: new, current: Self.pins(old))
        #expect(plan.path == ["33", "34", "35"])
        #expect(plan.notes.count == 2)
        #expect(plan.blocked.count == 1)
        #expect(plan.blocked.first?.contains("Go to 34 first") == true, "\(plan.blocked)")
        #expect(plan.blocked.first?.contains("34.0.0-apache") == true, "the shape of the tag to look for: \(plan.blocked)")

        let hop = UpgradePlan.upgrade(app: new, current: Self.pins(old), to: "34.0.5-apache")
        #expect(hop.blocked.isEmpty, "\(hop.blocked)")
        #expect(hop.path == ["33", "34"])
        #expect(hop.notes.map(\.to) == ["34"])
        #expect(hop.commands == [.init(service: "app", run: "php occ db:add-missing-indices")])
        #expect(hop.target["app"] == "nextcloud:34.0.5-apache")
        #expect(hop.target["cron"] == "nextcloud:34.0.5-apache", "the service running the app's image follows --to")
        #expect(hop.target["db"] == "postgres:15-alpine")
    }

    @Test("two majors without a one-at-a-time note: one step")
    func majorsWithoutNotes() throws {
        let plan = UpgradePlan.upgrade(app: try Self.app(tag: "35.0.1-apache"), current: Self.pins(try Self.app(tag: "33.0.4-apache")))
        #expect(plan.blocked.isEmpty && plan.path == ["33", "34", "35"])
    }

    @Test("--to an older tag is not an upgrade")
    func downgrade() throws {
        let app = try Self.app(tag: "35.0.1-apache")
        let plan = UpgradePlan.upgrade(app: app, current: Self.pins(app), to: "34.0.5-apache")
        #expect(plan.blocked.first?.contains("older than") == true, "\(plan.blocked)")
    }

    @Test("a PostgreSQL companion changing major is blocked (its data directory), whichever way")
    func postgresMajor() throws {
        let old = try Self.app(tag: "35.0.1-apache", db: "15-alpine")
        let new = try Self.app(tag: "35.0.1-apache", db: "17-alpine")
        let up = UpgradePlan.upgrade(app: new, current: Self.pins(old))
        #expect(up.changes.map(\.service) == ["db"])
        #expect(up.blocked.first?.contains("PostgreSQL 15 to 17") == true, "\(up.blocked)")
        let minor = UpgradePlan.upgrade(app: try Self.app(tag: "35.0.1-apache", db: "15.9-alpine"), current: Self.pins(old))
        #expect(minor.blocked.isEmpty, "same major: \(minor.blocked)")
    }

    @Test("image references split at the tag's colon, registry ports kept")
    func split() {
        #expect(ImagePins.split("localhost:5000/x/y:1.2")! == ("localhost:5000/x/y", "1.2"))
        #expect(ImagePins.split("postgres:17-alpine")! == ("postgres", "17-alpine"))
        #expect(ImagePins.split("localhost:5000/x") == nil)
        #expect(ImagePins.split("x@sha256:abc") == nil)
    }

    // MARK: a box on disk (docker is /usr/bin/true: backup.sh runs, writes empty files)

    struct Box {
        var dir: URL
        var out: URL { dir.appendingPathComponent("box") }
        var backups: URL { dir.appendingPathComponent("backups") }
        var overlay: URL { dir.appendingPathComponent("catalog") }

        init(_ name: String) throws {
            dir = try TestSupport.tempDirectory("upgrade-\(name)")
            let (ctx, sink, _) = TestSupport.context(cwd: dir, env: ["PATH": "/usr/bin:/bin"])
            let status = try RenderCommand.run(.init(apps: ["umami", "gitea"], domain: "example.com", out: out.path, docker: RenderTestSupport.docker,
                                                     backupDir: backups.path), store: try RenderTestSupport.fixtureStore(), context: ctx)
            #expect(status == .success, "\(sink.text)")
        }

        /// The fixture catalog with umami pinned at `tag` (and `extra` YAML appended to its entry).
        func store(umami tag: String, extra: String = "") throws -> ResourceStore {
            let base = try RenderTestSupport.fixtureStore()
            let text = try #require(base.file("catalog/apps/umami.yaml")?.contents)
            try FileManager.default.createDirectory(at: overlay.appendingPathComponent("apps"), withIntermediateDirectories: true)
            try (text.replacingOccurrences(of: "tag: \"3.4.0\"", with: "tag: \"\(tag)\"") + extra)
                .write(to: overlay.appendingPathComponent("apps/umami.yaml"), atomically: true, encoding: .utf8)
            return try base.overlaying(catalogDirectory: overlay)
        }

        func manifest() throws -> RenderManifest { try #require(try RenderManifest.read(in: out)) }
        func compose(_ app: String) throws -> String { try String(contentsOf: out.appendingPathComponent("\(app)/compose.yaml"), encoding: .utf8) }

        func upgrade(_ options: UpgradeCommand.Options, store: ResourceStore) throws -> (SelfhostKit.ExitStatus, String) {
            var o = options
            o.box = out.path
            let (ctx, stdout, _) = TestSupport.context(cwd: dir, env: ["PATH": "/usr/bin:/bin"])
            let status = try UpgradeCommand.run(o, store: store, context: ctx)
            return (status, stdout.text)
        }

        func refused(_ body: () throws -> Void) -> SelfhostError? {
            do { try body() } catch let e as SelfhostError { return e } catch { return nil }
            return nil
        }
    }

    @Test("render records each app's images; a re-render with newer catalog pins keeps them and says how to upgrade")
    func renderKeepsImages() throws {
        let box = try Box("keep")
        defer { try? FileManager.default.removeItem(at: box.dir) }
        #expect(try box.manifest().images?["umami"] == ["app": "ghcr.io/umami-software/umami:3.4.0", "db": "postgres:15-alpine"])
        let (ctx, out, _) = TestSupport.context(cwd: box.dir, env: ["PATH": "/usr/bin:/bin"])
        _ = try RenderCommand.run(.init(apps: [], out: box.out.path, format: .text), store: try box.store(umami: "3.5.0"), context: ctx)
        #expect(try box.compose("umami").contains("ghcr.io/umami-software/umami:3.4.0"))
        #expect(out.text.contains("umami keeps its images"), "\(out.text)")
        #expect(out.text.contains("selfhost upgrade umami"), "\(out.text)")
        #expect(try box.manifest().images?["umami"]?["app"] == "ghcr.io/umami-software/umami:3.4.0")
    }

    @Test("upgrade: backup, compose re-rendered with the new tag, the old images in the history; --rollback goes back; a second rollback is refused")
    func upgradeAndRollback() throws {
        let box = try Box("cycle")
        defer { try? FileManager.default.removeItem(at: box.dir) }
        let store = try box.store(umami: "3.5.0", extra: """
            upgrade:
              - from: "3.x"
                to: "3.x (newer)"
                steps: [Change the tag; migrations run on start.]
                commands: [{service: app, run: "echo migrate"}]

            """)
        let env = try String(contentsOf: box.out.appendingPathComponent("umami/.env"), encoding: .utf8)
        let giteaCompose = try box.compose("gitea")

        let (dry, dryText) = try box.upgrade(.init(apps: ["umami"], dryRun: true), store: store)
        #expect(dry == .success)
        #expect(dryText.contains("ghcr.io/umami-software/umami:3.4.0 → ghcr.io/umami-software/umami:3.5.0"), "\(dryText)")
        #expect(dryText.contains("run in app: echo migrate"), "\(dryText)")
        #expect(try box.compose("umami").contains("umami:3.4.0"), "--dry-run writes nothing")
        #expect(!FileManager.default.fileExists(atPath: box.backups.appendingPathComponent("umami").path), "--dry-run runs nothing")

        let (status, text) = try box.upgrade(.init(apps: ["umami"]), store: store)
        #expect(status == .success, "\(text)")
        #expect(try box.compose("umami").contains("image: ghcr.io/umami-software/umami:3.5.0"))
        #expect(try box.compose("gitea") == giteaCompose, "other apps untouched")
        #expect(try String(contentsOf: box.out.appendingPathComponent("umami/.env"), encoding: .utf8) == env, "secrets kept")
        let backups = try FileManager.default.contentsOfDirectory(atPath: box.backups.appendingPathComponent("umami").path).filter { !$0.hasPrefix(".") }
        #expect(backups.count == 1, "backup.sh ran first: \(backups)")
        let m = try box.manifest()
        #expect(m.images?["umami"]?["app"] == "ghcr.io/umami-software/umami:3.5.0")
        let entry = try #require(m.history?["umami"]?.last)
        #expect(entry.kind == "upgrade" && entry.from["app"] == "ghcr.io/umami-software/umami:3.4.0" && entry.to["app"] == "ghcr.io/umami-software/umami:3.5.0")
        #expect(entry.backup?.hasSuffix("umami/\(backups[0])") == true, "\(String(describing: entry.backup))")
        #expect(text.contains("compose pull app") && text.contains("compose up -d --remove-orphans"), "steps printed: \(text)")
        #expect(text.contains("run --rm -T --entrypoint /bin/sh app -c 'echo migrate'"), "\(text)")

        // Again: nothing to do.
        let (again, againText) = try box.upgrade(.init(apps: ["umami"], dryRun: true), store: store)
        #expect(again == .success && againText.contains("current"), "\(againText)")

        // Back.
        let (rb, rbText) = try box.upgrade(.init(apps: ["umami"], rollback: true), store: store)
        #expect(rb == .success, "\(rbText)")
        #expect(try box.compose("umami").contains("image: ghcr.io/umami-software/umami:3.4.0"))
        let after = try box.manifest()
        #expect(after.history?["umami"]?.map(\.kind) == ["upgrade", "rollback"])
        #expect(after.images?["umami"]?["app"] == "ghcr.io/umami-software/umami:3.4.0")
        let e = box.refused { _ = try box.upgrade(.init(apps: ["umami"], rollback: true), store: store) }
        #expect(e?.message.contains("already a rollback") == true, "\(String(describing: e))")
        #expect(e?.status == .usage)
    }

    @Test("a compose file edited by hand blocks the upgrade (exit 1), nothing changed, no backup")
    func editedCompose() throws {
        let box = try Box("edited")
        defer { try? FileManager.default.removeItem(at: box.dir) }
        let path = box.out.appendingPathComponent("umami/compose.yaml")
        let edited = try box.compose("umami") + "# mine\n"
        try edited.write(to: path, atomically: true, encoding: .utf8)
        let (status, text) = try box.upgrade(.init(apps: ["umami"]), store: try box.store(umami: "3.5.0"))
        #expect(status == .problems, "\(text)")
        #expect(text.contains("compose.override.yaml"), "\(text)")
        #expect(try box.compose("umami") == edited)
        #expect(!FileManager.default.fileExists(atPath: box.backups.appendingPathComponent("umami").path))
        #expect(try box.manifest().history == nil)
    }

    @Test("refusals: no box, an app the box lacks, --to with two apps, --dry-run with --apply, nothing to roll back, --apply away from the install dir")
    func refusals() throws {
        let box = try Box("refuse")
        defer { try? FileManager.default.removeItem(at: box.dir) }
        let store = try box.store(umami: "3.5.0")
        func message(_ o: UpgradeCommand.Options, box b: URL? = nil) -> String? {
            box.refused {
                var o = o
                let (ctx, _, _) = TestSupport.context(cwd: box.dir, env: ["PATH": "/usr/bin:/bin"])
                if b == nil { o.box = box.out.path } else { o.box = b!.path }
                _ = try UpgradeCommand.run(o, store: store, context: ctx)
            }?.message
        }
        #expect(message(.init(), box: box.dir)?.contains("is not a box") == true)
        #expect(message(.init(apps: ["umaim"]))?.contains("has no app 'umaim'") == true)
        #expect(message(.init(apps: ["umami", "gitea"], to: "3.5.0"))?.contains("exactly one app") == true)
        #expect(message(.init(apps: ["umami"], to: "bad tag!"))?.contains("--to") == true)
        #expect(message(.init(dryRun: true, apply: true))?.contains("contradict") == true)
        #expect(message(.init(apps: ["umami"], rollback: true))?.contains("no upgrade to roll back") == true)
        #expect(message(.init(timeout: 0))?.contains("--timeout") == true)

        // Rendered for another place: --apply only runs there.
        let (ctx, _, _) = TestSupport.context(cwd: box.dir, env: ["PATH": "/usr/bin:/bin"])
        _ = try RenderCommand.run(.init(apps: [], out: box.out.path, installDir: "/srv/elsewhere"), store: try RenderTestSupport.fixtureStore(), context: ctx)
        #expect(message(.init(apps: ["umami"], apply: true))?.contains("--apply runs only there") == true)
    }

    @Test("JSON: every app with its status, changes, steps and rollback")
    func json() throws {
        let box = try Box("json")
        defer { try? FileManager.default.removeItem(at: box.dir) }
        let (status, text) = try box.upgrade(.init(dryRun: true, format: .json), store: try box.store(umami: "3.5.0"))
        #expect(status == .success)
        let object = try TestSupport.json(text)
        #expect(Set(object.keys) == ["box", "install_dir", "dry_run", "apply", "apps"])
        let apps = try #require(object["apps"] as? [[String: Any]])
        #expect(apps.map { $0["app"] as? String } == ["gitea", "umami"])
        #expect(apps[0]["status"] as? String == "current")
        let umami = apps[1]
        #expect(umami["status"] as? String == "planned")
        #expect((umami["changes"] as? [[String: Any]])?.first?["to"] as? String == "ghcr.io/umami-software/umami:3.5.0")
        #expect((umami["steps"] as? [[String: Any]])?.map { $0["name"] as? String } == ["backup", "render", "pull", "up", "health"])
        #expect((umami["rollback"] as? [String: Any])?["command"] as? String == "selfhost upgrade umami --rollback --apply --box \(box.out.path)")
    }

    @Test("a box rendered before images were recorded: its compose file's image lines are read back")
    func composeImagesReadBack() throws {
        let box = try Box("old")
        defer { try? FileManager.default.removeItem(at: box.dir) }
        let umami = try #require(try CatalogLoader.load(try RenderTestSupport.fixtureStore()).app("umami"))
        let pins = try UpgradeCommand.composeImages(box.out.appendingPathComponent("umami/compose.yaml"), app: umami)
        #expect(pins == ["app": "ghcr.io/umami-software/umami:3.4.0", "db": "postgres:15-alpine"])
    }
}
