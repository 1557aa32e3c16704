import Foundation
import Testing
@testable import SelfhostKit

/// Preflight probes the host ports `selfhost render` publishes (not the container ports), and with
/// `--box` checks exactly what a render wrote. Renders run for real into temporary directories;
/// ports are probed for real on 127.0.0.10 (nothing listens there: refused, quickly).
@Suite struct PreflightPublishedPortsTests {
    typealias S = PreflightTestSupport

    /// `host/proto` of every port `port.reachable` reported for an app (subjects `127.0.0.10:PORT`).
    static func probedAppPorts(_ report: PreflightCommand.Report) -> Set<String> {
        Set(report.results("port.reachable").compactMap { r -> String? in
            guard let port = Int(r.subject.split(separator: ":").last ?? ""), ![80, 443].contains(port) else { return nil }
            return "\(port)/" + (r.status == .skipped && r.message.hasPrefix("UDP") ? "udp" : "tcp")
        })
    }

    /// `host/proto` of render's published ports (its report says `host:container/proto`).
    static func renderedPorts(_ report: RenderCommand.Report, apps: Set<String>? = nil) -> Set<String> {
        Set(report.apps.filter { apps?.contains($0.id) ?? true }.flatMap { a in
            a.publishedPorts.map { p in
                let hostPort = p.split(separator: ":")[0]
                return "\(hostPort)/" + p.split(separator: "/").last!
            }
        })
    }

    static func render(_ apps: [String], domain: String? = "example.test", hosts: [String] = [], out: URL, dryRun: Bool = false) throws -> RenderCommand.Report {
        let (ctx, _, _) = TestSupport.context(cwd: out.deletingLastPathComponent())
        let (report, _) = try RenderCommand.render(
            .init(apps: apps, domain: domain, hosts: hosts, out: out.path, docker: "/usr/bin/docker", dryRun: dryRun),
            store: .embedded, context: ctx)
        return report
    }

    /// The app hostnames preflight checks for these options (the resolver at 127.0.0.1:9 is dead,
    /// so the DNS results are folded into one resolver.reachable error: read the environment).
    static func hostnames(_ o: PreflightCommand.Options) throws -> [String] {
        try PreflightCommand.environment(o, catalog: S.catalog(), providers: [], ports: LivePortProber(), host: nil).apps.map(\.hostname)
    }

    static func options(apps: [String] = [], box: String? = nil, domain: String? = "example.test", hosts: [String] = []) -> PreflightCommand.Options {
        PreflightCommand.Options(domain: domain, box: box, serverIPs: ["127.0.0.10"], apps: apps, hosts: hosts,
                                 resolver: "127.0.0.1:9", timeout: 0.5)
    }

    @Test("gitea+forgejo+peertube+owncast: the probed ports are render's published ports, never the container's 22")
    func probedPortsEqualRendersPublishedPorts() async throws {
        let dir = try TestSupport.tempDirectory("preflight-ports")
        defer { try? FileManager.default.removeItem(at: dir) }
        let apps = ["gitea", "forgejo", "peertube", "owncast"]
        let rendered = try Self.render(apps, out: dir.appendingPathComponent("box"), dryRun: true)
        let (report, _, json) = try await S.run(Self.options(apps: apps))
        #expect(report.box == nil && json.contains("\"box\" : null"), "documented keys are always present")
        let probed = Self.probedAppPorts(report)
        #expect(probed == Self.renderedPorts(rendered))
        // What the shipped remap table gives: forgejo sorts first and takes 2222, owncast keeps 1935.
        #expect(probed == ["2222/tcp", "2223/tcp", "1935/tcp", "1936/tcp"])
        #expect(report.result("port.reachable", "127.0.0.10:22") == nil, "22 is the host's sshd, not Gitea")
        let gitea = try #require(report.result("port.reachable", "127.0.0.10:2223"))
        #expect(gitea.message.contains("gitea") && gitea.message.contains("container port 22"))
        let peertube = try #require(report.result("port.reachable", "127.0.0.10:1936"))
        #expect(peertube.message.contains("peertube") && peertube.message.contains("container port 1935"))

        // App by app, and for an app with a UDP port too (skipped, but on the published port).
        for set in [["gitea"], ["gitea", "mattermost"], ["owncast", "peertube"]] {
            let r = try Self.render(set, out: dir.appendingPathComponent(set.joined(separator: "-")), dryRun: true)
            let (p, _, _) = try await S.run(Self.options(apps: set))
            #expect(Self.probedAppPorts(p) == Self.renderedPorts(r), "\(set)")
        }
    }

