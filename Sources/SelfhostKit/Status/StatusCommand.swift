import Foundation

/// `selfhost status`: the box as it runs, Docker and Linux joined per app.
public enum StatusCommand {
    public struct Options: Sendable {
        public var box: String?
        public var format: OutputFormat
        /// Redraw every N seconds on a terminal (nil: print once).
        public var watch: Double?
        /// Exit 1 when a container is unhealthy, restarting or stopped, a backup is overdue or a disk is full.
        public var check: Bool
        public var thresholds: StatusThresholds
        /// Seconds between the two samples rates are computed from (one-shot mode).
        public var interval: Double
        public var sort: StatusSort

        public init(box: String? = nil, format: OutputFormat = .text, watch: Double? = nil, check: Bool = false,
                    thresholds: StatusThresholds = .init(), interval: Double = 1, sort: StatusSort = .name) {
            self.box = box
            self.format = format
            self.watch = watch
            self.check = check
            self.thresholds = thresholds
            self.interval = interval
            self.sort = sort
        }
    }

    /// What the command reads from the machine, injected for tests.
    public struct Machine: Sendable {
        public var engine: DockerEngine
        public var procRoot: String
        public var terminal: TerminalControl?

        public init(engine: DockerEngine, procRoot: String = "/proc", terminal: TerminalControl? = nil) {
            self.engine = engine
            self.procRoot = procRoot
            self.terminal = terminal
        }

        public static func live(_ context: Context) -> Machine {
            Machine(engine: DockerEngine(socket: DockerEngine.socketPath(environment: context.environment)),
                    terminal: TerminalControl.live())
        }
    }

    public static func run(_ options: Options, context: Context, machine: Machine) throws -> ExitStatus {
        try validate(options, context: context)
        let box = try locateBox(options.box, context: context)
        if options.watch != nil {
            guard let terminal = machine.terminal else {
                throw SelfhostError.usage("--watch needs a terminal: standard output is not one",
                                          remedy: "run it in a terminal, or use `selfhost status` (once) or `--format json` from scripts")
            }
            return try StatusWatch(options: options, box: box, machine: machine, terminal: terminal, context: context).run()
        }
        let sampler = StatusSampler(box: box, machine: machine, thresholds: options.thresholds, now: context.now)
        let report = try sampler.twice(interval: options.interval).sorted(by: options.sort)
        switch options.format {
        case .json:
            context.stdout.write(JSONOutput.encode(report))
        case .text:
            let width = TerminalControl.width(environment: context.environment, isTTY: machine.terminal != nil)
            context.stdout.write(StatusText.render(report, width: width, style: context.style).joined(separator: "\n") + "\n")
        }
        return options.check && !report.problems.isEmpty ? .problems : .success
    }

    static func validate(_ options: Options, context: Context) throws {
        if let w = options.watch {
            try SecondsOption.check(w, "--watch", 0.5...3600, example: "2")
            if options.format == .json {
                throw SelfhostError.usage("--watch redraws a table for people; it has no JSON form",
                                          remedy: "poll `selfhost status --format json` from scripts instead")
            }
            if options.check {
                throw SelfhostError.usage("--watch and --check don't go together", remedy: "use --check alone from cron or a monitoring agent")
            }
        }
        guard options.thresholds.diskPercent.isFinite, (1...100).contains(options.thresholds.diskPercent) else {
            throw SelfhostError.usage("--disk-threshold takes a percentage from 1 to 100, not \(options.thresholds.diskPercent)")
        }
        try SecondsOption.check(options.interval, "--interval", 0.1...60)
    }

    /// `--box DIR`, else the working directory when it is a box, else none (every container, by project).
    static func locateBox(_ path: String?, context: Context) throws -> BoxInventory? {
        if let path {
            let url = context.url(for: path)
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), isDir.boolValue else {
                throw SelfhostError.usage("no directory \(url.path)", at: SourceLocation(file: url.path),
                                          remedy: "give the directory `selfhost render --out` wrote")
            }
            return try BoxInventory.read(url)
        }
        let cwd = context.workingDirectory
        if FileManager.default.fileExists(atPath: cwd.appendingPathComponent(RenderManifest.relativePath).path) {
            return try BoxInventory.read(cwd)
        }
        return nil
    }
}

public enum StatusSort: String, Sendable, CaseIterable {
    case name, cpu, memory

