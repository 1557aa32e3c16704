/// A `tag=value; tag=value` TXT record, the shape of MTA-STS (RFC 8461 §3.1), TLS-RPT
/// (RFC 8460 §3) and BIMI records: parsed in order, with the first problem named.
public struct TagList: Sendable, Hashable {
    /// Tags in the order written (names lower-cased, values trimmed).
    public var pairs: [(name: String, value: String)]
    /// Parse problems: a part without `=`, a tag given twice.
    public var errors: [String]

    public init(parsing text: String) {
        pairs = []
        errors = []
        for part in text.split(separator: ";", omittingEmptySubsequences: true) {
            let t = part.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { continue }
            guard let eq = t.firstIndex(of: "=") else { errors.append("'\(t)' is not a tag=value pair"); continue }
            let name = t[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            if pairs.contains(where: { $0.name == name }) { errors.append("tag \(name)= appears twice") }
            pairs.append((name, t[t.index(after: eq)...].trimmingCharacters(in: .whitespaces)))
        }
    }

    public subscript(_ name: String) -> String? { pairs.first { $0.name == name }?.value }

    /// Whether the record starts with `v=<version>` (the version compared exactly, as the RFCs say).
    public func starts(with version: String) -> Bool { pairs.first?.name == "v" && pairs.first?.value == version }

    /// Whether a TXT string is meant as this kind of record (`v=STSv1…`, any case and spacing),
    /// so a broken one is reported rather than ignored.
    public static func looksLike(_ text: String, version: String) -> Bool {
        text.replacingOccurrences(of: " ", with: "").lowercased().hasPrefix("v=" + version.lowercased())
    }

    public static func == (a: TagList, b: TagList) -> Bool {
        a.errors == b.errors && a.pairs.map(\.name) == b.pairs.map(\.name) && a.pairs.map(\.value) == b.pairs.map(\.value)
    }
    public func hash(into h: inout Hasher) { for p in pairs { h.combine(p.name); h.combine(p.value) } }
}
