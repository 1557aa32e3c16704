import Foundation

/// `--with-external`: runs the real validators found on PATH and turns their messages into findings.
/// A missing tool is reported as skipped, never as a finding.
public enum ExternalValidators {
    /// What happened with one tool.
    public struct Run: Sendable, Codable, Hashable {
        public var tool: String
        /// `ran` or `skipped`.
        public var status: String
        public var detail: String
    }

    static let timeout: TimeInterval = 60

    public static func run(_ project: LintProject, context: Context) -> (findings: [Diagnostic], runs: [Run]) {
        var findings: [Diagnostic] = []
        var runs: [Run] = []
        let path = context.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        let scratch = ScratchCopies()
        defer { scratch.remove() }

        if !project.caddyFiles.isEmpty {
            if let caddy = which("caddy", path: path) {
                findings += parallel(project.caddyFiles) { c in
                    // Caddy substitutes {$VAR} from its environment: give it what its container would get.
                    let env = context.environment.merging(project.caddyEnvironmentValues(for: c)) { old, _ in old }
                    let r = execute(caddy, ["validate", "--config", scratch.path(of: c.source), "--adapter", "caddyfile"], cwd: c.source.directory, env: env)
                    return caddyFindings(r, file: c.source)
                }
                runs.append(Run(tool: "caddy", status: "ran", detail: "caddy validate on \(project.caddyFiles.count) Caddyfile(s)"))
            } else {
                runs.append(Run(tool: "caddy", status: "skipped", detail: "caddy is not on PATH"))
            }
        }
        if !project.units.isEmpty {
            if let sa = which("systemd-analyze", path: path) {
                findings += parallel(project.units) { u in
                    let r = execute(sa, ["verify", scratch.path(of: u.source)], cwd: u.source.directory, env: context.environment.merging(["SYSTEMD_LOG_COLOR": "0", "SYSTEMD_PAGER": ""]) { $1 })
                    return systemdFindings(r, file: u.source)
                }
                runs.append(Run(tool: "systemd-analyze", status: "ran", detail: "systemd-analyze verify on \(project.units.count) unit(s)"))
            } else {
                runs.append(Run(tool: "systemd-analyze", status: "skipped", detail: "systemd-analyze is not on PATH"))
            }
        }
        if !project.composeFiles.isEmpty {
            var command: (URL, [String])?
            if let docker = which("docker", path: path), execute(docker, ["compose", "version"], cwd: nil, env: context.environment).status == 0 {
                command = (docker, ["compose"])
            } else if let dc = which("docker-compose", path: path) {
                command = (dc, [])
            }
            if let (exe, prefix) = command {
                findings += parallel(project.composeFiles) { f in
                    // A checkout without .env: the committed .env.example declares the names (empty values),
                    // so compose checks the file's shape instead of warning about every unset variable.
                    let envFile = f.envExample.map { ["--env-file", $0.source.url.path] } ?? []
                    let directory = f.source.fromStandardInput ? ["--project-directory", f.source.directory.path] : []
                    var args = prefix + envFile + directory + ["-f", scratch.path(of: f.source), "config", "-q"]
                    var input: String?
                    if prefix.isEmpty, let nameNode = f.root?.pair("name") {
                        // docker-compose 1.x predates the top-level `name:` key (Compose v2 reads it) and
                        // rejects the whole file; validate the rest by handing it the file without that line.
                        var lines = f.source.lines.map(String.init)
                        if nameNode.key.line - 1 < lines.count { lines[nameNode.key.line - 1] = "" }
                        input = lines.joined(separator: "\n")
                        args = envFile + ["--project-name", f.projectName, "--project-directory", f.source.directory.path, "-f", "-", "config", "-q"]
                    }
                    let r = execute(exe, args, cwd: f.source.directory, env: context.environment, input: input)
                    return composeFindings(r, file: f.source)
                }
                runs.append(Run(tool: exe.lastPathComponent + (prefix.isEmpty ? "" : " compose"), status: "ran", detail: "config on \(project.composeFiles.count) compose file(s)"))
            } else {
                runs.append(Run(tool: "docker compose", status: "skipped", detail: "neither `docker compose` nor docker-compose is on PATH"))
            }
        }
        return (findings, runs)
    }

    /// Where a tool reads a source: the file itself, or for standard input (`selfhost lint -`) a copy under
    /// the same name in a scratch directory removed after the run, so the tools' messages name it alike.
    final class ScratchCopies: @unchecked Sendable {
        private let lock = NSLock()
        private var directory: URL?

        func path(of source: LintSource) -> String {
            guard source.fromStandardInput else { return source.url.path }
            return lock.withLock {
                let dir = directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("selfhost-lint-\(UUID().uuidString)")
                if directory == nil {
                    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                    directory = dir
                }
                let file = dir.appendingPathComponent(source.url.lastPathComponent)
                try? Data(source.text.utf8).write(to: file)
                return file.path
            }
        }

        func remove() {
            lock.withLock { if let directory { try? FileManager.default.removeItem(at: directory) } }
        }
    }

    // MARK: Message mapping

