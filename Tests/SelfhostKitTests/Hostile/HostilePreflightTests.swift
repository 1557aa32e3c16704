import Foundation
import Testing
@testable import SelfhostKit

/// SPF trees that keep branching: preflight stops at the RFC 7208 limits instead of counting
/// past them (before: ~60,000 queries, 6 s with --timeout 1, 1 GB, "24536 void lookups").
@Suite("Hostile input: preflight", .serialized)
struct HostilePreflightTests {
    typealias S = PreflightTestSupport

    /// A loopback "resolver" whose every name has an SPF record including ten more names below
    /// it (and `a:` terms that don't exist), so the tree never ends. It counts the queries.
    final class BranchingSPFResolver: @unchecked Sendable {
        let fd: Int32
        let port: Int
        private let lock = NSLock()
        private var received = 0
        var queries: Int { lock.withLock { received } }

        init(voidsFirst: Bool = false) throws {
            (fd, port) = try PreflightRuntimeTests.bindLoopbackUDP()
            let s = fd
            Thread {
                var buf = [UInt8](repeating: 0, count: 4096)
                while true {
                    var from = sockaddr_storage()
                    var flen = socklen_t(MemoryLayout<sockaddr_storage>.size)
                    let n = withUnsafeMutablePointer(to: &from) { p in
                        p.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(s, &buf, buf.count, 0, $0, &flen) }
                    }
                    if n < 12 { return }
                    self.lock.withLock { self.received += 1 }
                    // The question: labels up to the root, then type and class.
                    var i = 12
                    var labels: [String] = []
                    while i < n, buf[i] != 0 {
                        let len = Int(buf[i])
                        labels.append(String(decoding: buf[(i + 1)..<min(n, i + 1 + len)], as: UTF8.self))
                        i += 1 + len
                    }
                    guard i + 4 < n else { continue }
                    let qtype = Int(buf[i + 1]) << 8 | Int(buf[i + 2])
                    let question = Array(buf[12..<(i + 5)])
                    let name = labels.joined(separator: ".")
                    var reply = Array(buf[0..<2]) + [0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0] + question
                    if qtype == 16, name.utf8.count < 200 {
                        let includes = (0..<10).map { "include:b\($0).\(name)" }
                        let voids = (0..<5).map { "a:gone\($0).\(name)" }
                        let text = "v=spf1 " + (voidsFirst ? voids + includes : includes + voids).joined(separator: " ") + " -all"
                        var rdata: [UInt8] = []
                        var bytes = Array(text.utf8)[...]
                        while !bytes.isEmpty {
                            let chunk = bytes.prefix(255)
                            rdata.append(UInt8(chunk.count)); rdata += chunk
                            bytes = bytes.dropFirst(chunk.count)
                        }
                        reply[7] = 1  // one answer
                        reply += [0xC0, 12, 0, 16, 0, 1, 0, 0, 0, 60, UInt8(rdata.count >> 8), UInt8(rdata.count & 0xFF)] + rdata
                    } else {
                        reply[3] = 0x83  // NXDOMAIN
                    }
                    _ = withUnsafePointer(to: &from) { p in
                        p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(s, reply, reply.count, 0, $0, flen) }
                    }
                }
            }.start()
        }
        deinit { shutdown(fd, Int32(SHUT_RDWR)); close(fd) }
    }

    @Test func branchingIncludesStopAtTheLookupLimit() async throws {
        let dns = try BranchingSPFResolver()
        let node = await SPFAnalyzer.analyze("bomb.test", dns: DNSClient(resolver: ResolverAddress(parsing: "127.0.0.1:\(dns.port)")!, timeout: .seconds(10)))
        #expect(node.totalLookups == InputBudget.spfMaxLookups + 1)
        #expect(node.stopped?.contains("past the limit of 10") == true, "\(node.stopped ?? "nil")")
        // One TXT query per include followed (10) plus the root: nothing past the 11th term.
        #expect(dns.queries <= 11, "\(dns.queries) queries")
    }

    @Test func voidLookupsStopAtTheThird() async throws {
        let dns = try BranchingSPFResolver(voidsFirst: true)
        let node = await SPFAnalyzer.analyze("bomb.test", dns: DNSClient(resolver: ResolverAddress(parsing: "127.0.0.1:\(dns.port)")!, timeout: .seconds(10)))
        #expect(node.totalVoids.count == InputBudget.spfMaxVoidLookups + 1)
        #expect(node.stopped?.contains("void lookup past the limit of 2") == true, "\(node.stopped ?? "nil")")
        // Root TXT, then A and AAAA for each of three void terms.
        #expect(dns.queries <= 7, "\(dns.queries) queries")
    }

    /// The whole preflight run against the branching resolver: bounded queries and time, and
    /// the spf.lookups error says where evaluation stopped.
    @Test func wholeRunIsBounded() async throws {
        let dns = try BranchingSPFResolver()
        let (r, status, _) = try await S.run(PreflightCommand.Options(
            domain: "bomb.test", serverIPs: ["127.0.0.10"], dkimSelectors: ["s1"],
            resolver: "127.0.0.1:\(dns.port)", timeout: 1, webPorts: []), catalog: S.catalog())
        #expect(status == .problems)
        #expect(r.queries <= InputBudget.dnsQueriesPerRun)
        #expect(dns.queries < 100, "\(dns.queries) queries")
        let lookups = try #require(r.result("spf.lookups", "bomb.test"))
        #expect(lookups.status == .error)
        #expect(lookups.message.contains("more than 10 DNS lookups") && lookups.message.contains("evaluation stops at"), "\(lookups.message)")
        let voids = try #require(r.result("spf.void-lookups", "bomb.test"))
        #expect(!voids.message.contains("24536"))
    }

    @Test func queryBudgetIsEnforcedByTheClient() async throws {
        let dns = try BranchingSPFResolver()
        let client = DNSClient(resolver: ResolverAddress(parsing: "127.0.0.1:\(dns.port)")!, timeout: .seconds(10), queryBudget: 3)
        for i in 0..<3 { _ = await client.query("n\(i).test", .txt) }
        let refused = await client.query("n9.test", .txt)
        #expect(refused == .failure("not asked: the run's budget of 3 DNS queries is spent"))
        #expect(client.queriesSent == 3)
        #expect(dns.queries == 3)
    }

    @Test func spfMaxVoidOnKnot() async throws {
        guard KnotServer.available() else { return }
        try await KnotServer.with { knot in
            let (r, _, _) = try await S.run(PreflightCommand.Options(domain: "voids.test", resolver: knot.resolver, timeout: 5, webPorts: []))
            let voids = try #require(r.result("spf.void-lookups", "voids.test"))
            #expect(voids.status == .error)
            #expect(voids.message.hasPrefix("3 void lookups"), "\(voids.message)")
            #expect(!voids.message.contains("gone4"))
        }
    }
}
