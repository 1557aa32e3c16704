/// A broken SPF record turned into one that parses, so that every SPF fix preflight prints
/// is itself a valid record (each `spf.*` and `esp.spf` fix is built from this).
///
/// Two repairs, in order:
/// 1. A TXT record published as several strings is read with the strings joined *without* a
///    space (RFC 7208 §3.3). `"v=spf1 ip4:192.0.2.1" "-all"` therefore reads
///    `v=spf1 ip4:192.0.2.1-all`: where the term glued across a string boundary is invalid
///    (or the next string starts with a qualifier) but both halves are valid terms, the space
///    the author meant is put back.
/// 2. Terms that still don't parse, and includes of names without an SPF record, are dropped
///    (the fix says which, so the user can put the right value back).
///
/// Examples:
///   ["v=spf1 ip4:192.0.2.1", "-all"]              → "v=spf1 ip4:192.0.2.1 -all" (missing space)
///   ["v=spf1 include:_spf.goo", "gle.com ~all"]   → unchanged (a term split on purpose)
///   "v=spf1 ip4:192.0.2.300 mx -all"              → "v=spf1 mx -all", removed ip4:192.0.2.300
public struct SPFCorrection: Sendable, Hashable {
    /// A string boundary where a space was missing: what receivers read, and what was meant.
    public struct Join: Sendable, Hashable {
        public var glued: String
        public var meant: String
    }

    /// A term left out of the corrected record, and why.
    public struct Removal: Sendable, Hashable {
        public var term: String
        public var why: String
    }

    public var joins: [Join]
    public var removed: [Removal]
    /// The corrected record; nil when no record that parses could be built.
    public var record: String?

    /// True when the record had to change.
    public var changed: Bool { !joins.isEmpty || !removed.isEmpty }

    /// The published strings joined the way the author meant, when a space is missing at some
    /// boundary; nil when every boundary reads as intended.
    public static func spaceJoined(_ strings: [String]) -> (text: String, joins: [Join])? {
        guard strings.count > 1 else { return nil }
        var out = strings[0]
        var joins: [Join] = []
        for next in strings.dropFirst() {
            guard let last = out.last, let first = next.first, last != " ", first != " " else {
                out += next
                continue
            }
            let left = String(out[(out.lastIndex(of: " ").map { out.index(after: $0) } ?? out.startIndex)...])
            let right = String(next.prefix { $0 != " " })
            let glued = left + right
            let startsWithQualifier = "+-~?".contains(first)
            if validTerm(left), validTerm(right), !validTerm(glued) || startsWithQualifier {
                joins.append(Join(glued: glued, meant: left + " " + right))
                out += " " + next
            } else {
                out += next
            }
        }
        return joins.isEmpty ? nil : (out, joins)
    }

    /// A TXT record of `lookup` that is meant as SPF but isn't one because its strings are
    /// joined without a space (`"v=spf1" "mx -all"` reads `v=spf1mx -all`): its strings, and
    /// the record as meant.
    public static func gluedSPF(_ lookup: DNSLookup) -> (strings: [String], meant: String)? {
        for case .txt(let raw) in lookup.records {
            let strings = raw.map { String(decoding: $0, as: UTF8.self) }
            if let sj = spaceJoined(strings), SPFRecord.isSPF(sj.text), !SPFRecord.isSPF(TXT.join(raw)) {
                return (strings, sj.text)
            }
        }
        return nil
    }

    /// Whether one term parses on its own (the version term only as `v=spf1`).
    static func validTerm(_ term: String) -> Bool {
        let lower = term.lowercased()
        if lower == "v=spf1" { return true }
        if lower.isEmpty || lower.hasPrefix("v=") { return false }
        return SPFRecord(parsing: "v=spf1 " + term).errors.isEmpty
    }

    /// Corrects `record`; `noSPF` names include targets found to have no SPF record.
    public init(_ record: SPFRecord, noSPF: Set<String> = []) {
        var text = record.text
        joins = []
        if let sj = Self.spaceJoined(record.strings) {
            text = sj.text
            joins = sj.joins
        }
        removed = []
        var terms = text.split(separator: " ").map(String.init)
        // Dropping a term can't create a new error, but a second pass costs nothing and
        // guarantees the result parses.
        for _ in 0..<3 {
            let parsed = SPFRecord(parsing: terms.joined(separator: " "))
            var drop: [Removal] = parsed.invalidTerms.map { Removal(term: $0.term, why: $0.why) }
            for t in terms.dropFirst() {
                guard let m = SPFRecord(parsing: "v=spf1 " + t).mechanisms.first, m.name == "include",
                      let target = m.value?.lowercased(), noSPF.contains(target) else { continue }
                drop.append(Removal(term: t, why: "\(target) has no SPF record"))
            }
            if drop.isEmpty { break }
            for d in drop {
                if let i = terms.lastIndex(of: d.term), i > 0 { terms.remove(at: i) }
                if !removed.contains(d) { removed.append(d) }
            }
        }
        let candidate = terms.joined(separator: " ")
        let check = SPFRecord(parsing: candidate)
        self.record = check.errors.isEmpty && SPFRecord.isSPF(candidate) ? candidate : nil
    }

    /// The correction of a node's record, dropping its direct includes that have no SPF record.
    public init?(_ node: SPFNode) {
        guard let r = node.record else { return nil }
        var noSPF = Set<String>()
        for child in node.children where child.term.hasPrefix("include:") {
            if case .none = child.node.state { noSPF.insert(child.node.domain) }
        }
        self.init(r, noSPF: noSPF)
    }

    /// Comment lines saying what changed (empty when nothing did).
    public var commentLines: [String] {
        var out: [String] = []
        if !joins.isEmpty {
            out.append("; put the missing space back (" + joins.map { "'\($0.meant)'" }.joined(separator: ", ")
                       + "): publish the record as one string, or end each string with a space")
        }
        if !removed.isEmpty {
            out.append("; removed (correct and add back what you need): "
                       + removed.map { "\($0.term) (\($0.why))" }.joined(separator: ", "))
        }
        return out
    }
}
