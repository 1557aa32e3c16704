/// `dmarc.bulk-senders`: which mailbox providers' bulk-sender rules the DNS side meets.
///
/// Gmail and Yahoo (since February 2024) and Microsoft outlook.com (since 5 May 2025) ask
/// bulk senders for SPF, DKIM and DMARC (p=none or stricter) aligned with the From domain.
/// One-click unsubscribe, TLS and spam rates are not visible in DNS and are left out.
/// Examples:
///   SPF ok, DKIM key ok, DMARC p=none     → ok for all three
///   no DMARC                              → error for all three ("missing DMARC record")
///   SPF record with a bad term            → error: "invalid SPF on <domain>" (it exists: never "missing")
///   no DKIM selector known                → warning (DKIM unknown)
public enum DMARCBulkSenderCheck {
    public static let definition: CheckDefinition = CheckDefinition(
        id: "dmarc.bulk-senders",
        summary: "The DNS parts of the Gmail, Yahoo and Microsoft bulk-sender rules pass: SPF, DKIM, and DMARC at p=none or stricter.",
        fix: "Fix the failing spf.*, dkim.* or dmarc.record checks listed in the message."
    ) { env in
        let def = definition
        async let dmarcState = DMARCState.shared(env)
        async let spfNodes = withTaskGroup(of: SPFNode.self) { g in
            for d in env.spfDomains { g.addTask { await SPFAnalyzer.shared(d, env) } }
            var out: [SPFNode] = []
            for await n in g { out.append(n) }
            return out
        }
        var dkimStates: [DKIMSelectorState] = []
        await DKIMSelectorState.prefetch(env)
        for s in env.dkimSelectors { dkimStates.append(await DKIMSelectorState.shared(s, env)) }
        let dmarc = await dmarcState
        let spf = await spfNodes

        // SPF: a usable record on the envelope domain (the return path if there is one).
        let envelope = env.returnPathDomain ?? env.domain
        let spfOK: Bool?
        var spfProblem: String?  // what is wrong with SPF, in words, when spfOK == false
        if env.esp?.returnPath?.type == "cname", env.returnPathDomain != nil {
            spfOK = true  // delegated to the ESP by CNAME; esp.return-path checks it
        } else if let node = spf.first(where: { $0.domain == envelope }) {
            if case .inconclusive = node.state { spfOK = nil } else if let record = node.record {
                // The record exists: name what is wrong with it, never "missing".
                let brokenInclude = node.walk().contains { step in
                    guard step.path.count > 1 else { return false }
                    switch step.node.state {
                    case .none, .multiple, .loop, .tooDeep: return true  // permerror at receivers
                    case .record(let r): return !r.errors.isEmpty
                    case .inconclusive: return false
                    }
                }
                if !record.errors.isEmpty || brokenInclude {
                    spfProblem = "invalid SPF on \(envelope) (see spf.syntax)"
                } else if node.totalLookups > 10 {
                    spfProblem = "SPF on \(envelope) over 10 DNS lookups (see spf.lookups)"
                } else if record.all?.qualifier == .pass {
                    spfProblem = "SPF on \(envelope) ends in +all (see spf.all)"
                }
                spfOK = spfProblem == nil
            } else {
                if case .multiple = node.state {
                    spfProblem = "several SPF records on \(envelope) (see spf.record)"
                } else if case .none(let l) = node.state, SPFCorrection.gluedSPF(l) != nil {
                    spfProblem = "invalid SPF on \(envelope) (see spf.record)"
                } else {
                    spfProblem = "missing SPF on \(envelope) (see spf.record)"
                }
                spfOK = false
            }
        } else {
            spfProblem = "missing SPF on \(envelope) (see spf.record)"
            spfOK = false
        }

        let dkimGood = dkimStates.contains { $0.key != nil && $0.key!.errors.isEmpty && !$0.key!.revoked && ($0.key!.rsaBits ?? 2048) >= 1024 }
        let dkimOK: Bool? = dkimGood ? true
            : (dkimStates.isEmpty || dkimStates.contains { $0.lookup.isInconclusive }) ? nil : false
        let dmarcOK: Bool? = dmarc.lookup.isInconclusive && dmarc.lookup.result != .nxdomain ? nil
            : (dmarc.record.map { $0.errors.isEmpty && $0.policy != nil } ?? false)

        // Unknown because the resolver didn't answer: report a timeout, not a verdict.
        let timedOut = dmarc.lookup.result == .timeout
            || dkimStates.contains { $0.lookup.result == .timeout }
            || spf.contains { if case .inconclusive(let l) = $0.state { return l.result == .timeout } else { return false } }
        func word(_ v: Bool?) -> String { v == nil ? "unknown" : (v! ? "pass" : "FAIL") }
        var problems: [String] = []
        if spfOK == false, let spfProblem { problems.append(spfProblem) }
        if dkimOK == false { problems.append("no valid DKIM key (see dkim.*)") }
        if dmarcOK == false {
            problems.append(dmarc.records.isEmpty ? "missing DMARC record (see dmarc.record)"
                            : dmarc.records.count > 1 ? "several DMARC records (see dmarc.record)"
                            : "invalid DMARC record (see dmarc.record)")
        }
        let unknown = [spfOK, dkimOK, dmarcOK].contains { $0 == nil }
        let providers: [(String, String)] = [
            ("Gmail", "bulk senders (5,000+ messages a day to Gmail)"),
            ("Yahoo", "bulk senders"),
            ("Microsoft", "outlook.com, hotmail.com and live.com, 5,000+ a day; failures get 550 5.7.515"),
        ]
        return providers.map { (name, scope) in
            let summary = "\(name) \(scope): SPF \(word(spfOK)), DKIM \(word(dkimOK)), DMARC \(word(dmarcOK))"
            if !problems.isEmpty {
                return def.result(.error, env.domain, summary + " — " + problems.joined(separator: ", "),
                                  fix: "; fix the checks named above; the From domain must align with SPF or DKIM")
            }
            if unknown && timedOut {
                return def.result(.timeout, env.domain, summary + " (the resolver did not answer in time)")
            }
            if unknown {
                let why = dkimOK == nil && dkimStates.isEmpty ? " (pass --dkim-selector to check DKIM)" : ""
                return def.result(.warning, env.domain, summary + why)
            }
            return def.result(.ok, env.domain, summary + "; also needed, not visible in DNS: one-click unsubscribe, TLS, spam rate under 0.3%")
        }
    }
}
