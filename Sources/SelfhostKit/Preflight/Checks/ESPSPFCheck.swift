/// `esp.spf`: the ESP's SPF include is where it belongs (return path or apex), and only there.
///
/// Examples (SES, --return-path mail):
///   mail.example.test TXT "v=spf1 include:amazonses.com ~all"             → ok
///   include:amazonses.com on the apex only                                → error: SPF is evaluated on the return path
///   (Postmark) apex without include:spf.mtasv.net                          → warning (optional)
public enum ESPSPFCheck {
    public static let definition: CheckDefinition = CheckDefinition(
        id: "esp.spf",
        summary: "The ESP's SPF include is in the SPF record of the domain receivers evaluate (the return path, or the apex).",
        fix: "Add include:<esp> to the SPF record of that domain, keeping one record."
    ) { env in
        let def = definition
        guard let esp = env.esp, let spf = esp.spf else {
            return [def.result(.skipped, env.domain, env.esp == nil ? "no --esp given" : "\(env.esp!.name) needs no SPF include")]
        }
        if spf.on == "return-path", esp.returnPath?.type == "cname" {
            return [def.result(.ok, env.returnPathDomain ?? env.domain, "SPF is delegated to \(esp.name) by the return-path CNAME (see esp.return-path)")]
        }
        let target: String
        if spf.on == "return-path" {
            guard let rp = env.returnPathDomain else {
                return [def.result(.skipped, env.domain, "return-path subdomain unknown: pass --return-path")]
            }
            target = rp
        } else {
            target = env.domain
        }
        let node = await SPFAnalyzer.shared(target, env)
        guard node.record != nil else {
            if case .inconclusive(let l) = node.state { return [def.inconclusive(l, subject: target, what: "the SPF record")] }
            return [def.result(.error, target, "no single SPF record at \(target) (see spf.record)",
                               fix: ZoneLine.txt(target, "v=spf1 include:\(spf.include) \(target == env.domain ? "~all" : "-all")"))]
        }
        let includes = node.walk().compactMap { $0.node.record }.flatMap { $0.mechanisms }
            .filter { $0.name == "include" }.compactMap { $0.value?.lowercased() }
        if includes.contains(spf.include) {
            return [def.result(.ok, target, "include:\(spf.include) present")]
        }
        // Built on the corrected record (see spf.syntax), so the fix parses.
        var terms = (SPFCorrection(node)?.record ?? "v=spf1 " + (target == env.domain ? "~all" : "-all")).split(separator: " ").map(String.init)
        let allIndex = terms.firstIndex { $0.lowercased().hasSuffix("all") && $0.count <= 4 } ?? terms.count
        terms.insert("include:\(spf.include)", at: allIndex)
        let fix = ZoneLine.txt(target, terms.joined(separator: " "))
        if target != env.domain {
            let apex = await SPFAnalyzer.shared(env.domain, env)
            if apex.record?.mechanisms.contains(where: { $0.name == "include" && $0.value?.lowercased() == spf.include }) == true {
                return [def.result(.error, target, "include:\(spf.include) is on \(env.domain), but \(esp.name) sends with the return path \(target), where SPF is evaluated",
                                   fix: fix)]
            }
        }
        let status: CheckStatus = spf.optional == true ? .warning : .error
        return [def.result(status, target, "SPF record lacks include:\(spf.include)" + (spf.optional == true ? " (optional for \(esp.name))" : ""), fix: fix)]
    }
}
