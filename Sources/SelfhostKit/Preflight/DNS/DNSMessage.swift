/// DNS record types preflight asks for (RFC 1035, 3596, 8659).
public enum DNSRecordType: UInt16, Sendable, Hashable, CustomStringConvertible {
    case a = 1, ns = 2, cname = 5, soa = 6, ptr = 12, mx = 15, txt = 16, aaaa = 28, caa = 257

    public var description: String {
        switch self {
        case .a: "A"
        case .ns: "NS"
        case .ptr: "PTR"
        case .cname: "CNAME"
        case .soa: "SOA"
        case .mx: "MX"
        case .txt: "TXT"
        case .aaaa: "AAAA"
        case .caa: "CAA"
        }
    }
}

/// The data of one resource record, decoded. Types preflight doesn't read stay `.other`.
public enum DNSRecordData: Sendable, Hashable {
    case a(String)
    case aaaa(String)
    case cname(String)
    case ns(String)
    case ptr(String)
    case mx(preference: UInt16, exchange: String)
    /// The character-strings of one TXT record, as sent (not joined).
    case txt([[UInt8]])
    case caa(flags: UInt8, tag: String, value: String)
    case soa(mname: String, rname: String, serial: UInt32, minimum: UInt32)
    case other(type: UInt16, bytes: [UInt8])
}

/// One resource record of an answer.
public struct DNSRecord: Sendable, Hashable {
    public var name: String
    public var type: UInt16
    public var ttl: UInt32
    public var data: DNSRecordData

    public init(name: String, type: UInt16, ttl: UInt32, data: DNSRecordData) {
        self.name = name
        self.type = type
        self.ttl = ttl
        self.data = data
    }
}

/// A decoded DNS message (RFC 1035 §4).
public struct DNSMessage: Sendable, Hashable {
    public var id: UInt16
    public var isResponse: Bool
    public var truncated: Bool
    public var authoritative: Bool
    /// Response code: 0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN, 5 REFUSED, …
    public var rcode: UInt8
    public var questionName: String?
    public var questionType: UInt16?
    public var answers: [DNSRecord]
    public var authority: [DNSRecord]
}

/// A wire-format error, located at a byte offset of the message.
public struct DNSParseError: Error, Sendable, Hashable, CustomStringConvertible {
    public var offset: Int
    public var reason: String
    public var description: String { "malformed DNS message at byte \(offset): \(reason)" }
}

