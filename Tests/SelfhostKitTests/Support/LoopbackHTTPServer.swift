import Foundation
@testable import SelfhostKit

/// A real HTTP server on loopback (Fixtures/http/server.py, Python's http.server), over TCP on
/// 127.0.0.1 or a Unix socket, for the HTTP layer's tests. Stopped when the value is released.
final class LoopbackHTTPServer: @unchecked Sendable {
    let process: RunningProcess
    /// `http://127.0.0.1:PORT` (TCP), or `http://local` with `unixSocket` set.
    let baseURL: String
    let unixSocket: String?

    /// `script`: a server under Fixtures/http/ (server.py: generic paths; registry.py: a container registry).
    convenience init(unixSocket: String? = nil, script: String = "server.py") throws {
        try self.init(unixSocket: unixSocket, scriptURL: TestSupport.fixtures.appendingPathComponent("http/\(script)"))
    }

    /// Any fixture server that prints "port N" (or "unix PATH") once listening.
    init(unixSocket: String? = nil, scriptURL: URL) throws {
        process = ProcessRunner.start(ProcessRequest("python3", [scriptURL.path] + (unixSocket.map { ["--unix", $0] } ?? []),
                                                     output: .stream))
        // The first line says where it listens.
        let line = process.output?.availableLine() ?? ""
        let words = line.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard words.count == 2 else {
            process.terminate(SIGKILL)
            _ = process.wait()
            throw NSError(domain: "LoopbackHTTPServer", code: 1, userInfo: [NSLocalizedDescriptionKey: "server did not start: \(words)"])
        }
        self.unixSocket = unixSocket
        baseURL = words[0] == "port" ? "http://127.0.0.1:\(words[1])" : "http://local"
    }

    func request(_ path: String, timeout: Double = 5, maxBodyBytes: Int = 1 << 20) -> HTTPRequest {
        HTTPRequest(url: baseURL + path, unixSocket: unixSocket, timeout: timeout, maxBodyBytes: maxBodyBytes)
    }

    deinit {
        // SIGKILL: a child started from the test runner's threads may inherit a mask that blocks SIGTERM.
        process.terminate(SIGKILL)
        _ = process.wait()
    }
}
