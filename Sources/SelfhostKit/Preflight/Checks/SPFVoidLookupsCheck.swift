/// `spf.void-lookups`: at most 2 SPF terms whose lookup comes back empty (RFC 7208 §4.6.4).
///
/// Examples:
///   "v=spf1 a:gone1.test a:gone2.test a:gone3.test -all" (all NXDOMAIN) → error: 3 void lookups
public enum SPFVoidLookupsCheck {
    public static let definition: CheckDefinition = CheckDefinition(
        id: "spf.void-lookups",
        summary: "At most 2 a/mx/exists terms of the SPF evaluation resolve to nothing (NXDOMAIN or no data).",
        fix: "Remove terms naming hosts that no longer exist."
    ) { env in
        await SPFAnalyzer.eachRecord(env, definition) { domain, node in
            let voids = node.totalVoids
            if voids.count > 2 {
                return [definition.result(.error, domain, "\(voids.count) void lookups (limit 2, receivers return permerror): " + voids.joined(separator: ", "),
                                          fix: "; remove these terms: " + voids.joined(separator: ", "))]
            } else if !voids.isEmpty {
                return [definition.result(.warning, domain, "\(voids.count) void lookup\(voids.count == 1 ? "" : "s"): " + voids.joined(separator: ", "),
                                          fix: "; remove these terms: " + voids.joined(separator: ", "))]
            }
            return [definition.result(.ok, domain, "no void lookups")]
        }
    }
}
