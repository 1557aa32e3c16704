/// `mx.records`: the domain has MX records whose hosts resolve.
///
/// Examples:
///   example.test MX 10 mail.example.test, mail A 127.0.0.11 → ok
///   no MX                                  → warning: replies, bounces and reports to the domain are lost
///   MX 10 gone.example.test (NXDOMAIN)     → error
///   MX 0 . (null MX, RFC 7505)             → ok: the domain accepts no mail
public enum MXCheck {
    public static let definition: CheckDefinition = CheckDefinition(
        id: "mx.records",
        summary: "The domain has MX records (or a null MX), and every MX host has an address.",
        fix: "Add MX records naming your mail provider's hosts; each host needs an A or AAAA record."
    ) { env in
        let def = definition
        let domain = env.domain
        let lookup = await env.dns.lookup(domain, .mx)
        switch lookup.result {
        case .records(let records):
            let mx = records.compactMap { r -> (UInt16, String)? in
                if case .mx(let p, let x) = r { return (p, x) }
                return nil
            }.sorted { $0.0 < $1.0 }
            if mx.count == 1, mx[0].1.isEmpty {
                return [def.result(.ok, domain, "null MX (RFC 7505): the domain accepts no mail")]
            }
            let checks = await withTaskGroup(of: (String, DNSLookup, DNSLookup, DNSLookup).self) { g in
                for (_, host) in mx {
                    g.addTask {
                        async let c = env.dns.query(host, .cname)
                        async let a = env.dns.lookup(host, .a)
                        async let aaaa = env.dns.lookup(host, .aaaa)
                        let cn = await c
                        var cl = DNSLookup(name: host, type: .cname, chain: [], result: .nodata)
                        if case .answer(let rs) = cn, rs.contains(where: { $0.type == DNSRecordType.cname.rawValue && $0.name == host }) {
                            cl.result = .records([])
                        }
                        return (host, await a, await aaaa, cl)
                    }
                }
                var out: [(String, DNSLookup, DNSLookup, DNSLookup)] = []
                for await x in g { out.append(x) }
                return out
            }
            var errors: [String] = [], warnings: [String] = []
            for (host, a, aaaa, cname) in checks.sorted(by: { $0.0 < $1.0 }) {
                if a.isInconclusive && aaaa.isInconclusive { return [def.inconclusive(a, subject: domain, what: "the MX host \(host)")] }
                if IPAddress(host) != nil { errors.append("MX \(host) is an IP address, not a host name") }
                else if a.records.isEmpty && aaaa.records.isEmpty { errors.append("MX host \(host) has no A/AAAA record (\(a.stateText))") }
                if case .records = cname.result { warnings.append("MX host \(host) is a CNAME (RFC 2181 §10.3)") }
            }
            let list = mx.map { "\($0.0) \($0.1)" }.joined(separator: ", ")
            if !errors.isEmpty {
                return [def.result(.error, domain, "MX \(list): " + errors.joined(separator: "; "),
                                   fix: "; give each MX host an address, e.g.\n" + ZoneLine.record(mx[0].1, "A", "<mail server IPv4>"))]
            }
            if !warnings.isEmpty { return [def.result(.warning, domain, "MX \(list): " + warnings.joined(separator: "; "))] }
            return [def.result(.ok, domain, "MX \(list)")]
        case .nodata, .nxdomain:
            return [def.result(.warning, domain, "no MX record: replies, bounces and DMARC reports to @\(domain) are lost",
                               fix: ZoneLine.record(domain, "MX", "10 <your mail provider's MX host>."))]
        default:
            return [def.inconclusive(lookup, subject: domain, what: "MX")]
        }
    }
}
