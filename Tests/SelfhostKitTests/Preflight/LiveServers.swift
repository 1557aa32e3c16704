import Foundation
import Testing
@testable import SelfhostKit

/// Loopback HTTPS, HTTP and SMTP servers for `--live` and `--smtp-probe` (Fixtures/preflight/
/// live_servers.py, Python's standard library), with a test CA made here by openssl: a CA
/// certificate and a leaf for `names`, valid `days` days.
final class LiveServers: @unchecked Sendable {
    let directory: URL
    let process: Process
    let stdin: Pipe
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
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        p.currentDirectoryURL = dir
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw LiveError.failed("\(path) \(args.joined(separator: " ")): \(text)") }
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
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            p.arguments = args + ["--https-port", String(ports[0]), "--http-port", String(ports[1]), "--smtp-port", String(ports[2])] + extra
            p.currentDirectoryURL = directory
            let input = Pipe(), output = Pipe(), errors = Pipe()
            p.standardInput = input
            p.standardOutput = output
            p.standardError = errors
            try p.run()
            let line = output.fileHandleForReading.availableLine()
            if line == "ready" {
                process = p
                stdin = input
                (httpsPort, httpPort, smtpPort) = (ports[0], ports[1], ports[2])
                return
            }
            try? input.fileHandleForWriting.close()
            p.waitUntilExit()
            lastError = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        }
        throw LiveError.failed("live_servers.py: \(lastError)")
    }

    /// Closing stdin ends the script.
    func stop() {
        try? stdin.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
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
