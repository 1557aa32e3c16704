import Foundation
import Testing
@testable import SelfhostKit

/// Loopback HTTPS, HTTP and SMTP servers for `--live` and `--smtp-probe` (Fixtures/preflight/
/// live_servers.py, Python's standard library), with a test CA made here by openssl: a CA
/// certificate and a leaf for `names`, valid `days` days.
final class LiveServers: @unchecked Sendable {
    let directory: URL
    let process: RunningProcess
    let httpsPort: Int, httpPort: Int, smtpPort: Int
    var caFile: String { directory.appendingPathComponent("ca.pem").path }

    static let script = KnotServer.fixtures.appendingPathComponent("live_servers.py")

    static func available() -> Bool {
        let ok = FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") && FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")
        if !ok, let ci = ProcessInfo.processInfo.environment["CI"], !ci.isEmpty, ci != "false" {
            Issue.record("openssl or python3 missing: scripts/test.sh installs them")
        }
        return ok
    }

    /// Runs a program to completion; throws with its stderr on failure.
    static func run(_ path: String, _ args: [String], in dir: URL) throws {
        let r = ProcessRunner.run(ProcessRequest(path, args, workingDirectory: dir, timeout: 120))
        guard r.succeeded else { throw LiveError.failed("\(path) \(args.joined(separator: " ")): \(r.launchFailure ?? r.stderrText)") }
    }

    enum LiveError: Error { case failed(String) }

    init(names: [String], days: Int = 10, policy: String?, ip: String = "127.0.0.10", smtpIP: String = "127.0.0.11",
         extra: [String] = []) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("live-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let ssl = "/usr/bin/openssl"
        try Self.run(ssl, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
                           "-subj", "/CN=Selfhost Test CA", "-days", "2"], in: directory)
        try Self.run(ssl, ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "leaf.key", "-out", "leaf.csr",
                           "-subj", "/CN=\(names[0])"], in: directory)
        try ("subjectAltName=" + names.map { "DNS:\($0)" }.joined(separator: ",") + "\n")
            .write(to: directory.appendingPathComponent("ext.cnf"), atomically: true, encoding: .utf8)
        try Self.run(ssl, ["x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                           "-days", String(days), "-extfile", "ext.cnf", "-out", "leaf.pem"], in: directory)
        var args = [Self.script.path, "--cert", "leaf.pem", "--key", "leaf.key", "--ip", ip, "--smtp-ip", smtpIP]
        if let policy {
            try policy.write(to: directory.appendingPathComponent("policy.txt"), atomically: true, encoding: .utf8)
            args += ["--policy", "policy.txt"]
        }
        var lastError = "did not start"
        for _ in 0..<5 {
            let ports = try (0..<3).map { _ in try KnotServer.freePort() }
            let p = ProcessRunner.start(ProcessRequest(
                "/usr/bin/python3", args + ["--https-port", String(ports[0]), "--http-port", String(ports[1]), "--smtp-port", String(ports[2])] + extra,
                workingDirectory: directory, output: .stream, keepInputOpen: true))
            let line = p.output?.availableLine()
            if line == "ready" {
                process = p
                (httpsPort, httpPort, smtpPort) = (ports[0], ports[1], ports[2])
                return
            }
            try? p.input?.close()
            let ended = p.wait()
            lastError = ended.launchFailure ?? ended.stderrText
        }
        throw LiveError.failed("live_servers.py: \(lastError)")
    }

    /// Closing stdin ends the script.
    func stop() {
        try? process.input?.close()
        process.terminate()
        _ = process.wait()
        try? FileManager.default.removeItem(at: directory)
    }
}

extension FileHandle {
    /// Reads one line (blocking), without the newline; "" at end of file.
    func availableLine() -> String {
        var bytes: [UInt8] = []
        while true {
            let d = readData(ofLength: 1)
            if d.isEmpty || d.first == UInt8(ascii: "\n") { break }
            bytes.append(d[0])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