    var next: StatusSort {
        let all = Self.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }
}

extension StatusReport {
    /// Apps (and the containers under each) in the chosen order; busiest first for cpu/memory.
    func sorted(by sort: StatusSort) -> StatusReport {
        guard sort != .name else { return self }
        func key(_ c: Container) -> Double {
            switch sort {
            case .cpu: return c.cpuPercent.value ?? -1
            case .memory: return Double(c.memoryBytes.value ?? -1)
            case .name: return 0
            }
        }
        var copy = self
        copy.apps = apps.map { app in
            var a = app
            a.containers = app.containers.sorted { key($0) > key($1) }
            return a
        }.sorted { $0.containers.map(key).reduce(0, +) > $1.containers.map(key).reduce(0, +) }
        copy.otherContainers = otherContainers.sorted { key($0) > key($1) }
        return copy
    }
}

/// Samples the engine and the host and joins them into a report.
struct StatusSampler {
    var box: BoxInventory?
    var machine: StatusCommand.Machine
    var thresholds: StatusThresholds
    var now: @Sendable () -> Date

    struct Sample {
        var containers: [ContainerSample]
        var host: HostSample
        var at: Date
    }

    func engineInfo() throws -> StatusReport.Engine {
        let engine = machine.engine
        let version: DockerEngine.Version
        switch engine.version() {
        case .success(let v): version = v
        case .failure(let f): throw engineError(f)
        }
        let root = (try? engine.info().get().dockerRootDir) ?? "/var/lib/docker"
        return .init(version: version.version, apiVersion: version.apiVersion ?? "unknown", rootDir: root)
    }

    func engineError(_ failure: DockerEngine.Failure) -> SelfhostError {
        let (message, remedy) = machine.engine.explain(failure)
        return SelfhostError(message, remedy: remedy, status: .problems)
    }

    func sample(rootDir: String) throws -> Sample {
        let containers: [ContainerSample]
        switch EngineSampler(engine: machine.engine).sample() {
        case .success(let c): containers = c
        case .failure(let f): throw engineError(f)
        }
        var disks = [(purpose: "docker", path: rootDir)]
        if let backups = box?.backupRoot {
            // The backup directory may not exist before the first backup: measure where it will be.
            var path = backups
            while !FileManager.default.fileExists(atPath: path), path != "/" { path = (path as NSString).deletingLastPathComponent }
            disks.append((purpose: "backups", path: path))
        }
        return Sample(containers: containers, host: HostSample.read(procRoot: machine.procRoot, disks: disks), at: now())
    }

    func report(engine: StatusReport.Engine, old: Sample?, new: Sample) -> StatusReport {
        StatusReport.build(box: box, engine: engine, old: old?.containers, new: new.containers,
                           oldHost: old?.host, newHost: new.host,
                           seconds: old.map { new.at.timeIntervalSince($0.at) } ?? 0, now: new.at, thresholds: thresholds)
    }

    /// Two samples `interval` seconds apart: rates and CPU % are differences, not guesses.
    func twice(interval: Double) throws -> StatusReport {
        let engine = try engineInfo()
        let first = try sample(rootDir: engine.rootDir)
        Thread.sleep(forTimeInterval: interval)
        let second = try sample(rootDir: engine.rootDir)
        var result = report(engine: engine, old: first, new: second)
        try addSwarm(to: &result)
        return result
    }

    /// On a swarm manager: the nodes and each service's tasks per node; a service with fewer tasks
    /// running than it wants is a problem (`--check`).
    func addSwarm(to report: inout StatusReport) throws {
        guard case .success(let info) = machine.engine.info(), info.swarm?.controlAvailable == true else { return }
        switch SwarmSample.read(machine.engine) {
        case .failure(let f): throw engineError(f)
        case .success(let sample):
            let swarm = sample.report
            report.swarm = Nullable(swarm)
            for s in swarm.services {
                let wanted = s.replicas.value ?? s.tasks.count
                if s.running < wanted {
                    report.problems.append(.init(kind: "service", subject: s.name, message: "\(s.running) of \(wanted) tasks running"))
                }
            }
            for n in swarm.nodes where n.state != "ready" {
                report.problems.append(.init(kind: "node", subject: n.hostname, message: "node is \(n.state)"))
            }
        }
    }
}
