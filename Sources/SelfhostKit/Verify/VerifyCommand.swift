import Foundation

/// `selfhost verify [--box DIR]`: what an owner runs after the afternoon — preflight for the box's
/// hosts and mail provider, `status --check`, and each app's last restore drill (the record
/// `backup verify` leaves) in one report and one exit code: 0 all green, 1 something failed, 2 usage.
public enum VerifyCommand {
    public struct Options: Sendable {
        public var box: String?
        /// Preflight's inputs: the server's public addresses and the resolver to ask.
        public var serverIPs: [String]
        public var resolver: String?
        public var dkimSelectors: [String]
        public var returnPath: String?
        /// Seconds per DNS answer.
        public var dnsTimeout: Double
        /// Seconds between the two status samples.
        public var interval: Double
        /// A restore drill older than this many days counts as failed.
        public var maxDrillAgeDays: Int
        public var format: OutputFormat

        public init(box: String? = nil, serverIPs: [String] = [], resolver: String? = nil, dkimSelectors: [String] = [],
                    returnPath: String? = nil, dnsTimeout: Double = 3, interval: Double = 1, maxDrillAgeDays: Int = 8,
                    format: OutputFormat = .text) {
            self.box = box
            self.serverIPs = serverIPs
            self.resolver = resolver
            self.dkimSelectors = dkimSelectors
            self.returnPath = returnPath
            self.dnsTimeout = dnsTimeout
            self.interval = interval
            self.maxDrillAgeDays = maxDrillAgeDays
            self.format = format
        }
    }

    /// One line of the report.
    public struct Item: Sendable, Encodable, Equatable {
        /// `preflight`, `status` or `restore`.
        public var section: String
        /// The check (a preflight check id, an app, a container).
        public var subject: String
        public var ok: Bool
        /// Passed because nothing is due yet (a restore drill of an app that has no backup): counted
        /// as passed, marked so an owner (and a script) can tell "proven" from "not yet due".
        public var pending: Bool = false
        public var message: String
        public var remedy: Nullable<String>

        public static func == (a: Item, b: Item) -> Bool {
            a.section == b.section && a.subject == b.subject && a.ok == b.ok && a.pending == b.pending && a.message == b.message
        }
    }

    public struct Section: Sendable, Encodable {
        public var name: String
        public var ok: Bool
        public var passed: Int
        public var failed: Int
        /// Of `passed`, the items not yet due (`pending`).
        public var pending: Int
        public var items: [Item]
    }

    /// The JSON document (`--format json`, docs/JSON.md).
    public struct Report: Sendable, Encodable {
        public var box: String
        public var domain: Nullable<String>
        public var ok: Bool
        public var sections: [Section]
    }

    /// What verify reads from the machine: DNS and ports (preflight), the engine (status).
    public struct Machine: Sendable {
        public var status: StatusCommand.Machine
        public var ports: any PortProber
        public init(status: StatusCommand.Machine, ports: any PortProber = LivePortProber()) {
            self.status = status
            self.ports = ports
        }
        public static func live(_ context: Context) -> Machine { Machine(status: .live(context)) }
    }

