import Foundation
import Testing
@testable import SelfhostKit

/// bcrypt against published vectors and against Caddy itself.
@Suite("Bcrypt")
struct BcryptTests {
    /// OpenBSD's regress vectors (also jBCrypt's TestBCrypt), cost 6.
    static let vectors: [(String, String)] = [
        ("", "$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s."),
        ("a", "$2a$06$m0CrhHm10qJ3lXRY.5zDGO3rS2KdeeWLuGmsfGlMfOxih58VYVfxe"),
        ("abc", "$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i"),
        ("abcdefghijklmnopqrstuvwxyz", "$2a$06$.rCVZVOThsIa97pEDOxvGuRRgzG64bvtJ0938xuqzv18d3ZpQhstC"),
        ("~!@#$%^&*()      ~!@#$%^&*()PNBFRD", "$2a$06$fPIsBO8qRqkjj273rfaOI.HtSV9jLDpTbZn782DC6/t7qT67P6FfO"),
    ]

    @Test("published vectors hash as published; a wrong password does not verify")
    func vectors() throws {
        for (password, hash) in Self.vectors {
            #expect(try Bcrypt.hash(password, setting: hash) == hash)
            #expect(Bcrypt.verify(password, hash: hash))
            #expect(!Bcrypt.verify(password + "x", hash: hash))
        }
    }

    @Test("a new hash: $2a$, the cost asked, 60 characters, a fresh salt each time, and it verifies")
    func fresh() {
        let a = Bcrypt.hash("correct horse", cost: 4), b = Bcrypt.hash("correct horse", cost: 4)
        #expect(a.hasPrefix("$2a$04$") && a.count == 60)
        #expect(a != b)
        #expect(Bcrypt.verify("correct horse", hash: a) && Bcrypt.verify("correct horse", hash: b))
        #expect(!Bcrypt.verify("correct horsE", hash: a))
    }

    @Test("malformed settings are refused, not crashed on")
    func malformed() {
        for bad in ["", "$2a$06$", "$2x$06$DCq7YPn5Rq63x1Lad4cll.", "$2a$99$DCq7YPn5Rq63x1Lad4cll.", "$2a$06$DCq7YPn5Rq63x1Lad4c!!.", "plain"] {
            #expect(throws: Bcrypt.Failure.self) { try Bcrypt.hash("x", setting: bad) }
            #expect(!Bcrypt.verify("x", hash: bad))
        }
    }

    @Test("base64: bcrypt's alphabet, round trip")
    func base64() {
        let bytes = (0..<16).map { UInt8($0 * 17 & 0xff) }
        let text = Bcrypt.encode(bytes)
        #expect(text.count == 22)
        #expect(Bcrypt.decode(text, count: 16) == bytes)
    }
}

