/// `dkim.flags`: the key record isn't in test mode and allows SHA-256 (RFC 6376 §3.6.1, RFC 8301 §3.1).
///
/// Examples:
///   t=y          → warning: receivers may treat signatures as unsigned
///   h=sha1       → error: SHA-1 signatures must not be accepted (RFC 8301)
///   h=sha1:sha256, t=s → ok
public enum DKIMFlagsCheck {
    public static let definition: CheckDefinition = CheckDefinition(
        id: "dkim.flags",
        summary: "The DKIM key is not in testing mode (t=y) and does not restrict hashes to SHA-1 (h=sha1).",
        fix: "Remove t=y once signing works; use h=sha256 or drop h=."
    ) { env in
        await DKIMSelectorState.eachUsableKey(env, definition, skippedMessage: "no usable key (see dkim.record)") { st, key in
            let owner = st.lookup.finalName
            func rewritten(_ change: (inout [String: String]) -> Void) -> String {
                var tags = key.tags
                change(&tags)
                let order = ["v", "h", "k", "n", "s", "t", "p"]
                let keys = tags.keys.sorted { (order.firstIndex(of: $0) ?? 5, $0) < (order.firstIndex(of: $1) ?? 5, $1) }
                return ZoneLine.txt(owner, keys.map { "\($0)=\(tags[$0]!)" }.joined(separator: "; "))
            }
            let hashes = key.hashes
            if !hashes.isEmpty, !hashes.contains("sha256") {
                return [definition.result(.error, st.name, "h=\(hashes.joined(separator: ":")): only SHA-1 allowed; RFC 8301 forbids SHA-1 signatures",
                                             fix: rewritten { $0["h"] = "sha256" })]
            } else if key.testing {
                return [definition.result(.warning, st.name, "t=y: DKIM is in testing mode; receivers may ignore failures and passes alike",
                                             fix: rewritten { t in
                                                 let rest = key.flags.filter { $0 != "y" }
                                                 if rest.isEmpty { t.removeValue(forKey: "t") } else { t["t"] = rest.joined(separator: ":") }
                                             })]
            } else {
                return [definition.result(.ok, st.name, "not in testing mode; SHA-256 allowed")]
            }
        }
    }
}
