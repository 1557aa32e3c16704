/// `tlsrpt.record`: the `_smtp._tls.<domain>` TXT record asking senders for daily reports of
/// TLS failures delivering to the domain (RFC 8460 §3): one record, `v=TLSRPTv1` first, and
/// `rua=` with `mailto:` or `https:` URIs, comma-separated.
///
/// Examples:
///   _smtp._tls TXT "v=TLSRPTv1; rua=mailto:tls@example.com"  → ok
///   no record                                                 → info (optional; useful with MTA-STS)
///   _smtp._tls TXT "v=TLSRPTv1; rua=tls@example.com"          → error: not a mailto:/https: URI
public enum TLSRPTCheck {
    public static let definition: CheckDefinition = CheckDefinition(
        id: "tlsrpt.record",
        summary: "The _smtp._tls TXT record is one valid `v=TLSRPTv1; rua=…` record (RFC 8460 §3).",
        fix: "Publish `_smtp._tls.<domain> TXT \"v=TLSRPTv1; rua=mailto:tls-reports@<domain>\"`."
    ) { env in
        let def = definition
        let name = "_smtp._tls.\(env.domain)"
        let example = ZoneLine.txt(name, "v=TLSRPTv1; rua=mailto:tls-reports@\(env.domain)")
        let lookup = await env.dns.lookup(name, .txt)
        let texts: [String]
        switch lookup.result {
        case .records: texts = TXT.texts(lookup).filter { TagList.looksLike($0, version: "TLSRPTv1") }
        case .nodata, .nxdomain: texts = []
        default: return [def.inconclusive(lookup, subject: name, what: "the TLS-RPT record")]
        }
        if texts.isEmpty {
            let mtaSTS = await MTASTSRecord.shared(env)
            var why = "no TLS-RPT record (optional): nobody tells you when senders fail to reach your MX hosts over TLS"
            if case .valid = mtaSTS { why += "; with MTA-STS published, failures would go unnoticed" }
            return [def.result(.info, name, why, fix: example)]
        }
        if texts.count > 1 {
            return [def.result(.error, name, "\(texts.count) TLS-RPT records: senders use none (RFC 8460 §3)",
                               fix: texts.map { "; delete: " + ZoneLine.txt(name, $0) }.joined(separator: "\n") + "\n" + example)]
        }
        let text = texts[0]
        if let why = problem(text) {
            return [def.result(.error, name, "TLS-RPT record \"\(text)\" is invalid: \(why); senders send no reports",
                               fix: "; delete: " + ZoneLine.txt(name, text) + "\n" + example)]
        }
        return [def.result(.ok, name, text)]
    }

    /// What is wrong with a TLS-RPT record, or nil.
    static func problem(_ text: String) -> String? {
        let tags = TagList(parsing: text)
        if let e = tags.errors.first { return e }
        guard tags.starts(with: "TLSRPTv1") else { return "it must start with v=TLSRPTv1 (case matters)" }
        guard let rua = tags["rua"], !rua.isEmpty else { return "no rua= (where reports go)" }
        for raw in rua.split(separator: ",") {
            let uri = raw.trimmingCharacters(in: .whitespaces)
            let lower = uri.lowercased()
            if lower.hasPrefix("mailto:") {
                guard uri.dropFirst(7).contains("@") else { return "rua: '\(uri)' is not a mail address" }
            } else if !lower.hasPrefix("https://") {
                return "rua: '\(uri)' must be a mailto: or https: URI"
            }
        }
        return nil
    }
}
