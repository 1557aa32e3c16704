/// `spf.syntax`: the SPF record and every record it includes parse (RFC 7208 §4.6, §5, §6).
///
/// Examples:
///   "v=spf1 ip4:192.0.2.300 -all"       → error: invalid ip4 address
///   "v=spf1 include: -all"              → error: include needs a domain
///   "v=spf1 -all include:x.test"        → warning: term after all is never evaluated
///   include:nospf.test (no SPF there)   → error: include target has no SPF record (permerror)
public enum SPFSyntaxCheck {
    public static let definition: CheckDefinition = CheckDefinition(
        id: "spf.syntax",
        summary: "The SPF record and all included records are well-formed; every include target has exactly one SPF record.",
        fix: "Correct the term named in the message; remove includes of domains without an SPF record."
    ) { env in
        var out: [CheckResult] = []
        await SPFAnalyzer.prefetch(env)
        for domain in env.spfDomains {
            let node = await SPFAnalyzer.shared(domain, env)
            guard node.record != nil else {
                out.append(definition.result(.skipped, domain, "no single SPF record to read (see spf.record)"))
                continue
            }
            var errors: [String] = [], warnings: [String] = []
            for (path, n) in node.walk() {
                let whereText = path.count > 1 ? " (in \(n.domain), via \(path.dropLast().joined(separator: " → ")))" : ""
                switch n.state {
                case .record(let r):
                    errors += r.errors.map { $0 + whereText }
                    warnings += r.warnings.map { $0 + whereText }
                case .none(let l) where path.count > 1:
                    errors.append("include target \(n.domain) has no SPF record (\(l.result == .nxdomain ? "NXDOMAIN" : "no v=spf1 TXT")): permerror" + whereText)
                case .multiple where path.count > 1:
                    errors.append("include target \(n.domain) has several SPF records: permerror" + whereText)
                default: break
                }
            }
            let top = node.record!
            if top.text.utf8.count > 450 {
                warnings.append("record is \(top.text.utf8.count) bytes; keep it under 450 so answers fit in one UDP packet (RFC 7208 §3.4)")
            }
            if !errors.isEmpty {
                out.append(definition.result(.error, domain, errors.joined(separator: "; "),
                                             fix: "; correct the record, e.g.\n" + ZoneLine.txt(domain, top.text)))
            } else if !warnings.isEmpty {
                out.append(definition.result(.warning, domain, warnings.joined(separator: "; ")))
            } else {
                out.append(definition.result(.ok, domain, "record and includes are well-formed"))
            }
        }
        return out
    }
}
