import Foundation

/// `selfhost install`: run on the server as root, puts a rendered box's units in place and starts
/// it — apps, then Caddy, then the backup timers — waits until every container is up, and ends
/// with the status table. A second run after a re-render applies only what changed.
public enum InstallCommand {
    public struct Options: Sendable {
        public var box: String?
        public var dryRun: Bool
        public var format: OutputFormat
        /// Seconds to wait for every container to be up.
        public var timeout: Double

        public init(box: String? = nil, dryRun: Bool = false, format: OutputFormat = .text, timeout: Double = 600) {
            self.box = box
            self.dryRun = dryRun
            self.format = format
            self.timeout = timeout
        }
    }

    /// A requirement of the server: systemd, root, Docker, Compose v2, ports 80/443.
    public struct Check: Sendable, Encodable, Equatable {
        public var id: String
        public var ok: Bool
        public var message: String
        public var remedy: Nullable<String>

        public static func == (a: Check, b: Check) -> Bool { a.id == b.id && a.ok == b.ok && a.message == b.message }
    }

    public struct StepResult: Sendable, Encodable {
        public var command: [String]
        public var shell: String
        public var directory: Nullable<String>
        public var why: String
        /// `planned` (dry run or not reached), `ok`, `failed`.
        public var status: String
        public var seconds: Nullable<Double>
        /// The command's output (stdout and stderr), its last 4000 bytes.
        public var output: Nullable<String>
    }

    public struct Report: Sendable, Encodable {
        public var box: String
        public var dryRun: Bool
        /// The requirements were not met: nothing was run.
        public var refused: Bool
        public var checks: [Check]
        public var newApps: [String]
        public var changedApps: [String]
        public var removedApps: [String]
        public var unchangedApps: [String]
        public var caddy: String
        public var unitsCopied: [String]
        public var steps: [StepResult]
        public var healthy: Nullable<Bool>
        public var waitedSeconds: Nullable<Double>
        public var waiting: [String]
        public var status: Nullable<StatusReport>
    }

    public static func run(_ options: Options, context: Context, machine: InstallMachine) throws -> ExitStatus {
        try SecondsOption.check(options.timeout, "--timeout", 1...86_400, example: "900")
        let box = try locate(options.box, context: context)
        let plan = try plan(box: box, machine: machine)
        let checks = requirements(machine: machine)
        let failed = checks.filter { !$0.ok }
        var report = Report(box: box.path, dryRun: options.dryRun, refused: !options.dryRun && !failed.isEmpty, checks: checks,
                            newApps: plan.newApps, changedApps: plan.changedApps, removedApps: plan.removedApps,
                            unchangedApps: plan.unchangedApps, caddy: plan.caddy.rawValue, unitsCopied: plan.unitsCopied,
                            steps: plan.steps.map { result($0, status: "planned") }, healthy: .init(nil), waitedSeconds: .init(nil),
                            waiting: [], status: .init(nil))
        let text = options.format == .text
        let style = context.style
        func say(_ line: String) { if text { context.stdout.write(line + "\n") } }

        if report.refused {
            if text {
                for c in failed {
                    context.stderr.write("error: cannot install: \(c.message)\n" + (c.remedy.value.map { "  hint: \($0)\n" } ?? ""))
                }
            } else {
                context.stdout.write(JSONOutput.encode(report))
            }
            return .problems
        }
        if options.dryRun {
            if text {
                say(style.bold("selfhost install --dry-run") + " · \(box.path)")
                say(summary(plan))
                for c in failed { say("note: on this machine install would refuse: \(c.message)") }
                if plan.steps.isEmpty { say("Nothing to do: the server runs this box as rendered.") }
                for step in plan.steps { say("# \(step.why)\n\(step.shellLine)") }
                if !plan.steps.isEmpty || plan.caddy != .none { say("# then: wait up to \(Int(options.timeout)) s for every container to be up, and show `selfhost status`") }
            } else {
                context.stdout.write(JSONOutput.encode(report))
            }
            return .success
        }

        say(style.bold("selfhost install") + " · \(box.path)")
        say(summary(plan))
        for (i, step) in plan.steps.enumerated() {
            say("→ \(step.why)\n  $ \(step.shellLine)")
            let started = machine.monotonic()
            let r = machine.run(ProcessRequest(step.command[0], Array(step.command.dropFirst()),
                                               workingDirectory: step.directory.map { URL(fileURLWithPath: $0) },
                                               timeout: 15 * 60, output: .merged, outputLimit: 1 << 20))
            let seconds = machine.monotonic() - started
            let output = String(r.stdoutText.suffix(4000))
            report.steps[i] = result(step, status: r.succeeded ? "ok" : "failed", seconds: seconds, output: output)
            if !r.succeeded {
                let why = r.launchFailure ?? (r.timedOut ? "still running after 15 min" : "exited \(r.status)")
                if text {
                    if !output.isEmpty { context.stdout.write(indent(output)) }
                    context.stderr.write("error: `\(step.shellLine)` failed: \(why)\n  hint: \(hint(step))\n")
                } else {
                    context.stdout.write(JSONOutput.encode(report))
                }
                return .problems
            }
        }
        // The server now runs what the box holds: record it, so the next install applies only changes.
        let hashes = try fileHashes(box: box, manifest: try RenderManifest.required(in: box))
        try InstallRecord(apps: plan.newApps + plan.changedApps + plan.unchangedApps, files: hashes,
                          caddyImage: caddyImage(box), installedAt: context.now()).write(in: box)

        let inventory = try BoxInventory.read(box)
        let projects = Set(inventory.apps.map(\.project)).union(["selfhost-caddy"].filter { inventory.caddyProjects.contains($0) })
        say("→ waiting up to \(Int(options.timeout)) s for every container to be up")
        let wait = InstallWait(projects: projects, machine: machine, timeout: options.timeout).run(progress: { say("  " + $0) })
        report.healthy = .init(wait.healthy)
        report.waitedSeconds = .init(wait.seconds)
        report.waiting = wait.waiting
        say(wait.healthy ? "  every container is up (\(Int(wait.seconds.rounded())) s)"
                         : "  not up after \(Int(wait.seconds)) s: \(wait.waiting.joined(separator: ", "))")
        // A loaded server answers stats slowly: the status table gets more time than one probe.
        var statusEngine = machine.engine
        statusEngine.timeout = max(statusEngine.timeout, 30)
        let statusMachine = StatusCommand.Machine(engine: statusEngine)
        if let status = try? StatusSampler(box: inventory, machine: statusMachine, thresholds: .init(), now: context.now).twice(interval: 1) {
            report.status = .init(status)
            if text {
                say("")
                say(StatusText.render(status, width: context.width, style: style).joined(separator: "\n"))
            }
        }
        if !text { context.stdout.write(JSONOutput.encode(report)) }
        if !wait.healthy {
            if text {
                context.stderr.write("error: not every container is up after \(Int(options.timeout)) s\n"
                                     + "  hint: see `docker compose logs` in the app's directory and `systemctl status selfhost-<app>`; run install again once fixed\n")
            }
            return .problems
        }
        return .success
    }

