import Foundation
import Testing
@testable import SelfhostKit

/// The DNS wire-format parser on hand-made byte fixtures.
@Suite struct PreflightWireTests {
    /// Header: id 0xBEEF, flags, counts.
    static func header(id: UInt16 = 0xBEEF, flags: UInt16 = 0x8180, qd: UInt16 = 1, an: UInt16, ns: UInt16 = 0) -> [UInt8] {
        [UInt8(id >> 8), UInt8(id & 0xFF), UInt8(flags >> 8), UInt8(flags & 0xFF),
         0, UInt8(qd), UInt8(an >> 8), UInt8(an & 0xFF), 0, UInt8(ns), 0, 0]
    }

    static func name(_ s: String) -> [UInt8] {
        s.split(separator: ".").flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) } + [0]
    }

    static func rr(_ owner: [UInt8], type: UInt16, ttl: UInt32 = 300, rdata: [UInt8]) -> [UInt8] {
        owner + [UInt8(type >> 8), UInt8(type & 0xFF), 0, 1,
                 UInt8(ttl >> 24), UInt8((ttl >> 16) & 0xFF), UInt8((ttl >> 8) & 0xFF), UInt8(ttl & 0xFF),
                 UInt8(rdata.count >> 8), UInt8(rdata.count & 0xFF)] + rdata
    }

    /// Question for example.test (at offset 12, so a pointer to it is C0 0C).
    static let question = name("Example.TEST") + [0, 16, 0, 1]

    @Test func txtWithSeveralStringsAndCompressedOwner() throws {
        let strings: [UInt8] = [5] + Array("v=spf".utf8) + [8] + Array("1 -all x".utf8)
        let msg = Self.header(an: 1) + Self.question + Self.rr([0xC0, 0x0C], type: 16, rdata: strings)
        let m = try DNSWireParser.parse(msg)
        #expect(m.id == 0xBEEF && m.isResponse && m.rcode == 0)
        #expect(m.questionName == "example.test")
        #expect(m.answers.count == 1)
        #expect(m.answers[0].name == "example.test")
        guard case .txt(let parts) = m.answers[0].data else { Issue.record("not TXT"); return }
        #expect(parts.count == 2)
        #expect(TXT.join(parts) == "v=spf1 -all x")
    }

    @Test func cnameMxCaaAAAASoaAndNameCompressionInsideData() throws {
        // www.example.test CNAME (label "web" + pointer to example.test)
        let cname = Self.rr([3] + Array("www".utf8) + [0xC0, 0x0C], type: 5, rdata: [3] + Array("web".utf8) + [0xC0, 0x0C])
        let mx = Self.rr([0xC0, 0x0C], type: 15, rdata: [0, 10, 2] + Array("mx".utf8) + [0xC0, 0x0C])
        let caa = Self.rr([0xC0, 0x0C], type: 257, rdata: [128, 5] + Array("ISSUE".utf8) + Array("letsencrypt.org".utf8))
        let aaaa = Self.rr([0xC0, 0x0C], type: 28, rdata: [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [1])
        let a = Self.rr([0xC0, 0x0C], type: 1, rdata: [127, 0, 0, 10])
        let ns = Self.rr([0xC0, 0x0C], type: 2, rdata: [2] + Array("ns".utf8) + [0xC0, 0x0C])
        let soaData = Self.name("ns.example.test") + [0xC0, 0x0C] + [0, 0, 0, 7] + [UInt8](repeating: 0, count: 12) + [0, 0, 1, 44]
        let soa = Self.rr([0xC0, 0x0C], type: 6, rdata: soaData)
        let msg = Self.header(an: 6, ns: 1) + Self.question + cname + mx + caa + aaaa + a + ns + soa
        let m = try DNSWireParser.parse(msg)
        #expect(m.answers.map(\.data) == [
            .cname("web.example.test"), .mx(preference: 10, exchange: "mx.example.test"),
            .caa(flags: 128, tag: "issue", value: "letsencrypt.org"), .aaaa("2001:db8::1"), .a("127.0.0.10"),
            .ns("ns.example.test"),
        ])
        #expect(m.answers[0].name == "www.example.test")
        #expect(m.authority.first?.data == .soa(mname: "ns.example.test", rname: "example.test", serial: 7, minimum: 300))
    }

    @Test func rcodesAndFlags() throws {
        let nx = try DNSWireParser.parse(Self.header(flags: 0x8583, an: 0) + Self.question)
        #expect(nx.rcode == 3 && nx.authoritative)
        #expect(DNSClient.outcome(of: nx, name: "example.test", type: .txt) == .nxdomain)
        let nodata = try DNSWireParser.parse(Self.header(an: 0) + Self.question)
        #expect(DNSClient.outcome(of: nodata, name: "example.test", type: .txt) == .nodata)
        let servfail = try DNSWireParser.parse(Self.header(flags: 0x8182, an: 0) + Self.question)
        #expect(DNSClient.outcome(of: servfail, name: "example.test", type: .txt) == .servfail)
        let tc = try DNSWireParser.parse(Self.header(flags: 0x8380, an: 0) + Self.question)
        #expect(tc.truncated)
        // An answer to another question is not taken for this one.
        if case .failure = DNSClient.outcome(of: nodata, name: "other.test", type: .txt) {} else { Issue.record("accepted a mismatched answer") }
    }

    @Test func compressionLoopsAreRejectedNotFollowed() {
        // Owner name is a pointer to itself (offset of the answer).
        let selfPointer = Self.header(an: 1) + Self.question
        let at = selfPointer.count
        let msg = selfPointer + [0xC0 | UInt8(at >> 8), UInt8(at & 0xFF)] + [0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4]
        #expect(throws: DNSParseError.self) { try DNSWireParser.parse(msg) }
        // Two pointers pointing at each other.
        var pingPong = Self.header(qd: 1, an: 0)
        pingPong += [0xC0, 14, 0xC0, 12, 0, 1, 0, 1]
        #expect(throws: DNSParseError.self) { try DNSWireParser.parse(pingPong) }
    }

    @Test func truncatedAndInconsistentMessagesGiveLocatedErrors() throws {
        let full = Self.header(an: 1) + Self.question + Self.rr([0xC0, 0x0C], type: 1, rdata: [127, 0, 0, 1])
        for cut in [5, 13, full.count - 2] {
            do {
                _ = try DNSWireParser.parse(Array(full.prefix(cut)))
                Issue.record("parsed a message cut at \(cut)")
            } catch {
                #expect(error.offset <= cut)
                #expect("\(error)".contains("byte"))
            }
        }
        // A record claiming 5 bytes of A data.
        let bad = Self.header(an: 1) + Self.question + Self.rr([0xC0, 0x0C], type: 1, rdata: [1, 2, 3, 4, 5])
        #expect(throws: DNSParseError.self) { try DNSWireParser.parse(bad) }
        // A name over 255 bytes.
        let longName: [UInt8] = (0..<5).flatMap { _ -> [UInt8] in [63] + [UInt8](repeating: 97, count: 63) } + [0]
        #expect(throws: DNSParseError.self) { try DNSWireParser.parse(Self.header(an: 0) + longName + [0, 1, 0, 1]) }
    }

    @Test func hugeTXTRecordsParse() throws {
        let strings = (0..<200).flatMap { _ in [255] + [UInt8](repeating: 65, count: 255) }
        let msg = Self.header(an: 1) + Self.question + Self.rr([0xC0, 0x0C], type: 16, rdata: strings)
        let m = try DNSWireParser.parse(msg)
        guard case .txt(let parts) = m.answers[0].data else { Issue.record("not TXT"); return }
        #expect(parts.count == 200 && TXT.join(parts).count == 51000)
    }
}
