import Foundation
import Testing
@testable import SelfhostKit

/// Checks no single-file linter can make: Caddy upstreams against compose services, ports across
/// stacks, units against the compose files they run.
@Suite("Lint across files")
struct LintCrossFileTests {
    /// The production fixture: what `selfhost render` is expected to write (compose stacks for Caddy and
    /// an app on a shared external network, .env files, systemd units). Modes are set as render sets them.
    /// With `dockerStandIn`, units run an executable `docker` script inside the scratch directory instead of
    /// /usr/bin/docker, so `systemd-analyze verify` passes on machines without Docker.
    static func production(dockerStandIn: Bool = false) throws -> ScratchProject {
        let base = LintFixtures.root.appendingPathComponent("production")
        var files: [ExampleFile] = []
        let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil)!
        while let url = walker.nextObject() as? URL {
            guard !url.hasDirectoryPath, let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
            var rel = String(url.path.dropFirst(base.path.count + 1))
            // git keeps no modes and no dotfiles we don't want committed: `env` becomes `.env`, mode 600.
            if rel.hasSuffix("/env") { rel = String(rel.dropLast(3)) + ".env"; files.append(ExampleFile(rel, text, mode: 0o600)); continue }
            files.append(ExampleFile(rel, text))
        }
        let project = try ScratchProject(files)
        if dockerStandIn {
            try project.standInDockerUnit()
            let docker = project.root.appendingPathComponent("bin/docker")
            try project.write(ExampleFile("bin/docker", "#!/bin/sh\nexit 0\n", mode: 0o755))
            for f in files where f.path.hasSuffix(".service") {
                try project.write(ExampleFile(f.path, f.content.replacingOccurrences(of: "/usr/bin/docker", with: docker.path)))
            }
        }
        return project
    }

    @Test("production-grade output lints clean: zero errors, zero warnings")
    func productionClean() throws {
        let p = try Self.production()
        let report = try p.lint()
        #expect(report.files.count == 9)
        let serious = report.findings.filter { $0.severity >= .warning }
        #expect(serious.isEmpty, "\(serious.map(\.compilerStyle).joined(separator: "\n"))")
    }

    @Test("a renamed service breaks the Caddy upstream, and the finding points into the Caddyfile")
    func brokenUpstream() throws {
        let p = try Self.production()
        let compose = try String(contentsOf: p.root.appendingPathComponent("umami/compose.yaml"), encoding: .utf8)
        try p.write(ExampleFile("umami/compose.yaml", compose.replacingOccurrences(of: "  umami:\n", with: "  analytics:\n")))
        let report = try p.lint()
        let f = try #require(report.findings("caddy.upstream-service").first)
        #expect(f.location?.file == "caddy/Caddyfile" && f.location?.line == 18 && f.location?.column == 16)
        #expect(f.severity == .error)
    }

    @Test("a wrong upstream port and a network Caddy doesn't share are caught")
    func portAndNetwork() throws {
        let p = try Self.production()
        let caddyfile = try String(contentsOf: p.root.appendingPathComponent("caddy/Caddyfile"), encoding: .utf8)
        try p.write(ExampleFile("caddy/Caddyfile", caddyfile.replacingOccurrences(of: "umami:3000", with: "umami:8080") + "\ndb.{$DOMAIN} {\n\treverse_proxy db:5432\n}\n"))
        let report = try p.lint()
        #expect(report.findings("caddy.upstream-port").first?.message.contains("3000") == true)
        let net = try #require(report.findings("caddy.upstream-network").first)
        #expect(net.message.contains("umami_internal") && net.message.contains("selfhost") && net.message.contains("umami/compose.yaml"))
    }

    @Test("the same host port in two stacks is a clash; different protocols or addresses are not")
    func portClash() throws {
        let svc = { (name: String, port: String) in "services:\n  \(name):\n    image: nginx:1.27\n    ports: [\"\(port)\"]\n" }
        let p = try ScratchProject(["a/compose.yaml": svc("web", "127.0.0.1:8080:80"), "b/compose.yaml": svc("api", "8080:3000")])
        let report = try p.lint()
        let f = try #require(report.findings("compose.dup-host-port").first)
        #expect(f.location?.file == "b/compose.yaml" && f.location?.line == 4 && f.location?.column == 13)
        #expect(f.message.contains("a/compose.yaml"))
        let q = try ScratchProject(["a/compose.yaml": svc("web", "127.0.0.1:8080:80"), "b/compose.yaml": svc("api", "127.0.0.2:8080:3000"), "c/compose.yaml": svc("dns", "127.0.0.1:8080:53/udp")])
        #expect(try q.lint().findings("compose.dup-host-port").isEmpty)
    }

    @Test("a unit's WorkingDirectory must hold the compose file; foreground compose with Restart= is double supervision")
    func units() throws {
        let p = try Self.production()
        try p.write(ExampleFile("systemd/selfhost-umami.service", "[Service]\nWorkingDirectory=/opt/selfhost/umamii\nExecStart=/usr/bin/docker compose up\nRestart=always\n"))
        let report = try p.lint()
        #expect(report.findings("systemd.working-directory").first?.location?.line == 2)
        try p.write(ExampleFile("systemd/selfhost-umami.service", "[Service]\nWorkingDirectory=/opt/selfhost/umami\nExecStart=/usr/bin/docker compose up\nRestart=always\n"))
        let again = try p.lint()
        #expect(again.findings("systemd.working-directory").isEmpty)
        #expect(again.findings("systemd.double-supervision").first?.location?.line == 4)
    }

    @Test("a WorkingDirectory that exists on this machine is checked on disk")
    func workingDirectoryOnDisk() throws {
        let p = try ScratchProject(["stack/compose.yaml": "services:\n  a:\n    image: nginx:1.27\n", "empty/.keep": ""])
        try p.write(ExampleFile("a.service", "[Service]\nType=oneshot\nWorkingDirectory=\(p.root.path)/stack\nExecStart=/usr/bin/docker compose up -d\n"))
        try p.write(ExampleFile("b.service", "[Service]\nType=oneshot\nWorkingDirectory=\(p.root.path)/empty\nExecStart=/usr/bin/docker compose up -d\n"))
        let report = try p.lint()
        let hits = report.findings("systemd.working-directory")
        #expect(hits.count == 1 && hits.first?.location?.file == "b.service")
        #expect(hits.first?.message.contains("holds no compose.yaml") == true)
    }

    @Test("${VAR} is checked against the .env next to each compose file, not another stack's")
    func variablesPerStack() throws {
        let p = try ScratchProject([
            "a/compose.yaml": "services:\n  x:\n    image: \"nginx:${TAG}\"\n",
            "b/compose.yaml": "services:\n  y:\n    image: \"nginx:${TAG}\"\n",
            "b/.env": "TAG=1.27\n",
        ])
        let hits = try p.lint().findings("compose.undefined-variable")
        #expect(hits.count == 1 && hits.first?.location?.file == "a/compose.yaml")
        #expect(hits.first?.location?.column == 19)
    }
}

