/// `spf.all`: the SPF record ends in `-all` or `~all` (RFC 7208 §5.1, §4.7).
///
/// Examples:
///   "v=spf1 mx -all" → ok    "v=spf1 mx ~all" → ok
///   "v=spf1 mx +all" → error: authorizes every host on the internet
///   "v=spf1 mx ?all" → warning: neutral, no protection
///   "v=spf1 mx"      → warning: no all and no redirect = neutral
///   "v=spf1 mx" "-all" (strings joined without a space) → judged on the corrected record
///                      "v=spf1 mx -all" (spf.syntax reports the missing space)
public enum SPFAllCheck {
    public static let definition: CheckDefinition = CheckDefinition(
        id: "spf.all",
        summary: "The SPF record ends with -all or ~all: +all authorizes everyone, ?all or no all protects nothing.",
        fix: "End the record with ~all (or -all once every sender is listed)."
    ) { env in
        await SPFAnalyzer.eachRecord(env, definition) { domain, node in
            guard let published = node.record, let correction = SPFCorrection(node) else {
                return [SPFAnalyzer.noRecord(domain, definition)]
            }
            // A record with syntax errors is judged as spf.syntax's fix would publish it, so
            // the fix here never brings the broken terms back.
            guard let corrected = correction.record else {
                return [definition.result(.skipped, domain, "the record does not parse (see spf.syntax)")]
            }
            let r = correction.changed ? SPFRecord(parsing: corrected) : published
            let note = correction.changed ? " (in the record as corrected by spf.syntax)" : ""
            func replaced(_ all: String) -> String {
                let terms = r.text.split(separator: " ").filter {
                    !["all", "+all", "-all", "~all", "?all"].contains($0.lowercased())
                }.map(String.init)
                return ZoneLine.txt(domain, (terms + [all]).joined(separator: " "))
            }
            if let all = r.all {
                switch all.qualifier {
                case .pass:
                    return [definition.result(.error, domain, "+all authorizes every host on the internet to send as \(domain)" + note, fix: replaced("~all"))]
                case .neutral:
                    return [definition.result(.warning, domain, "?all is neutral: unlisted senders are neither passed nor failed" + note, fix: replaced("~all"))]
                case .softfail, .fail:
                    return [definition.result(.ok, domain, "ends with \(all.qualifier.rawValue)all" + note)]
                }
            } else if r.redirect != nil {
                return [definition.result(.ok, domain, "no all; redirect=\(r.redirect!) decides" + note)]
            } else {
                return [definition.result(.warning, domain, "no all and no redirect: the default result is neutral (RFC 7208 §4.7)" + note, fix: replaced("~all"))]
            }
        }
    }
}