/// The setup gate: Caddyfile, password file, manifest, re-render and `--open`; Caddy enforcing it.
@Suite("Render: setup gate")
struct RenderGateTests {
    static func temp() -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gate-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent("box")
    }

    static func read(_ out: URL, _ path: String) throws -> String {
        try String(contentsOf: out.appendingPathComponent(path), encoding: .utf8)
    }

    static func manifest(_ out: URL) throws -> RenderManifest {
        try #require(try RenderManifest.read(in: out))
    }

    /// The bcrypt hash in the `basicauth` block of `host`'s site, or nil when the site has none.
    static func gateHash(_ caddyfile: String, host: String) throws -> String? {
        let start = try #require(caddyfile.range(of: "\n\(host) {\n"))
        let rest = caddyfile[start.upperBound...]
        let site = String(rest[..<(rest.range(of: "\n}\n")?.lowerBound ?? rest.endIndex)])
        guard let auth = site.range(of: "basicauth {\n") else { return nil }
        let line = site[auth.upperBound...].split(separator: "\n").first.map(String.init) ?? ""
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        #expect(words.first == RenderGate.user)
        return words.count == 2 ? words[1] : nil
    }

    @Test("a gated app (umami) gets basic auth; its password is in a 0600 file and matches the hash; a preseeded one (gitea) none")
    func gateOnFirstRender() throws {
        let out = Self.temp()
        let (status, stdout, _) = try RenderTestSupport.render(["umami", "gitea"], out: out, store: try RenderTestSupport.fixtureStore())
        #expect(status == .success)
        let caddyfile = try Self.read(out, "caddy/Caddyfile")
        let hash = try #require(try Self.gateHash(caddyfile, host: "umami.example.com"))
        #expect(try Self.gateHash(caddyfile, host: "gitea.example.com") == nil)
        let password = try Self.read(out, "umami/gate-password").trimmingCharacters(in: .newlines)
        #expect(password.count == RenderGate.passwordLength && password.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
        #expect(Bcrypt.verify(password, hash: hash))
        let attrs = try FileManager.default.attributesOfItem(atPath: out.appendingPathComponent("umami/gate-password").path)
        #expect((attrs[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(!caddyfile.contains(password))
        let m = try Self.manifest(out)
        #expect(m.gates?["umami"]?.state == .closed)
        #expect(m.gates?["umami"]?.hash == hash)
        #expect(m.gates?["gitea"] == nil)
        #expect(stdout.contains("password in umami/gate-password"))
        let readme = try Self.read(out, "README.md")
        #expect(readme.contains("sudo cat \(out.path)/umami/gate-password"))
        #expect(readme.contains("selfhost render umami --open --out \(out.path)"))
        #expect(readme.contains("Log in as admin with the password umami"))
        #expect(readme.contains("`GITEA_ADMIN_PASSWORD`"))
        // Caddy accepts the gated Caddyfile (and it is formatted as caddy fmt would).
        #expect(try RenderTestSupport.validateCaddyfile(out) == [])
    }

    @Test("a re-render keeps the gate and its password; --open lifts it, records when, and later renders keep it lifted")
    func reRenderAndOpen() throws {
        let out = Self.temp()
        let store = try RenderTestSupport.fixtureStore()
        try RenderTestSupport.render(["umami"], out: out, store: store)
        let first = try Self.manifest(out).gates?["umami"]
        let password = try Self.read(out, "umami/gate-password")
        // Another app added later: umami's gate unchanged.
        let (status, stdout, _) = try RenderTestSupport.render(["gitea"], out: out, store: store)
        #expect(status == .success)
        #expect(try Self.manifest(out).gates?["umami"] == first)
        #expect(try Self.read(out, "umami/gate-password") == password)
        #expect(try Self.gateHash(try Self.read(out, "caddy/Caddyfile"), host: "umami.example.com") == first?.hash)
        #expect(!stdout.contains("gate-password  "))

        // --open for an app not in the box is refused before anything is written.
        #expect(throws: SelfhostError.self) {
            try RenderTestSupport.render(["umami", "nextcloud"], out: out, open: true)
        }

        let (openStatus, _, _) = try RenderTestSupport.render(["umami"], out: out, store: store, open: true)
        #expect(openStatus == .success)
        let opened = try #require(try Self.manifest(out).gates?["umami"])
        #expect(opened.state == .open && opened.hash == nil && opened.openedAt != nil && opened.closedAt == first?.closedAt)
        let caddyfile = try Self.read(out, "caddy/Caddyfile")
        #expect(try Self.gateHash(caddyfile, host: "umami.example.com") == nil)
        #expect(!caddyfile.contains("basicauth"))
        #expect(try Self.read(out, "README.md").contains("The setup gate was lifted"))
        #expect(try RenderTestSupport.validateCaddyfile(out) == [])

        // A plain re-render neither re-adds the gate nor drops the record.
        try RenderTestSupport.render(["umami"], out: out, store: store)
        #expect(try Self.manifest(out).gates?["umami"] == opened)
        #expect(!(try Self.read(out, "caddy/Caddyfile").contains("basicauth")))
    }

    @Test("a lost password file gets a new password; the gate stays closed; the note says so")
    func lostPassword() throws {
        let out = Self.temp()
        let store = try RenderTestSupport.fixtureStore()
        try RenderTestSupport.render(["umami"], out: out, store: store)
        let old = try #require(try Self.manifest(out).gates?["umami"]?.hash)
        try FileManager.default.removeItem(at: out.appendingPathComponent("umami/gate-password"))
        let (_, stdout, _) = try RenderTestSupport.render(["umami"], out: out, store: store)
        #expect(stdout.contains("umami/gate-password was missing"))
        let gate = try #require(try Self.manifest(out).gates?["umami"])
        #expect(gate.state == .closed && gate.hash != old)
        let password = try Self.read(out, "umami/gate-password").trimmingCharacters(in: .newlines)
        #expect(Bcrypt.verify(password, hash: try #require(try Self.gateHash(try Self.read(out, "caddy/Caddyfile"), host: "umami.example.com"))))
    }

    @Test("an app in a box rendered before gates existed is recorded open, with a note, not gated behind its owner's back")
    func olderBox() throws {
        let out = Self.temp()
        let store = try RenderTestSupport.fixtureStore()
        try RenderTestSupport.render(["umami"], out: out, store: store)
        var m = try Self.manifest(out)
        m.gates = nil
        try m.encoded().write(to: out.appendingPathComponent(RenderManifest.relativePath), atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: out.appendingPathComponent("umami/gate-password"))
        let (_, stdout, _) = try RenderTestSupport.render(["umami"], out: out, store: store, force: true)
        #expect(stdout.contains("rendered before setup gates existed"))
        #expect(try Self.manifest(out).gates?["umami"]?.state == .open)
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("umami/gate-password").path))
    }

    @Test("--open on an app without a gate says so and changes nothing")
    func openWithoutGate() throws {
        let out = Self.temp()
        let store = try RenderTestSupport.fixtureStore()
        try RenderTestSupport.render(["gitea"], out: out, store: store)
        let (status, stdout, _) = try RenderTestSupport.render(["gitea"], out: out, store: store, open: true)
        #expect(status == .success)
        #expect(stdout.contains("gitea has no setup gate"))
        #expect(try Self.manifest(out).gates == [:])
    }

    @Test("Caddy itself: the gated host answers 401 without the password, the app with it, and after --open without it")
    func caddyEnforces() throws {
        guard let caddy = RenderTestSupport.tool("caddy", package: "caddy") else { return }
        let http = CurlHTTPClient()
        let out = Self.temp()
        let store = try RenderTestSupport.fixtureStore()
        try RenderTestSupport.render(["umami"], out: out, store: store)
        let password = try Self.read(out, "umami/gate-password").trimmingCharacters(in: .newlines)

        /// The rendered umami site, served over plain HTTP on a loopback port with a stand-in
        /// answer in place of the app: the gate lines are the rendered ones, as they are.
        func serve(_ body: (Int) throws -> Void) throws {
            let rendered = try Self.read(out, "caddy/Caddyfile")
            let start = try #require(rendered.range(of: "\numami.example.com {\n"))
            let site = rendered[start.upperBound...]
            let inner = String(site[..<(try #require(site.range(of: "\n}\n"))).lowerBound])
                .replacingOccurrences(of: #"reverse_proxy [^\n]+"#, with: "respond \"stand-in umami\" 200", options: .regularExpression)
            let port = Int.random(in: 20000...40000)
            let config = "{\n\tadmin off\n\tauto_https off\n}\n\nhttp://127.0.0.1:\(port) {\n\(inner)\n}\n"
            let file = out.deletingLastPathComponent().appendingPathComponent("Caddyfile.test")
            try config.write(to: file, atomically: true, encoding: .utf8)
            let home = out.deletingLastPathComponent().path
            let p = ProcessRunner.start(ProcessRequest(caddy, ["run", "--adapter", "caddyfile", "--config", file.path],
                                                       environment: ["HOME": home, "XDG_DATA_HOME": home, "XDG_CONFIG_HOME": home],
                                                       output: .discard))
            #expect(p.launchFailure == nil)
            defer { p.terminate(); _ = p.wait() }
            // Up when it answers at all.
            for _ in 0..<100 {
                if case .success = http.send(HTTPRequest(url: "http://127.0.0.1:\(port)/", timeout: 2)) { break }
                Thread.sleep(forTimeInterval: 0.1)
            }
            try body(port)
        }
        func get(_ port: Int, user: String? = nil) throws -> String {
            let auth = user.map { ["Authorization": "Basic " + Data($0.utf8).base64EncodedString()] } ?? [:]
            let response = try http.send(HTTPRequest(url: "http://127.0.0.1:\(port)/", headers: auth, timeout: 20)).get()
            return "\(response.text) \(response.status)"
        }

        try serve { port in
            let anonymous = try get(port), wrong = try get(port, user: "\(RenderGate.user):wrong")
            let right = try get(port, user: "\(RenderGate.user):\(password)")
            #expect(anonymous.hasSuffix(" 401"))
            #expect(wrong.hasSuffix(" 401"))
            #expect(right == "stand-in umami 200")
        }
        try RenderTestSupport.render(["umami"], out: out, store: store, open: true)
        try serve { port in
            let anonymous = try get(port)
            #expect(anonymous == "stand-in umami 200")
        }
    }
}
