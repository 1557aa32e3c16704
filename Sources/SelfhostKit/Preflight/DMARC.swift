/// A DMARC record (RFC 7489 §6.3, with RFC 9989's additions), parsed and validated.
public struct DMARCRecord: Sendable, Hashable {
    public var text: String
    public var tags: [String: String]
    public var errors: [String]
    public var warnings: [String]

    public var policy: String? { tags["p"]?.lowercased() }
    /// `mailto:` report destinations of rua and ruf: (tag, address, domain).
    public var reportAddresses: [(tag: String, address: String, domain: String)] {
        ["rua", "ruf"].flatMap { tag in
            (tags[tag] ?? "").split(separator: ",").compactMap { raw -> (String, String, String)? in
                let uri = raw.trimmingCharacters(in: .whitespaces)
                guard uri.lowercased().hasPrefix("mailto:") else { return nil }
                let addr = String(uri.dropFirst(7).split(separator: "!").first ?? "")
                guard let at = addr.lastIndex(of: "@") else { return nil }
                return (tag, addr, String(addr[addr.index(after: at)...]).lowercased())
            }
        }
    }

    public static func isDMARC(_ text: String) -> Bool {
        text.replacingOccurrences(of: " ", with: "").lowercased().hasPrefix("v=dmarc1")
    }

    public init(parsing text: String) {
        self.text = text
        tags = [:]
        errors = []
        warnings = []
        var order: [String] = []
        for part in text.split(separator: ";") {
            let t = part.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { continue }
            guard let eq = t.firstIndex(of: "=") else { errors.append("'\(t)' is not a tag=value pair"); continue }
            let k = t[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            let v = t[t.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if tags[k] != nil { errors.append("tag \(k)= appears twice") }
            tags[k] = v
            order.append(k)
        }
        if order.first != "v" || tags["v"] != "DMARC1" { errors.append("must start with v=DMARC1") }
        let policies = ["none", "quarantine", "reject"]
        if let p = tags["p"] {
            if !policies.contains(p.lowercased()) { errors.append("p=\(p): must be none, quarantine or reject") }
        } else {
            warnings.append("no p= tag: RFC 7489 receivers ignore the record (RFC 9989 reads it as p=none)")
        }
        for k in ["sp", "np"] where tags[k] != nil && !policies.contains(tags[k]!.lowercased()) {
            errors.append("\(k)=\(tags[k]!): must be none, quarantine or reject")
        }
        for k in ["adkim", "aspf"] where tags[k] != nil && !["r", "s"].contains(tags[k]!.lowercased()) {
            errors.append("\(k)=\(tags[k]!): must be r or s")
        }
        if let pct = tags["pct"] {
            if let n = Int(pct), (0...100).contains(n) {
                if n < 100 { warnings.append("pct=\(n): the policy applies to only \(n)% of failing mail") }
            } else { errors.append("pct=\(pct): must be an integer 0–100") }
        }
        if let fo = tags["fo"], !fo.split(separator: ":").allSatisfy({ ["0", "1", "d", "s"].contains($0.trimmingCharacters(in: .whitespaces).lowercased()) }) {
            errors.append("fo=\(fo): must be 0, 1, d or s, colon-separated")
        }
        if let ri = tags["ri"], Int(ri) == nil { errors.append("ri=\(ri): must be a number of seconds") }
        for k in ["rua", "ruf"] {
            guard let v = tags[k] else { continue }
            for raw in v.split(separator: ",") {
                let uri = raw.trimmingCharacters(in: .whitespaces)
                let lower = uri.lowercased()
                if lower.hasPrefix("mailto:") {
                    let addr = uri.dropFirst(7).split(separator: "!", maxSplits: 1)
                    if !(addr.first?.contains("@") ?? false) { errors.append("\(k): '\(uri)' is not a mail address") }
                    if addr.count == 2, addr[1].range(of: "^[0-9]+[kmgt]?$", options: [.regularExpression, .caseInsensitive]) == nil {
                        errors.append("\(k): size limit '!\(addr[1])' is not a number with optional k/m/g/t")
                    }
                } else if !lower.hasPrefix("https:") {
                    errors.append("\(k): '\(uri)' must be a mailto: URI")
                }
            }
        }
        let known: Set<String> = ["v", "p", "sp", "np", "adkim", "aspf", "pct", "fo", "rf", "ri", "rua", "ruf", "psd", "t"]
        for k in order where !known.contains(k) { warnings.append("unknown tag \(k)= is ignored") }
    }
}

/// The `_dmarc` record of the domain, shared by the `dmarc.*` checks.
public struct DMARCState: Sendable {
    public var name: String
    public var lookup: DNSLookup
    public var records: [String]
    public var record: DMARCRecord? { records.count == 1 ? DMARCRecord(parsing: records[0]) : nil }

    public static func shared(_ env: PreflightEnvironment) async -> DMARCState {
        let name = "_dmarc.\(env.domain)"
        return await env.shared("dmarc") {
            let lookup = await env.dns.lookup(name, .txt)
            return DMARCState(name: name, lookup: lookup, records: TXT.texts(lookup).filter(DMARCRecord.isDMARC))
        }
    }
}
