import Foundation

/// `selfhost backup verify [APP…]`: the restore drill. For each app, the newest backup's files are
/// checked against the manifest the backup wrote (size and SHA-256; volume archives also read
/// through by tar), each PostgreSQL dump is restored into a scratch Compose project and its tables
/// and row counts compared with what the backup recorded. Exit 1 on any mismatch.
public enum BackupVerifyCommand {
    public struct Options: Sendable {
        public var box: String?
        public var apps: [String]
        public var format: OutputFormat
        /// Seconds each step (start, restore, count) may take.
        public var timeout: Double

        public init(box: String? = nil, apps: [String] = [], format: OutputFormat = .text, timeout: Double = 900) {
            self.box = box
            self.apps = apps
            self.format = format
            self.timeout = timeout
        }
    }

    public struct Machine: Sendable {
        public var run: @Sendable (ProcessRequest) -> ProcessResult
        public init(run: @escaping @Sendable (ProcessRequest) -> ProcessResult) { self.run = run }
        public static let live = Machine(run: { ProcessRunner.run($0) })
    }

    public struct FileCheck: Sendable, Encodable {
        public var name: String
        public var bytes: Int64
        public var ok: Bool
        public var problem: Nullable<String>
    }

    public struct TableCheck: Sendable, Encodable {
        public var table: String
        public var expectedRows: Nullable<Int>
        public var restoredRows: Nullable<Int>
        public var ok: Bool
    }

    public struct DatabaseCheck: Sendable, Encodable {
        public var service: String
        public var database: String
        public var kind: String
        /// Whether it was restored into the scratch project (PostgreSQL dumps).
        public var restored: Bool
        public var ok: Bool
        public var tables: [TableCheck]
        public var problem: Nullable<String>
    }

    public struct AppResult: Sendable, Encodable {
        public var app: String
        public var backup: Nullable<String>
        public var ok: Bool
        public var files: [FileCheck]
        public var databases: [DatabaseCheck]
        public var problems: [String]
        public var seconds: Double
    }

    public struct Report: Sendable, Encodable {
        public var box: String
        public var ok: Bool
        public var apps: [AppResult]
    }

    public static func run(_ options: Options, context: Context, machine: Machine) throws -> ExitStatus {
        try SecondsOption.check(options.timeout, "--timeout", 5...86_400, example: "900")
        let box = try InstallCommand.locate(options.box, context: context)
        let manifest = try RenderManifest.required(in: box)
        let known = manifest.apps.keys.sorted()
        for app in options.apps where !known.contains(app) {
            throw SelfhostError.usage("the box has no app \(app)",
                                      remedy: (Suggestions.didYouMean(app, in: known).map { "\($0); " } ?? "") + "its apps: \(known.joined(separator: ", "))")
        }
        let apps = options.apps.isEmpty ? known : Array(Set(options.apps)).sorted()
        let root = manifest.backupDir ?? "/var/backups/selfhost"
        let docker = manifest.docker ?? "/usr/bin/docker"
        let text = options.format == .text
        var results: [AppResult] = []
        for app in apps {
            if text { context.stdout.write("→ \(app): verifying the newest backup in \(root)/\(app)\n") }
            let started = Date()
            var result = verify(app: app, directory: (root as NSString).appendingPathComponent(app), docker: docker,
                                timeout: options.timeout, machine: machine)
            result.seconds = Date().timeIntervalSince(started)
            let record = BackupVerifyRecord(backup: result.backup.value, verifiedAt: context.now(), ok: result.ok, problems: result.problems)
            try? record.write(in: (root as NSString).appendingPathComponent(app))
            if text { context.stdout.write(describe(result, style: context.style)) }
            results.append(result)
        }
        let report = Report(box: box.path, ok: results.allSatisfy(\.ok), apps: results)
        if text {
            let bad = results.filter { !$0.ok }.map(\.app)
            context.stdout.write(bad.isEmpty ? "every backup restores (\(results.count) app\(results.count == 1 ? "" : "s"))\n"
                                             : "backups that would not restore as made: \(bad.joined(separator: ", "))\n")
        } else {
            context.stdout.write(JSONOutput.encode(report))
        }
        return report.ok ? .success : .problems
    }

