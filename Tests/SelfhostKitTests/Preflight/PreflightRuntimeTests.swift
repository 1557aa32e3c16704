import Foundation
import Testing
@testable import SelfhostKit

/// Bounded time against a dead resolver, real TCP probes on loopback, host probes, bad input.
@Suite struct PreflightRuntimeTests {
    typealias S = PreflightTestSupport

    /// A UDP socket on loopback that reads queries and never answers.
    final class SilentResolver: @unchecked Sendable {
        let fd: Int32
        let port: Int
        init() throws {
            (fd, port) = try PreflightRuntimeTests.bindLoopbackUDP()
        }
        deinit { close(fd) }
    }

    /// A UDP socket bound to 127.0.0.1 at a free port.
    static func bindLoopbackUDP() throws -> (fd: Int32, port: Int) {
        let s = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let b = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, len) } }
        guard b == 0 else { throw POSIXError(.EADDRINUSE) }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(s, $0, &len) } }
        return (s, Int(UInt16(bigEndian: addr.sin_port)))
    }

    @Test func unresponsiveResolverEndsInBoundedTimeWithOneResolverError() async throws {
        let silent = try SilentResolver()
        let opts = PreflightCommand.Options(
            domain: "example.test", serverIPs: ["127.0.0.10"], apps: ["umami", "listmonk", "forgejo"], esp: "ses",
            dkimSelectors: ["a", "b", "c"], returnPath: "mail", resolver: "127.0.0.1:\(silent.port)", timeout: 1, webPorts: [])
        let (r, status, _) = try await S.run(opts, catalog: S.catalog())
        // The checks end within two timeouts (2 s), plus 1 s of slack for a machine busy with
        // the rest of the test suite; an unbounded client would wait one timeout per query in
        // each dependent chain and per retry.
        #expect(r.elapsedMs >= 900, "took \(r.elapsedMs) ms")
        #expect(r.elapsedMs < 3000, "took \(r.elapsedMs) ms")
        // Not "the zone is broken" eleven times: one resolver error, exit 2 (input at fault).
        #expect(status == .usage)
        let resolver = r.results("resolver.reachable")
        #expect(resolver.count == 1)
        #expect(resolver.first?.status == .error)
        #expect(resolver.first?.subject == "127.0.0.1:\(silent.port)")
        #expect(resolver.first?.message.contains("got an answer within 1 s") == true, "\(resolver)")
        // Nothing claims anything about the zone: every DNS-based check is folded into that one.
        let dnsFamilies = r.checks.filter { ["dns", "caa", "mx", "spf", "dkim", "dmarc", "esp", "mta-sts", "tlsrpt", "bimi", "smtp"].contains(String($0.id.split(separator: ".")[0])) }
        #expect(dnsFamilies.isEmpty, "\(dnsFamilies)")
        #expect(r.summary.error == 1 && r.summary.timeout == 0)
        // The checks that don't use DNS still ran.
        #expect(r.result("port.reachable", "127.0.0.10:2222") != nil)
    }

    /// Other code in the process may block every thread of Swift's shared cooperative pool
    /// (a test waiting for a child process did, in the full parallel suite: a 2 s run took
    /// 42 s). Preflight runs on its own executor, so its time bound holds anyway.
    @Test func boundedEvenWhileTheSharedPoolIsBlocked() async throws {
        final class Counter: @unchecked Sendable {
            private let lock = NSLock()
            private var n = 0
            func increment() { lock.withLock { n += 1 } }
            var value: Int { lock.withLock { n } }
        }
        let silent = try SilentResolver()
        let width = ProcessInfo.processInfo.activeProcessorCount
        let started = Counter()
        // One blocking task per pool thread (the pool has one per core), each holding its thread for 2.5 s.
        let blockers = (0..<width).map { _ in Task.detached { started.increment(); usleep(2_500_000) } }
        let opts = PreflightCommand.Options(
            domain: "example.test", serverIPs: ["127.0.0.10"], apps: ["umami"], esp: "ses", dkimSelectors: ["a"],
            returnPath: "mail", resolver: "127.0.0.1:\(silent.port)", timeout: 0.5, webPorts: [])
        let (r, status, _) = try await S.run(opts)
        for b in blockers { await b.value }
        #expect(started.value == width)
        // Two timeouts (1 s) plus slack; waiting for the pool would take at least the 2.5 s it is blocked.
        #expect(r.elapsedMs >= 400 && r.elapsedMs < 1800, "took \(r.elapsedMs) ms")
        #expect(status == .usage)
        #expect(r.results("resolver.reachable").count == 1)
    }

    /// A UDP "resolver" on loopback answering every query with a hostile message: an answer
    /// whose owner name is a compression pointer to itself.
    final class HostileResolver: @unchecked Sendable {
        let fd: Int32
        let port: Int
        /// Header flags and additional count of the first query received.
        private let lock = NSLock()
        private var firstQuery: [UInt8]?
        var queryHeader: [UInt8]? { lock.withLock { firstQuery } }
        init() throws {
            (fd, port) = try PreflightRuntimeTests.bindLoopbackUDP()
            let s = fd
            Thread {
                var buf = [UInt8](repeating: 0, count: 2048)
                while true {
                    var from = sockaddr_storage()
                    var flen = socklen_t(MemoryLayout<sockaddr_storage>.size)
                    let n = withUnsafeMutablePointer(to: &from) { p in
                        p.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(s, &buf, buf.count, 0, $0, &flen) }
                    }
                    if n < 12 { return }  // socket closed
                    self.lock.withLock { if self.firstQuery == nil { self.firstQuery = Array(buf[0..<12]) } }
                    // Question = bytes 12..<end-11 (strip the EDNS OPT record).
                    let question = Array(buf[12..<(n - 11)])
                    var reply = Array(buf[0..<2]) + [0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0] + question
                    let at = reply.count
                    reply += [0xC0 | UInt8(at >> 8), UInt8(at & 0xFF), 0, 16, 0, 1, 0, 0, 0, 60, 0, 1, 0]
                    _ = withUnsafePointer(to: &from) { p in
                        p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(s, reply, reply.count, 0, $0, flen) }
                    }
                }
            }.start()
        }
        deinit { shutdown(fd, Int32(SHUT_RDWR)); close(fd) }
    }

    @Test func hostileAnswersGiveLocatedErrorsNotHangs() async throws {
        let hostile = try HostileResolver()
        let (r, status, _) = try await S.run(PreflightCommand.Options(
            domain: "example.test", serverIPs: ["127.0.0.10"], apps: ["umami"], dkimSelectors: ["s1"],
            resolver: "127.0.0.1:\(hostile.port)", timeout: 5, webPorts: []), catalog: S.catalog())
        // Every hostile answer was rejected at once: nothing waited for its timeout.
        #expect(r.elapsedMs < 5000, "took \(r.elapsedMs) ms")
        #expect(r.summary.timeout == 0)
        // The queries libresolv built ask for recursion (RD) and carry one EDNS0 OPT record.
        let header = try #require(hostile.queryHeader)
        #expect(header[2] & 0x01 == 0x01)
        #expect(header[10] == 0 && header[11] == 1)
        #expect(status == .problems)
        let spf = try #require(r.result("spf.record", "example.test"))
        #expect(spf.status == .error)
        #expect(spf.message.contains("malformed DNS message at byte"))
        #expect(spf.message.contains("compression pointer loop"))
        #expect(r.result("dkim.record", "s1._domainkey.example.test")?.message.contains("malformed DNS message") == true)
    }

    @Test func portProbesConnectToLoopbackListeners() async throws {
        let open = try S.Listener("127.0.0.10")
        // A port that was open and is now closed: connect is refused.
        let closedPort: Int = try { let l = try S.Listener("127.0.0.10"); return l.port }()
        let prober = LivePortProber()
        let ip = IPAddress("127.0.0.10")!
        #expect(await prober.probe(ip, port: open.port, timeout: .seconds(1)) == .open)
        #expect(await prober.probe(ip, port: closedPort, timeout: .seconds(1)) == .refused)

        let gitPort = try S.Listener("127.0.0.10")
        let (r, status, _) = try await S.run(
            PreflightCommand.Options(domain: "example.test", serverIPs: ["127.0.0.10"], apps: ["forgejo"],
                                     resolver: "127.0.0.1:9", timeout: 0.3, webPorts: [open.port, closedPort]),
            catalog: S.catalog(publicPort: gitPort.port))
        #expect(status == .usage)  // the resolver at 127.0.0.1:9 is dead (see resolver.reachable)
        #expect(r.result("port.reachable", "127.0.0.10:\(open.port)")?.status == .ok)
        let refused = try #require(r.result("port.reachable", "127.0.0.10:\(closedPort)"))
        #expect(refused.status == .warning)
        // The box is started by its systemd units (Caddy holds 80/443), not by `docker compose up`.
        #expect(refused.fix?.contains("sudo systemctl start selfhost-caddy") == true, "\(refused)")
        #expect(refused.fix?.contains("docker compose") == false)
        let git = try #require(r.result("port.reachable", "127.0.0.10:\(gitPort.port)"))
        #expect(git.status == .ok)
        #expect(r.result("port.reachable", "127.0.0.10:\(gitPort.port)")?.message.contains("forgejo: SSH for git") == true)
        #expect(r.result("port.reachable", "127.0.0.10:3478")?.status == .skipped)
    }

    /// A fake Docker API on a Unix socket: answers GET /version like the engine.
    final class FakeDocker: @unchecked Sendable {
        let path: String
        let fd: Int32
        init(body: String, status: String = "200 OK") throws {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("d-\(UUID().uuidString.prefix(6)).sock").path
            let s = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            fd = s
            var addr = sockaddr_un()
            addr.sun_family = sa_family_t(AF_UNIX)
            _ = withUnsafeMutableBytes(of: &addr.sun_path) { buf in path.utf8CString.withUnsafeBytes { buf.copyMemory(from: $0) } }
            let b = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
            guard b == 0, listen(s, 4) == 0 else { throw POSIXError(.EADDRINUSE) }
            let reply = "HTTP/1.0 \(status)\r\nContent-Type: application/json\r\n\r\n\(body)"
            Thread {
                let c = accept(s, nil, nil)
                guard c >= 0 else { return }
                var buf = [UInt8](repeating: 0, count: 4096)
                _ = read(c, &buf, buf.count)
                _ = reply.withCString { write(c, $0, strlen($0)) }
                close(c)
            }.start()
        }
        deinit { close(fd); unlink(path) }
    }

    @Test func hostProbesReadTheRealSocketAndProcFiles() async throws {
        let docker = try FakeDocker(body: #"{"Version":"27.3.1","ApiVersion":"1.47"}"#)
        var probe = LiveHostProbe(environment: ["DOCKER_HOST": "unix://" + docker.path, "HOME": "/nonexistent"])
        let info = await probe.dockerEngine(timeout: .seconds(2))
        #expect(info.reachable && info.version == "27.3.1")

        probe.dockerSocket = "/nonexistent/docker.sock"
        let down = await probe.dockerEngine(timeout: .seconds(1))
        #expect(!down.reachable && down.problem?.contains("no Docker Engine socket at /nonexistent/docker.sock") == true)

        // /proc fixture: 256 MB of RAM, and nginx (pid 812) listening on port 80.
        let proc = FileManager.default.temporaryDirectory.appendingPathComponent("proc-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: proc.appendingPathComponent("net"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: proc.appendingPathComponent("812/fd"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: proc) }
        try "MemTotal:         250000 kB\nMemAvailable:     200000 kB\n".write(to: proc.appendingPathComponent("meminfo"), atomically: true, encoding: .utf8)
        try """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0 100 0 0 10 0
               1: 0100007F:01BB 00000000:0000 01 00000000:00000000 00:00000000 00000000     0        0 4243 1 0 100 0 0 10 0
            """.write(to: proc.appendingPathComponent("net/tcp"), atomically: true, encoding: .utf8)
        try "nginx\n".write(to: proc.appendingPathComponent("812/comm"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: proc.appendingPathComponent("812/fd/6").path, withDestinationPath: "socket:[4242]")
        probe.procRoot = proc.path
        #expect(probe.memory()?.total == 256_000_000)
        #expect(probe.listeners(on: 80) == [ListeningSocket(port: 80, process: "nginx", pid: 812)])
        #expect(probe.listeners(on: 443).isEmpty)  // 443 is not in LISTEN state

        let again = try FakeDocker(body: #"{"Version":"27.3.1"}"#)
        probe.dockerSocket = again.path
        // No Compose plugin where this probe looks (the machine running the tests may have one).
        probe.pluginDirectories = ["/nonexistent/cli-plugins"]
        let (r, _, _) = try await S.run(
            PreflightCommand.Options(domain: "example.test", serverIPs: ["127.0.0.10"], apps: ["umami", "listmonk", "forgejo"],
                                     resolver: "127.0.0.1:9", timeout: 0.3, local: true, webPorts: [80, 443]),
            host: probe)
        #expect(r.result("host.docker", "docker.sock")?.status == .ok)
        #expect(r.result("host.compose", "docker compose")?.status == .error)
        let ram = try #require(r.results("host.ram").first)
        #expect(ram.status == .error)
        // The apps' figures come from the shipped catalog; unpublished ones count as nothing.
        let catalog = try S.catalog()
        let need = ["umami", "listmonk", "forgejo"].compactMap { catalog.app($0) }
            .compactMap { $0.resources.ramMinMB ?? $0.resources.ramRecommendedMB }.reduce(512, +)
        #expect(ram.message.contains("256 MB RAM, the apps need at least \(need) MB"))
        #expect(r.result("port.in-use", "localhost:80")?.status == .error)
        #expect(r.result("port.in-use", "localhost:80")?.fix?.contains("systemctl disable --now nginx") == true)
        #expect(r.result("port.in-use", "localhost:443")?.status == .ok)
    }

    @Test func badInputIsAUsageErrorWithSuggestions() async throws {
        func usage(_ o: PreflightCommand.Options) async -> SelfhostError? {
            do { _ = try await S.run(o); return nil } catch let e as SelfhostError { return e } catch { return nil }
        }
        let base = PreflightCommand.Options(domain: "example.test", serverIPs: ["127.0.0.10"], resolver: "127.0.0.1:9")
        var o = base; o.apps = ["umamii"]
        let app = await usage(o)
        #expect(app?.status == .usage && app?.message == "unknown app 'umamii'" && app?.remedy?.contains("did you mean 'umami'") == true)
        o = base; o.esp = "sendgird"
        #expect(await usage(o)?.remedy?.contains("did you mean 'sendgrid'") == true)
        o = base; o.serverIPs = ["203.0.113"]
        #expect(await usage(o)?.message.contains("not an IPv4 or IPv6 address") == true)
        o = base; o.domain = "https://example.com/"
        #expect(await usage(o)?.message.contains("not a valid domain name") == true)
        o = base; o.resolver = "localhost"
        #expect(await usage(o)?.status == .usage)
        o = base; o.apps = ["umami"]; o.hosts = ["umamu=stats.example.test"]
        #expect(await usage(o)?.remedy?.contains("did you mean 'umami'") == true)
        o = base; o.apps = ["umami"]; o.serverIPs = []
        #expect(await usage(o)?.message.contains("--server-ip") == true)
        o = base; o.resolver = nil; o.resolvConfPath = "/nonexistent/resolv.conf"
        #expect(await usage(o)?.message.contains("no nameserver") == true)
    }
}
