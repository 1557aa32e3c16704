import Foundation

/// What a rendered box says it runs, read from its directory: the apps and hosts of
/// `.selfhost/manifest.json`, each app's Compose project name, its backup directory and the
/// period of its backup timer.
public struct BoxInventory: Sendable {
    public struct App: Sendable {
        public var id: String
        public var host: String
        /// The Compose project its containers carry (`COMPOSE_PROJECT_NAME` of its .env, else `selfhost-<id>`).
        public var project: String
        public var backupDirectory: String?
        /// Seconds between two scheduled backups, from the timer's `OnCalendar=` (nil: no timer).
        public var backupPeriod: Double?
        /// Seconds a run may start late (`RandomizedDelaySec=`).
        public var backupDelay: Double
    }

    public var directory: URL
    public var domain: String?
    public var apps: [App]
    /// Compose projects of the box's Caddy (its own, and the directory-named one older renders used).
    public var caddyProjects: Set<String>
    public var backupRoot: String?

    /// Reads the box in `directory`; a usage error when it holds no manifest.
    public static func read(_ directory: URL) throws -> BoxInventory {
        guard let manifest = try RenderManifest.read(in: directory) else {
            throw SelfhostError.usage(
                "\(directory.path) is not a box: no \(RenderManifest.relativePath)",
                at: SourceLocation(file: directory.path),
                remedy: "give the directory `selfhost render --out` wrote (--box DIR), or run status inside it")
        }
        var apps: [App] = []
        for (id, record) in manifest.apps.sorted(by: { $0.key < $1.key }) {
            let env = (try? String(contentsOf: directory.appendingPathComponent("\(id)/.env"), encoding: .utf8)) ?? ""
            let project = envValue(env, "COMPOSE_PROJECT_NAME") ?? "selfhost-\(id)"
            let timer = (try? String(contentsOf: directory.appendingPathComponent("systemd/selfhost-\(id)-backup.timer"), encoding: .utf8))
            let backupDir = manifest.backupDir.map { ($0 as NSString).appendingPathComponent(id) }
            apps.append(App(id: id, host: record.host, project: project,
                            backupDirectory: timer == nil ? nil : backupDir,
                            backupPeriod: timer.flatMap { unitValue($0, "OnCalendar").flatMap(calendarPeriod) },
                            backupDelay: timer.flatMap { unitValue($0, "RandomizedDelaySec").flatMap(seconds) } ?? 0))
        }
        let caddyEnv = (try? String(contentsOf: directory.appendingPathComponent("caddy/.env"), encoding: .utf8)) ?? ""
        var caddy: Set<String> = ["selfhost-caddy", "caddy"]
        if let named = envValue(caddyEnv, "COMPOSE_PROJECT_NAME") { caddy.insert(named) }
        if let compose = try? String(contentsOf: directory.appendingPathComponent("caddy/compose.yaml"), encoding: .utf8),
           let line = compose.split(separator: "\n").first(where: { $0.hasPrefix("name:") }) {
            caddy.insert(line.dropFirst("name:".count).trimmingCharacters(in: CharacterSet(charactersIn: " \"'")))
        }
        return BoxInventory(directory: directory, domain: manifest.domain, apps: apps, caddyProjects: caddy, backupRoot: manifest.backupDir)
    }

    static func envValue(_ text: String, _ key: String) -> String? {
        text.split(whereSeparator: \.isNewline).last { $0.hasPrefix("\(key)=") }
            .map { String($0.dropFirst(key.count + 1)).trimmingCharacters(in: CharacterSet(charactersIn: " \"'\r")) }
            .flatMap { $0.isEmpty ? nil : $0 }
    }

    static func unitValue(_ text: String, _ key: String) -> String? {
        text.split(whereSeparator: \.isNewline).last { $0.hasPrefix("\(key)=") }
            .map { String($0.dropFirst(key.count + 1)).trimmingCharacters(in: .whitespaces) }
    }

    /// The period of the `OnCalendar=` shorthands render writes (and systemd's other named ones).
    static func calendarPeriod(_ value: String) -> Double? {
        switch value.lowercased() {
        case "minutely": return 60
        case "hourly": return 3600
        case "daily": return 86_400
        case "weekly": return 7 * 86_400
        case "monthly": return 31 * 86_400
        default:
            // "*-*-* 03:00:00" and the like: once a day.
            let parts = value.split(separator: " ")
            if parts.count == 2, parts[0] == "*-*-*", parts[1].split(separator: ":").allSatisfy({ Int($0) != nil }) { return 86_400 }
            return nil
        }
    }

    /// systemd time spans as render writes them: `1h`, `30min`, `45s`, `2d`, or plain seconds.
    static func seconds(_ value: String) -> Double? {
        let units: [(String, Double)] = [("min", 60), ("ms", 0.001), ("h", 3600), ("d", 86_400), ("s", 1), ("m", 60)]
        let v = value.trimmingCharacters(in: .whitespaces)
        if let plain = Double(v) { return plain }
        for (suffix, factor) in units where v.hasSuffix(suffix) {
            if let n = Double(v.dropLast(suffix.count)) { return n * factor }
        }
        return nil
    }
}

/// The newest finished backup of an app: its time (from the directory's UTC stamp) and size.
public struct BackupState: Sendable, Equatable {
    public var directory: String
    public var lastAt: Date?
    public var sizeBytes: Int64?

    /// Finished backups are `<dir>/<YYYYMMDDTHHMMSSZ>`; `.partial` ones are runs in progress or failed.
    public static func newest(in directory: String) -> BackupState {
        let fm = FileManager.default
        guard let last = BackupStamp.names(in: directory).last else { return BackupState(directory: directory) }
        let path = (directory as NSString).appendingPathComponent(last)
        let date = BackupStamp.date(String(last.prefix(16))) ?? (try? fm.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? nil
        var size: Int64 = 0
        if let walker = fm.enumerator(atPath: path) {
            while let name = walker.nextObject() as? String {
                if let attrs = try? fm.attributesOfItem(atPath: (path as NSString).appendingPathComponent(name)),
                   attrs[.type] as? FileAttributeType == .typeRegular {
                    size += (attrs[.size] as? NSNumber)?.int64Value ?? 0
                }
            }
        }
        return BackupState(directory: directory, lastAt: date, sizeBytes: size)
    }

    init(directory: String, lastAt: Date? = nil, sizeBytes: Int64? = nil) {
        self.directory = directory
        self.lastAt = lastAt
        self.sizeBytes = sizeBytes
    }
}
