import Foundation

/// `selfhost upgrade [APP…] [--to VERSION] [--dry-run | --apply] [--rollback] --box DIR`: moves apps of
/// a rendered box from the images its manifest records to the catalog's current pins, one app at a
/// time: backup (the app's own backup.sh), re-render (the box's compose file with the new tags,
/// under render's rules: `.env` values kept, files edited by hand left alone), then pull, the
/// catalog's one-shot commands, `up`, and a bounded health wait. The images before are kept in the
/// manifest's history, so a failed health wait can go back (`--rollback`).
///
/// Without `--apply` the backup runs and the compose file is re-rendered (where the box lives on
/// this machine), and the rest is printed; `--dry-run` writes and runs nothing.
public enum UpgradeCommand {
    public struct Options: Sendable {
        public var apps: [String]
        /// The app image's tag to go to, instead of the catalog's pin (one app only).
        public var to: String?
        public var dryRun: Bool
        public var apply: Bool
        /// Go back to the images before the app's last upgrade.
        public var rollback: Bool
        public var box: String
        /// Seconds the health wait may take.
        public var timeout: Double
        public var format: OutputFormat

        public init(apps: [String] = [], to: String? = nil, dryRun: Bool = false, apply: Bool = false, rollback: Bool = false,
                    box: String = "selfhost-deploy", timeout: Double = 300, format: OutputFormat = .text) {
            self.apps = apps
            self.to = to
            self.dryRun = dryRun
            self.apply = apply
            self.rollback = rollback
            self.box = box
            self.timeout = timeout
            self.format = format
        }
    }

    /// One step of an app's upgrade (JSON `apps[].steps[]`).
    struct Step: Encodable, Sendable {
        /// `backup`, `render`, `pull`, `migrate`, `up`, `health`.
        var name: String
        /// The command on the server (for `render`, what selfhost does itself).
        var command: String
        /// `planned` (printed, not run), `done`, `skipped`, `failed`, `not_run` (an earlier step failed).
        var status: String
        var detail: Nullable<String> = .init(nil)
        var seconds: Nullable<Double> = .init(nil)
    }

    struct Change: Encodable, Sendable {
        var service: String
        var from: String
        var to: String
    }

    struct Note: Encodable, Sendable {
        var from: String
        var to: String
        var steps: [String]
        var docs: Nullable<String>
        var commands: [Command]
        struct Command: Encodable, Sendable { var service: String; var run: String }
    }

    struct Rollback: Encodable, Sendable {
        /// What brings the previous images back.
        var command: String
        var images: [String: String]
        /// The backup taken before the upgrade, for a restore if the new version changed the data.
        var backup: Nullable<String>
    }

    struct AppReport: Encodable, Sendable {
        var app: String
        /// `current`, `planned`, `blocked`, `rendered` (printed steps remain), `upgraded`, `rolled_back`, `failed`.
        var status: String
        var kind: String
        var changes: [Change]
        var path: [String]
        var notes: [Note]
        var blocked: [String]
        var steps: [Step]
        var backup: Nullable<String> = .init(nil)
        var health: Nullable<HealthWait.Outcome> = .init(nil)
        var rollback: Nullable<Rollback> = .init(nil)
    }

    struct Report: Encodable, Sendable {
        var box: String
        var installDir: String
        var dryRun: Bool
        var apply: Bool
        var apps: [AppReport]
    }

    public static func run(_ options: Options, store: ResourceStore, context: Context, engine: DockerEngine? = nil) throws -> ExitStatus {
        let report = try execute(options, store: store, context: context, engine: engine)
        print(report, context: context, format: options.format)
        let bad = report.apps.contains { ["blocked", "failed"].contains($0.status) }
        return bad ? .problems : .success
    }

