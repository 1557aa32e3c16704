import Foundation
import Testing
@testable import SelfhostKit

/// Base64 secrets: the length the catalog gives and the byte count upstream's
/// `openssl rand -base64 N` would produce (Plausible refuses a TOTP_VAULT_KEY that isn't 32 bytes).
@Suite("Render: base64 secrets")
struct RenderSecretTests {
    /// Decodes padded or unpadded standard base64.
    static func decode(_ s: String) -> Data? {
        Data(base64Encoded: s + String(repeating: "=", count: (4 - s.count % 4) % 4))
    }

    @Test("a multiple of 4 characters is the padded encoding of the openssl key size", arguments: [
        (44, 32), (64, 48), (32, 24), (88, 64), (24, 16), (12, 8), (8, 6), (4, 3),
    ])
    func padded(length: Int, bytes: Int) {
        for _ in 0..<50 {
            let s = RenderSecret.generate(.base64, length: length)
            #expect(s.count == length)
            #expect(Data(base64Encoded: s)?.count == bytes, "\(s) should decode to \(bytes) bytes")
        }
        #expect(RenderSecret.generate(.base64, length: 44).hasSuffix("="))
        #expect(!RenderSecret.generate(.base64, length: 64).hasSuffix("="))
    }

    @Test("other lengths are unpadded, never longer than asked", arguments: [(43, 32), (42, 31), (30, 22), (41, 30), (2, 1)])
    func unpadded(length: Int, bytes: Int) {
        let s = RenderSecret.generate(.base64, length: length)
        #expect(!s.contains("="))
        #expect(s.count == (length % 4 == 1 ? length - 1 : length))
        #expect(Self.decode(s)?.count == bytes)
    }

    /// The byte count a catalog description names (`openssl rand -base64 N`, `head -c N`).
    static func statedBytes(_ description: String?) -> Int? {
        guard let d = description else { return nil }
        for marker in ["openssl rand -base64 ", "head -c "] {
            guard let r = d.range(of: marker) else { continue }
            return Int(d[r.upperBound...].prefix { $0.isNumber })
        }
        return nil
    }

    @Test("every base64 secret of the catalog has its length and the byte count its description names")
    func catalogSecrets() {
        var checked = 0
        for app in TestSupport.catalog.apps {
            for v in app.env {
                guard let secret = v.secret, secret.format == .base64 else { continue }
                let s = RenderSecret.generate(.base64, length: secret.length)
                #expect(s.count == secret.length, "\(app.id) \(v.name)")
                let decoded = Self.decode(s)
                if secret.length % 4 == 0 { #expect(Data(base64Encoded: s) != nil, "\(app.id) \(v.name) is padded base64") }
                if let stated = Self.statedBytes(v.description) {
                    #expect(decoded?.count == stated, "\(app.id) \(v.name): \(secret.length) characters should be \(stated) bytes")
                    checked += 1
                }
            }
        }
        #expect(checked >= 5, "the catalog's base64 secrets name their openssl byte counts")
    }

    @Test("render plausible writes a 44-character TOTP_VAULT_KEY of 32 bytes and a 64-character SECRET_KEY_BASE of 48")
    func plausibleEnv() throws {
        let out = try TestSupport.tempDirectory("render-secret").appendingPathComponent("box")
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        try RenderTestSupport.render(["plausible"], out: out)
        let env = RenderEnvFile.values(in: try String(contentsOf: out.appendingPathComponent("plausible/.env"), encoding: .utf8))
        let totp = try #require(env["TOTP_VAULT_KEY"])
        #expect(totp.count == 44 && Data(base64Encoded: totp)?.count == 32)
        let base = try #require(env["SECRET_KEY_BASE"])
        #expect(base.count == 64 && Data(base64Encoded: base)?.count == 48)
    }
}