    public static func run(_ options: Options, catalog: Catalog, providers: [EmailProvider], store: ResourceStore = .embedded,
                           context: Context, machine: Machine) async throws -> ExitStatus {
        try SecondsOption.check(options.interval, "--interval", 0.1...60)
        guard (1...366).contains(options.maxDrillAgeDays) else {
            throw SelfhostError.usage("--max-drill-age takes 1 to 366 days, not \(options.maxDrillAgeDays)", remedy: "e.g. --max-drill-age 8 (a weekly drill and a day's grace)")
        }
        let boxURL = try InstallCommand.locate(options.box, context: context)
        let inventory = try BoxInventory.read(boxURL)
        let manifest = try RenderManifest.required(in: boxURL)

        // 1. Preflight: the box's hosts and its mail provider's records (usage errors are exit 2, as preflight's).
        let pre = PreflightCommand.Options(domain: nil, box: boxURL.path, serverIPs: options.serverIPs,
                                           dkimSelectors: options.dkimSelectors, returnPath: options.returnPath,
                                           resolver: options.resolver, timeout: options.dnsTimeout, format: .json)
        let env = try PreflightCommand.environment(pre, catalog: catalog, providers: providers, store: store, ports: machine.ports,
                                                   host: nil, now: context.now())
        var results = await withTaskExecutorPreference(PreflightExecutor.shared) { await PreflightCommand.runChecks(env) }
        if let why = env.dns.unusableResolver {
            results = PreflightCommand.collapse(results, PreflightCommand.resolverUnusable(env.dns.resolver, why, domain: env.domain), domain: env.domain)
        }
        let preflight = results.map { r in
            Item(section: "preflight", subject: "\(r.id) \(r.subject)", ok: !r.status.fails, message: "\(r.status.rawValue): \(r.message)", remedy: .init(r.fix))
        }

        // 2. status --check: every container up, backups on time, disks not full.
        var statusItems: [Item]
        do {
            let status = try StatusSampler(box: inventory, machine: machine.status, thresholds: .init(), now: context.now).twice(interval: options.interval)
            statusItems = status.problems.map { p in
                Item(section: "status", subject: p.subject, ok: false, message: p.message, remedy: .init(nil))
            }
            if statusItems.isEmpty {
                let count = status.apps.reduce(0) { $0 + $1.containers.count }
                statusItems = [Item(section: "status", subject: "box", ok: true, message: "\(count) containers of \(status.apps.count) apps up; backups on time", remedy: .init(nil))]
            }
        } catch let e as SelfhostError {
            // The engine can't be read: one failed item, and the other sections still report.
            statusItems = [Item(section: "status", subject: "engine", ok: false, message: e.message, remedy: .init(e.remedy))]
        }

        // 3. The last restore drill of each app (`backup verify` writes it beside the backups).
        let backupBase = manifest.backupDir ?? RenderCommand.defaultBackupDir
        var restore: [Item] = []
        for id in manifest.apps.keys.sorted() {
            let dir = "\(backupBase)/\(id)"
            guard let record = BackupVerifyRecord.read(in: dir) else {
                restore.append(drillMissing(id, backups: BackupState.newest(in: dir), box: boxURL.path))
                continue
            }
            let age = context.now().timeIntervalSince(record.verifiedAt) / 86_400
            let when = "\(ISO8601DateFormatter().string(from: record.verifiedAt)) (\(Int(age)) d ago)"
            if !record.ok {
                restore.append(Item(section: "restore", subject: id, ok: false,
                                    message: "the last restore drill failed \(when): " + record.problems.prefix(3).joined(separator: "; "),
                                    remedy: .init("see `selfhost backup verify \(id)`; take a new backup once the cause is fixed")))
            } else if age > Double(options.maxDrillAgeDays) {
                restore.append(Item(section: "restore", subject: id, ok: false, message: "the last restore drill passed, but \(when), more than \(options.maxDrillAgeDays) d ago",
                                    remedy: .init("sudo selfhost backup verify \(id) --box \(boxURL.path)")))
            } else {
                restore.append(Item(section: "restore", subject: id, ok: true, message: "restored \(record.backup ?? "the newest backup") \(when)", remedy: .init(nil)))
            }
        }

        let sections = [("preflight", preflight), ("status", statusItems), ("restore", restore)].map { name, items in
            Section(name: name, ok: items.allSatisfy(\.ok), passed: items.filter(\.ok).count, failed: items.filter { !$0.ok }.count,
                    pending: items.filter(\.pending).count, items: items)
        }
        let report = Report(box: boxURL.path, domain: .init(manifest.domain), ok: sections.allSatisfy(\.ok), sections: sections)
        switch options.format {
        case .json: context.stdout.write(JSONOutput.encode(report))
        case .text: context.stdout.write(text(report, style: context.style))
        }
        if env.dns.unusableResolver != nil { return .usage }
        return report.ok ? .success : .problems
    }

    /// An app with no restore drill on record. A drill proves that a backup restores: while the app
    /// has no backup at all there is nothing to prove, so the drill is not yet due (a fresh box is
    /// green after `render` → `install` → `verify`). That can't hide a box that never backs up:
    /// `status --check` (the section above) fails an app whose first backup is later than its timer
    /// allows. Once a backup exists, an unproven one fails — an unverified backup is a hope.
    static func drillMissing(_ id: String, backups: BackupState, box: String) -> Item {
        let fix = "sudo selfhost backup verify \(id) --box \(box)"
        guard let last = backups.lastAt else {
            return Item(section: "restore", subject: id, ok: true, pending: true,
                        message: "not yet due: no backup to restore yet (selfhost-\(id)-backup.timer takes the first; `status --check` fails it once overdue)",
                        remedy: .init(fix))
        }
        return Item(section: "restore", subject: id, ok: false,
                    message: "no restore drill yet, though a backup exists (the newest \(ISO8601DateFormatter().string(from: last))): it has never been proven to restore",
                    remedy: .init(fix))
    }

    static func text(_ report: Report, style: Style) -> String {
        var out = style.bold("selfhost verify") + " · \(report.box)" + (report.domain.value.map { " · \($0)" } ?? "") + "\n"
        let titles = ["preflight": "Preflight (DNS, mail provider, ports)", "status": "Status (status --check)", "restore": "Restore drills (backup verify)"]
        for s in report.sections {
            out += "\n" + style.bold(titles[s.name] ?? s.name) + ": " + (s.ok ? style.green("ok") : style.red("\(s.failed) failed"))
                + " (\(s.passed) passed" + (s.pending > 0 ? ", \(s.pending) not yet due" : "") + ")\n"
            // Passed preflight checks are many and dull: listed in JSON, counted here.
            for i in s.items where !i.ok || s.name != "preflight" {
                out += "  " + (i.pending ? "·" : i.ok ? style.green("✓") : style.red("✗")) + " \(i.subject): \(i.message)\n"
                if let r = i.remedy.value, !i.ok { out += "      fix: \(r)\n" }
            }
        }
        // Green with drills not yet due says so: no backup of those apps has been proven to restore.
        let pending = report.sections.reduce(0) { $0 + $1.pending }
        let green = pending == 0 ? "All green." : "All green; \(pending) restore drill\(pending == 1 ? "" : "s") not yet due (no backup yet: run `selfhost backup verify` once the first backups exist)."
        out += "\n" + (report.ok ? style.green(green) : style.red("Not all green: see the ✗ lines above.")) + "\n"
        return out
    }
}
