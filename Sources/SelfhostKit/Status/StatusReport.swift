import Foundation

/// The joined view: each app of the box with its containers (Docker), the host (Linux), backups
/// (the backup directory), and the problems `--check` exits 1 on. JSON keys are documented in
/// docs/JSON.md; every key is present, null when unknown.
public struct StatusReport: Encodable, Sendable {
    public struct Engine: Encodable, Sendable {
        public var version: String
        public var apiVersion: String
        public var rootDir: String
    }

    public struct Host: Encodable, Sendable {
        public var load: [Double]
        public var cpuPercent: Nullable<Double>
        public var memoryTotalBytes: Int64
        public var memoryUsedBytes: Int64
        public var swapTotalBytes: Int64
        public var swapUsedBytes: Int64
        public var disks: [Disk]
    }

    public struct Disk: Encodable, Sendable {
        public var purpose: String
        public var path: String
        public var totalBytes: Int64
        public var freeBytes: Int64
        public var usedPercent: Double
    }

    public struct Container: Encodable, Sendable {
        public var name: String
        public var service: Nullable<String>
        public var state: String
        public var health: Nullable<String>
        /// The exit code of a container that stopped (null while running).
        public var exitCode: Nullable<Int>
        /// A one-shot step (no restart policy) that exited 0: done, not a problem.
        public var completed: Bool
        public var restarts: Int
        public var startedAt: Nullable<Date>
        public var uptimeSeconds: Nullable<Double>
        public var cpuPercent: Nullable<Double>
        public var memoryBytes: Nullable<Int64>
        public var memoryLimitBytes: Nullable<Int64>
        public var netRxBytesPerSecond: Nullable<Double>
        public var netTxBytesPerSecond: Nullable<Double>
        public var blockReadBytesPerSecond: Nullable<Double>
        public var blockWriteBytesPerSecond: Nullable<Double>
        public var image: String
        public var tag: Nullable<String>
        public var project: Nullable<String>
    }

    public struct Backup: Encodable, Sendable {
        public var directory: String
        public var lastAt: Nullable<Date>
        public var ageSeconds: Nullable<Double>
        public var sizeBytes: Nullable<Int64>
        public var periodSeconds: Nullable<Double>
        public var overdue: Bool
        /// The last `selfhost backup verify` of the app (its .verified.json): when, which backup, and whether it restored as recorded.
        public var lastVerifiedAt: Nullable<Date>
        public var lastVerifiedBackup: Nullable<String>
        public var lastVerifyOk: Nullable<Bool>
    }

    public struct App: Encodable, Sendable {
        public var id: String
        public var host: String
        public var url: String
        public var project: String
        public var containers: [Container]
        public var backup: Nullable<Backup>
    }

    public struct Problem: Encodable, Sendable, Equatable {
        /// `container`, `backup`, `disk`, `app` or `service` (a swarm service short of its replicas).
        public var kind: String
        public var subject: String
        public var message: String
    }

    public var box: Nullable<String>
    public var domain: Nullable<String>
    public var generatedAt: Date
    public var engine: Engine
    public var host: Host
    public var apps: [App]
    public var caddy: [Container]
    public var otherContainers: [Container]
    public var problems: [Problem]
    /// The swarm's nodes and services (`SwarmSample`), when the engine is a swarm manager; else null.
    public var swarm: Nullable<Swarm> = Nullable(nil)
}

/// Thresholds of `--check`.
public struct StatusThresholds: Sendable {
    /// A disk above this percentage used is a problem.
    public var diskPercent: Double = 90
    /// Extra time a backup may be late beyond its timer's period and random delay.
    public var backupMargin: Double = 3600

    public init(diskPercent: Double = 90, backupMargin: Double = 3600) {
        self.diskPercent = diskPercent
        self.backupMargin = backupMargin
    }
}

