import Foundation
import Testing
@testable import SelfhostKit

/// Defects QA found in `selfhost lint`, each reproduced as the user met it.
@Suite("Lint QA regressions")
struct LintQARegressionTests {
    static let wordpress = "services:\n  wordpress:\n    image: wordpress:6.6-fpm\n"

    @Test("php_fastcgi to a wordpress -fpm image on 9000 is clean, exit 0")
    func fpmImage() throws {
        let compose = ComposeRuleSupport.file(
            ComposeRuleSupport.service("caddy", image: "caddy:2.8.4", "ports: [\"80:80\", \"443:443\"]", "volumes: [\"./Caddyfile:/etc/caddy/Caddyfile:ro\"]"),
            ComposeRuleSupport.service("wordpress", image: "wordpress:6.6-fpm"))
        let p = try ScratchProject(["compose.yaml": compose, "Caddyfile": "example.com {\n\tphp_fastcgi wordpress:9000\n}\n"])
        #expect(try p.lint().findings("caddy.upstream-port").isEmpty)
        let (_, out, _) = try p.run()
        #expect(!out.contains("caddy.upstream-port"), "\(out)")
        // WordPress's web installer (the first-start rules) is the only thing left to say.
        let others = try p.lint().findings.filter { $0.severity >= .warning && !($0.ruleID ?? "").contains("first-start") }
        #expect(others.isEmpty, "\(others.map(\.compilerStyle))")
    }

    @Test("a guessed port mismatch is a warning that never says 'declares'")
    func guessedPortIsWarning() throws {
        let p = try ScratchProject(["compose.yaml": Self.wordpress, "Caddyfile": "example.com {\n\treverse_proxy wordpress:80\n}\n"])
        let hit = try #require(try p.lint().findings("caddy.upstream-port").first)
        #expect(hit.severity == .warning)
        #expect(hit.message.contains("is known to listen on 9000"), "\(hit.message)")
        #expect(!hit.message.contains("declares"), "\(hit.message)")
    }

    @Test("a declared port mismatch is a warning that says what the file declares; one expose: port is suggested")
    func declaredPortIsWarning() throws {
        let p = try ScratchProject(["compose.yaml": "services:\n  app:\n    image: ghcr.io/example/app:1.0\n    expose: [\"3000\"]\n",
                                    "Caddyfile": "example.com {\n\treverse_proxy app:8080\n}\n"])
        let hit = try #require(try p.lint().findings("caddy.upstream-port").first)
        #expect(hit.severity == .warning)
        #expect(hit.message == "port 8080 is not among the ports service 'app' declares (3000); check it listens there", "\(hit.message)")
        #expect(hit.fix?.contains("reverse_proxy app:3000") == true, "\(hit.fix ?? "")")
    }

    @Test("only the full repository name selects a known port", arguments: [
        ("ghcr.io/acme/server:1.0", nil), ("vaultwarden/server:1.32.0", [80]), ("docker.io/vaultwarden/server:1.32.0", [80]),
        ("docker.io/library/wordpress:6.6-fpm-alpine", [9000]), ("wordpress:6.6", [80]), ("wordpress:6.6-apache", [80]),
        ("php:8.3-fpm", [9000]), ("php:8.3-cli", nil), ("localhost:5000/postgres:16", [5432]), ("registry.example.com:5000/team/app:1", nil),
    ] as [(String, [Int]?)])
    func repositoryMatching(_ image: String, _ expected: [Int]?) throws {
        let file = ComposeFile(source: LintSource(path: "compose.yaml", url: URL(fileURLWithPath: "/tmp/compose.yaml"), kind: .compose,
                                                  text: "services:\n  s:\n    image: \(image)\n", mode: nil), dotEnv: nil)
        let s = try #require(file.services.first)
        #expect(KnownImagePorts.ports(of: s).map { $0.sorted() } == expected, "\(image) → \(s.imageRepository ?? "nil") \(s.imageTag ?? "nil")")
    }

