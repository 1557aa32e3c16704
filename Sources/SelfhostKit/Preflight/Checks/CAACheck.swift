/// `caa.letsencrypt`: Let's Encrypt may issue a certificate for each app hostname (RFC 8659).
///
/// The CAA set that governs a name is the first non-empty one climbing from the name toward
/// the root (§3); all levels are asked at once and read bottom-up. A SERVFAIL or timeout on
/// the way blocks issuance, so it is reported, never skipped.
///
/// Examples:
///   example.test CAA 0 issue "letsencrypt.org"        → ok
///   example.test CAA 0 issue "digicert.com"           → error, fix: add 0 issue "letsencrypt.org"
///   example.test CAA 0 issue ";"                      → error (no CA may issue)
///   app.example.test CAA 128 tbs "x"                  → error (unknown critical tag: no CA may issue)
public enum CAACheck {
    public static let definition: CheckDefinition = CheckDefinition(
        id: "caa.letsencrypt",
        summary: "The CAA records governing each app hostname allow Let's Encrypt to issue (RFC 8659, 8657).",
        fix: "Add `CAA 0 issue \"letsencrypt.org\"` to the governing CAA set, or remove the set."
    ) { env in
        if env.apps.isEmpty { return [definition.result(.skipped, env.domain, "no apps given (--apps)")] }
        return await withTaskGroup(of: (Int, CheckResult).self) { group in
            for (i, app) in env.apps.enumerated() {
                group.addTask { (i, await check(env, app.hostname)) }
            }
            var out: [(Int, CheckResult)] = []
            for await r in group { out.append(r) }
            return out.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    static let known: Set<String> = ["issue", "issuewild", "iodef", "contactemail", "contactphone", "issuemail", "issuevmc"]

    static func check(_ env: PreflightEnvironment, _ host: String) async -> CheckResult {
        let def = definition
        var names: [String] = [host]
        while let p = DomainName.parent(of: names.last!), p.contains(".") { names.append(p) }
        // The TLD too (a CAA set there would govern as well).
        if let tld = DomainName.parent(of: names.last!) { names.append(tld) }
        let lookups = await withTaskGroup(of: (Int, DNSLookup).self) { group in
            for (i, n) in names.enumerated() { group.addTask { (i, await env.dns.lookup(n, .caa)) } }
            var out = [DNSLookup?](repeating: nil, count: names.count)
            for await (i, l) in group { out[i] = l }
            return out.compactMap { $0 }
        }
        for lookup in lookups {
            switch lookup.result {
            case .nodata, .nxdomain: continue
            case .records(let records):
                return evaluate(def, host: host, at: lookup.name, records: records)
            case .cnameLoop:
                return def.result(.error, host, "CAA lookup at \(lookup.name): \(lookup.stateText)",
                                  fix: "; fix the CNAME loop at \(lookup.name)")
            case .servfail:
                // RFC 8659 §3: a CA must not issue when the CAA lookup fails with SERVFAIL.
                return def.inconclusive(lookup, subject: host,
                                        what: "CAA (a SERVFAIL from the zone's servers also stops Let's Encrypt from issuing)")
            default:
                // A local failure (timeout, refused, network error) is no CAA answer: it says
                // nothing about what a CA will see.
                return def.inconclusive(lookup, subject: host, what: "CAA")
            }
        }
        return def.result(.ok, host, "no CAA records from \(host) up to the root: any CA may issue")
    }

    static func evaluate(_ def: CheckDefinition, host: String, at owner: String, records: [DNSRecordData]) -> CheckResult {
        var issue: [String] = []
        var unknownCritical: [String] = []
        for r in records {
            guard case .caa(let flags, let tag, let value) = r else { continue }
            if flags & 0x80 != 0, !known.contains(tag) { unknownCritical.append(tag) }
            if tag == "issue" { issue.append(value) }
        }
        let addLE = ZoneLine.record(owner, "CAA", "0 issue \"letsencrypt.org\"")
        let where_ = owner == host ? "at \(owner)" : "inherited from \(owner)"
        if !unknownCritical.isEmpty {
            return def.result(.error, host,
                              "CAA \(where_) has critical tag(s) \(unknownCritical.joined(separator: ", ")) that CAs don't know: no CA may issue",
                              fix: "; clear the critical flag (128 → 0) or delete: " + ZoneLine.record(owner, "CAA", "128 \(unknownCritical[0]) \"…\""))
        }
        if issue.isEmpty {
            return def.result(.ok, host, "CAA \(where_) has no issue property: any CA may issue")
        }
        var leParams: [String]?
        for value in issue {
            let parts = value.split(separator: ";", omittingEmptySubsequences: false)
            let issuer = parts.first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
            if issuer == "letsencrypt.org" {
                leParams = parts.dropFirst().map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                break
            }
        }
        guard let params = leParams else {
            let issuers = issue.map { v -> String in
                let d = v.split(separator: ";", omittingEmptySubsequences: false).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
                return d.isEmpty ? "\";\" (nobody)" : d
            }
            return def.result(.error, host,
                              "CAA \(where_) allows only \(issuers.joined(separator: ", ")): Let's Encrypt may not issue, so Caddy gets no certificate",
                              fix: addLE)
        }
        for p in params {
            let kv = p.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard kv.count == 2 else { continue }
            if kv[0] == "validationmethods" {
                let methods = kv[1].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                if !methods.contains("http-01"), !methods.contains("tls-alpn-01") {
                    return def.result(.error, host,
                                      "CAA \(where_) limits Let's Encrypt to \(kv[1]); Caddy validates with http-01 or tls-alpn-01",
                                      fix: ZoneLine.record(owner, "CAA", "0 issue \"letsencrypt.org; validationmethods=http-01,tls-alpn-01\""))
                }
            }
            if kv[0] == "accounturi" {
                return def.result(.warning, host,
                                  "CAA \(where_) allows Let's Encrypt only for ACME account \(kv[1]); the server's Caddy must use that account",
                                  fix: "; or allow any account: " + addLE)
            }
        }
        return def.result(.ok, host, "CAA \(where_) allows Let's Encrypt")
    }
}