    @Test("the plan is render's: order-independent, keeps a box's ports, skips 80/443")
    func planIsShared() throws {
        let catalog = try S.catalog()
        let remap = try PublishedPorts.lowPortRemap(.embedded)
        #expect(remap[22] == 2222)
        let apps = try ["peertube", "gitea", "owncast", "forgejo"].map { try #require(catalog.app($0)) }
        let a = PublishedPorts.plan(apps: apps, remap: remap)
        #expect(a == PublishedPorts.plan(apps: apps.reversed(), remap: remap))
        #expect(a["forgejo"]?.map(\.host) == [2222] && a["gitea"]?.map(\.host) == [2223])
        // A box that already publishes gitea on 2222 keeps it; forgejo moves up.
        let kept = PublishedPorts.plan(apps: apps, remap: remap, previous: ["gitea": ["22/tcp": 2222]])
        #expect(kept["gitea"]?.map(\.host) == [2222] && kept["forgejo"]?.map(\.host) == [2223])
        // Never Caddy's ports.
        let web = PublishedPorts.plan(apps: [apps[1]], remap: [22: 80])
        #expect(web["gitea"]?.map(\.host) == [81])
    }

    @Test("--box reads the manifest: apps, hosts, domain and the ports the box really publishes")
    func boxUsesTheManifest() async throws {
        let dir = try TestSupport.tempDirectory("preflight-box")
        defer { try? FileManager.default.removeItem(at: dir) }
        let box = dir.appendingPathComponent("box")
        // Gitea first (takes 2222), Forgejo added later (2223): a fresh plan would swap them,
        // so only the manifest gives these ports.
        _ = try Self.render(["gitea"], hosts: ["gitea=code.example.test"], out: box)
        let rendered = try Self.render(["forgejo"], domain: nil, out: box)
        #expect(Self.renderedPorts(rendered) == ["2222/tcp", "2223/tcp"])
        #expect(rendered.apps.first { $0.id == "gitea" }?.publishedPorts == ["2222:22/tcp"])

        let (report, _, text) = try await S.run(Self.options(box: box.path, domain: nil))
        #expect(report.domain == "example.test", "the domain comes from the manifest")
        #expect(report.box == box.path)
        #expect(text.contains("\"box\""))
        #expect(Set(try Self.hostnames(Self.options(box: box.path, domain: nil))) == ["code.example.test", "forgejo.example.test"])
        #expect(report.result("port.reachable", "127.0.0.10:2222")?.message.contains("gitea") == true)
        #expect(report.result("port.reachable", "127.0.0.10:2223")?.message.contains("forgejo") == true)
        #expect(Self.probedAppPorts(report) == Self.renderedPorts(rendered))

        // --apps and --host narrow or override the box.
        let (only, _, _) = try await S.run(Self.options(apps: ["forgejo"], box: box.path, domain: nil,
                                                        hosts: ["forgejo=git.example.test"]))
        #expect(try Self.hostnames(Self.options(apps: ["forgejo"], box: box.path, domain: nil, hosts: ["forgejo=git.example.test"])) == ["git.example.test"])
        #expect(Self.probedAppPorts(only) == ["2223/tcp"])

        // An app named with --apps but not in the box yet: probed where render will put it.
        let (planned, _, _) = try await S.run(Self.options(apps: ["gitea", "forgejo", "owncast", "peertube"], box: box.path))
        let added = try Self.render(["owncast", "peertube"], out: box)
        #expect(Self.probedAppPorts(planned) == Self.renderedPorts(added))

        // A relative --box is taken from the working directory.
        let (ctx, out, _) = TestSupport.context(cwd: dir)
        var o = Self.options(box: "box", domain: nil)
        o.format = .json
        _ = try await PreflightCommand.run(o, catalog: S.catalog(), providers: S.providers(), context: ctx)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        #expect(try decoder.decode(PreflightCommand.Report.self, from: Data(out.text.utf8)).box == box.path)
    }

    @Test("--box errors: missing directory, no manifest, no --server-ip, --host outside the box, no domain")
    func boxErrors() async throws {
        let dir = try TestSupport.tempDirectory("preflight-box-errors")
        defer { try? FileManager.default.removeItem(at: dir) }
        func usage(_ o: PreflightCommand.Options) async -> SelfhostError? {
            do { _ = try await S.run(o); return nil } catch let e as SelfhostError { return e } catch { return nil }
        }
        #expect(await usage(Self.options(box: dir.appendingPathComponent("nope").path))?.message.contains("is not a directory") == true)
        let notABox = await usage(Self.options(box: dir.path))
        #expect(notABox?.status == .usage && notABox?.message.contains("not a box rendered by selfhost render") == true)

        let box = dir.appendingPathComponent("box")
        _ = try Self.render(["gitea"], domain: nil, hosts: ["gitea=code.example.test"], out: box)
        var o = Self.options(box: box.path)
        o.serverIPs = []
        #expect(await usage(o)?.message.contains("--box needs --server-ip") == true)
        let host = await usage(Self.options(box: box.path, hosts: ["gita=x.example.test"]))
        #expect(host?.message.contains("not in the box") == true && host?.remedy?.contains("did you mean 'gitea'") == true)
        let domain = await usage(Self.options(box: box.path, domain: nil))
        #expect(domain?.message.contains("rendered without --domain") == true)
        // Given the domain, it runs.
        let (r, _, _) = try await S.run(Self.options(box: box.path))
        #expect(try Self.hostnames(Self.options(box: box.path)) == ["code.example.test"])
        #expect(Self.probedAppPorts(r) == ["2222/tcp"])

        try AtomicFile.write("{not json", to: box.appendingPathComponent(".selfhost/manifest.json"), permissions: 0o644)
        let broken = await usage(Self.options(box: box.path))
        #expect(broken?.status == .usage && broken?.message.contains("not a selfhost render manifest") == true)
    }
}
