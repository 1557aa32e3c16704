/// `mx.ptr`: each MX host's addresses have forward-confirmed reverse DNS: a PTR record whose
/// name resolves back to the same address (FCrDNS). Receivers (Gmail's sender rules among
/// them) distrust mail servers without it, and a mail host that also sends needs it.
///
/// Examples:
///   mx.example.test A 127.0.0.11, 11.0.0.127.in-addr.arpa PTR mx.example.test  → ok
///   no PTR for 127.0.0.12                          → warning: set it at the address's owner
///   PTR names host.other.test, which has no A 127.0.0.13  → warning: not forward-confirmed
public enum MXReverseDNSCheck {
    public static let definition: CheckDefinition = CheckDefinition(
        id: "mx.ptr",
        summary: "Each MX host address has a PTR record whose name resolves back to that address (forward-confirmed reverse DNS).",
        fix: "Set the address's reverse DNS (PTR) to the MX host name in your server provider's panel, and give that name an A/AAAA record with the address."
    ) { env in
        let def = definition
        switch await MailExchangers.shared(env) {
        case .inconclusive(let lookup): return [def.inconclusive(lookup, subject: env.domain, what: "MX")]
        case .none: return [def.result(.skipped, env.domain, "no MX record (see mx.records)")]
        case .nullMX: return [def.result(.skipped, env.domain, "null MX: the domain receives no mail")]
        case .hosts(let hosts):
            return await withTaskGroup(of: (Int, CheckResult).self) { g in
                for (i, host) in hosts.enumerated() { g.addTask { (i, await check(env, host)) } }
                var out: [(Int, CheckResult)] = []
                for await x in g { out.append(x) }
                return out.sorted { $0.0 < $1.0 }.map(\.1)
            }
        }
    }

    /// How one address fared: confirmed by this PTR name, or why not.
    enum Outcome: Sendable { case confirmed(String), problem(String, fix: String), inconclusive(DNSLookup) }

    static func check(_ env: PreflightEnvironment, _ host: MailExchangers.Host) async -> CheckResult {
        let def = definition
        if host.addresses.isEmpty {
            return def.result(.skipped, host.name, "MX host has no address to look up (\(host.a.stateText); see mx.records)")
        }
        let outcomes = await withTaskGroup(of: (Int, IPAddress, Outcome).self) { g in
            for (i, ip) in host.addresses.enumerated() { g.addTask { (i, ip, await confirm(env, ip, host: host.name)) } }
            var out: [(Int, IPAddress, Outcome)] = []
            for await x in g { out.append(x) }
            return out.sorted { $0.0 < $1.0 }
        }
        var ok: [String] = [], problems: [String] = [], fixes: [String] = []
        for (_, ip, outcome) in outcomes {
            switch outcome {
            case .confirmed(let name): ok.append("\(ip.text) ↔ \(name)")
            case .problem(let why, let fix): problems.append(why); fixes.append(fix)
            case .inconclusive(let lookup): return def.inconclusive(lookup, subject: host.name, what: "reverse DNS of \(ip.text)")
            }
        }
        if !problems.isEmpty {
            return def.result(.warning, host.name, problems.joined(separator: "; ")
                                + ": receivers distrust mail hosts without forward-confirmed reverse DNS",
                              fix: fixes.joined(separator: "\n"))
        }
        return def.result(.ok, host.name, "forward-confirmed reverse DNS: " + ok.joined(separator: ", "))
    }

    static func confirm(_ env: PreflightEnvironment, _ ip: IPAddress, host: String) async -> Outcome {
        let ptrName = ip.reverseName
        let setPTR = "; set the PTR of \(ip.text) at whoever owns the address (your server provider's reverse-DNS setting):\n"
            + ZoneLine.record(ptrName, "PTR", host + ".")
        let ptr = await env.dns.lookup(ptrName, .ptr)
        switch ptr.result {
        case .nodata, .nxdomain: return .problem("no PTR record for \(ip.text)", fix: setPTR)
        case .records: break
        default: return .inconclusive(ptr)
        }
        let names = ptr.records.compactMap { r -> String? in
            if case .ptr(let n) = r { return n }
            return nil
        }
        let type: DNSRecordType = ip.family == .v4 ? .a : .aaaa
        // Any PTR name that resolves back to the address confirms it.
        var inconclusive: DNSLookup?
        for name in names.sorted() {
            let forward = await env.dns.lookup(name, type)
            if forward.isInconclusive { inconclusive = forward; continue }
            let addrs = forward.records.compactMap { r -> IPAddress? in
                switch r {
                case .a(let t), .aaaa(let t): return IPAddress(t)
                default: return nil
                }
            }
            if addrs.contains(ip) { return .confirmed(name) }
        }
        if let inconclusive { return .inconclusive(inconclusive) }
        let list = names.joined(separator: ", ")
        return .problem("PTR of \(ip.text) is \(list), which does not resolve back to \(ip.text)",
                        fix: "; give \(names.first ?? host) the address, or point the PTR at the MX host name:\n"
                            + ZoneLine.record(names.first ?? host, type.description, ip.text)
                            + "\n" + setPTR)
    }
}
