import Foundation

/// A set of ports kept as sorted, disjoint, non-adjacent ranges: `"1-65535:1-65535"` is one range,
/// never 65,535 numbers, so the rules that compare ports stay linear in what the file says.
public struct PortSet: Sendable, Hashable, CustomStringConvertible {
    /// The valid port numbers (0 lets the system pick, as Docker does for a container port).
    public static let valid: ClosedRange<Int> = 0...65535

    public private(set) var ranges: [ClosedRange<Int>] = []

    public init() {}
    public init(_ ranges: [ClosedRange<Int>]) { for r in ranges { insert(r) } }
    public init(_ ports: [Int]) { for p in ports { insert(p...p) } }

    public var isEmpty: Bool { ranges.isEmpty }
    /// How many ports (a count, not an expansion).
    public var count: Int { ranges.reduce(0) { $0 + $1.count } }
    /// The one port, when the set holds exactly one.
    public var single: Int? { ranges.count == 1 && ranges[0].count == 1 ? ranges[0].lowerBound : nil }
    public var first: Int? { ranges.first?.lowerBound }

    public func contains(_ port: Int) -> Bool {
        // Binary search: the first range whose upper bound is ≥ port.
        var lo = 0, hi = ranges.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ranges[mid].upperBound < port { lo = mid + 1 } else { hi = mid }
        }
        return lo < ranges.count && ranges[lo].contains(port)
    }

    /// Whether every port of `r` is in the set.
    public func contains(_ r: ClosedRange<Int>) -> Bool {
        ranges.contains { $0.lowerBound <= r.lowerBound && r.upperBound <= $0.upperBound }
    }

    public func overlaps(_ r: ClosedRange<Int>) -> Bool { ranges.contains { $0.overlaps(r) } }

    public mutating func insert(_ r: ClosedRange<Int>) {
        var lower = r.lowerBound, upper = r.upperBound
        var kept: [ClosedRange<Int>] = []
        var placed = false
        for x in ranges {
            if x.upperBound + 1 < lower { kept.append(x); continue }
            if upper + 1 < x.lowerBound {
                if !placed { kept.append(lower...upper); placed = true }
                kept.append(x)
                continue
            }
            lower = min(lower, x.lowerBound); upper = max(upper, x.upperBound)
        }
        if !placed { kept.append(lower...upper) }
        ranges = kept
    }

    public mutating func formUnion(_ other: PortSet) { for r in other.ranges { insert(r) } }
    public func union(_ other: PortSet) -> PortSet { var c = self; c.formUnion(other); return c }

    /// `80, 443, 8000-8010`.
    public var description: String {
        ranges.map { $0.count == 1 ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: ", ")
    }

    /// `8080` or `8000-8005` (0…65535, at most five digits each); nil otherwise. Never expanded.
    public static func parseRange(_ s: String) -> ClosedRange<Int>? {
        let t = s.trimmingCharacters(in: .whitespaces)
        func port(_ p: Substring) -> Int? {
            guard !p.isEmpty, p.count <= 5, p.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(p), valid.contains(n) else { return nil }
            return n
        }
        if let n = port(Substring(t)) { return n...n }
        let ends = t.split(separator: "-", omittingEmptySubsequences: false)
        guard ends.count == 2, let a = port(ends[0]), let b = port(ends[1]), a <= b else { return nil }
        return a...b
    }
}

extension ClosedRange where Bound == Int {
    /// `8080` or `8000-8005`.
    var portText: String { count == 1 ? "\(lowerBound)" : "\(lowerBound)-\(upperBound)" }
}

extension PortSet: ExpressibleByArrayLiteral {
    public init(arrayLiteral ports: Int...) { self.init(ports) }
}
