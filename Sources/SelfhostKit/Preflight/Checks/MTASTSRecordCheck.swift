/// `mta-sts.record`: the `_mta-sts.<domain>` TXT record that tells senders an MTA-STS policy
/// exists (RFC 8461 §3.1): exactly one record starting `v=STSv1`, with an `id=` of 1–32
/// letters and digits. The policy file itself is `mta-sts.policy` (with `--live`).
///
/// Examples:
///   _mta-sts TXT "v=STSv1; id=20260101T000000"   → ok
///   no record                                      → info: MTA-STS is optional
///   _mta-sts TXT "v=STSv1;"                        → error: no id= (senders ignore the policy)
///   two v=STSv1 records                            → error: senders assume no policy
public enum MTASTSRecordCheck {
    public static let definition: CheckDefinition = CheckDefinition(
        id: "mta-sts.record",
        summary: "The _mta-sts TXT record is one valid `v=STSv1; id=…` record (RFC 8461 §3.1).",
        fix: "Publish `_mta-sts.<domain> TXT \"v=STSv1; id=<new id>\"` and serve the policy at https://mta-sts.<domain>/.well-known/mta-sts.txt; change id= whenever the policy changes."
    ) { env in
        let def = definition
        let name = "_mta-sts.\(env.domain)"
        let state = await MTASTSRecord.shared(env)
        switch state {
        case .inconclusive(let lookup):
            return [def.inconclusive(lookup, subject: name, what: "the MTA-STS record")]
        case .none:
            return [def.result(.info, name, "no MTA-STS record (optional): senders may deliver to your MX hosts without verified TLS",
                               fix: ZoneLine.txt(name, "v=STSv1; id=\(MTASTSRecord.suggestedID)")
                                + "\n; and serve https://mta-sts.\(env.domain)/.well-known/mta-sts.txt (see mta-sts.policy)")]
        case .several(let texts):
            return [def.result(.error, name, "\(texts.count) MTA-STS records: senders assume no policy (RFC 8461 §3.1)",
                               fix: texts.map { "; delete: " + ZoneLine.txt(name, $0) }.joined(separator: "\n")
                                + "\n" + ZoneLine.txt(name, "v=STSv1; id=\(MTASTSRecord.suggestedID)"))]
        case .invalid(let text, let why):
            return [def.result(.error, name, "MTA-STS record \"\(text)\" is invalid: \(why); senders ignore the policy",
                               fix: "; delete: " + ZoneLine.txt(name, text) + "\n" + ZoneLine.txt(name, "v=STSv1; id=\(MTASTSRecord.suggestedID)"))]
        case .valid(let id, _):
            return [def.result(.ok, name, "v=STSv1; id=\(id)")]
        }
    }
}

/// The `_mta-sts` record, shared by `mta-sts.record` and `mta-sts.policy`.
public enum MTASTSRecord: Sendable {
    case valid(id: String, text: String)
    case invalid(text: String, why: String)
    case several([String])
    case none
    case inconclusive(DNSLookup)

    /// A fresh id for a fix: a UTC timestamp, as the RFC's examples use.
    static var suggestedID: String { "20260101000000" }

    public static func parse(_ texts: [String]) -> MTASTSRecord {
        // Records that don't start with v=STSv1 are discarded (§3.1) — but one that looks
        // like a broken attempt is reported.
        let candidates = texts.filter { TagList.looksLike($0, version: "STSv1") }
        guard !candidates.isEmpty else { return .none }
        guard candidates.count == 1 else { return .several(candidates) }
        let text = candidates[0]
        let tags = TagList(parsing: text)
        if let e = tags.errors.first { return .invalid(text: text, why: e) }
        guard tags.starts(with: "STSv1") else { return .invalid(text: text, why: "it must start with v=STSv1 (case matters)") }
        guard let id = tags["id"] else { return .invalid(text: text, why: "no id= (1–32 letters and digits)") }
        guard (1...32).contains(id.count), id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            return .invalid(text: text, why: "id=\(id) must be 1–32 letters and digits")
        }
        return .valid(id: id, text: text)
    }

    public static func shared(_ env: PreflightEnvironment) async -> MTASTSRecord {
        await env.shared("mta-sts-record") {
            let lookup = await env.dns.lookup("_mta-sts.\(env.domain)", .txt)
            switch lookup.result {
            case .records: return parse(TXT.texts(lookup))
            case .nodata, .nxdomain: return .none
            default: return .inconclusive(lookup)
            }
        }
    }
}
