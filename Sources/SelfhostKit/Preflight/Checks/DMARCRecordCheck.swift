/// `dmarc.record`: exactly one valid DMARC record at `_dmarc.<domain>` (RFC 7489 §6.3, §6.6.3).
///
/// Examples:
///   _dmarc TXT "v=DMARC1; p=quarantine; rua=mailto:d@example.test" → ok
///   no record                          → error (Gmail, Yahoo and Microsoft reject bulk mail without it)
///   p=none                             → warning: monitoring only
///   two records                        → error: receivers apply no policy
public enum DMARCRecordCheck {
    public static let definition: CheckDefinition = CheckDefinition(
        id: "dmarc.record",
        summary: "The domain has exactly one well-formed DMARC record, with a policy stricter than none.",
        fix: "Publish one TXT record at _dmarc.<domain> starting v=DMARC1; p=…"
    ) { env in
        let def = definition
        let st = await DMARCState.shared(env)
        let domain = env.domain
        let suggested = ZoneLine.txt(st.name, "v=DMARC1; p=none; rua=mailto:dmarc-reports@\(domain)")
        if st.lookup.isInconclusive {
            return [def.inconclusive(st.lookup, subject: st.name, what: "the DMARC record")]
        }
        if st.records.isEmpty {
            return [def.result(.error, st.name,
                               "no DMARC record: Gmail, Yahoo and Microsoft reject bulk mail without one, and spoofed mail goes unreported",
                               fix: suggested + "\n; start with p=none, read the reports, then move to p=quarantine")]
        }
        if st.records.count > 1 {
            return [def.result(.error, st.name, "\(st.records.count) DMARC records: receivers apply no policy at all (RFC 7489 §6.6.3)",
                               fix: st.records.map { "; delete: " + ZoneLine.txt(st.name, $0) }.joined(separator: "\n") + "\n; keep one, e.g.\n" + ZoneLine.txt(st.name, st.records[0]))]
        }
        let r = st.record!
        if !r.errors.isEmpty {
            return [def.result(.error, st.name, r.errors.joined(separator: "; "), fix: suggested)]
        }
        var warnings = r.warnings
        if r.policy == "none" {
            warnings.insert("p=none only monitors: spoofed mail is still delivered", at: 0)
        }
        if !warnings.isEmpty {
            var tags = r.text
            if r.policy == "none" { tags = tags.replacingOccurrences(of: "p=none", with: "p=quarantine") }
            return [def.result(.warning, st.name, "\"\(r.text)\": " + warnings.joined(separator: "; "),
                               fix: "; once the reports show only your own senders:\n" + ZoneLine.txt(st.name, tags))]
        }
        return [def.result(.ok, st.name, "\"\(r.text)\"")]
    }
}