extension StatusReport {
    /// Joins what was sampled. `old`/`new` are two samples of the engine `seconds` apart (old may be
    /// nil: no rates then); `box` nil groups every container by Compose project instead.
    static func build(box: BoxInventory?, engine: Engine, old: [ContainerSample]?, new: [ContainerSample],
                      oldHost: HostSample?, newHost: HostSample, seconds: Double, now: Date,
                      thresholds: StatusThresholds) -> StatusReport {
        let previous = Dictionary((old ?? []).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        func container(_ s: ContainerSample) -> Container {
            let rates = ContainerRates(from: previous[s.id]?.stats, to: s.stats, seconds: seconds)
            let (image, tag) = splitImage(s.image)
            return Container(
                name: s.name, service: .init(s.composeService), state: s.state, health: .init(s.health),
                exitCode: .init(s.state == "running" ? nil : s.exitCode), completed: s.completedOneShot, restarts: s.restarts,
                startedAt: .init(s.state == "running" ? s.startedAt : nil),
                uptimeSeconds: .init(s.state == "running" ? s.startedAt.map { max(0, now.timeIntervalSince($0)) } : nil),
                cpuPercent: .init(rates.cpuPercent), memoryBytes: .init(s.stats?.memoryUsed), memoryLimitBytes: .init(s.memoryLimit),
                netRxBytesPerSecond: .init(rates.netRxPerSecond), netTxBytesPerSecond: .init(rates.netTxPerSecond),
                blockReadBytesPerSecond: .init(rates.blockReadPerSecond), blockWriteBytesPerSecond: .init(rates.blockWritePerSecond),
                image: image, tag: .init(tag), project: .init(s.composeProject))
        }
        let sorted = new.sorted { ($0.composeProject ?? "~", $0.composeService ?? $0.name) < ($1.composeProject ?? "~", $1.composeService ?? $1.name) }
        var problems: [Problem] = []
        var apps: [App] = []
        var claimed = Set<String>()
        var caddy: [Container] = []

        if let box {
            for app in box.apps {
                let mine = sorted.filter { $0.composeProject == app.project }
                mine.forEach { claimed.insert($0.id) }
                var backup: Backup?
                if let dir = app.backupDirectory {
                    let state = BackupState.newest(in: dir)
                    let age = state.lastAt.map { now.timeIntervalSince($0) }
                    let allowed = app.backupPeriod.map { $0 + app.backupDelay + thresholds.backupMargin }
                    // No backup yet is overdue only once the app has run longer than a period allows.
                    let runningFor = mine.compactMap { $0.startedAt }.min().map { now.timeIntervalSince($0) }
                    let overdue: Bool
                    if let allowed {
                        overdue = age.map { $0 > allowed } ?? ((runningFor ?? 0) > allowed)
                    } else {
                        overdue = false
                    }
                    let verified = BackupVerifyRecord.read(in: dir)
                    backup = Backup(directory: dir, lastAt: .init(state.lastAt), ageSeconds: .init(age), sizeBytes: .init(state.sizeBytes),
                                    periodSeconds: .init(app.backupPeriod), overdue: overdue,
                                    lastVerifiedAt: .init(verified?.verifiedAt), lastVerifiedBackup: .init(verified?.backup),
                                    lastVerifyOk: .init(verified?.ok))
                    if let verified, !verified.ok {
                        problems.append(Problem(kind: "backup", subject: app.id,
                                                message: "the last restore drill failed: \(verified.problems.first ?? "see selfhost backup verify \(app.id)")"))
                    }
                    if overdue {
                        let when = age.map { "the last is \(StatusText.duration($0)) old" } ?? "there is none yet"
                        problems.append(Problem(kind: "backup", subject: app.id,
                                                message: "backup overdue: \(when) (timer every \(StatusText.duration(app.backupPeriod ?? 0)))"))
                    }
                }
                let containers = mine.map(container)
                if containers.isEmpty {
                    problems.append(Problem(kind: "app", subject: app.id, message: "no containers: the app is not started (systemctl start selfhost-\(app.id))"))
                }
                apps.append(App(id: app.id, host: app.host, url: "https://\(app.host)", project: app.project,
                                containers: containers, backup: .init(backup)))
            }
            let caddySamples = sorted.filter { box.caddyProjects.contains($0.composeProject ?? "") && !claimed.contains($0.id) }
            caddySamples.forEach { claimed.insert($0.id) }
            caddy = caddySamples.map(container)
            if caddy.isEmpty {
                problems.append(Problem(kind: "app", subject: "caddy", message: "Caddy is not running: no app is reachable (systemctl start selfhost-caddy)"))
            }
        }
        let others = sorted.filter { !claimed.contains($0.id) }.map(container)
        for c in apps.flatMap(\.containers) + caddy {
            if let problem = containerProblem(c) { problems.append(problem) }
        }
        let disks = newHost.disks.map { Disk(purpose: $0.purpose, path: $0.path, totalBytes: $0.totalBytes, freeBytes: $0.freeBytes, usedPercent: $0.usedPercent) }
        for d in disks where d.usedPercent > thresholds.diskPercent {
            problems.append(Problem(kind: "disk", subject: d.purpose,
                                    message: "\(d.path) is \(Int(d.usedPercent.rounded()))% full (threshold \(Int(thresholds.diskPercent))%)"))
        }
        let host = Host(load: newHost.load, cpuPercent: .init(HostSample.cpuPercent(from: oldHost, to: newHost)),
                        memoryTotalBytes: newHost.memoryTotal, memoryUsedBytes: max(0, newHost.memoryTotal - newHost.memoryAvailable),
                        swapTotalBytes: newHost.swapTotal, swapUsedBytes: max(0, newHost.swapTotal - newHost.swapFree), disks: disks)
        return StatusReport(box: .init(box?.directory.path), domain: .init(box?.domain), generatedAt: now, engine: engine, host: host,
                            apps: apps, caddy: caddy, otherContainers: others, problems: problems)
    }

    static func containerProblem(_ c: Container) -> Problem? {
        let subject = c.name
        if c.state == "restarting" { return Problem(kind: "container", subject: subject, message: "restarting (\(c.restarts) restarts)") }
        if c.completed { return nil }
        if c.state != "running" {
            let code = c.exitCode.value.map { " (exit \($0))" } ?? ""
            return Problem(kind: "container", subject: subject, message: "\(c.state)\(code): not running")
        }
        if c.health.value == "unhealthy" { return Problem(kind: "container", subject: subject, message: "unhealthy") }
        return nil
    }

    /// `ghcr.io/org/app:1.2.3` → (`ghcr.io/org/app`, `1.2.3`); a registry port isn't a tag.
    static func splitImage(_ reference: String) -> (String, String?) {
        // A container made from an image id: the short id, as `docker ps` shows it.
        if reference.hasPrefix("sha256:") { return (String(reference.prefix(19)), nil) }
        let withoutDigest = reference.split(separator: "@", maxSplits: 1).first.map(String.init) ?? reference
        if let colon = withoutDigest.lastIndex(of: ":"), !withoutDigest[colon...].contains("/") {
            return (String(withoutDigest[..<colon]), String(withoutDigest[withoutDigest.index(after: colon)...]))
        }
        return (withoutDigest, nil)
    }

}
