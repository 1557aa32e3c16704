/// `spf.lookups`: at most 10 DNS-querying terms in the whole SPF evaluation, no include loops
/// (RFC 7208 §4.6.4, §5.2).
///
/// Examples:
///   include chain costing 12 lookups          → error: permerror at receivers, evaluation stopped at
///                                               the 11th lookup (as receivers do), with a per-include count
///   include:a.test → include:b.test → include:a.test → error: include loop
///   an include answered with SERVFAIL/timeout → timeout/error, never "missing"
public enum SPFLookupsCheck {
    public static let definition: CheckDefinition = CheckDefinition(
        id: "spf.lookups",
        summary: "The SPF evaluation costs at most 10 DNS lookups (include, a, mx, ptr, exists, redirect), has no loops, and each mx names at most 10 hosts.",
        fix: "Remove includes you no longer use, or replace a/mx/include terms by the ip4/ip6 ranges they stand for."
    ) { env in
        await SPFAnalyzer.eachRecord(env, definition) { domain, node in
            let all = node.walk()
            if let loop = all.first(where: { if case .loop = $0.node.state { return true } else { return false } }),
               case .loop(let path) = loop.node.state {
                return [definition.result(.error, domain, "include loop: " + path.joined(separator: " → ") + " (permerror)",
                                             fix: "; remove the include of \(path.last!) from the SPF record of \(path[path.count - 2])")]
            }
            if let bad = all.first(where: { if case .inconclusive = $0.node.state { return true } else { return false } }),
               case .inconclusive(let lookup) = bad.node.state {
                return [definition.inconclusive(lookup, subject: domain, what: "the SPF include \(bad.node.domain)")]
            }
            if let bad = all.lazy.flatMap({ $0.node.ownInconclusive }).first {
                return [definition.inconclusive(bad, subject: domain, what: "an SPF a/mx/exists term")]
            }
            let total = node.totalLookups
            let overflow = all.flatMap { $0.node.mxOverflow }
            let breakdown = node.breakdown.map { "\($0.0) costs \($0.1)" }.joined(separator: ", ")
            if total > 10 || all.contains(where: { if case .tooDeep = $0.node.state { return true } else { return false } }) {
                return [definition.result(.error, domain,
                                             (total > 10 ? "more than 10 DNS lookups" : "includes nested deeper than 10") + ", limit 10: receivers return permerror and SPF fails"
                                                + (node.stopped.map { "; evaluation stops at \($0)" } ?? "") + (breakdown.isEmpty ? "" : " (counted so far: \(breakdown))"),
                                             fix: "; drop unused includes or replace them with ip4:/ip6: ranges in the record now published:\n"
                                                + ZoneLine.txt(domain, SPFCorrection(node)?.record ?? node.record!.text))]
            } else if !overflow.isEmpty {
                return [definition.result(.error, domain, overflow.joined(separator: "; "))]
            } else {
                return [definition.result(.ok, domain, "\(total)/10 DNS lookups")]
            }
        }
    }
}
