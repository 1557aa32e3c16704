/// `dmarc.report-auth`: report addresses outside the domain have authorized it (RFC 7489 §7.1).
///
/// Examples (policy domain example.test):
///   rua=mailto:d@example.test                          → ok (inside the domain)
///   rua=mailto:d@reports.test + example.test._report._dmarc.reports.test TXT "v=DMARC1" → ok
///   rua=mailto:d@reports.test without that record       → warning: reports are never sent
public enum DMARCReportAuthCheck {
    public static let definition: CheckDefinition = CheckDefinition(
        id: "dmarc.report-auth",
        summary: "Each rua/ruf address outside the domain is authorized by a TXT record <domain>._report._dmarc.<destination>.",
        fix: "Ask the report receiver to publish <domain>._report._dmarc.<their domain> TXT \"v=DMARC1\"."
    ) { env in
        let def = definition
        let st = await DMARCState.shared(env)
        guard let r = st.record, r.errors.isEmpty else {
            return [def.result(.skipped, st.name, "no single valid DMARC record (see dmarc.record)")]
        }
        let external = r.reportAddresses.filter { !DomainName.isWithin($0.domain, env.domain) && !DomainName.isWithin(env.domain, $0.domain) }
        if r.reportAddresses.isEmpty {
            return [def.result(.warning, st.name, "no rua= address: you will get no aggregate reports",
                               fix: ZoneLine.txt(st.name, r.text + "; rua=mailto:dmarc-reports@\(env.domain)"))]
        }
        if external.isEmpty {
            return [def.result(.ok, st.name, "report addresses are inside \(env.domain)")]
        }
        var seen = Set<String>()
        let dests = external.filter { seen.insert($0.domain).inserted }
        return await withTaskGroup(of: (Int, CheckResult).self) { group in
            for (i, d) in dests.enumerated() {
                group.addTask {
                    let name = "\(env.domain)._report._dmarc.\(d.domain)"
                    let lookup = await env.dns.lookup(name, .txt)
                    let ok = TXT.texts(lookup).contains(where: DMARCRecord.isDMARC)
                    if ok { return (i, def.result(.ok, name, "\(d.domain) accepts reports for \(env.domain)")) }
                    if lookup.isInconclusive { return (i, def.inconclusive(lookup, subject: name, what: "the report authorization")) }
                    return (i, def.result(.warning, name,
                                          "\(d.tag)=mailto:\(d.address) is outside \(env.domain) and \(d.domain) has not authorized it: reports will not be sent",
                                          fix: "; in the zone of \(d.domain):\n" + ZoneLine.txt(name, "v=DMARC1")))
                }
            }
            var out: [(Int, CheckResult)] = []
            for await x in group { out.append(x) }
            return out.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }
}
