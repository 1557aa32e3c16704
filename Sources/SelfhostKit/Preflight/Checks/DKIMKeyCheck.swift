/// `dkim.key-size`: DKIM keys are strong enough (RFC 8301 §3.2, RFC 8463).
///
/// The `p=` value is decoded as a DER SubjectPublicKeyInfo and the RSA modulus measured.
/// Examples:
///   RSA 2048 or 4096 bits → ok     RSA 1024 → warning (SHOULD be 2048)
///   RSA 512 → error (verifiers MUST treat < 1024 as invalid)   ed25519 32 bytes → ok
public enum DKIMKeyCheck {
    public static let definition: CheckDefinition = CheckDefinition(
        id: "dkim.key-size",
        summary: "RSA DKIM keys have at least 1024 bits (error below) and preferably 2048 (warning below); ed25519 keys are 32 bytes.",
        fix: "Generate a 2048-bit key at your mail server or ESP, publish it under a new selector, then switch signing to it."
    ) { env in
        await DKIMSelectorState.eachUsableKey(env, definition, skippedMessage: "no usable key to measure (see dkim.record)") { st, key in
            let fix = "; e.g. `openssl genrsa 2048`, publish under a new selector:\n"
                + ZoneLine.txt("new._domainkey.\(env.mailDomain)", "v=DKIM1; k=rsa; p=<base64 of the 2048-bit public key>")
            if key.keyType == "ed25519" {
                return [definition.result(.ok, st.name, "ed25519 key (\(key.keyBytes ?? 0) bytes); keep an RSA selector too, many receivers don't verify ed25519 yet")]
            } else if let bits = key.rsaBits {
                if bits < 1024 {
                    return [definition.result(.error, st.name, "RSA key of \(bits) bits: verifiers must treat keys under 1024 bits as invalid (RFC 8301 §3.2)", fix: fix)]
                } else if bits < 2048 {
                    return [definition.result(.warning, st.name, "RSA key of \(bits) bits: 2048 is recommended (RFC 8301 §3.2)", fix: fix)]
                } else {
                    return [definition.result(.ok, st.name, "RSA key of \(bits) bits")]
                }
            }
            return []  // neither ed25519 nor a measurable RSA key: dkim.record reports it
        }
    }
}
