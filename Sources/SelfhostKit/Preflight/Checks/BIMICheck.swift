/// `bimi.record`: the `default._bimi.<domain>` TXT record naming the brand logo mailbox
/// providers may show (BIMI draft, draft-brand-indicators-for-message-identification):
/// `v=BIMI1` first, `l=` an https URL of an SVG (or empty: declined), `a=` an https URL of
/// the mark certificate when given. Providers show it only under an enforced DMARC policy.
///
/// Examples:
///   default._bimi TXT "v=BIMI1; l=https://example.com/logo.svg"  → ok (with p=quarantine/reject)
///   no record                                                     → info (optional)
///   l=http://…                                                    → error: must be https
///   with DMARC p=none                                             → warning: providers won't show the logo
public enum BIMICheck {
    public static let definition: CheckDefinition = CheckDefinition(
        id: "bimi.record",
        summary: "The default._bimi TXT record is valid (`v=BIMI1; l=https://….svg`) and DMARC enforces (quarantine or reject).",
        fix: "Publish `default._bimi.<domain> TXT \"v=BIMI1; l=https://<domain>/logo.svg\"` (SVG Tiny PS) and set DMARC to p=quarantine or p=reject."
    ) { env in
        let def = definition
        let name = "default._bimi.\(env.domain)"
        let example = ZoneLine.txt(name, "v=BIMI1; l=https://\(env.domain)/bimi-logo.svg")
        let lookup = await env.dns.lookup(name, .txt)
        let texts: [String]
        switch lookup.result {
        case .records: texts = TXT.texts(lookup).filter { TagList.looksLike($0, version: "BIMI1") }
        case .nodata, .nxdomain: texts = []
        default: return [def.inconclusive(lookup, subject: name, what: "the BIMI record")]
        }
        if texts.isEmpty {
            return [def.result(.info, name, "no BIMI record (optional): mailbox providers show no brand logo", fix: example)]
        }
        if texts.count > 1 {
            return [def.result(.error, name, "\(texts.count) BIMI records: providers use none",
                               fix: texts.map { "; delete: " + ZoneLine.txt(name, $0) }.joined(separator: "\n") + "\n" + example)]
        }
        let text = texts[0]
        if let why = problem(text) {
            return [def.result(.error, name, "BIMI record \"\(text)\" is invalid: \(why)",
                               fix: "; delete: " + ZoneLine.txt(name, text) + "\n" + example)]
        }
        // BIMI applies only to mail under an enforced DMARC policy.
        let dmarc = await DMARCState.shared(env)
        let policy = dmarc.record?.policy
        if policy != "quarantine" && policy != "reject" {
            return [def.result(.warning, name, "\(text): but DMARC is \(policy.map { "p=\($0)" } ?? "missing"), so providers won't show the logo",
                               fix: "; set p=quarantine or p=reject on _dmarc.\(env.domain) (see dmarc.record)")]
        }
        return [def.result(.ok, name, text)]
    }

    static func problem(_ text: String) -> String? {
        let tags = TagList(parsing: text)
        if let e = tags.errors.first { return e }
        guard tags.starts(with: "BIMI1") else { return "it must start with v=BIMI1" }
        guard let l = tags["l"] else { return "no l= (the logo's https URL, or empty to decline)" }
        if !l.isEmpty {
            for url in l.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                guard url.lowercased().hasPrefix("https://") else { return "l=\(url) must be an https URL" }
                guard url.lowercased().hasSuffix(".svg") else { return "l=\(url) must point to an SVG (SVG Tiny PS) file" }
            }
        }
        if let a = tags["a"], !a.isEmpty, !a.lowercased().hasPrefix("https://") { return "a=\(a) must be an https URL" }
        return nil
    }
}
