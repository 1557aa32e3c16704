import Foundation

/// An IPv4 or IPv6 address literal, normalised (IPv6 in RFC 5952 form).
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    public enum Family: Sendable, Hashable { case v4, v6 }
    public let family: Family
    /// Canonical text: dotted quad or compressed lower-case IPv6.
    public let text: String
    public var description: String { text }

    /// Parses an address literal; nil when it isn't one.
    public init?(_ string: String) {
        let s = string.hasPrefix("[") && string.hasSuffix("]") ? String(string.dropFirst().dropLast()) : string
        var v4 = in_addr()
        var v6 = in6_addr()
        if !s.contains(":"), s.split(separator: ".").count == 4, inet_pton(AF_INET, s, &v4) == 1 {
            family = .v4
            text = withUnsafeBytes(of: &v4) { $0.map(String.init).joined(separator: ".") }
        } else if s.contains(":"), inet_pton(AF_INET6, s, &v6) == 1 {
            family = .v6
            text = withUnsafeBytes(of: &v6) { IPAddress.formatIPv6(Array($0)) }
        } else {
            return nil
        }
    }

    /// RFC 5952 text for 16 address bytes: lower-case hex, longest run of ≥2 zero groups as `::`.
    public static func formatIPv6(_ b: [UInt8]) -> String {
        guard b.count == 16 else { return "" }
        let groups = (0..<8).map { UInt16(b[2 * $0]) << 8 | UInt16(b[2 * $0 + 1]) }
        var bestStart = -1, bestLen = 0, i = 0
        while i < 8 {
            if groups[i] == 0 {
                var j = i
                while j < 8, groups[j] == 0 { j += 1 }
                if j - i > bestLen, j - i >= 2 { bestStart = i; bestLen = j - i }
                i = j
            } else { i += 1 }
        }
        // IPv4-mapped addresses keep their dotted tail.
        if bestStart == 0, bestLen == 5, groups[5] == 0xFFFF {
            return "::ffff:" + b[12..<16].map(String.init).joined(separator: ".")
        }
        func hex(_ r: Range<Int>) -> String { r.map { String(groups[$0], radix: 16) }.joined(separator: ":") }
        if bestStart < 0 { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLen)..<8)
    }

    /// Whether this is a loopback address (127.0.0.0/8 or ::1).
    public var isLoopback: Bool {
        family == .v4 ? text.hasPrefix("127.") : text == "::1"
    }
}

/// Where DNS queries go: an address and a port (53 by default).
public struct ResolverAddress: Sendable, Hashable, CustomStringConvertible {
    public var ip: IPAddress
    public var port: Int

    public init(ip: IPAddress, port: Int = 53) {
        self.ip = ip
        self.port = port
    }

    /// `IP`, `IP:PORT`, `[IPv6]:PORT` or a bare IPv6 address.
    public init?(parsing s: String) {
        let t = s.trimmingCharacters(in: .whitespaces)
        if t.hasPrefix("["), let close = t.firstIndex(of: "]") {
            guard let ip = IPAddress(String(t[t.index(after: t.startIndex)..<close])) else { return nil }
            let rest = t[t.index(after: close)...]
            if rest.isEmpty { self.init(ip: ip); return }
            guard rest.hasPrefix(":"), let port = Int(rest.dropFirst()), (1...65535).contains(port) else { return nil }
            self.init(ip: ip, port: port)
            return
        }
        if let ip = IPAddress(t) { self.init(ip: ip); return }
        let parts = t.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let ip = IPAddress(String(parts[0])), ip.family == .v4,
              let port = Int(parts[1]), (1...65535).contains(port) else { return nil }
        self.init(ip: ip, port: port)
    }

    /// The first `nameserver` of a resolv.conf text, if any.
    public static func fromResolvConf(_ text: String) -> ResolverAddress? {
        for line in text.split(whereSeparator: \.isNewline) {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2, fields[0] == "nameserver" else { continue }
            // Strip an IPv6 zone (fe80::1%eth0): not usable in a literal here.
            let addr = fields[1].split(separator: "%").first.map(String.init) ?? ""
            if let ip = IPAddress(addr) { return ResolverAddress(ip: ip) }
        }
        return nil
    }

    public var description: String {
        ip.family == .v6 ? "[\(ip.text)]:\(port)" : "\(ip.text):\(port)"
    }
}

/// Domain-name helpers: validation (RFC 1035 / 1123 host syntax) and normalisation.
public enum DomainName {
    /// Lower-cased, without a trailing dot; nil when not a valid host-style domain name with
    /// at least two labels. Underscore labels are accepted (`_dmarc`, `s1._domainkey`).
    public static func normalize(_ s: String) -> String? {
        var t = s.lowercased()
        if t.hasSuffix(".") { t.removeLast() }
        guard !t.isEmpty, t.utf8.count <= 253 else { return nil }
        let labels = t.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return nil }
        for label in labels {
            guard (1...63).contains(label.utf8.count) else { return nil }
            guard label.utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 || $0 == 95 }) else { return nil }
            guard label.first != "-", label.last != "-" else { return nil }
        }
        // A TLD of digits only means an IP address was given.
        if labels.last!.allSatisfy(\.isNumber) { return nil }
        return t
    }

    /// The parent name (`a.b.c` → `b.c`), nil for a single label.
    public static func parent(of name: String) -> String? {
        guard let dot = name.firstIndex(of: ".") else { return nil }
        return String(name[name.index(after: dot)...])
    }

    /// Whether `name` equals `domain` or lies under it.
    public static func isWithin(_ name: String, _ domain: String) -> Bool {
        name == domain || name.hasSuffix("." + domain)
    }

    /// `name` relative to `origin` for a zone-file line (`@` for the apex); absolute with a
    /// trailing dot when it lies outside.
    public static func relative(_ name: String, to origin: String) -> String {
        if name == origin { return "@" }
        if name.hasSuffix("." + origin) { return String(name.dropLast(origin.count + 1)) }
        return name + "."
    }
}

extension IPAddress {
    /// The PTR owner name: `11.0.0.127.in-addr.arpa` or the 32 nibbles under `ip6.arpa` (RFC 3596 §2.5).
    public var reverseName: String {
        switch family {
        case .v4:
            return text.split(separator: ".").reversed().joined(separator: ".") + ".in-addr.arpa"
        case .v6:
            var v6 = in6_addr()
            _ = inet_pton(AF_INET6, text, &v6)
            let bytes = withUnsafeBytes(of: &v6) { Array($0) }
            let nibbles = bytes.flatMap { [String($0 >> 4, radix: 16), String($0 & 0x0F, radix: 16)] }
            return nibbles.reversed().joined(separator: ".") + ".ip6.arpa"
        }
    }
}
