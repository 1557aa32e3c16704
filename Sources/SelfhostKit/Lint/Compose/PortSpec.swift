import Foundation

/// One entry of a service's `ports:`, short (`"127.0.0.1:8080:80/tcp"`) or long syntax, after interpolation.
public struct PortSpec: Sendable, Hashable {
    /// The host address it binds, nil for all addresses (0.0.0.0 and ::).
    public var hostIP: String?
    /// Host ports; empty when Docker picks one at random.
    public var hostPorts: [Int]
    public var containerPorts: [Int]
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
    public static func parse(_ node: LintNode, env: [String: String]) -> PortSpec? {
        if node.isMapping {
            func str(_ k: String) -> String? { node[k]?.text.flatMap { Interpolation.resolve($0, env: env) } }
            guard let target = str("target"), let containerPorts = range(target) else { return nil }
            let published = str("published")
            let hostPorts = published.flatMap(range) ?? []
            if published != nil && hostPorts.isEmpty { return nil }
            return PortSpec(hostIP: str("host_ip"), hostPorts: hostPorts, containerPorts: containerPorts,
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
            guard let c = range(parts[0]) else { return nil }
            return PortSpec(hostIP: hostIP, hostPorts: [], containerPorts: c, proto: proto, line: line, column: column)
        case 2:
            guard let c = range(parts[1]) else { return nil }
            let h: [Int]
            if parts[0].isEmpty { h = [] } else { guard let r = range(parts[0]) else { return nil }; h = r }
            return PortSpec(hostIP: hostIP, hostPorts: h, containerPorts: c, proto: proto, line: line, column: column)
        default:
            return nil
        }
    }

    /// `8080` or `8000-8005`; nil when not numeric.
    static func range(_ s: String) -> [Int]? {
        let t = s.trimmingCharacters(in: .whitespaces)
        if let n = Int(t) { return [n] }
        let ends = t.split(separator: "-")
        guard ends.count == 2, let a = Int(ends[0]), let b = Int(ends[1]), a <= b, b - a < 65536 else { return nil }
        return Array(a...b)
    }
}