    static func execute(_ options: Options, store: ResourceStore, context: Context, engine: DockerEngine?) throws -> Report {
        // 1. Input.
        if options.dryRun && options.apply {
            throw SelfhostError.usage("--dry-run and --apply contradict each other", remedy: "--dry-run shows the plan; --apply carries it out")
        }
        if options.rollback && options.to != nil {
            throw SelfhostError.usage("--rollback goes back to the images before the last upgrade; it takes no --to",
                                      remedy: "e.g. selfhost upgrade umami --rollback --apply --box /srv/selfhost")
        }
        try SecondsOption.check(options.timeout, "--timeout", 1...3600, example: "300")
        if let to = options.to {
            if options.apps.count != 1 {
                throw SelfhostError.usage("--to names one app's version, so it needs exactly one app (got \(options.apps.count))",
                                          remedy: "e.g. selfhost upgrade nextcloud --to 34.0.5-apache --box /srv/selfhost")
            }
            if let problem = ImageReference.problem(name: "x", tag: to) {
                throw SelfhostError.usage("--to \(RenderInputValidation.quoted(to)): \(problem)", remedy: "give an image tag, e.g. --to 3.5.0")
            }
        }
        let boxURL = context.url(for: options.box)
        let box = boxURL.path
        let manifest = try RenderManifest.required(in: boxURL)
        let manifestPath = boxURL.appendingPathComponent(RenderManifest.relativePath).path
        let installDir = manifest.installDir ?? box
        let docker = manifest.docker ?? RenderCommand.defaultDocker
        let here = installDir == box
        let mayRun = here && !options.dryRun
        if options.apply && !here {
            throw SelfhostError.usage("the box in \(box) lives at \(installDir) on the server (its units and scripts say so): --apply runs only there",
                                      remedy: "copy it there (rsync -a \(box)/ root@SERVER:\(installDir)/) and run selfhost upgrade --apply --box \(installDir) on the server")
        }
        let catalog = try CatalogLoader.load(store)
        var ids = options.apps.map { $0.lowercased() }
        for id in ids where manifest.apps[id] == nil {
            let hint = Suggestions.didYouMean(id, in: Array(manifest.apps.keys))
            throw SelfhostError.usage("the box in \(box) has no app \(RenderInputValidation.quoted(id))" + (hint.map { "; \($0)" } ?? ""),
                                      remedy: "it has \(manifest.apps.keys.sorted().joined(separator: ", "))")
        }
        if ids.isEmpty { ids = manifest.apps.keys.sorted() }
        ids = ids.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
        let inventory = try BoxInventory.read(boxURL)

        // 2. Plans, all before anything runs.
        var plans: [UpgradePlan] = []
        for id in ids {
            guard let app = catalog.app(id), app.isRenderable else {
                throw SelfhostError.usage("the box holds '\(id)', which the catalog no longer has as a renderable app",
                                          remedy: "restore the catalog entry (--catalog DIR)")
            }
            // A box rendered before images were recorded runs what its compose file says: read it back.
            let current = try manifest.images?[id] ?? composeImages(boxURL.appendingPathComponent("\(id)/compose.yaml"), app: app)
            if options.rollback {
                guard let last = manifest.history?[id]?.last else {
                    throw SelfhostError.usage("\(id) has no upgrade to roll back: \(manifestPath) records none", at: SourceLocation(file: manifestPath),
                                              remedy: "selfhost upgrade \(id) --dry-run shows what an upgrade would do")
                }
                guard last.kind == "upgrade" else {
                    throw SelfhostError.usage("\(id)'s last change was already a rollback (to \(last.to.values.sorted().joined(separator: ", "))); nothing older is recorded",
                                              at: SourceLocation(file: manifestPath), remedy: "selfhost upgrade \(id) --dry-run shows the way forward again")
                }
                plans.append(.rollback(app: app, current: current, previous: last.from))
            } else {
                plans.append(.upgrade(app: app, current: current, to: options.to))
            }
        }

        // 3. One app at a time; the first failure stops the rest.
        var reports: [AppReport] = []
        var stopped = false
        for plan in plans {
            let app = catalog.app(plan.app)!
            let project = inventory.apps.first { $0.id == plan.app }?.project ?? "selfhost-\(plan.app)"
            var r = AppReport(app: plan.app, status: "planned", kind: plan.kind.rawValue,
                              changes: plan.changes.map { Change(service: $0.service, from: $0.from, to: $0.to) },
                              path: plan.path, notes: plan.notes.map(note), blocked: plan.blocked, steps: [])
            if plan.isCurrent {
                r.status = "current"
                reports.append(r)
                continue
            }
            let appDir = "\(installDir)/\(plan.app)"
            let cd = "cd \(appDir) && sudo \(docker) compose"
            let changedServices = plan.changes.map(\.service)
            var steps: [Step] = []
            if plan.kind == .upgrade {
                steps.append(Step(name: "backup", command: "sudo \(appDir)/backup.sh", status: "planned"))
            }
            steps.append(Step(name: "render", command: "selfhost re-renders \(plan.app)/compose.yaml with "
                              + plan.changes.map(\.to).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }.joined(separator: ", "),
                              status: "planned"))
            steps.append(Step(name: "pull", command: "\(cd) pull \(changedServices.joined(separator: " "))", status: "planned"))
            for c in plan.kind == .upgrade ? plan.commands : [] {
                steps.append(Step(name: "migrate", command: "\(cd) run --rm -T --entrypoint /bin/sh \(c.service) -c \(shellQuoted(c.run))", status: "planned"))
            }
            steps.append(Step(name: "up", command: "\(cd) up -d --remove-orphans", status: "planned"))
            steps.append(Step(name: "health", command: "wait up to \(Int(options.timeout)) s for \(project)'s containers to be healthy", status: "planned"))
            r.steps = steps
            r.rollback = .init(plan.kind == .upgrade ? Rollback(command: "selfhost upgrade \(plan.app) --rollback --apply --box \(installDir)",
                                                                images: plan.current, backup: .init(nil)) : nil)
            if !plan.blocked.isEmpty || stopped {
                r.status = plan.blocked.isEmpty ? "planned" : "blocked"
                if stopped { for i in r.steps.indices { r.steps[i].status = "not_run" } }
                reports.append(r)
                continue
            }
            guard !options.dryRun else { reports.append(r); continue }
            let ok = try carryOut(plan, app: app, report: &r, box: boxURL, docker: docker, project: project, mayRun: mayRun,
                                  apply: options.apply, timeout: options.timeout, store: store, context: context, engine: engine)
            if !ok { stopped = true }
            reports.append(r)
        }
        return Report(box: box, installDir: installDir, dryRun: options.dryRun, apply: options.apply, apps: reports)
    }

    /// Runs the steps it may (all with `apply`; backup and render without), marking each.
    static func carryOut(_ plan: UpgradePlan, app: App, report r: inout AppReport, box: URL, docker: String, project: String,
                         mayRun: Bool, apply: Bool, timeout: Double, store: ResourceStore, context: Context, engine: DockerEngine?) throws -> Bool {
        let appDir = box.appendingPathComponent(plan.app)
        var renderOptions = RenderCommand.Options(apps: [], out: box.path, format: .text)
        renderOptions.pins = [plan.app: plan.target]
        // Render's rules first, without writing: a compose file edited by hand is never overwritten.
        let (check, _) = try RenderCommand.render({ var o = renderOptions; o.dryRun = true; return o }(), store: store, context: context)
        let composePath = "\(plan.app)/compose.yaml"
        if let skipped = check.files.first(where: { $0.path == composePath && $0.action == "skipped" }) {
            r.status = "blocked"
            r.blocked.append("\(composePath) was \(skipped.reason ?? "edited by hand"): the new tags can't be written without losing the edits. "
                             + "Move the edits into \(plan.app)/compose.override.yaml (docker compose reads it too), then render the box again with --force")
            return false
        }
        func index(_ name: String) -> [Int] { r.steps.indices.filter { r.steps[$0].name == name } }
        func fail(at i: Int, _ detail: String) {
            r.steps[i].status = "failed"
            r.steps[i].detail = .init(detail)
            for j in r.steps.indices where j > i { r.steps[j].status = "not_run" }
            r.status = "failed"
        }
        // Backup: the app's own script, as its timer runs it.
        var backupPath: String?
        if let i = index("backup").first, mayRun {
            let started = context.now()
            let result = ProcessRunner.run(ProcessRequest(appDir.appendingPathComponent("backup.sh").path, [],
                                                          workingDirectory: appDir, timeout: 3600, output: .merged, outputLimit: 1 << 20))
            r.steps[i].seconds = .init(context.now().timeIntervalSince(started))
            guard result.succeeded else {
                fail(at: i, "backup.sh exited \(result.status)" + (result.timedOut ? " (after 1 h)" : "") + ": " + tail(result.stdoutText + (result.launchFailure ?? "")) + "; nothing was changed")
                return false
            }
            r.steps[i].status = "done"
            let manifest = try RenderManifest.read(in: box)
            let dir = "\(manifest?.backupDir ?? RenderCommand.defaultBackupDir)/\(plan.app)"
            backupPath = RenderRemoval.newestBackup(in: dir).map { "\(dir)/\($0.name)" }
            r.steps[i].detail = .init(backupPath.map { "written to \($0)" })
            r.backup = .init(backupPath)
            r.rollback.value?.backup = .init(backupPath)
        }
        // Render: the box's compose file with the new tags, and the history entry, in one manifest write.
        if let i = index("render").first {
            let stamp = ISO8601DateFormatter().string(from: context.now())
            renderOptions.historyEntries = [plan.app: .init(kind: plan.kind.rawValue, from: plan.current, to: plan.target, at: stamp, backup: backupPath)]
            let started = context.now()
            let (rendered, _) = try RenderCommand.render(renderOptions, store: store, context: context)
            r.steps[i].seconds = .init(context.now().timeIntervalSince(started))
            r.steps[i].status = "done"
            r.steps[i].detail = .init(rendered.files.first { $0.path == composePath }.map { "\($0.path) \($0.action)" })
        }
        r.status = "rendered"
        guard apply else { return true }

        let engine = engine ?? DockerEngine(socket: DockerEngine.socketPath(environment: context.environment))
        guard FileManager.default.isExecutableFile(atPath: docker) else {
            throw SelfhostError.usage("the box's units run \(docker), which is not an executable here",
                                      remedy: "render the box with --docker PATH (the docker binary of this server)")
        }
        func compose(_ i: Int, _ args: [String], limit: Double) -> Bool {
            let started = context.now()
            let result = ProcessRunner.run(ProcessRequest(docker, ["compose"] + args, workingDirectory: appDir, timeout: limit,
                                                          output: .merged, outputLimit: 1 << 20))
            r.steps[i].seconds = .init(context.now().timeIntervalSince(started))
            guard result.succeeded else {
                fail(at: i, "docker compose \(args.first ?? "") exited \(result.status)" + (result.timedOut ? " (after \(Int(limit)) s)" : "") + ": "
                     + tail(result.stdoutText + (result.launchFailure ?? "")))
                return false
            }
            r.steps[i].status = "done"
            return true
        }
        // Pull only what isn't here already: offline, with every image local, nothing is fetched.
        var allLocal = true
        if let i = index("pull").first {
            let missing = plan.changes.filter { c in
                if case .success = engine.get("/images/\(c.to.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? c.to)/json", as: ImageID.self) { return false }
                return true
            }
            if missing.isEmpty {
                r.steps[i].status = "skipped"
                r.steps[i].detail = .init("every new image is on this engine already")
            } else {
                allLocal = false
                guard compose(i, ["pull"] + missing.map(\.service), limit: 1800) else { return false }
            }
        }
        for i in index("migrate") {
            let c = plan.commands[index("migrate").firstIndex(of: i)!]
            guard compose(i, ["run", "--rm", "-T", "--entrypoint", "/bin/sh", c.service, "-c", c.run], limit: 1800) else { return false }
        }
        if let i = index("up").first {
            guard compose(i, ["up", "-d", "--remove-orphans"] + (allLocal ? ["--pull", "never"] : []), limit: 900) else { return false }
        }
        if let i = index("health").first {
            let images = Dictionary(uniqueKeysWithValues: plan.changes.map { ($0.service, $0.to) })
            let outcome = HealthWait(engine: engine, project: project, images: images, timeout: timeout).wait(now: context.now)
            r.health = .init(outcome)
            r.steps[i].seconds = .init(outcome.seconds)
            guard outcome.healthy else {
                fail(at: i, outcome.problem.value ?? "not healthy")
                return false
            }
            r.steps[i].status = "done"
            r.steps[i].detail = .init("healthy after \(Int(outcome.seconds.rounded())) s")
        }
        r.status = plan.kind == .upgrade ? "upgraded" : "rolled_back"
        return true
    }

    private struct ImageID: Decodable { var Id: String }

    /// The images of a compose file rendered before the manifest recorded them: each service's
    /// `image:` line, read back for the services the catalog entry names.
    static func composeImages(_ url: URL, app: App) throws -> [String: String] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw SelfhostError.usage("\(url.path) is missing, and the box's manifest doesn't record \(app.id)'s images",
                                      at: SourceLocation(file: url.path), remedy: "render the box again (its images are then recorded), then upgrade")
        }
        var pins: [String: String] = [:]
        var service: String?
        var inServices = false
        for line in TextLines.split(text) {
            if line.hasPrefix("services:") { inServices = true; continue }
            if !line.hasPrefix(" "), !line.isEmpty, !line.hasPrefix("#") { inServices = false; service = nil; continue }
            guard inServices else { continue }
            if line.hasPrefix("  "), !line.hasPrefix("   "), line.hasSuffix(":") {
                service = String(line.dropFirst(2).dropLast())
            } else if let s = service, line.trimmingCharacters(in: .whitespaces).hasPrefix("image:") {
                let value = line.trimmingCharacters(in: .whitespaces).dropFirst("image:".count).trimmingCharacters(in: CharacterSet(charactersIn: " \"'"))
                pins[s] = value
            }
        }
        let known = Set(ImagePins.of(app).keys)
        return pins.filter { known.contains($0.key) }
    }

    static func note(_ n: App.Upgrade) -> Note {
        Note(from: n.from, to: n.to, steps: n.steps, docs: .init(n.docs), commands: n.commands.map { .init(service: $0.service, run: $0.run) })
    }

    static func shellQuoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    static func tail(_ text: String) -> String {
        let lines = text.split(whereSeparator: \.isNewline).suffix(6).joined(separator: " | ")
        return lines.count > 600 ? "…" + String(lines.suffix(600)) : lines
    }

    static func print(_ report: Report, context: Context, format: OutputFormat) {
        if format == .json {
            context.stdout.write(JSONOutput.encode(report))
            return
        }
        let s = context.style
        var text = report.dryRun ? "Dry run: nothing written or run. " : ""
        text += "Box \(report.box)" + (report.installDir == report.box ? "" : " (lives at \(report.installDir))") + ":\n"
        for a in report.apps {
            text += "\n" + s.bold(a.app) + ": "
            switch a.status {
            case "current": text += "current (runs the images the catalog pins)\n"; continue
            case "blocked": text += s.red("blocked") + "\n"
            case "failed": text += s.red(a.kind == "rollback" ? "rollback failed" : "upgrade failed") + "\n"
            case "upgraded": text += s.green("upgraded") + "\n"
            case "rolled_back": text += s.green("rolled back") + "\n"
            case "rendered": text += "backed up and re-rendered; the steps marked → are yours to run on the server (or upgrade again with --apply there)\n"
            default: text += (a.kind == "rollback" ? "rollback" : "upgrade") + " planned\n"
            }
            for c in a.changes { text += "  \(c.service): \(c.from.isEmpty ? "(new)" : c.from) → \(c.to)\n" }
            if a.path.count > 1 { text += "  path: \(a.path.joined(separator: " → "))\n" }
            for n in a.notes {
                text += "  upgrade notes \(n.from) → \(n.to):\n"
                text += n.steps.map { "    - \($0)\n" }.joined()
                text += n.commands.map { "    run in \($0.service): \($0.run)\n" }.joined()
                if let d = n.docs.value { text += "    \(d)\n" }
            }
            for b in a.blocked { text += "  " + s.red("blocked: ") + b + "\n" }
            if !a.steps.isEmpty { text += "  steps:\n" }
            for st in a.steps {
                let mark: String
                switch st.status {
                case "done": mark = s.green("done   ")
                case "skipped": mark = "skipped"
                case "failed": mark = s.red("FAILED ")
                case "not_run": mark = s.dim("not run")
                default: mark = "  →    "
                }
                text += "    \(mark) \(st.name): \(st.command)" + (st.seconds.value.map { String(format: " (%.1f s)", $0) } ?? "") + "\n"
                if let d = st.detail.value { text += "            \(d)\n" }
            }
            if a.status == "failed", let rb = a.rollback.value {
                text += "\n  To go back to " + rb.images.values.sorted().joined(separator: ", ") + ":\n    \(rb.command)\n"
                if let b = rb.backup.value { text += "  If the new version changed the data before failing, restore \(b) (README.md, \"Restore\").\n" }
            }
        }
        context.stdout.write(context.fitted(text))
    }
}
