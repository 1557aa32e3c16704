/// `dkim.record`: each DKIM selector resolves (following CNAMEs) to exactly one valid key record.
///
/// Examples:
///   s1._domainkey.example.test TXT "v=DKIM1; k=rsa; p=MIIB…" "…rest"   → ok (strings joined)
///   tok._domainkey CNAME tok.dkim.amazonses.com → TXT "p=…"           → ok, via CNAME
///   two TXT records, each half of the key                             → error: one record, two strings
///   CNAME to a name that does not exist                               → error: key not activated at the ESP yet
public enum DKIMRecordCheck {
    public static let definition: CheckDefinition = CheckDefinition(
        id: "dkim.record",
        summary: "Each DKIM selector has exactly one well-formed key record (RFC 6376 §3.6.1), CNAMEs followed, strings joined.",
        fix: "Publish the key as ONE TXT record (long keys as several quoted strings), or the CNAME your ESP gives."
    ) { env in
        let selectors = env.dkimSelectors
        if selectors.isEmpty { return [skipped(env, definition)] }
        var out: [CheckResult] = []
        await DKIMSelectorState.prefetch(env)
        for s in selectors {
            let st = await DKIMSelectorState.shared(s, env)
            out.append(check(st, env))
        }
        return out
    }

    /// The result when no selector is known.
    static func skipped(_ env: PreflightEnvironment, _ def: CheckDefinition) -> CheckResult {
        let hint = env.esp?.dkim.selectorHint.map { " (\(env.esp!.name): \($0))" } ?? ""
        return def.result(.skipped, "_domainkey.\(env.mailDomain)",
                          "no DKIM selector known: pass --dkim-selector NAME\(hint)")
    }

    static func check(_ st: DKIMSelectorState, _ env: PreflightEnvironment) -> CheckResult {
        let def = definition
        let via = st.lookup.chain.isEmpty ? "" : " via CNAME " + st.lookup.chain.joined(separator: " → ")
        switch st.lookup.result {
        case .records:
            if st.texts.count > 1 {
                // DNS returns records in any order: the part with the tags goes first.
                let ordered = st.texts.sorted { a, b in
                    func rank(_ t: String) -> Int { t.hasPrefix("v=DKIM1") ? 0 : (t.contains("p=") || t.contains("k=")) ? 1 : 2 }
                    return rank(a) < rank(b)
                }
                let joined = ordered.joined()
                return def.result(.error, st.name,
                                  "\(st.texts.count) TXT records\(via): a key pasted as separate records; verifiers see \(st.texts.count) broken keys",
                                  fix: st.texts.map { "; delete: " + ZoneLine.txt(st.lookup.finalName, $0) }.joined(separator: "\n")
                                    + "\n" + ZoneLine.txt(st.lookup.finalName, joined))
            }
            guard let key = st.key else { return def.result(.error, st.name, "no TXT record\(via)") }
            if !key.errors.isEmpty {
                return def.result(.error, st.name, key.errors.joined(separator: "; ") + via,
                                  fix: "; publish the key record exactly as your mail server or ESP prints it")
            }
            if key.revoked {
                return def.result(.warning, st.name, "key revoked (empty p=)\(via): mail signed with this selector fails DKIM",
                                  fix: "; sign with another selector, or publish the current key at \(st.lookup.finalName)")
            }
            let size = key.rsaBits.map { "RSA \($0)-bit" } ?? (key.keyType == "ed25519" ? "ed25519" : key.keyType)
            return def.result(.ok, st.name, "\(size) key\(via)")
        case .nxdomain, .nodata:
            let state = st.lookup.result == .nxdomain ? "does not exist" : "has no TXT record"
            if !st.lookup.chain.isEmpty {
                return def.result(.error, st.name,
                                  "CNAME target \(st.lookup.finalName) \(state): the key is not activated at the ESP yet, or the CNAME has a typo\(via)",
                                  fix: "; finish the DKIM setup in your ESP's console, then check the CNAME target it shows")
            }
            return def.result(.error, st.name, "no DKIM key: \(st.name) \(state)",
                              fix: ZoneLine.txt(st.name, "v=DKIM1; k=rsa; p=<base64 public key from your mail server or ESP>"))
        case .cnameLoop:
            return def.result(.error, st.name, st.lookup.stateText, fix: "; point \(st.name) at one key record, without a loop")
        default:
            return def.inconclusive(st.lookup, subject: st.name, what: "the DKIM key")
        }
    }
}