    /// `Error: adapting config using caddyfile: /x/Caddyfile:3: unrecognized directive: foo`
    static func caddyFindings(_ r: Result, file: LintSource) -> [Diagnostic] {
        guard r.status != 0 else { return [] }
        let lines = r.output.split(separator: "\n").map(String.init)
        let errorLine = lines.last { $0.hasPrefix("Error:") } ?? lines.last { !$0.isEmpty } ?? "caddy validate failed (exit \(r.status))"
        var message = errorLine.hasPrefix("Error: ") ? String(errorLine.dropFirst(7)) : errorLine
        var line = 1
        // Caddy names the file as `/abs/Caddyfile:3: msg` or `/abs/Caddyfile:3 - Error during parsing: msg`.
        let name = NSRegularExpression.escapedPattern(for: file.url.lastPathComponent)
        if let m = message.range(of: name + #":(\d+)( - |: )"#, options: .regularExpression) {
            let tail = message[m].dropFirst(file.url.lastPathComponent.count + 1)
            line = Int(tail.prefix { $0.isNumber }) ?? 1
            let before = message[..<m.lowerBound].split(separator: " ").dropLast().joined(separator: " ")
            message = (before.isEmpty ? "" : before + " ") + message[m.upperBound...]
        } else if let m = message.range(of: #", line (\d+)"#, options: .regularExpression) {
            line = Int(message[m].filter(\.isNumber)) ?? 1
        }
        return [ExternalRules.caddy.finding("caddy: " + message, at: file.location(line, 1))]
    }

    /// `/x/app.service:5: Unknown key name 'Foo' in section 'Service', ignoring.`
    static func systemdFindings(_ r: Result, file: LintSource) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let name = file.url.lastPathComponent
        var generalErrors: [String] = []
        for raw in r.output.split(separator: "\n").map(String.init) {
            if let range = raw.range(of: name + ":"), let m = raw[range.upperBound...].range(of: #"^(\d+): "#, options: .regularExpression) {
                let rest = raw[range.upperBound...]
                let line = Int(rest[m].dropLast(2)) ?? 1
                let message = String(rest[m.upperBound...])
                let ignoring = message.contains(", ignoring")
                out.append(ExternalRules.systemd.finding("systemd: " + message, at: file.location(line, 1), severity: ignoring ? .warning : .error))
            } else if raw.contains(name) {
                generalErrors.append(raw.replacingOccurrences(of: file.url.path + ": ", with: "").replacingOccurrences(of: name + ": ", with: ""))
            }
        }
        if r.status != 0 {
            let message = generalErrors.first ?? r.output.split(separator: "\n").last.map(String.init) ?? "systemd-analyze verify failed (exit \(r.status))"
            out.append(ExternalRules.systemd.finding("systemd: " + message, at: file.location(1, 1)))
        }
        return out
    }

    /// `ERROR: The Compose file './compose.yaml' is invalid because: …` / `WARNING: The X variable is not set.`
    static func composeFindings(_ r: Result, file: LintSource) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let lines = r.output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        func isWarning(_ l: String) -> Bool {
            l.hasPrefix("WARNING:") || l.lowercased().contains("level=warning") || l.contains("variable is not set")
        }
        for l in lines where isWarning(l) {
            out.append(ExternalRules.compose.finding("compose: " + cleanup(l), at: file.location(1, 1), severity: .warning))
        }
        if r.status != 0 {
            let message = lines.filter { !isWarning($0) }.joined(separator: " ")
            out.append(ExternalRules.compose.finding("compose: " + cleanup(message.isEmpty ? "config failed (exit \(r.status))" : message), at: file.location(1, 1)))
        }
        return out
    }

    static func cleanup(_ s: String) -> String {
        var t = s
        for p in ["ERROR: ", "WARNING: "] where t.hasPrefix(p) { t.removeFirst(p.count) }
        return t
    }

    // MARK: Processes

    /// Runs `body` for each item on all cores (each call mostly waits on a child process); results in input order.
    static func parallel<T: Sendable>(_ items: [T], _ body: @Sendable (T) -> [Diagnostic]) -> [Diagnostic] {
        let results = ResultSlots(count: items.count)
        DispatchQueue.concurrentPerform(iterations: items.count) { i in results.set(i, body(items[i])) }
        return results.all.flatMap { $0 }
    }

    final class ResultSlots: @unchecked Sendable {
        private let lock = NSLock()
        private var slots: [[Diagnostic]]
        init(count: Int) { slots = Array(repeating: [], count: count) }
        func set(_ i: Int, _ value: [Diagnostic]) { lock.withLock { slots[i] = value } }
        var all: [[Diagnostic]] { lock.withLock { slots } }
    }

    struct Result { var status: Int32; var output: String }

    static func which(_ name: String, path: String) -> URL? {
        for dir in path.split(separator: ":") {
            let p = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: p) { return URL(fileURLWithPath: p) }
        }
        return nil
    }

    /// Runs a tool with stdout and stderr combined, killed after `timeout`.
    static func execute(_ exe: URL, _ args: [String], cwd: URL?, env: [String: String], input: String? = nil) -> Result {
        var environment = env
        environment["NO_COLOR"] = "1"
        let result = ProcessRunner.run(ProcessRequest(
            exe.path, args, environment: environment, workingDirectory: cwd,
            input: input.map { Data($0.utf8) }, timeout: timeout, output: .merged))
        if let failure = result.launchFailure { return Result(status: 127, output: failure) }
        return Result(status: result.status, output: result.stdoutText)
    }
}
