import Foundation
import Testing
import Yams
@testable import SelfhostKit

/// Catalog entries and helpers shared by the preflight tests.
enum PreflightTestSupport {
    /// A minimal valid app entry.
    static func appYAML(_ id: String, ramMin: Int?, ramRec: Int?, publicPort: Int? = nil) -> String {
        var y = """
            id: \(id)
            name: \(id.capitalized)
            summary: Test app.
            categories: [web-analytics]
            replaces: []
            website: https://example.invalid
            repository: https://example.invalid/repo
            license: MIT
            openness: osi
            language: Go
            install: {method: compose, renderable: true}
            image: {name: example/\(id), tag: "1.0.0"}
            port: 3000
            resources: {ram_min_mb: \(ramMin.map(String.init) ?? "null"), ram_recommended_mb: \(ramRec.map(String.init) ?? "null")}
            data: {volumes: []}
            smtp: {needed: none}
            sources: [{url: https://example.invalid, checked: 2026-11-29, facts: [image]}]

            """
        if let publicPort {
            y += "extra_ports:\n  - {port: \(publicPort), protocol: tcp, purpose: SSH for git, public: true}\n  - {port: 3478, protocol: udp, purpose: TURN, public: true}\n"
        }
        return y
    }

    static func catalog(publicPort: Int? = nil) throws -> Catalog {
        let apps = try [
            appYAML("umami", ramMin: nil, ramRec: 512),
            appYAML("listmonk", ramMin: 256, ramRec: 1024),
            appYAML("forgejo", ramMin: 512, ramRec: 1024, publicPort: publicPort),
        ].map { try YAMLDecoder().decode(App.self, from: $0) }
        return Catalog(apps: apps, saas: [], categories: [])
    }

    static func providers() throws -> [EmailProvider] {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("catalog")
        return try EmailProviders.load(ResourceStore.embedded.overlaying(catalogDirectory: dir))
    }

    /// Runs preflight with JSON output and returns the decoded report and exit status.
    static func run(_ options: PreflightCommand.Options, catalog: Catalog? = nil, ports: any PortProber = LivePortProber(),
                    host: (any HostProbe)? = nil) async throws -> (PreflightCommand.Report, SelfhostKit.ExitStatus, String) {
        var o = options
        o.format = .json
        let out = BufferSink(), err = BufferSink()
        let ctx = Context(stdout: out, stderr: err, workingDirectory: URL(fileURLWithPath: "/"))
        let status = try await PreflightCommand.run(o, catalog: catalog ?? self.catalog(), providers: providers(),
                                                    context: ctx, ports: ports, host: host)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let report = try decoder.decode(PreflightCommand.Report.self, from: Data(out.text.utf8))
        return (report, status, out.text)
    }

    /// A TCP listener on a loopback address, for port checks; closed when released.
    final class Listener: @unchecked Sendable {
        let fd: Int32
        let port: Int
        init(_ ip: String) throws {
            let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var one: Int32 = 1
            setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = inet_addr(ip)
            addr.sin_port = 0
            var len = socklen_t(MemoryLayout<sockaddr_in>.size)
            let b = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, len) } }
            guard b == 0, listen(s, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
            _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(s, $0, &len) } }
            fd = s
            port = Int(UInt16(bigEndian: addr.sin_port))
        }
        deinit { close(fd) }
    }
}

extension PreflightCommand.Report {
    func results(_ id: String) -> [CheckResult] { checks.filter { $0.id == id } }
    func result(_ id: String, _ subject: String) -> CheckResult? { checks.first { $0.id == id && $0.subject == subject } }
}