/// Parses DNS messages from bytes. Every read is bounds-checked; compression pointers must
/// point backwards (which rules out loops) and a name is limited to 255 bytes.
public struct DNSWireParser {
    let bytes: [UInt8]
    var offset = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Parses a whole message. The additional section is skipped (preflight doesn't use it).
    public static func parse(_ bytes: [UInt8]) throws(DNSParseError) -> DNSMessage {
        var p = DNSWireParser(bytes)
        return try p.message()
    }

    mutating func message() throws(DNSParseError) -> DNSMessage {
        let id = try u16()
        let flags = try u16()
        let qd = Int(try u16()), an = Int(try u16()), ns = Int(try u16())
        _ = try u16()  // additional count
        var qname: String?
        var qtype: UInt16?
        for i in 0..<qd {
            let name = try self.name()
            let type = try u16()
            _ = try u16()  // class
            if i == 0 { qname = name; qtype = type }
        }
        var answers: [DNSRecord] = []
        answers.reserveCapacity(min(an, 64))
        for _ in 0..<an { answers.append(try record()) }
        var authority: [DNSRecord] = []
        for _ in 0..<ns { authority.append(try record()) }
        return DNSMessage(
            id: id, isResponse: flags & 0x8000 != 0, truncated: flags & 0x0200 != 0,
            authoritative: flags & 0x0400 != 0, rcode: UInt8(flags & 0x000F),
            questionName: qname, questionType: qtype, answers: answers, authority: authority)
    }

    func fail(_ reason: String, at: Int? = nil) -> DNSParseError {
        DNSParseError(offset: at ?? offset, reason: reason)
    }

    mutating func u8() throws(DNSParseError) -> UInt8 {
        guard offset < bytes.count else { throw fail("unexpected end of message") }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func u16() throws(DNSParseError) -> UInt16 {
        guard offset + 2 <= bytes.count else { throw fail("unexpected end of message") }
        defer { offset += 2 }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    mutating func u32() throws(DNSParseError) -> UInt32 {
        guard offset + 4 <= bytes.count else { throw fail("unexpected end of message") }
        defer { offset += 4 }
        return bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func take(_ n: Int) throws(DNSParseError) -> [UInt8] {
        guard n >= 0, offset + n <= bytes.count else { throw fail("field of \(n) bytes runs past the end") }
        defer { offset += n }
        return Array(bytes[offset..<offset + n])
    }

    /// Reads a possibly compressed domain name (RFC 1035 §4.1.4), lower-cased, without the
    /// trailing dot ("" for the root). Pointers must go strictly backwards: no loops.
    mutating func name() throws(DNSParseError) -> String {
        var labels: [String] = []
        var pos = offset
        var jumped = false
        var total = 0
        var lowestTarget = offset
        while true {
            guard pos < bytes.count else { throw fail("name runs past the end", at: pos) }
            let len = Int(bytes[pos])
            switch len & 0xC0 {
            case 0x00:
                if len == 0 {
                    if !jumped { offset = pos + 1 }
                    return labels.joined(separator: ".")
                }
                guard pos + 1 + len <= bytes.count else { throw fail("label runs past the end", at: pos) }
                total += len + 1
                guard total <= 255 else { throw fail("name longer than 255 bytes", at: pos) }
                labels.append(Self.labelText(bytes[(pos + 1)...(pos + len)]))
                pos += 1 + len
            case 0xC0:
                guard pos + 1 < bytes.count else { throw fail("compression pointer runs past the end", at: pos) }
                let target = (len & 0x3F) << 8 | Int(bytes[pos + 1])
                // Strictly backwards from the lowest position seen so far: a loop is impossible.
                guard target < lowestTarget else { throw fail("compression pointer loop or forward pointer (to \(target))", at: pos) }
                if !jumped { offset = pos + 2 }
                jumped = true
                lowestTarget = target
                pos = target
            default:
                throw fail("unsupported label type 0x\(String(len, radix: 16))", at: pos)
            }
        }
    }

    /// A label as text: printable ASCII kept (lower-cased), dots and others escaped `\DDD`.
    static func labelText(_ raw: ArraySlice<UInt8>) -> String {
        var s = ""
        for b in raw {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): s.unicodeScalars.append(Unicode.Scalar(b + 32))
            case UInt8(ascii: "."), UInt8(ascii: "\\"), 0...32, 127...255:
                s += "\\" + String(format3(b))
            default: s.unicodeScalars.append(Unicode.Scalar(b))
            }
        }
        return s
    }

    static func format3(_ b: UInt8) -> String {
        let d = String(b)
        return String(repeating: "0", count: 3 - d.count) + d
    }

    mutating func record() throws(DNSParseError) -> DNSRecord {
        let name = try self.name()
        let type = try u16()
        _ = try u16()  // class
        let ttl = try u32()
        let rdlen = Int(try u16())
        let start = offset
        guard start + rdlen <= bytes.count else { throw fail("record data of \(rdlen) bytes runs past the end") }
        let end = start + rdlen
        let data: DNSRecordData
        switch DNSRecordType(rawValue: type) {
        case .a:
            guard rdlen == 4 else { throw fail("A record of \(rdlen) bytes, expected 4") }
            data = .a(bytes[start..<end].map(String.init).joined(separator: "."))
            offset = end
        case .aaaa:
            guard rdlen == 16 else { throw fail("AAAA record of \(rdlen) bytes, expected 16") }
            data = .aaaa(IPAddress.formatIPv6(Array(bytes[start..<end])))
            offset = end
        case .cname, .ns, .ptr:
            let target = try self.name()
            switch DNSRecordType(rawValue: type) {
            case .cname: data = .cname(target)
            case .ptr: data = .ptr(target)
            default: data = .ns(target)
            }
        case .mx:
            let pref = try u16()
            data = .mx(preference: pref, exchange: try self.name())
        case .txt:
            var strings: [[UInt8]] = []
            while offset < end {
                let n = Int(try u8())
                guard offset + n <= end else { throw fail("TXT string of \(n) bytes runs past its record") }
                strings.append(try take(n))
            }
            data = .txt(strings)
        case .caa:
            let flags = try u8()
            let tagLen = Int(try u8())
            guard tagLen >= 1, offset + tagLen <= end else { throw fail("CAA tag length \(tagLen) invalid") }
            let tag = String(decoding: try take(tagLen), as: UTF8.self).lowercased()
            let value = String(decoding: try take(end - offset), as: UTF8.self)
            data = .caa(flags: flags, tag: tag, value: value)
        case .soa:
            let mname = try self.name(), rname = try self.name()
            let serial = try u32()
            _ = try u32(); _ = try u32(); _ = try u32()
            data = .soa(mname: mname, rname: rname, serial: serial, minimum: try u32())
        case nil:
            data = .other(type: type, bytes: try take(rdlen))
        }
        guard offset == end else { throw fail("record data length \(rdlen) disagrees with its contents", at: start) }
        return DNSRecord(name: name, type: type, ttl: ttl, data: data)
    }
}
