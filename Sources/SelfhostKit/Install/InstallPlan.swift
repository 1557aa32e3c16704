import Foundation

/// One command `selfhost install` runs (and `--dry-run` prints): the program and its arguments,
/// the directory it runs in, and why.
public struct InstallStep: Sendable, Equatable, Encodable {
    public var command: [String]
    public var directory: String?
    public var why: String

    /// The command as a person would type it: `cd DIR && …`, arguments quoted for a POSIX shell.
    public var shellLine: String {
        let line = command.map(ShellQuote.quote).joined(separator: " ")
        return directory.map { "cd \(ShellQuote.quote($0)) && \(line)" } ?? line
    }
}

enum ShellQuote {
    /// `word` unchanged when it has only characters a shell leaves alone, else in single quotes.
    static func quote(_ word: String) -> String {
        let safe = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./_-")
        if !word.isEmpty, word.unicodeScalars.allSatisfy(safe.contains) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\"'\"'") + "'"
    }
}

/// What an install must do to bring the server to the rendered box, worked out from the box's
/// files, the record of the last install and the unit files the server holds. Pure: the same
/// inputs give the same steps, which `--dry-run` prints and the tests read.
public struct InstallPlan: Sendable, Equatable {
    public enum CaddyAction: String, Sendable, Encodable {
        /// First install: `enable --now`.
        case start
        /// Its image changed: `restart` (the only case that drops sites for a moment).
        case restart
        /// New or removed apps, an edited Caddyfile: `reload` (joins new networks, no restart).
        case reload
        case none
    }

    public var newApps: [String]
    public var changedApps: [String]
    public var removedApps: [String]
    public var unchangedApps: [String]
    public var caddy: CaddyAction
    /// Unit files copied into the unit directory (new or different there).
    public var unitsCopied: [String]
    public var steps: [InstallStep]

    /// Everything the planner reads.
    struct Input {
        var box: URL
        var manifest: RenderManifest
        var record: InstallRecord?
        /// Box-relative path → SHA-256 of the file as it is now.
        var hashes: [String: String]
        /// Unit file names in the box's `systemd/` → their content.
        var boxUnits: [String: String]
        /// Unit file name → its content in the unit directory (missing: not installed).
        var installedUnits: [String: String]
        var unitDirectory: String
        var caddyImage: String?
        /// New apps' one-shot steps before their first start (`templates/apps/<id>/setup.yaml`).
        var beforeStart: [String: [RenderAppSetup.Step]]
    }

    /// Paths in an app's directory whose change doesn't touch the running app.
    static let notRestarting: Set<String> = ["backup.sh", ".env.example", "gate-password"]