    static func describe(_ r: AppResult, style: Style) -> String {
        var s = "  backup \(r.backup.value ?? "—"): " + (r.ok ? style.green("ok") : style.red("FAILED")) + " (\(Int(r.seconds.rounded())) s)\n"
        let files = r.files.filter(\.ok).count
        if !r.files.isEmpty { s += "  files: \(files)/\(r.files.count) match their size and SHA-256\n" }
        for d in r.databases {
            if d.restored {
                let ok = d.tables.filter(\.ok).count
                s += "  \(d.service)/\(d.database): restored into a scratch project; \(ok)/\(d.tables.count) tables with the recorded row counts\n"
            } else if d.problem.value == nil {
                s += "  \(d.service)/\(d.database): \(d.kind) dump checked by checksum only (the drill restores PostgreSQL dumps)\n"
            }
        }
        for p in r.problems { s += "  " + style.red("problem:") + " \(p)\n" }
        return s
    }

    static func verify(app: String, directory: String, docker: String, timeout: Double, machine: Machine) -> AppResult {
        var result = AppResult(app: app, backup: .init(nil), ok: false, files: [], databases: [], problems: [], seconds: 0)
        guard let stamp = BackupStamp.names(in: directory).last else {
            result.problems.append("no backup in \(directory) yet (sudo systemctl start selfhost-\(app)-backup.service makes one)")
            return result
        }
        result.backup = .init(stamp)
        let backup = (directory as NSString).appendingPathComponent(stamp)
        let manifest: BackupManifest
        switch BackupManifest.read(in: backup) {
        case .success(let m): manifest = m
        case .failure(let why):
            result.problems.append(why.message)
            return result
        }
        // Files: present, the recorded size, the recorded SHA-256; archives also read through.
        for f in manifest.files {
            let path = (backup as NSString).appendingPathComponent(f.name)
            var problem: String?
            if f.name.contains("/") || f.name.hasPrefix("..") {
                problem = "a file name with a path in the manifest"
            } else if let attrs = try? FileManager.default.attributesOfItem(atPath: path) {
                let size = (attrs[.size] as? NSNumber)?.int64Value ?? -1
                if size != f.bytes {
                    problem = "\(size) bytes, the backup recorded \(f.bytes)"
                } else if let sum = sha256(path, machine: machine), sum != f.sha256 {
                    problem = "SHA-256 \(sum.prefix(12))… differs from the recorded \(f.sha256.prefix(12))…: the file changed since the backup"
                } else if f.name.hasSuffix(".tar.gz"),
                          !machine.run(ProcessRequest("tar", ["-tzf", path], timeout: timeout, output: .discard)).succeeded {
                    problem = "the archive does not read through (tar -tzf)"
                }
            } else {
                problem = "missing"
            }
            result.files.append(FileCheck(name: f.name, bytes: f.bytes, ok: problem == nil, problem: .init(problem)))
            if let problem { result.problems.append("\(f.name): \(problem)") }
        }
        // Databases: PostgreSQL dumps restored and counted in a scratch project.
        for db in manifest.databases {
            var check = DatabaseCheck(service: db.service, database: db.database, kind: db.kind, restored: false, ok: true, tables: [], problem: .init(nil))
            if db.kind == "postgres", let expected = db.tables {
                let scratch = ScratchRestore(app: app, service: db.service, database: db.database, backup: backup, docker: docker,
                                             run: machine.run, timeout: timeout)
                switch scratch.counts(dump: (backup as NSString).appendingPathComponent(db.file)) {
                case .success(let restored):
                    check.restored = true
                    for table in Set(expected.keys).union(restored.keys).sorted() {
                        let want = expected[table], got = restored[table]
                        let ok = want != nil && want == got
                        check.tables.append(TableCheck(table: table, expectedRows: .init(want), restoredRows: .init(got), ok: ok))
                        if !ok {
                            let message: String
                            switch (want, got) {
                            case (nil, _): message = "table \(table) is in the restore but not in what the backup recorded"
                            case (_, nil): message = "table \(table) is missing from the restore (the backup recorded \(want ?? 0) rows)"
                            default: message = "table \(table): \(got ?? 0) rows restored, the backup recorded \(want ?? 0)"
                            }
                            result.problems.append("\(db.service)/\(db.database): \(message)")
                        }
                    }
                    check.ok = check.tables.allSatisfy(\.ok)
                case .failure(.step(let why)):
                    check.ok = false
                    check.problem = .init(why)
                    result.problems.append("\(db.service)/\(db.database): \(why)")
                }
            }
            result.databases.append(check)
        }
        result.ok = result.problems.isEmpty
        return result
    }

    /// SHA-256 of a file by coreutils' sha256sum (streams; backups may be large).
    static func sha256(_ path: String, machine: Machine) -> String? {
        let r = machine.run(ProcessRequest("sha256sum", ["--", path], timeout: 3600))
        guard r.succeeded else { return nil }
        return r.stdoutText.split(separator: " ").first.map(String.init)
    }
}
