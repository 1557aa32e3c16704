/// `spf.syntax`: the SPF record and every record it includes parse (RFC 7208 §4.6, §5, §6).
///
/// Examples:
///   "v=spf1 ip4:192.0.2.300 -all"       → error: invalid ip4 address
///   "v=spf1 include: -all"              → error: include needs a domain
///   "v=spf1 -all include:x.test"        → warning: term after all is never evaluated
///   include:nospf.test (no SPF there)   → error: include target has no SPF record (permerror)
///   TXT "v=spf1 ip4:192.0.2.1" "-all"   → error: the strings are joined without a space
///                                          (read as ip4:192.0.2.1-all); fix: "v=spf1 ip4:192.0.2.1 -all"
/// The fix is always a record that parses (see `SPFCorrection`), never the broken one again.
public enum SPFSyntaxCheck {
    public static let definition: CheckDefinition = CheckDefinition(
        id: "spf.syntax",
        summary: "The SPF record and all included records are well-formed; every include target has exactly one SPF record.",
        fix: "Correct the term named in the message; remove includes of domains without an SPF record."
    ) { env in
        await SPFAnalyzer.eachRecord(env, definition) { domain, node in
            var errors: [String] = [], warnings: [String] = []
            var elsewhere: [String] = []  // records of other domains that need fixing there
            let correction = SPFCorrection(node)!
            if !correction.joins.isEmpty {
                errors.append("the record's strings are joined without a space: receivers read "
                              + correction.joins.map { "'\($0.glued)' (meant '\($0.meant)')" }.joined(separator: ", "))
            }
            for (path, n) in node.walk() {
                let whereText = path.count > 1 ? " (in \(n.domain), via \(path.dropLast().joined(separator: " → ")))" : ""
                switch n.state {
                case .record(let r):
                    if path.count == 1, !correction.joins.isEmpty {
                        // Only the errors the missing space doesn't explain.
                        errors += SPFRecord(parsing: SPFCorrection.spaceJoined(r.strings)!.text).errors
                    } else {
                        errors += r.errors.map { $0 + whereText }
                    }
                    warnings += r.warnings.map { $0 + whereText }
                    if path.count > 1, !r.errors.isEmpty { elsewhere.append(n.domain) }
                case .none(let l) where path.count > 1:
                    errors.append("include target \(n.domain) has no SPF record (\(l.result == .nxdomain ? "NXDOMAIN" : "no v=spf1 TXT")): permerror" + whereText)
                    if path.count > 2 { elsewhere.append(path[path.count - 2]) }
                case .multiple where path.count > 1:
                    errors.append("include target \(n.domain) has several SPF records: permerror" + whereText)
                    elsewhere.append(n.domain)
                default: break
                }
            }
            let top = node.record!
            if top.text.utf8.count > 450 {
                warnings.append("record is \(top.text.utf8.count) bytes; keep it under 450 so answers fit in one UDP packet (RFC 7208 §3.4)")
            }
            if !errors.isEmpty {
                var fix = correction.commentLines
                if correction.changed, let record = correction.record {
                    fix.append(ZoneLine.txt(domain, record))
                } else if correction.changed {
                    fix.append("; correct the terms named above in the record of \(domain)")
                }
                for d in Set(elsewhere).sorted() {
                    fix.append("; fix the SPF record of \(d) in its own zone (see the message)")
                }
                return [definition.result(.error, domain, errors.joined(separator: "; "),
                                          fix: fix.isEmpty ? nil : fix.joined(separator: "\n"))]
            } else if !warnings.isEmpty {
                return [definition.result(.warning, domain, warnings.joined(separator: "; "))]
            }
            return [definition.result(.ok, domain, "record and includes are well-formed")]
        }
    }
}
