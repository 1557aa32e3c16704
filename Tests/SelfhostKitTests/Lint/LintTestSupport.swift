import Foundation
@testable import SelfhostKit

/// A scratch directory with files, linted as a project; removed on deinit.
final class ScratchProject: @unchecked Sendable {
    let root: URL
    /// Added to the process environment of every lint run (e.g. a unit path for systemd-analyze).
    var extraEnvironment: [String: String] = [:]
    /// What `selfhost lint -` reads as standard input.
    var standardInput = Data()
    private var cleanup: [URL] = []

    init(_ files: [ExampleFile]) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("selfhost-lint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for f in files { try write(f) }
    }

    convenience init(_ files: [String: String]) throws {
        try self.init(files.map { ExampleFile($0.key, $0.value, mode: $0.key.hasSuffix(".env") || $0.key == ".env" ? 0o600 : nil) })
    }

    func write(_ f: ExampleFile) throws {
        let url = root.appendingPathComponent(f.path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(f.bytes ?? Array(f.content.utf8)).write(to: url)
        if let mode = f.mode { try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path) }
    }

    deinit {
        try? FileManager.default.removeItem(at: root)
        for url in cleanup { try? FileManager.default.removeItem(at: url) }
    }

    func context(_ out: BufferSink = BufferSink(), _ err: BufferSink = BufferSink(), env: [String: String] = [:]) -> Context {
        let base = env.isEmpty ? ProcessInfo.processInfo.environment : env
        let input = standardInput
        return Context(stdout: out, stderr: err, environment: base.merging(extraEnvironment) { _, new in new }, workingDirectory: root,
                       readStandardInput: { limit in input.prefix(limit + 1) })
    }

    /// Units that `Requires=docker.service` fail `systemd-analyze verify` on a machine without the
    /// Docker engine's package. A stand-in unit, first on systemd's unit path (outside the linted
    /// tree), lets verify judge our units alone.
    func standInDockerUnit() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("selfhost-units-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try "[Unit]\nDescription=Stand-in for the Docker engine's unit\n\n[Service]\nExecStart=/bin/true\n"
            .write(to: dir.appendingPathComponent("docker.service"), atomically: true, encoding: .utf8)
        cleanup.append(dir)
        extraEnvironment["SYSTEMD_UNIT_PATH"] = dir.path + ":"
    }

    func lint(_ paths: [String] = ["."], external: Bool = false) throws -> LintReport {
        try LintEngine.lint(paths: paths, context: context(), withExternal: external)
    }

    /// Runs the command as the CLI would; returns exit status, stdout and stderr.
    func run(_ configure: (inout LintCommand.Options) -> Void = { _ in }) throws -> (ExitStatus, String, String) {
        var options = LintCommand.Options()
        configure(&options)
        let out = BufferSink(), err = BufferSink()
        let status = try LintCommand.run(options, context: context(out, err))
        return (status, out.text, err.text)
    }
}

extension LintReport {
    func findings(_ rule: String) -> [Diagnostic] { findings.filter { $0.ruleID == rule } }
    var ruleIDs: Set<String> { Set(findings.compactMap(\.ruleID)) }
}

enum LintFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/lint")

    /// Fails (when CI is set) or reports skipping (otherwise) for a missing real tool.
    static func requireTool(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
            return URL(fileURLWithPath: "\(dir)/\(name)")
        }
        return nil
    }

    static var inCI: Bool {
        let ci = ProcessInfo.processInfo.environment["CI"] ?? ""
        return ci == "true" || ci == "1"
    }
}
