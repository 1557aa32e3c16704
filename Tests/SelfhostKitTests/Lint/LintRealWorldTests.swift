import Foundation
import Testing
@testable import SelfhostKit

/// False positives `selfhost lint` raised on real-world files, each reproduced as met.
@Suite("Lint real-world false positives")
struct LintRealWorldTests {
    /// Another stack whose Caddy container mounts its own Caddyfile, and publishes an app on loopback.
    static let otherStack = """
    services:
      caddy:
        image: caddy:2.8.4
        ports: ["80:80", "443:443"]
        environment: {OTHER_ONLY: "1"}
        volumes: ["./Caddyfile:/etc/caddy/Caddyfile:ro"]
      app:
        image: ghcr.io/example/app:1.0
        ports: ["127.0.0.1:8080:3000"]

    """

    @Test("a host Caddyfile is not blamed on another stack's Caddy container")
    func hostCaddyfileNotClaimed() throws {
        let p = try ScratchProject(["other/compose.yaml": Self.otherStack,
                                    "other/Caddyfile": "other.example.com {\n\treverse_proxy app:3000\n}\n",
                                    "host/Caddyfile": "example.com {\n\treverse_proxy localhost:8080\n}\n"])
        let report = try p.lint()
        let onHost = report.findings.filter { $0.location?.file.contains("host/") == true }
        #expect(onHost.isEmpty, "\(onHost.map(\.compilerStyle))")
        let project = LintProject(sources: try LintDiscovery.discover(paths: ["."], context: p.context()).sources)
        let host = try #require(project.caddyFiles.first { $0.source.path.contains("host/") })
        let other = try #require(project.caddyFiles.first { $0.source.path.contains("other/") })
        #expect(project.caddyContainer(for: host) == nil)
        #expect(project.caddyContainer(for: other)?.service.name == "caddy")
        // `caddy validate` of the host Caddyfile must not get the other Caddy's environment.
        #expect(project.caddyEnvironmentValues(for: host)["OTHER_ONLY"] == nil)
        #expect(project.caddyEnvironmentValues(for: other)["OTHER_ONLY"] == "1")
    }

    @Test("mattermost: a proxied port missing from published ports is a warning that doesn't claim it 'does not listen'")
    func mattermostWebPort() throws {
        // An image whose port is not known (the official mattermost image is known to serve 8065: clean).
        let compose = "services:\n  mattermost:\n    image: ghcr.io/example/mattermost:9.11\n    ports:\n      - \"8443:8443/udp\"\n      - \"8443:8443/tcp\"\n"
        let p = try ScratchProject(["compose.yaml": compose, "Caddyfile": "chat.example.com {\n\treverse_proxy mattermost:8065\n}\n"])
        let hit = try #require(try p.lint().findings("caddy.upstream-port").first)
        #expect(hit.severity == .warning)
        #expect(hit.message == "port 8065 is not among the ports service 'mattermost' declares (8443); check it listens there", "\(hit.message)")
        #expect(!hit.message.contains("does not listen"))
        #expect(hit.fix?.contains("mattermost:8443") == false, "\(hit.fix ?? "")")
    }

    @Test("the official mattermost image publishing only its Calls port is clean when Caddy proxies 8065")
    func officialMattermost() throws {
        let compose = "services:\n  mattermost:\n    image: mattermost/mattermost-team-edition:9.11\n    ports: [\"8443:8443/udp\", \"8443:8443/tcp\"]\n"
        let p = try ScratchProject(["compose.yaml": compose, "Caddyfile": "chat.example.com {\n\treverse_proxy mattermost:8065\n}\n"])
        #expect(try p.lint().findings("caddy.upstream-port").isEmpty)
    }