    static func make(_ input: Input) -> InstallPlan {
        let apps = input.manifest.apps.keys.sorted()
        let previous = Set(input.record?.apps ?? [])
        let recorded = input.record?.files ?? [:]
        func changed(_ path: String) -> Bool { input.hashes[path] != recorded[path] }
        func appPaths(_ id: String) -> [String] {
            let own = Set(input.hashes.keys).union(recorded.keys).filter {
                $0.hasPrefix("\(id)/") && !notRestarting.contains(String($0.dropFirst(id.count + 1)))
            }
            return own.sorted() + ["systemd/selfhost-\(id).service"]
        }

        let newApps = input.record == nil ? apps : apps.filter { !previous.contains($0) }
        let changedApps = apps.filter { previous.contains($0) && input.record != nil && appPaths($0).contains(where: changed) }
        let removedApps = previous.subtracting(apps).sorted()
        let unchanged = apps.filter { !newApps.contains($0) && !changedApps.contains($0) }
        let docker = input.manifest.docker ?? "/usr/bin/docker"
        let unitDir = input.unitDirectory

        var steps: [InstallStep] = []
        // 1. Apps taken out of the box (render --remove): stopped, their units gone. Volumes stay.
        if !removedApps.isEmpty {
            let units = removedApps.flatMap { ["selfhost-\($0).service", "selfhost-\($0)-backup.timer"] }
            steps.append(InstallStep(command: ["systemctl", "disable", "--now"] + units, why: "stop the apps the box no longer has (their volumes stay)"))
            let files = removedApps.flatMap { id in
                ["selfhost-\(id).service", "selfhost-\(id)-backup.service", "selfhost-\(id)-backup.timer"].map { "\(unitDir)/\($0)" }
            }
            steps.append(InstallStep(command: ["rm", "-f"] + files, why: "remove their unit files"))
        }
        // 2. Unit files that are new or differ from the server's copy.
        let copied = input.boxUnits.keys.sorted().filter { input.installedUnits[$0] != input.boxUnits[$0] }
        if !copied.isEmpty {
            steps.append(InstallStep(command: ["install", "-m", "0644", "-t", unitDir] + copied.map { input.box.appendingPathComponent("systemd/\($0)").path },
                                     why: "install the box's units"))
        }
        if !copied.isEmpty || !removedApps.isEmpty {
            steps.append(InstallStep(command: ["systemctl", "daemon-reload"], why: "make systemd read the units"))
        }
        // 3. One-shot steps some new apps need before their first start, in the app's directory.
        for id in newApps {
            guard let oneShots = input.beforeStart[id], !oneShots.isEmpty else { continue }
            let dir = input.box.appendingPathComponent(id).path
            let network = "selfhost_\(id)_web"
            if let subnet = input.manifest.subnets?[id] {
                steps.append(InstallStep(
                    command: ["/bin/sh", "-c", "\(docker) network inspect \(network) >/dev/null 2>&1 || \(docker) network create --subnet \(subnet) \(network)"],
                    directory: dir, why: "\(id): its web network (the unit would create it, but it hasn't run yet)"))
            }
            for step in oneShots {
                steps.append(InstallStep(command: ["/bin/sh", "-c", step.command], directory: dir, why: "\(id): \(step.why)"))
            }
        }
        // 4. Apps, then Caddy in front of them, then the backup timers.
        if !newApps.isEmpty {
            steps.append(InstallStep(command: ["systemctl", "enable", "--now"] + newApps.map { "selfhost-\($0).service" },
                                     why: "start the new apps (and at every boot)"))
        }
        if !changedApps.isEmpty {
            steps.append(InstallStep(command: ["systemctl", "restart"] + changedApps.map { "selfhost-\($0).service" },
                                     why: "restart the apps whose files changed"))
        }
        let caddyPaths = Set(input.hashes.keys).union(recorded.keys).filter { $0.hasPrefix("caddy/") }.sorted() + ["systemd/selfhost-caddy.service"]
        let caddy: CaddyAction
        if input.record == nil {
            caddy = .start
        } else if input.record?.caddyImage != input.caddyImage {
            caddy = .restart
        } else if !newApps.isEmpty || !removedApps.isEmpty || caddyPaths.contains(where: changed) {
            caddy = .reload
        } else {
            caddy = .none
        }
        switch caddy {
        case .start:
            steps.append(InstallStep(command: ["systemctl", "enable", "--now", "selfhost-caddy.service"], why: "start Caddy in front of the apps"))
        case .restart:
            steps.append(InstallStep(command: ["systemctl", "restart", "selfhost-caddy.service"], why: "Caddy's image changed: restart it"))
        case .reload:
            steps.append(InstallStep(command: ["systemctl", "reload", "selfhost-caddy.service"],
                                     why: "join new apps' networks and reload the Caddyfile, without dropping a site"))
        case .none:
            break
        }
        let timers = input.boxUnits.keys.filter { $0.hasSuffix(".timer") }.sorted()
        let newTimers = timers.filter { input.installedUnits[$0] == nil || input.record == nil }
        let changedTimers = timers.filter { !newTimers.contains($0) && copied.contains($0) }
        if !newTimers.isEmpty {
            steps.append(InstallStep(command: ["systemctl", "enable", "--now"] + newTimers, why: "schedule the backups"))
        }
        if !changedTimers.isEmpty {
            steps.append(InstallStep(command: ["systemctl", "restart"] + changedTimers, why: "reschedule the timers that changed"))
        }
        return InstallPlan(newApps: newApps, changedApps: changedApps, removedApps: removedApps, unchangedApps: unchanged,
                           caddy: caddy, unitsCopied: copied, steps: steps)
    }
}