    // MARK: - parts

    static func summary(_ plan: InstallPlan) -> String {
        func list(_ a: [String]) -> String { a.isEmpty ? "none" : a.joined(separator: ", ") }
        return "new: \(list(plan.newApps)) · changed: \(list(plan.changedApps)) · removed: \(list(plan.removedApps))"
            + " · unchanged: \(list(plan.unchangedApps)) · caddy: \(plan.caddy.rawValue)"
    }

    static func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n") + "\n"
    }

    static func hint(_ step: InstallStep) -> String {
        let units = step.command.filter { $0.hasSuffix(".service") || $0.hasSuffix(".timer") }
        if step.command.first == "systemctl", let unit = units.first {
            return "see `systemctl status \(unit)` and `journalctl -u \(unit) -e`; fix it and run selfhost install again (finished steps are not repeated)"
        }
        return "fix it and run selfhost install again"
    }

    static func result(_ step: InstallStep, status: String, seconds: Double? = nil, output: String? = nil) -> StepResult {
        StepResult(command: step.command, shell: step.shellLine, directory: .init(step.directory), why: step.why, status: status,
                   seconds: .init(seconds), output: .init(output))
    }

    /// `--box DIR`, else the working directory; it must hold a render manifest.
    static func locate(_ path: String?, context: Context) throws -> URL {
        let url = path.map(context.url(for:)) ?? context.workingDirectory
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), isDir.boolValue else {
            throw SelfhostError.usage("no directory \(url.path)", at: SourceLocation(file: url.path),
                                      remedy: "give the directory `selfhost render --out` wrote (--box DIR)")
        }
        let real = URL(fileURLWithPath: url.resolvingSymlinksInPath().path)
        guard FileManager.default.fileExists(atPath: real.appendingPathComponent(RenderManifest.relativePath).path) else {
            throw SelfhostError.usage("\(real.path) is not a box: no \(RenderManifest.relativePath)", at: SourceLocation(file: real.path),
                                      remedy: "give the directory `selfhost render --out` wrote (--box DIR), or run install inside it")
        }
        return real
    }

    /// The box-relative files whose content the install record keeps: what render wrote, and the
    /// `.env` files people fill in (render merges them, so the manifest has no hash of them).
    static func fileHashes(box: URL, manifest: RenderManifest) throws -> [String: String] {
        var paths = Set(manifest.files.keys)
        for id in manifest.apps.keys { paths.insert("\(id)/.env") }
        paths.insert("caddy/.env")
        var out: [String: String] = [:]
        for p in paths {
            guard let data = FileManager.default.contents(atPath: box.appendingPathComponent(p).path) else { continue }
            out[p] = RenderHash.sha256([UInt8](data))
        }
        return out
    }

    static func caddyImage(_ box: URL) -> String? {
        guard let text = try? String(contentsOf: box.appendingPathComponent("caddy/compose.yaml"), encoding: .utf8) else { return nil }
        return text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .first { $0.hasPrefix("image:") }.map { String($0.dropFirst(6)).trimmingCharacters(in: CharacterSet(charactersIn: " \"'")) }
    }

    /// Reads everything the planner needs and makes the plan; refuses a box its units don't point at.
    static func plan(box: URL, machine: InstallMachine) throws -> InstallPlan {
        let manifest = try RenderManifest.required(in: box)
        let systemd = box.appendingPathComponent("systemd")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: systemd.path)) ?? [])
            .filter { $0.hasPrefix("selfhost-") && ($0.hasSuffix(".service") || $0.hasSuffix(".timer")) }
        guard names.contains("selfhost-caddy.service") else {
            throw SelfhostError.usage("\(systemd.path) has no selfhost-caddy.service: the box is incomplete",
                                      at: SourceLocation(file: systemd.path), remedy: "render the box again (selfhost render --out \(box.path))")
        }
        var boxUnits: [String: String] = [:]
        for n in names { boxUnits[n] = try? String(contentsOf: systemd.appendingPathComponent(n), encoding: .utf8) }
        // The units name the box's directory on the server; installing them from anywhere else would run nothing.
        if let caddy = boxUnits["selfhost-caddy.service"], let wd = BoxInventory.unitValue(caddy, "WorkingDirectory") {
            let expected = (wd as NSString).deletingLastPathComponent
            let expectedReal = URL(fileURLWithPath: expected).resolvingSymlinksInPath().path
            if expectedReal != box.path {
                throw SelfhostError.usage(
                    "the box's units run it from \(expected), but it is at \(box.path)",
                    at: SourceLocation(file: systemd.appendingPathComponent("selfhost-caddy.service").path),
                    remedy: "copy the box there first (rsync -a \(box.path)/ \(expected)/) and run install from there, or render again with --install-dir \(box.path)")
            }
        }
        var installed: [String: String] = [:]
        let record = try InstallRecord.read(in: box)
        for n in Set(names).union((record?.apps ?? []).flatMap { ["selfhost-\($0).service", "selfhost-\($0)-backup.timer"] }) {
            if let text = try? String(contentsOfFile: "\(machine.unitDirectory)/\(n)", encoding: .utf8) { installed[n] = text }
        }
        var beforeStart: [String: [RenderAppSetup.Step]] = [:]
        for id in manifest.apps.keys {
            if let setup = try? RenderAppSetup.load(id, store: .embedded), !setup.beforeStart.isEmpty { beforeStart[id] = setup.beforeStart }
        }
        return InstallPlan.make(.init(box: box, manifest: manifest, record: record, hashes: try fileHashes(box: box, manifest: manifest),
                                      boxUnits: boxUnits, installedUnits: installed, unitDirectory: machine.unitDirectory,
                                      caddyImage: caddyImage(box), beforeStart: beforeStart))
    }

    /// What the server must have: systemd as PID 1, root, an engine that answers, Compose v2, and
    /// ports 80/443 free or already the box's (preflight's `port.in-use` verdict).
    static func requirements(machine: InstallMachine) -> [Check] {
        var checks: [Check] = []
        var isDir: ObjCBool = false
        let systemd = FileManager.default.fileExists(atPath: machine.systemdRuntimeDirectory, isDirectory: &isDir) && isDir.boolValue
        checks.append(Check(id: "systemd", ok: systemd,
                            message: systemd ? "systemd is PID 1" : "systemd is not running as the init system (no \(machine.systemdRuntimeDirectory))",
                            remedy: .init(systemd ? nil : "install on a server booted with systemd (Debian, Ubuntu, Fedora…); in a container, run systemd as PID 1")))
        let root = machine.isRoot()
        checks.append(Check(id: "root", ok: root, message: root ? "running as root" : "install writes \(machine.unitDirectory) and runs systemctl: it needs root",
                            remedy: .init(root ? nil : "run it with sudo: sudo selfhost install")))
        switch machine.engine.version() {
        case .success(let v):
            checks.append(Check(id: "docker", ok: true, message: "Docker Engine \(v.version) answers", remedy: .init(nil)))
        case .failure(let f):
            let e = machine.engine.explain(f)
            checks.append(Check(id: "docker", ok: false, message: "Docker Engine not reachable: \(e.message)",
                                remedy: .init("install Docker Engine (apt-get install docker.io, or docs.docker.com/engine/install) and start it: systemctl enable --now docker")))
        }
        let compose = machine.composeVersion()
        let v2 = compose.map(HostComposeCheck.isV2) ?? false
        checks.append(Check(id: "compose", ok: v2,
                            message: compose.map { v2 ? "Compose \($0)" : "Compose \($0) is too old; v2 is needed" } ?? "the Compose v2 plugin (`docker compose`) is not installed",
                            remedy: .init(v2 ? nil : "install the docker-compose-plugin package (Docker's apt repository) or Debian's docker-compose ≥ 2")))
        for port in [80, 443] {
            let v = PortInUseCheck.verdict(port: port, listeners: machine.listeners(port))
            let ok = v.status != .error
            checks.append(Check(id: "port.\(port)", ok: ok, message: "port \(port): \(v.message)",
                                remedy: .init(v.fix.map { $0.replacingOccurrences(of: "; run: ", with: "").replacingOccurrences(of: "; ", with: "") })))
        }
        return checks
    }
}