    @Test("published-internal flags only the port Caddy proxies to, and quotes that port in the fix")
    func publishedOnlyProxiedPort() throws {
        let compose = ComposeRuleSupport.file(
            ComposeRuleSupport.service("caddy", image: "caddy:2.8.4", "ports: [\"80:80\", \"443:443\"]", "volumes: [\"./Caddyfile:/etc/caddy/Caddyfile:ro\"]"),
            ComposeRuleSupport.service("mattermost", image: "mattermost/mattermost-team-edition:9.11",
                                       "ports: [\"8443:8443/udp\", \"8443:8443/tcp\", \"8065:8065\"]"))
        let p = try ScratchProject(["compose.yaml": compose, "Caddyfile": "chat.example.com {\n\treverse_proxy mattermost:8065\n}\n"])
        let hits = try p.lint().findings("compose.published-internal")
        #expect(hits.count == 1, "\(hits.map(\.compilerStyle))")
        let hit = try #require(hits.first)
        #expect(hit.message.contains(":8065"), "\(hit.message)")
        #expect(hit.fix?.contains("127.0.0.1:8065:8065") == true, "\(hit.fix ?? "")")
        #expect(hit.fix?.contains("5432") == false, "\(hit.fix ?? "")")
    }

    @Test("a host Caddy proxying to a localhost port no compose service publishes is a warning: it may be native")
    func hostCaddyNativeService() throws {
        let p = try ScratchProject(["compose.yaml": "services:\n  web:\n    image: nginx:1.27\n    ports: [\"127.0.0.1:8081:80\"]\n",
                                    "Caddyfile": "example.com {\n\treverse_proxy localhost:8080\n}\n"])
        let hit = try #require(try p.lint().findings("caddy.upstream-port").first)
        #expect(hit.severity == .warning)
        #expect(hit.message.contains("may be a native service"), "\(hit.message)")
    }

    @Test("*.service files that are scripts or D-Bus activation files are skipped with a reason")
    func notSystemdUnits() throws {
        let p = try ScratchProject(["bin/backup.service": "#!/bin/sh\nexec restic backup /srv\n",
                                    "dbus/org.example.Foo.service": "# D-Bus activation\n[D-BUS Service]\nName=org.example.Foo\nExec=/usr/bin/foo\n",
                                    "units/app.service": "[Unit]\nDescription=App\n\n[Service]\nExecStart=/usr/bin/true\n"])
        let report = try p.lint()
        let skipped = Dictionary(report.skipped.map { ($0.file, $0.reason) }, uniquingKeysWith: { a, _ in a })
        let script = try #require(skipped.first { $0.key.hasSuffix("backup.service") })
        #expect(script.value.contains("#!"), "\(script.value)")
        let dbus = try #require(skipped.first { $0.key.hasSuffix("org.example.Foo.service") })
        #expect(dbus.value.contains("D-Bus"), "\(dbus.value)")
        #expect(!skipped.keys.contains { $0.hasSuffix("app.service") })
        #expect(report.findings.allSatisfy { $0.location?.file.hasSuffix("app.service") ?? true }, "\(report.findings.map(\.compilerStyle))")
    }

    @Test("an override-looking name whose every service has image: or build: is a standalone file", arguments: [
        ("docker-compose.postgres-tika.yml", "services:\n  db:\n    image: postgres:16.4\n  tika:\n    build: ./tika\n", false),
        ("docker-compose.prod.yml", "services:\n  app:\n    restart: always\n", true),
        ("compose.override.yaml", "services:\n  app:\n    image: ghcr.io/example/app:1.0\n", true),
        ("compose.yaml", "services:\n  app:\n    restart: always\n", false),
    ] as [(String, String, Bool)])
    func overrideByContent(_ name: String, _ text: String, _ override: Bool) throws {
        let file = ComposeFile(source: LintSource(path: name, url: URL(fileURLWithPath: "/tmp/\(name)"), kind: .compose, text: text, mode: nil), dotEnv: nil)
        #expect(file.isOverride == override, "\(name)")
    }

    @Test("a standalone file with an override-looking name gets the missing-setting rules")
    func standaloneGetsMissingRules() throws {
        let p = try ScratchProject(["docker-compose.postgres-tika.yml": "services:\n  db:\n    image: postgres:16.4\n"])
        #expect(!(try p.lint().findings("compose.restart").isEmpty))
    }
}
