import Foundation
import SwiftASN1

/// A DKIM key record (RFC 6376 §3.6.1, RFC 8301, RFC 8463), parsed and measured.
public struct DKIMKey: Sendable, Hashable {
    public var tags: [String: String]
    /// Tag-list problems (duplicate tags, bad v=, unknown k=, bad base64…).
    public var errors: [String]
    /// `rsa` (default) or `ed25519`.
    public var keyType: String
    /// Empty `p=`: the key was revoked.
    public var revoked: Bool
    /// RSA modulus length in bits, when the key is RSA and decodes.
    public var rsaBits: Int?
    /// Raw key length in bytes (ed25519 must be 32).
    public var keyBytes: Int?
    /// `t=y`: the domain is testing DKIM.
    public var testing: Bool { flags.contains("y") }
    public var flags: [String] { (tags["t"] ?? "").split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces).lowercased() } }
    /// `h=` hash algorithms, lower-cased (empty = all allowed).
    public var hashes: [String] { (tags["h"] ?? "").split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty } }

    /// Parses a joined TXT record.
    public init(parsing text: String) {
        tags = [:]
        errors = []
        var order: [String] = []
        for part in text.split(separator: ";") {
            let t = part.trimmingCharacters(in: .whitespacesAndNewlines)
            if t.isEmpty { continue }
            guard let eq = t.firstIndex(of: "=") else {
                errors.append("'\(t)' is not a tag=value pair")
                continue
            }
            let name = t[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            let value = t[t.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if tags[name] != nil { errors.append("tag \(name)= appears twice (RFC 6376 §3.2: the record is invalid)") }
            tags[name] = value
            order.append(name)
        }
        if let v = tags["v"] {
            if v != "DKIM1" { errors.append("v=\(v): must be DKIM1") }
            if order.first != "v" { errors.append("v= must be the first tag") }
        }
        keyType = (tags["k"] ?? "rsa").lowercased()
        if !["rsa", "ed25519"].contains(keyType) { errors.append("k=\(keyType): unknown key type (rsa or ed25519)") }
        if let s = tags["s"] {
            let services = s.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            if !services.contains("*"), !services.contains("email") { errors.append("s=\(s): the key is not for email") }
        }
        guard let p = tags["p"] else {
            errors.append("no p= tag (the public key is required)")
            revoked = false
            return
        }
        let b64 = p.filter { !$0.isWhitespace }
        revoked = b64.isEmpty
        guard !revoked else { return }
        guard let der = Data(base64Encoded: b64, options: []) ?? Data(base64Encoded: b64 + String(repeating: "=", count: (4 - b64.count % 4) % 4)) else {
            errors.append("p= is not valid base64")
            return
        }
        keyBytes = der.count
        if keyType == "rsa" {
            if let bits = Self.rsaModulusBits(Array(der)) {
                rsaBits = bits
            } else {
                errors.append("p= does not decode as an RSA SubjectPublicKeyInfo")
            }
        } else if keyType == "ed25519", der.count != 32 {
            errors.append("ed25519 key is \(der.count) bytes, must be 32 (RFC 8463 §4.2)")
        }
    }

    /// The modulus length of an RSA key given as DER SubjectPublicKeyInfo (or bare PKCS#1
    /// RSAPublicKey, which some DNS panels publish).
    public static func rsaModulusBits(_ der: [UInt8]) -> Int? {
        guard let root = try? DER.parse(der), case .constructed(let top) = root.content else { return nil }
        let children = Array(top)
        // PKCS#1: SEQUENCE { INTEGER n, INTEGER e }
        if children.count == 2, children[0].identifier == .integer, children[1].identifier == .integer {
            return integerBits(children[0])
        }
        // SPKI: SEQUENCE { AlgorithmIdentifier, BIT STRING { RSAPublicKey } }
        guard children.count == 2, children[1].identifier == .bitString,
              case .constructed(let alg) = children[0].content,
              let oid = alg.first(where: { _ in true }), oid.identifier == .objectIdentifier,
              (try? ASN1ObjectIdentifier(derEncoded: oid)) == ASN1ObjectIdentifier("1.2.840.113549.1.1.1"),
              let bits = try? ASN1BitString(derEncoded: children[1]),
              let inner = try? DER.parse(Array(bits.bytes)), case .constructed(let rsa) = inner.content else { return nil }
        let ints = Array(rsa)
        guard ints.count == 2, ints[0].identifier == .integer else { return nil }
        return integerBits(ints[0])
    }

    static func integerBits(_ node: ASN1Node) -> Int? {
        guard case .primitive(let bytes) = node.content else { return nil }
        let trimmed = bytes.drop { $0 == 0 }
        guard let first = trimmed.first else { return 0 }
        return (trimmed.count - 1) * 8 + (8 - first.leadingZeroBitCount)
    }
}

/// What one DKIM selector resolves to, shared by the `dkim.*` checks.
public struct DKIMSelectorState: Sendable {
    public var selector: String
    public var name: String
    public var lookup: DNSLookup
    /// Joined TXT records at the end of the CNAME chain.
    public var texts: [String]
    /// The parsed key when there is exactly one record.
    public var key: DKIMKey?

    /// Starts the look-ups of every selector at once (checks then read them in order).
    public static func prefetch(_ env: PreflightEnvironment) async {
        await withTaskGroup(of: Void.self) { g in
            for s in env.dkimSelectors { g.addTask { _ = await shared(s, env) } }
        }
    }

    /// Runs `check` on every selector whose key parsed cleanly and isn't revoked (look-ups started
    /// at once); other selectors get a "skipped" result with `skippedMessage`, since `dkim.record`
    /// reports why. No selectors at all: the check's single "skipped" result.
    public static func eachUsableKey(_ env: PreflightEnvironment, _ definition: CheckDefinition, skippedMessage: String,
                                     _ check: (_ state: DKIMSelectorState, _ key: DKIMKey) -> [CheckResult]) async -> [CheckResult] {
        if env.dkimSelectors.isEmpty { return [DKIMRecordCheck.skipped(env, definition)] }
        await prefetch(env)
        var out: [CheckResult] = []
        for s in env.dkimSelectors {
            let st = await shared(s, env)
            if let key = st.key, key.errors.isEmpty, !key.revoked {
                out += check(st, key)
            } else {
                out.append(definition.result(.skipped, st.name, skippedMessage))
            }
        }
        return out
    }

    public static func shared(_ selector: String, _ env: PreflightEnvironment) async -> DKIMSelectorState {
        let name = "\(selector)._domainkey.\(env.mailDomain)"
        return await env.shared("dkim:\(name)") {
            let lookup = await env.dns.lookup(name, .txt)
            let texts = TXT.texts(lookup)
            return DKIMSelectorState(selector: selector, name: name, lookup: lookup, texts: texts,
                                     key: texts.count == 1 ? DKIMKey(parsing: texts[0]) : nil)
        }
    }
}
