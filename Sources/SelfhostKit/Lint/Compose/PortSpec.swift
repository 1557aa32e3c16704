import Foundation

/// One entry of a service's `ports:`, short (`"127.0.0.1:8080:80/tcp"`) or long syntax, after interpolation.
public struct PortSpec: Sendable, Hashable {
    /// The host address it binds, nil for all addresses (0.0.0.0 and ::).
    public var hostIP: String?
    /// Host ports (one port or a range); nil when Docker picks one at random.
    public var hostRange: ClosedRange<Int>?
    /// Container ports (one port or a range).
    public var containerRange: ClosedRange<Int>
    public var proto: String
    public var line: Int
    public var column: Int

    /// True when bound to every address, which Docker publishes past the host firewall.
    public var bindsAllAddresses: Bool {
        guard let ip = hostIP else { return true }
        return ip == "0.0.0.0" || ip == "::" || ip == "[::]" || ip.isEmpty
    }

    public var isLoopback: Bool {
        guard let ip = hostIP else { return false }
        return ip.hasPrefix("127.") || ip == "::1" || ip == "[::1]" || ip == "localhost"
    }

    /// Parses one entry; nil when it can't be read (unresolved variables or malformed).
    public static func parse(_ node: YAMLNode, env: [String: String]) -> PortSpec? {
        if node.isMapping {
            func str(_ k: String) -> String? { node[k]?.text.flatMap { Interpolation.resolve($0, env: env) } }
            guard let target = str("target"), let container = PortSet.parseRange(target) else { return nil }
            let published = str("published")
            let host = published.flatMap(PortSet.parseRange)
            if published != nil && host == nil { return nil }
            return PortSpec(hostIP: str("host_ip"), hostRange: host, containerRange: container,
                            proto: str("protocol") ?? "tcp", line: node.line, column: node.column)
        }
        guard let raw = node.text, let s = Interpolation.resolve(raw, env: env) else { return nil }
        return parse(short: s, line: node.line, column: node.column)
    }

    public static func parse(short input: String, line: Int = 0, column: Int = 0) -> PortSpec? {
        var s = Substring(input.trimmingCharacters(in: .whitespaces))
        var proto = "tcp"
        if let slash = s.lastIndex(of: "/") {
            proto = String(s[s.index(after: slash)...]).lowercased()
            s = s[..<slash]
        }
        var hostIP: String?
        if s.hasPrefix("[") , let close = s.firstIndex(of: "]") {
            hostIP = String(s[s.index(after: s.startIndex)..<close])
            s = s[s.index(after: close)...]
            if s.hasPrefix(":") { s = s.dropFirst() }
        }
        var parts = s.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if hostIP == nil, parts.count == 3 { hostIP = parts.removeFirst() }
        else if hostIP == nil, parts.count > 3 {
            // Unbracketed IPv6 host address: everything before the last two fields.
            let tail = parts.suffix(2)
            hostIP = parts.dropLast(2).joined(separator: ":")
            parts = Array(tail)
        }
        switch parts.count {
        case 1:
            guard let c = PortSet.parseRange(parts[0]) else { return nil }
            return PortSpec(hostIP: hostIP, hostRange: nil, containerRange: c, proto: proto, line: line, column: column)
        case 2:
            guard let c = PortSet.parseRange(parts[1]) else { return nil }
            let h: ClosedRange<Int>?
            if parts[0].isEmpty { h = nil } else { guard let r = PortSet.parseRange(parts[0]) else { return nil }; h = r }
            return PortSpec(hostIP: hostIP, hostRange: h, containerRange: c, proto: proto, line: line, column: column)
        default:
            return nil
        }
    }

    /// The host ports as a set (empty for a random port).
    public var hostPorts: PortSet { hostRange.map { PortSet([$0]) } ?? PortSet() }
    public var containerPorts: PortSet { PortSet([containerRange]) }
}
