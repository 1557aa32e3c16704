import Foundation
import Testing
@testable import SelfhostKit

/// The backup unit's sandbox must never hide or freeze what the unit needs, wherever the box
/// and the backups live: systemd.exec semantics of ProtectHome=, PrivateTmp=, ProtectSystem=,
/// ReadWritePaths= and Bind(ReadOnly)Paths= applied to the rendered unit.
@Suite("Render: backup unit sandbox")
struct RenderBackupUnitSandboxTests {
    /// `[Service]` settings of a unit: key → values in order (repeatable keys keep every value).
    static func service(_ text: String) -> [String: [String]] {
        var out: [String: [String]] = [:]
        var section = ""
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") || line.isEmpty { continue }
            if line.hasPrefix("[") { section = line; continue }
            guard section == "[Service]", let eq = line.firstIndex(of: "=") else { continue }
            let key = String(line[..<eq]), value = String(line[line.index(after: eq)...])
            out[key, default: []].append(contentsOf: value.split(separator: " ").map(String.init))
        }
        return out
    }

    static func under(_ path: String, _ roots: [String]) -> Bool {
        roots.contains { path == $0 || path.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }
    }

    /// The sandbox as systemd builds it for the main process (not for "+" commands).
    struct Sandbox {
        var s: [String: [String]]
        func one(_ k: String) -> String { (s[k]?.last ?? "no").lowercased() }
        // A leading "-" lets systemd skip a path missing at namespace setup; the path is the rest.
        var binds: [String] { ((s["BindPaths"] ?? []) + (s["BindReadOnlyPaths"] ?? [])).map { $0.hasPrefix("-") ? String($0.dropFirst()) : $0 } }
        var writableBinds: [String] { (s["BindPaths"] ?? []).map { $0.hasPrefix("-") ? String($0.dropFirst()) : $0 } }
        var readWrite: [String] { (s["ReadWritePaths"] ?? []).map { $0.hasPrefix("-") ? String($0.dropFirst()) : $0 } }
        static let home = ["/home", "/root", "/run/user"]
        static let tmp = ["/tmp", "/var/tmp"]

        /// Why `path` is not visible inside the unit, or nil.
        func hidden(_ path: String) -> String? {
            if ["yes", "true", "tmpfs"].contains(one("ProtectHome")), under(path, Self.home), !under(path, binds) {
                return "ProtectHome=\(one("ProtectHome")) hides it"
            }
            if ["yes", "true"].contains(one("PrivateTmp")), under(path, Self.tmp), !under(path, binds) {
                return "PrivateTmp=yes replaces /tmp and /var/tmp with empty private directories"
            }
            if let ro = s["InaccessiblePaths"], under(path, ro) { return "InaccessiblePaths= hides it" }
            return nil
        }

        /// Why `path` is not writable inside the unit, or nil.
        func readOnly(_ path: String) -> String? {
            if let h = hidden(path) { return h }
            let granted = under(path, readWrite) || under(path, writableBinds)
            if granted { return nil }
            switch one("ProtectSystem") {
            case "strict": return "ProtectSystem=strict and no ReadWritePaths= covers it"
            case "full": if under(path, ["/usr", "/boot", "/efi", "/etc"]) { return "ProtectSystem=full" }
            case "yes", "true": if under(path, ["/usr", "/boot", "/efi"]) { return "ProtectSystem=yes" }
            default: break
            }
            if one("ProtectHome") == "read-only", under(path, Self.home) { return "ProtectHome=read-only" }
            if let ro = s["ReadOnlyPaths"], under(path, ro) { return "ReadOnlyPaths=" }
            return nil
        }
    }

    static let outs = ["/home/ops/deploy", "/root/box", "/tmp/box", "/var/tmp/box", "/srv/box", "/run/user/0/box", "/opt/selfhost"]
    static let backupDirs: [String?] = [nil, "/home/ops/backups", "/tmp/backups", "/root/b", "/srv/box/backups", "/var/tmp/b"]

    @Test("WorkingDirectory and ExecStart stay visible and the backup directory writable, wherever they are",
          arguments: outs)
    func pathsStayReachable(_ place: String) throws {
        // A name nobody uses: a dry run still reads a box already there (its manifest).
        let out = "\(place)-\(UUID().uuidString.prefix(8).lowercased())"
        #expect(!FileManager.default.fileExists(atPath: out))
        for backupDir in Self.backupDirs {
            let (ctx, _, _) = TestSupport.context(cwd: URL(fileURLWithPath: "/"), env: ["PATH": "/usr/bin:/bin"])
            let (_, files) = try RenderCommand.render(
                .init(apps: ["umami"], domain: "example.com", out: out, docker: RenderTestSupport.docker, backupDir: backupDir, dryRun: true),
                store: try RenderTestSupport.fixtureStore(), context: ctx)
            let unit = try #require(files["systemd/selfhost-umami-backup.service"])
            let sandbox = Sandbox(s: Self.service(unit))
            let where_ = "out \(out), backups \(backupDir ?? "default")"
            // Hardening is still there: the fix must not be "no sandbox".
            #expect(sandbox.one("NoNewPrivileges") == "yes" && sandbox.one("ProtectSystem") == "strict"
                    && sandbox.one("PrivateTmp") == "yes" && sandbox.one("ProtectHome") != "no", "\(where_):\n\(unit)")

            let wd = try #require(sandbox.s["WorkingDirectory"]?.last)
            #expect(wd == "\(out)/umami")
            #expect(sandbox.hidden(wd) == nil, "\(where_): WorkingDirectory \(wd): \(sandbox.hidden(wd) ?? "")")
            let exec = try #require(sandbox.s["ExecStart"]?.first)
            #expect(sandbox.hidden(exec) == nil, "\(where_): ExecStart \(exec): \(sandbox.hidden(exec) ?? "")")
            // The backup directory: created by the unsandboxed ExecStartPre, written by the script.
            let backups = (backupDir ?? RenderCommand.defaultBackupDir) + "/umami"
            #expect(sandbox.s["ExecStartPre"]?.contains(backups) == true, "\(where_): the backup directory is not created first")
            #expect(sandbox.readOnly(backups) == nil, "\(where_): backup directory \(backups): \(sandbox.readOnly(backups) ?? "")")
            #expect(files["umami/backup.sh"]?.contains("BACKUP_DIR=\"${BACKUP_DIR:-\(backups)}\"") == true)
            // Paths systemd must find at start (without "-"): the app directory or the backup directory.
            for p in sandbox.readWrite + sandbox.binds where !p.hasPrefix("-") {
                #expect(p == backups || p == wd, "\(where_): \(p) may not exist when the unit starts")
            }
        }
    }

    @Test("the old unit (ProtectHome=yes, PrivateTmp=yes, no binds) is caught by the model")
    func modelCatchesTheDefect() {
        let old = "[Service]\nWorkingDirectory=/home/ops/deploy/umami\nExecStart=/home/ops/deploy/umami/backup.sh\nProtectSystem=strict\nProtectHome=yes\nPrivateTmp=yes\nReadWritePaths=/var/backups/selfhost/umami\n"
        let s = Sandbox(s: Self.service(old))
        #expect(s.hidden("/home/ops/deploy/umami") != nil)
        #expect(s.hidden("/tmp/box/umami") != nil)
        #expect(s.readOnly("/srv/elsewhere") != nil)
        #expect(s.readOnly("/var/backups/selfhost/umami") == nil)
    }
}
