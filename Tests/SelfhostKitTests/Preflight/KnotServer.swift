import Foundation
import Testing
@testable import SelfhostKit

/// A real authoritative DNS server for the tests: Knot DNS (`knotd`) on 127.0.0.1 at a free
/// high port, serving the zone files under Fixtures/preflight/zones. Each use starts its own
/// server in a temporary directory and stops it afterwards.
///
/// When knotd is missing: with `CI` set the test fails with a clear message; otherwise it is skipped.
struct KnotServer {
    let port: Int
    let directory: URL
    let process: RunningProcess

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/preflight")

    static var knotdPath: String? {
        ["/usr/sbin/knotd", "/usr/bin/knotd", "/usr/local/sbin/knotd"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// True when the test should run; records a failure in CI when knotd is missing.
    static func available() -> Bool {
        if knotdPath != nil { return true }
        if let ci = ProcessInfo.processInfo.environment["CI"], !ci.isEmpty, ci != "false" {
            Issue.record("knotd not found: install Debian's `knot` package (apt-get install -y knot); see /work/notes/preflight-ci.md")
        }
        return false
    }

    /// The keys the zone templates refer to as {{name}}, {{name.1}} (first half), {{name.2}}.
    static func keys() throws -> [String: String] {
        var out: [String: String] = [:]
        let dir = fixtures.appendingPathComponent("keys")
        for f in try FileManager.default.contentsOfDirectory(atPath: dir.path) where f.hasSuffix(".b64") {
            let v = try String(contentsOf: dir.appendingPathComponent(f), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            let name = String(f.dropLast(4))
            out[name] = v
            out[name + ".1"] = String(v.prefix(v.count / 2))
            out[name + ".2"] = String(v.dropFirst(v.count / 2))
        }
        return out
    }

    /// Fills in the key placeholders and splits quoted strings over 255 bytes into several
    /// strings (RFC 1035 character-strings), as a DNS operator would.
    static func render(_ zone: String, keys: [String: String]) -> String {
        var text = zone
        for (k, v) in keys.sorted(by: { $0.key.count > $1.key.count }) { text = text.replacingOccurrences(of: "{{\(k)}}", with: v) }
        var out = ""
        var i = text.startIndex
        while i < text.endIndex {
            if text[i] == "\"" {
                guard let close = text[text.index(after: i)...].firstIndex(of: "\"") else { out += text[i...]; break }
                let body = String(text[text.index(after: i)..<close])
                var chunks: [String] = []
                var rest = Substring(body)
                repeat {
                    chunks.append("\"" + rest.prefix(255) + "\"")
                    rest = rest.dropFirst(255)
                } while !rest.isEmpty
                out += chunks.joined(separator: " ")
                i = text.index(after: close)
            } else {
                out.append(text[i])
                i = text.index(after: i)
            }
        }
        return out
    }

    /// A free UDP+TCP port on 127.0.0.1 (bound then released).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// Whether ::1 can be bound here (then knotd listens on it too).
    static let ipv6Loopback: Bool = {
        let fd = socket(AF_INET6, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_in6()
        addr.sin6_family = sa_family_t(AF_INET6)
        addr.sin6_addr = in6addr_loopback
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
        } == 0
    }()

    /// Starts knotd with every fixture zone, waits until it answers, runs `body`, stops it.
    /// Starting and stopping block (process start, polling), so they run on their own thread,
    /// not on one of the few threads shared by every concurrently running test.
    static func with<T>(_ body: (KnotServer) async throws -> T) async throws -> T {
        let server = try await DNSClient.onThread { Result { try start() } }.get()
        do {
            let value = try await body(server)
            await DNSClient.onThread { server.stop() }
            return value
        } catch {
            await DNSClient.onThread { server.stop() }
            throw error
        }
    }

    static func start() throws -> KnotServer {
        guard let knotd = knotdPath else { throw KnotError.missing }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("knot-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("db"), withIntermediateDirectories: true)
        let keys = try keys()
        let zoneDir = fixtures.appendingPathComponent("zones")
        var zones: [String] = []
        for f in try FileManager.default.contentsOfDirectory(atPath: zoneDir.path).sorted() where f.hasSuffix(".zone") {
            let name = String(f.dropLast(5))
            let text = try String(contentsOf: zoneDir.appendingPathComponent(f), encoding: .utf8)
            try render(text, keys: keys).write(to: dir.appendingPathComponent(f), atomically: true, encoding: .utf8)
            zones.append("  - domain: \(name)\n    file: \(dir.path)/\(f)\n")
        }
        var lastError = "knotd did not start"
        for _ in 0..<5 {
            let port = try freePort()
            let conf = """
                server:
                    listen: [ 127.0.0.1@\(port)\(ipv6Loopback ? ", ::1@\(port)" : "") ]
                    rundir: \(dir.path)
                database:
                    storage: \(dir.path)/db
                log:
                  - target: \(dir.path)/knot.log
                    any: warning
                zone:

                """ + zones.joined()
            try conf.write(to: dir.appendingPathComponent("knot.conf"), atomically: true, encoding: .utf8)
            let p = ProcessRunner.start(ProcessRequest(knotd, ["-c", dir.appendingPathComponent("knot.conf").path], output: .discard))
            let server = KnotServer(port: port, directory: dir, process: p)
            if server.waitUntilAnswering() { return server }
            lastError = (try? String(contentsOf: dir.appendingPathComponent("knot.log"), encoding: .utf8)) ?? lastError
            server.stop(keepDirectory: true)
        }
        throw KnotError.notAnswering(lastError)
    }

    /// Polls the SOA of good.test until knotd answers (up to 10 s).
    func waitUntilAnswering() -> Bool {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if !process.isRunning { return false }
            if case .success(let bytes) = DNSClient.exchange(name: "good.test", type: .soa, ip: "127.0.0.1", port: port, timeoutMS: 200),
               let msg = try? DNSWireParser.parse(bytes), msg.rcode == 0, !msg.answers.isEmpty {
                return true
            }
            usleep(50_000)
        }
        return false
    }

    func stop(keepDirectory: Bool = false) {
        process.terminate()
        _ = process.wait()
        if !keepDirectory { try? FileManager.default.removeItem(at: directory) }
    }

    var resolver: String { "127.0.0.1:\(port)" }

    enum KnotError: Error, CustomStringConvertible {
        case missing
        case notAnswering(String)
        var description: String {
            switch self {
            case .missing: "knotd not installed (apt-get install -y knot)"
            case .notAnswering(let log): "knotd did not answer: \(log)"
            }
        }
    }
}
