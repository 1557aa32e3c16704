/// `dns.a` and `dns.aaaa`: every app hostname points at this server.
///
/// Examples (server 127.0.0.10, no IPv6 given):
///   umami.example.test A 127.0.0.10                 → dns.a ok
///   umami.example.test A 127.0.0.99                 → dns.a error, fix: replace with 127.0.0.10
///   umami.example.test AAAA 2001:db8::1 (stale)     → dns.aaaa error: Let's Encrypt prefers IPv6 and fails
///   old.example.test NXDOMAIN                        → dns.a error, fix: add the A record
public enum DNSAddressCheck {
    public static let a: CheckDefinition = CheckDefinition(
        id: "dns.a",
        summary: "Each app hostname has an A record (after CNAMEs) pointing at the server's IPv4 address.",
        fix: "Add or correct the A record so it names the server's IPv4 address."
    ) { env in await run(env, .a) }

    public static let aaaa: CheckDefinition = CheckDefinition(
        id: "dns.aaaa",
        summary: "AAAA records of each app hostname point at the server's IPv6 address; a stale AAAA elsewhere is an error.",
        fix: "Point the AAAA record at the server's IPv6 address, or delete it if the server has none."
    ) { env in await run(env, .aaaa) }

    static func run(_ env: PreflightEnvironment, _ type: DNSRecordType) async -> [CheckResult] {
        let def = type == .a ? a : aaaa
        let expected = type == .a ? env.serverV4 : env.serverV6
        let otherFamily = type == .a ? env.serverV6 : env.serverV4
        if env.apps.isEmpty {
            return [def.result(.skipped, env.domain, "no apps given (--apps)")]
        }
        return await withTaskGroup(of: (Int, CheckResult).self) { group in
            for (i, app) in env.apps.enumerated() {
                group.addTask {
                    (i, await check(def, env, app.hostname, type, expected: expected, otherFamily: otherFamily))
                }
            }
            var out: [(Int, CheckResult)] = []
            for await r in group { out.append(r) }
            return out.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    static func check(_ def: CheckDefinition, _ env: PreflightEnvironment, _ host: String, _ type: DNSRecordType,
                      expected: [IPAddress], otherFamily: [IPAddress]) async -> CheckResult {
        let lookup = await env.dns.lookup(host, type)
        let via = lookup.chain.isEmpty ? "" : " (via CNAME " + lookup.chain.joined(separator: " → ") + ")"
        let want = expected.map(\.text)
        let addRecords = want.map { ZoneLine.record(host, type.description, $0) }.joined(separator: "\n")
        switch lookup.result {
        case .records(let records):
            let got = records.compactMap { r -> String? in
                switch r {
                case .a(let ip), .aaaa(let ip): ip
                default: nil
                }
            }
            let wrong = got.filter { !want.contains($0) }
            let missing = want.filter { !got.contains($0) }
            if wrong.isEmpty && missing.isEmpty {
                return def.result(.ok, host, "\(type) \(got.joined(separator: ", "))\(via)")
            }
            if want.isEmpty {
                // No server address of this family: any record here is stale (clients and
                // Let's Encrypt will try it and fail).
                let del = got.map { "; delete: " + ZoneLine.record(lookup.finalName, type.description, $0) }.joined(separator: "\n")
                return def.result(.error, host,
                                  "stale \(type) \(got.joined(separator: ", "))\(via): the server has no \(type == .a ? "IPv4" : "IPv6") address given; Let's Encrypt and clients will try it and fail",
                                  fix: del + "\n; or pass the server's address with --server-ip if it has one")
            }
            if wrong.isEmpty {
                return def.result(.warning, host, "\(type) \(got.joined(separator: ", "))\(via) lacks \(missing.joined(separator: ", "))",
                                  fix: missing.map { ZoneLine.record(lookup.finalName, type.description, $0) }.joined(separator: "\n"))
            }
            var fix = wrong.map { "; delete: " + ZoneLine.record(lookup.finalName, type.description, $0) }
            fix += missing.map { ZoneLine.record(lookup.finalName, type.description, $0) }
            return def.result(.error, host,
                              "\(type) \(got.joined(separator: ", "))\(via) points elsewhere, expected \(want.joined(separator: ", "))",
                              fix: fix.joined(separator: "\n"))
        case .nodata, .nxdomain:
            if want.isEmpty {
                return def.result(.ok, host, "no \(type) record, as expected (no \(type == .a ? "IPv4" : "IPv6") address given)")
            }
            if lookup.result == .nodata, type == .aaaa, !otherFamily.isEmpty {
                return def.result(.warning, host, "no AAAA record\(via): IPv6 clients will use IPv4",
                                  fix: addRecords)
            }
            let state = lookup.result == .nxdomain ? "does not exist (NXDOMAIN)" : "has no \(type) record (NODATA)"
            let status: CheckStatus = type == .aaaa && !otherFamily.isEmpty ? .warning : .error
            let who = lookup.chain.isEmpty ? "" : "\(lookup.finalName) "
            return def.result(status, host, "\(who)\(state)\(via)",
                              fix: lookup.chain.isEmpty ? addRecords
                                : want.map { ZoneLine.record(lookup.finalName, type.description, $0) }.joined(separator: "\n"))
        case .cnameLoop:
            return def.result(.error, host, lookup.stateText,
                              fix: want.isEmpty ? "; delete the looping CNAMEs at \(host)"
                                : "; replace the looping CNAMEs with\n" + addRecords)
        default:
            return def.inconclusive(lookup, subject: host, what: "the \(type) record")
        }
    }
}