    @Test("IPv4 and IPv6 wildcard binds of one port on one service are one publication")
    func dualStack() throws {
        let one = try ScratchProject(["compose.yaml": "services:\n  web:\n    image: nginx:1.27\n    ports: [\"0.0.0.0:9000:80\", \"[::]:9000:80\"]\n"])
        #expect(try one.lint().findings("compose.dup-host-port").isEmpty)
        let two = try ScratchProject(["compose.yaml": "services:\n  web:\n    image: nginx:1.27\n    ports: [\"0.0.0.0:9000:80\"]\n  api:\n    image: nginx:1.27\n    ports: [\"9000:80\"]\n"])
        #expect(try two.lint().findings("compose.dup-host-port").count == 1)
    }

    @Test("public_ports accepts ranges; a bad range is a located usage error")
    func publicPortRanges() throws {
        let ok = try ScratchProject(["compose.yaml": "services:\n  m:\n    image: nginx:1.27\n    ports: [\"8000-8010:8000-8010\", \"8005:80\"]\n",
                                     ".selfhost-lint.yaml": "public_ports: [25, 8000-8010]\n"])
        #expect(try ok.lint().findings("compose.unbound-port").isEmpty)
        for bad in ["public_ports: [8010-8000]\n", "public_ports: [0-10]\n", "public_ports: [8000-70000]\n", "public_ports: [http]\n"] {
            let p = try ScratchProject(["compose.yaml": "services:\n  m:\n    image: nginx:1.27\n", ".selfhost-lint.yaml": bad])
            let error = #expect(throws: SelfhostError.self, "\(bad)") { try p.lint() }
            #expect(error?.message.contains("range like 8000-8010") == true, "\(String(describing: error))")
            #expect(error?.location?.line == 1)
        }
    }

    @Test("raw host devices and turned-off confinement are flagged; cap_add ALL is an error")
    func hostDevicesAndConfinement() throws {
        let p = try ScratchProject(["compose.yaml": """
            services:
              a:
                image: nginx:1.27
                devices: [/dev/mem, "/dev/sda1:/dev/sda1", /dev/dri]
                security_opt: ["seccomp:unconfined", "apparmor=unconfined", "label:disable", "no-new-privileges:true"]
                cap_add: [ALL, NET_ADMIN]

            """])
        let report = try p.lint()
        #expect(report.findings("compose.host-device").count == 2)
        #expect(report.findings("compose.unconfined").count == 3)
        let caps = report.findings("compose.cap-add")
        #expect(caps.map(\.severity) == [.error, .warning])
    }

    @Test("skip reasons: real size with one decimal; a socket is named, not NSFileTypeUnknown")
    func skipReasons() throws {
        let p = try ScratchProject([:])
        let big = String(repeating: "# padding\n", count: 482_345)  // 4.6 MiB
        try p.write(ExampleFile("compose.yaml", big))
        let sock = p.root.appendingPathComponent("Caddyfile")
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #expect(fd >= 0)
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let path = Array(sock.path.utf8CString)
        try #require(path.count <= MemoryLayout.size(ofValue: addr.sun_path))
        withUnsafeMutableBytes(of: &addr.sun_path) { buf in for (i, c) in path.enumerated() { buf[i] = UInt8(bitPattern: c) } }
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        #expect(bound == 0)
        let report = try p.lint()
        let reasons = Dictionary(uniqueKeysWithValues: report.skipped.map { ($0.file, $0.reason) })
        #expect(reasons["compose.yaml"] == "4.6 MiB is over the 4 MiB limit")
        #expect(reasons["Caddyfile"] == "not a regular file (a socket)")
        #expect(!report.skipped.contains { $0.reason.contains("NSFileType") })
        // Just over the limit never prints as the limit itself.
        #expect(LintDiscovery.mebibytes(4 * 1_048_576 + 1, above: 4 * 1_048_576) == "4.1 MiB")
        #expect(LintDiscovery.mebibytes(4_823_450) == "4.6 MiB")
    }

    @Test("env.permissions says exactly who can read or write", arguments: [
        (0o644, "readable by group and others"), (0o640, "readable by group"), (0o604, "readable by others"),
        (0o660, "readable by group, writable by group"), (0o622, "writable by group and others"),
    ])
    func envPermissionWording(_ mode: Int, _ expected: String) throws {
        let p = try ScratchProject([ExampleFile(".env", "POSTGRES_PASSWORD=3x4mpl3-s3cr3t\n", mode: mode)])
        let hit = try #require(try p.lint().findings("env.permissions").first)
        #expect(hit.message.hasSuffix("(\(expected))"), "\(hit.message)")
    }
}
