import Foundation
@testable import SelfhostKit

/// A server for `selfhost install` tests: a temp unit directory, a systemd runtime directory that
/// exists or not, a fake engine answering `/version` and `/containers/json`, a host probe with a
/// Compose version and listeners, and a runner that records every command. `install` commands are
/// run for real (coreutils into the temp unit directory); systemctl and docker are recorded only.
final class FakeServer: @unchecked Sendable {
    let root: URL
    var unitDirectory: URL { root.appendingPathComponent("etc/systemd/system") }
    var runtimeDirectory: URL { root.appendingPathComponent("run/systemd/system") }
    private let lock = NSLock()
    private var _commands: [[String]] = []
    var commands: [[String]] { lock.withLock { _commands } }
    var failing: String?
    var engineUp = true
    var compose: String? = "2.26.1"
    var listeners: [Int: [ListeningSocket]] = [:]
    var root_ = true
    /// Containers the engine reports: all healthy by default.
    var containers: [ContainerSample] = []

    init() throws {
        root = try TestSupport.tempDirectory("selfhost-install")
        try FileManager.default.createDirectory(at: unitDirectory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: runtimeDirectory, withIntermediateDirectories: true)
    }

    func record(_ argv: [String]) { lock.withLock { _commands.append(argv) } }

    var machine: InstallMachine {
        InstallMachine(
            unitDirectory: unitDirectory.path, systemdRuntimeDirectory: runtimeDirectory.path,
            isRoot: { self.root_ }, composeVersion: { self.compose }, listeners: { self.listeners[$0] ?? [] },
            engine: DockerEngine(socket: "/nonexistent.sock", http: FakeEngineHTTP(server: self)),
            run: { request in
                let argv = [request.executable] + request.arguments
                self.record(argv)
                if let f = self.failing, argv.joined(separator: " ").contains(f) {
                    return ProcessResult(status: 1, stdout: Data("Job for \(f) failed.\n".utf8), stderr: Data(), timedOut: false, truncated: false, launchFailure: nil)
                }
                if request.executable == "install" { return ProcessRunner.run(request) }
                return ProcessResult(status: 0, stdout: Data(), stderr: Data(), timedOut: false, truncated: false, launchFailure: nil)
            },
            containers: { .success(self.containers) },
            sleep: { _ in }, monotonic: { Double(self.tick()) })
    }

    private var clock = 0
    func tick() -> Int { lock.withLock { clock += 1; return clock } }

    static func container(_ project: String, _ service: String, state: String = "running", health: String? = "healthy") -> ContainerSample {
        ContainerSample(id: "\(project)-\(service)", name: "\(project)-\(service)-1", image: "img", state: state, health: health,
                        restarts: 0, exitCode: state == "running" ? nil : 1, restartPolicy: "unless-stopped", startedAt: Date(),
                        memoryLimit: nil, labels: ["com.docker.compose.project": project, "com.docker.compose.service": service], stats: nil)
    }
}

struct FakeEngineHTTP: HTTPClient {
    let server: FakeServer
    func send(_ request: HTTPRequest) -> Result<HTTPResponse, HTTPError> {
        guard server.engineUp else { return .failure(.cannotConnect("no such file")) }
        if request.url.hasSuffix("/version") {
            return .success(HTTPResponse(status: 200, headers: [], body: Data(#"{"Version":"20.10.24","ApiVersion":"1.41"}"#.utf8)))
        }
        return .success(HTTPResponse(status: 404, headers: [], body: Data(#"{"message":"not here"}"#.utf8)))
    }
}
