import Foundation
import Testing
@testable import SelfhostKit

/// Catalog entries and helpers shared by the preflight tests.
enum PreflightTestSupport {
    /// The shipped catalog (umami, listmonk, forgejo are used). With `publicPort`, forgejo's
    /// public SSH port is moved to a port the test listens on, plus a public UDP port, through
    /// a `--catalog` overlay, as a user would do.
    static func catalog(publicPort: Int? = nil) throws -> Catalog {
        guard let publicPort else { return try CatalogLoader.load(ResourceStore.embedded) }
        let original = try #require(ResourceStore.embedded.file("catalog/apps/forgejo.yaml")).contents
        let lines = original.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.hasPrefix("  - {port: 22,") else { return String(line) }
            return "  - {port: \(publicPort), protocol: tcp, purpose: SSH for git, public: true}\n  - {port: 3478, protocol: udp, purpose: TURN, public: true}"
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("catalog-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("apps"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try lines.joined(separator: "\n").write(to: dir.appendingPathComponent("apps/forgejo.yaml"), atomically: true, encoding: .utf8)
        let catalog = try CatalogLoader.load(ResourceStore.embedded.overlaying(catalogDirectory: dir))
        #expect(catalog.app("forgejo")?.extraPorts.contains { $0.port == publicPort } == true)
        return catalog
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
