/// `esp.dkim`: the DKIM records the ESP expects exist, with the right shape and target.
///
/// Examples (SendGrid on example.test):
///   s1._domainkey CNAME s1.domainkey.u123.wl45.sendgrid.net.     → ok
///   s1._domainkey CNAME elsewhere.example.                       → error: wrong target
///   s1._domainkey.example.test.example.test CNAME …              → error: doubled domain (the DNS panel appended it)
///   SES without --dkim-selector                                  → skipped with the console hint
public enum ESPDKIMCheck {
    public static let definition: CheckDefinition = CheckDefinition(
        id: "esp.dkim",
        summary: "The ESP's DKIM records (CNAME or TXT, per its profile) exist at <selector>._domainkey and point where the ESP expects; catches names with the domain typed twice.",
        fix: "Create the record exactly as the ESP shows it; in DNS panels that append the domain, enter only the part before it."
    ) { env in
        let def = definition
        guard let esp = env.esp else { return [def.result(.skipped, env.domain, "no --esp given")] }
        let selectors = env.dkimSelectors
        if selectors.isEmpty {
            return [def.result(.skipped, "_domainkey.\(env.mailDomain)",
                               "\(esp.name) gives each account its own DKIM selectors: pass --dkim-selector for \(esp.dkim.selectorHint ?? "each selector")")]
        }
        return await withTaskGroup(of: (Int, CheckResult).self) { g in
            for (i, s) in selectors.enumerated() {
                g.addTask { (i, await check(env, esp, s)) }
            }
            var out: [(Int, CheckResult)] = []
            for await x in g { out.append(x) }
            return out.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    /// Looks for `name` typed with the domain twice (`name.<domain>`), as some DNS panels make it.
    static func doubled(_ env: PreflightEnvironment, _ name: String, _ type: DNSRecordType) async -> String? {
        let d = name + "." + env.domain
        guard d.utf8.count <= 253 else { return nil }
        switch await env.dns.query(d, type) {
        case .answer(let rs) where !rs.isEmpty: return d
        case .chainToNXDOMAIN: return d  // a doubled CNAME whose target is missing still exists
        default: return nil
        }
    }

    static func check(_ env: PreflightEnvironment, _ esp: EmailProvider, _ selector: String) async -> CheckResult {
        let def = definition
        let name = "\(selector)._domainkey.\(env.mailDomain)"
        let expected = esp.dkim.target.map { EmailProvider.expand($0, selector: selector, domain: env.domain) }
        async let cnameQ = env.dns.query(name, .cname)
        async let txtL = env.dns.lookup(name, .txt)
        let cname = await cnameQ
        var target: String?
        switch cname {
        case .answer(let rs):
            for r in rs where r.name == name { if case .cname(let t) = r.data { target = t } }
        case .nodata, .nxdomain, .chainToNXDOMAIN: break
        case .timeout:
            return def.result(.timeout, name, "CNAME query for \(name) got no answer before the timeout")
        default:
            let txt = await txtL
            if txt.isInconclusive { return def.inconclusive(txt, subject: name, what: "the \(esp.name) DKIM record") }
        }
        let wantsCNAME = esp.dkim.type == "cname"
        let allowsCNAME = esp.dkim.type != "txt"
        let addLine = expected.map { ZoneLine.record(name, "CNAME", $0.replacingOccurrences(of: "*", with: "<from \(esp.name)>") + ".") }
            ?? ZoneLine.txt(name, "v=DKIM1; k=rsa; p=<key from \(esp.name)>")
        if let target {
            guard allowsCNAME else {
                return def.result(.ok, name, "CNAME → \(target) (\(esp.name) documents a TXT key here; dkim.record checks what it resolves to)")
            }
            if let expected, !EmailProvider.matches(target, pattern: expected) {
                return def.result(.error, name, "CNAME → \(target), but \(esp.name) expects \(expected)",
                                  fix: "; delete: " + ZoneLine.record(name, "CNAME", target + ".") + "\n" + (addLine))
            }
            return def.result(.ok, name, "CNAME → \(target)")
        }
        let txt = await txtL
        if !TXT.texts(txt).isEmpty {
            if wantsCNAME {
                return def.result(.warning, name, "a TXT key instead of the CNAME \(esp.name) expects: it will not follow \(esp.name)'s key rotation",
                                  fix: "; replace the TXT record with\n" + addLine)
            }
            return def.result(.ok, name, "TXT key present (dkim.* checks its contents)")
        }
        if let d = await doubled(env, name, wantsCNAME ? .cname : .txt) {
            return def.result(.error, name, "missing at \(name), but \(d) exists: the domain was typed twice (the DNS panel appends it)",
                              fix: "; delete the record at \(d). and create it with the name \(DomainName.relative(name, to: env.domain)) only:\n" + addLine)
        }
        if txt.isInconclusive, txt.result != .nxdomain, txt.result != .nodata {
            return def.inconclusive(txt, subject: name, what: "the \(esp.name) DKIM record")
        }
        return def.result(.error, name, "no \(esp.name) DKIM record at \(name)", fix: addLine)
    }
}
