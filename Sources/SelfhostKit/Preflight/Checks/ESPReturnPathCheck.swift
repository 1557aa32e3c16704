/// `esp.return-path`: the ESP's return-path (envelope sender / custom MAIL FROM) records exist.
///
/// Examples:
///   SES --return-path mail: mail.example.test MX 10 feedback-smtp.eu-west-1.amazonses.com → ok
///   Postmark: pm-bounces.example.test CNAME pm.mtasv.net                                   → ok
///   pm-bounces.example.test.example.test CNAME pm.mtasv.net                                → error: doubled domain
///   Brevo (own return path)                                                                → skipped
public enum ESPReturnPathCheck {
    public static let definition: CheckDefinition = CheckDefinition(
        id: "esp.return-path",
        summary: "The ESP's return-path subdomain has the CNAME or MX its profile expects, so SPF aligns with the From domain.",
        fix: "Create the return-path record shown in the ESP's console (CNAME, or MX plus SPF TXT)."
    ) { env in
        let def = definition
        guard let esp = env.esp else { return [def.result(.skipped, env.domain, "no --esp given")] }
        guard let rp = esp.returnPath else {
            return [def.result(.skipped, env.domain, "\(esp.name) sends with its own return path; DMARC passes through DKIM alignment")]
        }
        guard let name = env.returnPathDomain else {
            return [def.result(.skipped, env.domain, "return-path subdomain unknown: pass --return-path (\(rp.hint ?? "the label from \(esp.name)"))")]
        }
        if rp.type == "cname" {
            let pattern = EmailProvider.expand(rp.cname ?? "*", domain: env.domain)
            let add = ZoneLine.record(name, "CNAME", pattern.replacingOccurrences(of: "*", with: "<from \(esp.name)>") + ".")
            switch await env.dns.query(name, .cname) {
            case .answer(let rs):
                let target = rs.compactMap { r -> String? in if case .cname(let t) = r.data, r.name == name { return t }; return nil }.first
                guard let target else { return [def.result(.error, name, "no CNAME at \(name)", fix: add)] }
                if !EmailProvider.matches(target, pattern: pattern) {
                    return [def.result(.error, name, "CNAME → \(target), \(esp.name) expects \(pattern)",
                                       fix: "; delete: " + ZoneLine.record(name, "CNAME", target + ".") + "\n" + add)]
                }
                return [def.result(.ok, name, "CNAME → \(target)")]
            case .nodata, .nxdomain, .chainToNXDOMAIN:
                if let d = await ESPDKIMCheck.doubled(env, name, .cname) {
                    return [def.result(.error, name, "missing at \(name), but \(d) exists: the domain was typed twice",
                                       fix: "; delete the record at \(d). and create\n" + add)]
                }
                return [def.result(.error, name, "no return-path CNAME: SPF won't align with \(env.domain)", fix: add)]
            case .timeout:
                return [def.result(.timeout, name, "CNAME query got no answer before the timeout")]
            default:
                return [def.result(.error, name, "CNAME query failed")]
            }
        }
        // mx-spf: an MX to the ESP's feedback host (the SPF TXT is checked by esp.spf / spf.*).
        let pattern = EmailProvider.expand(rp.mx ?? "*", domain: env.domain)
        let add = ZoneLine.record(name, "MX", "\(rp.mxPreference ?? 10) " + pattern.replacingOccurrences(of: "*", with: "<region>") + ".")
        let lookup = await env.dns.lookup(name, .mx)
        switch lookup.result {
        case .records(let rs):
            let hosts = rs.compactMap { r -> String? in if case .mx(_, let x) = r { return x }; return nil }.sorted()
            if hosts.contains(where: { EmailProvider.matches($0, pattern: pattern) }) {
                return [def.result(.ok, name, "MX " + hosts.joined(separator: ", "))]
            }
            return [def.result(.error, name, "MX \(hosts.joined(separator: ", ")) — \(esp.name) expects \(pattern)", fix: add)]
        case .nodata, .nxdomain:
            if let d = await ESPDKIMCheck.doubled(env, name, .mx) {
                return [def.result(.error, name, "missing at \(name), but \(d) exists: the domain was typed twice",
                                   fix: "; delete the record at \(d). and create\n" + add)]
            }
            return [def.result(.error, name, "no MX on the return-path domain: \(esp.name) falls back to its own MAIL FROM and SPF won't align", fix: add)]
        default:
            return [def.inconclusive(lookup, subject: name, what: "the return-path MX")]
        }
    }
}
