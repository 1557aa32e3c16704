import Foundation

/// `https.hsts` (`--live`): the HTTPS answer of each app host carries `Strict-Transport-Security`
/// with a max-age, so browsers that saw it once never fall back to plain HTTP (RFC 6797).
///
/// Examples:
///   Strict-Transport-Security: max-age=31536000  → ok
///   no header                                    → warning
///   max-age=0                                    → warning (HSTS switched off)
public enum HTTPSHSTSCheck {
    public static let definition: CheckDefinition = CheckDefinition(
        id: "https.hsts",
        summary: "With --live: each app host's HTTPS answer sends Strict-Transport-Security with a max-age above 0 (RFC 6797).",
        fix: "Add `header Strict-Transport-Security \"max-age=31536000\"` to the host's site block in the Caddyfile."
    ) { env in
        let def = definition
        if let why = LiveSkip.reason(env) { return [def.result(.skipped, env.domain, why)] }
        return await LiveHTTPSProbe.shared(env).map { p in
            let subject = p.subject(env)
            guard let r = p.httpsResponse else {
                return def.result(.skipped, subject, "no HTTPS answer to read (see https.certificate)")
            }
            let fix = "; in the Caddyfile's site block for \(p.host): header Strict-Transport-Security \"max-age=31536000\"\n; then: sudo systemctl reload selfhost-caddy"
            guard let value = r.header("Strict-Transport-Security") else {
                return def.result(.warning, subject, "no Strict-Transport-Security header: browsers may still try http:// first", fix: fix)
            }
            let maxAge = value.split(separator: ";").compactMap { part -> Int? in
                let kv = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard kv.count == 2, kv[0].lowercased() == "max-age" else { return nil }
                return Int(kv[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")))
            }.first
            guard let maxAge, maxAge > 0 else {
                return def.result(.warning, subject, "Strict-Transport-Security: \(value) has no max-age above 0: HSTS is off", fix: fix)
            }
            return def.result(.ok, subject, "Strict-Transport-Security: \(value)")
        }
    }
}
