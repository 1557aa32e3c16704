import Foundation

/// A PostgreSQL dump restored into a Compose project of its own — `selfhost-verify-<app>`, with its
/// own volume and an internal network, nothing shared with the live app — then counted table by
/// table, and removed. The database service is the backup's own: its image, environment (from the
/// backed-up .env), command and healthcheck, as `docker compose config` resolves them.
struct ScratchRestore {
    var app: String
    var service: String
    var database: String
    /// The backup directory (its compose.yaml and .env).
    var backup: String
    var docker: String
    var run: @Sendable (ProcessRequest) -> ProcessResult
    var timeout: Double

    var project: String { "selfhost-verify-\(app)" }

    enum Failure: Error, Equatable { case step(String) }

    /// Restores `dump` and returns `schema.table` → rows. Always removes the scratch project.
    func counts(dump: String) -> Result<[String: Int], Failure> {
        let dir: URL
        do {
            dir = try makeDirectory()
        } catch {
            return .failure(.step("cannot create a scratch directory: \(error)"))
        }
        defer {
            _ = compose(dir, ["down", "--volumes", "--remove-orphans", "--timeout", "5"], timeout: 120)
            try? FileManager.default.removeItem(at: dir)
        }
        // 1. The backup's database service, resolved with its .env, moved into a project of its own.
        let config = run(ProcessRequest(docker, ["compose", "--project-directory", backup, "-f", "\(backup)/compose.yaml",
                                                 "--env-file", "\(backup)/.env", "config", "--format", "json"],
                                        workingDirectory: URL(fileURLWithPath: backup), timeout: 60))
        guard config.succeeded else { return .failure(.step("docker compose config of the backup's compose.yaml failed: \(tail(config))")) }
        let scratch: String
        switch Self.scratchCompose(config.stdout, service: service) {
        case .success(let text): scratch = text
        case .failure(let f): return .failure(f)
        }
        do {
            try AtomicFile.write(scratch, to: dir.appendingPathComponent("compose.json"), permissions: 0o600)
        } catch {
            return .failure(.step("cannot write the scratch compose file: \(error)"))
        }
        // 2. Start it; the healthcheck says when it takes connections.
        let up = compose(dir, ["up", "-d", "--wait", service], timeout: timeout)
        guard up.succeeded else { return .failure(.step("the scratch database did not start: \(tail(up))")) }
        // 3. Load the dump, stopping at the first error (a truncated dump fails here).
        let restore = ProcessRequest("/bin/sh", ["-c",
            "exec \"$0\" compose -p \"$1\" -f \"$2\" exec -T \"$3\" sh -c 'db=$1; u=\"${POSTGRES_USER:-postgres}\"; "
                + "psql -U \"$u\" -d postgres -tAc \"SELECT 1 FROM pg_database WHERE datname = '\\''$db'\\''\" | grep -q 1 || createdb -U \"$u\" \"$db\"; "
                + "exec pg_restore -U \"$u\" -d \"$db\" --no-owner --exit-on-error' sh \"$4\" < \"$5\"",
            docker, project, dir.appendingPathComponent("compose.json").path, service, database, dump],
            timeout: timeout, output: .merged)
        let restored = run(restore)
        guard restored.succeeded else { return .failure(.step("pg_restore failed: \(tail(restored))")) }
        // 4. Count every table's rows (exact counts, not the planner's estimates).
        let query = "SELECT format('SELECT %L, count(*) FROM %I.%I', schemaname || '.' || tablename, schemaname, tablename) "
            + "FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1 \\gexec\n"
        let count = run(ProcessRequest(docker, ["compose", "-p", project, "-f", dir.appendingPathComponent("compose.json").path,
                                                "exec", "-T", service, "sh", "-c",
                                                "exec psql -U \"${POSTGRES_USER:-postgres}\" -d \"$1\" -At -F '|' -v ON_ERROR_STOP=1", "sh", database],
                                       input: Data(query.utf8), timeout: timeout))
        guard count.succeeded else { return .failure(.step("counting the restored tables failed: \(tail(count))")) }
        return .success(Self.parseCounts(count.stdoutText))
    }

    func compose(_ dir: URL, _ args: [String], timeout: Double) -> ProcessResult {
        run(ProcessRequest(docker, ["compose", "-p", project, "-f", dir.appendingPathComponent("compose.json").path] + args,
                           workingDirectory: dir, timeout: timeout, output: .merged))
    }

    func makeDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("selfhost-verify-\(app)-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return dir
    }

    func tail(_ r: ProcessResult) -> String {
        let text = (r.stdoutText + r.stderrText).trimmingCharacters(in: .whitespacesAndNewlines)
        let last = text.split(separator: "\n").suffix(3).joined(separator: " / ")
        return r.launchFailure ?? (r.timedOut ? "still running after \(Int(timeout)) s" : (last.isEmpty ? "exit \(r.status)" : last))
    }

    /// `public.x|3` lines → counts.
    static func parseCounts(_ text: String) -> [String: Int] {
        var out: [String: Int] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            guard let bar = line.lastIndex(of: "|"), let n = Int(line[line.index(after: bar)...]) else { continue }
            out[String(line[..<bar])] = n
        }
        return out
    }

    /// The scratch project's compose file (JSON, which Compose reads as YAML): only `service`, with
    /// the fields that make the database what it was, one volume per mount of it, one internal network.
    /// Slashes unescaped: Foundation on Linux writes `/` as `\/`, a JSON escape that YAML 1.1 lacks, and
    /// Compose (go-yaml) refused every scratch project with "found unknown escape character" at the
    /// volume's target path (found by e2e/test_install.py on the systemd server).
    static func scratchCompose(_ configJSON: Data, service: String) -> Result<String, Failure> {
        guard let root = try? JSONSerialization.jsonObject(with: configJSON) as? [String: Any],
              let services = root["services"] as? [String: Any], let svc = services[service] as? [String: Any] else {
            return .failure(.step("the backup's compose.yaml has no service \(service)"))
        }
        var out: [String: Any] = [:]
        for key in ["image", "environment", "command", "entrypoint", "user", "healthcheck", "shm_size", "tmpfs"] {
            if let v = svc[key] { out[key] = v }
        }
        var volumes: [String: Any] = [:]
        var mounts: [[String: Any]] = []
        for (i, v) in ((svc["volumes"] as? [[String: Any]]) ?? []).enumerated() where (v["type"] as? String) == "volume" {
            guard let target = v["target"] as? String else { continue }
            let name = "data\(i)"
            volumes[name] = [String: Any]()
            mounts.append(["type": "volume", "source": name, "target": target])
        }
        out["volumes"] = mounts
        out["networks"] = ["scratch"]
        let compose: [String: Any] = ["services": [service: out], "volumes": volumes, "networks": ["scratch": ["internal": true]]]
        guard let data = try? JSONSerialization.data(withJSONObject: compose, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) else {
            return .failure(.step("cannot write the scratch compose file"))
        }
        return .success(String(decoding: data, as: UTF8.self) + "\n")
    }
}