@Suite("Lint override files and php_fastcgi")
struct LintOverrideTests {
    @Test("compose.override.yaml is partial: no missing-setting findings, references resolve through the base file")
    func overrideFile() throws {
        let base = ComposeRuleSupport.file(ComposeRuleSupport.service("app", "networks: [web]")) + "networks:\n  web:\n"
        let p = try ScratchProject(["compose.yaml": base, "compose.override.yaml": "services:\n  app:\n    environment: {DEBUG: \"1\"}\n    networks: [web]\n    privileged: true\n"])
        let report = try p.lint()
        let override = report.findings.filter { $0.location?.file == "compose.override.yaml" }
        #expect(override.map(\.ruleID) == ["compose.privileged"], "\(override.map(\.compilerStyle))")
    }

    @Test("php_fastcgi upstreams are checked like reverse_proxy")
    func phpFastCGI() throws {
        let p = try ScratchProject(["compose.yaml": CaddyExamples.stack, "Caddyfile": "blog.example.com {\n\troot * /srv\n\tphp_fastcgi wordpres:9000\n\tfile_server\n}\n"])
        let f = try #require(try p.lint().findings("caddy.upstream-service").first)
        #expect(f.location?.line == 3 && f.location?.column == 14)
    }
}

/// The complaints users filed against dclint, as regression tests.
@Suite("Lint: dclint's known problems don't happen here")
struct LintDclintRegressionTests {
    @Test("ports built from variables: no crash, not called unbound, resolved from .env when possible (dclint #8, #261)")
    func variablePorts() throws {
        let p = try ScratchProject(["compose.yaml": "services:\n  mail:\n    image: axllent/mailpit:v1.20\n    ports: [\"$HOST:$PORT:1025\", \"${WEB_IP:-127.0.0.1}:${WEB_PORT:-8025}:8025\"]\n"])
        let report = try p.lint()
        #expect(report.findings("compose.unbound-port").isEmpty)
        #expect(report.findings("compose.undefined-variable").count == 2)
        try p.write(ExampleFile(".env", "HOST=0.0.0.0\nPORT=1025\n", mode: 0o600))
        let again = try p.lint()
        #expect(again.findings("compose.unbound-port").count == 1, "resolved through .env, 0.0.0.0 is unbound")
        #expect(again.findings("compose.undefined-variable").isEmpty)
    }

    @Test("the same port with different protocols is not a duplicate (dclint #91)")
    func protocols() throws {
        let p = try ScratchProject(["compose.yaml": "services:\n  dns:\n    image: coredns/coredns:1.11.3\n    ports: [\"127.0.0.1:53:53/udp\", \"127.0.0.1:53:53/tcp\"]\n"])
        #expect(try p.lint().findings("compose.dup-host-port").isEmpty)
    }

    @Test("findings carry the column of the offending node, not column 1")
    func columns() throws {
        let p = try ScratchProject(["compose.yaml": "services:\n  app:\n    image: nginx:1.27\n    cap_add: [NET_ADMIN]\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n"])
        let report = try p.lint()
        #expect(report.findings("compose.cap-add").first?.location?.column == 15)
        #expect(report.findings("compose.docker-sock").first?.location?.column == 9)
        #expect(report.findings.allSatisfy { ($0.location?.column ?? 0) > 1 })
    }
}
