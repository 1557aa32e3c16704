import Foundation
import Testing
@testable import SelfhostKit

/// `catalog outdated` against a registry on loopback (Fixtures/http/registry.py): the OCI tags API
/// behind an anonymous Bearer token, pages, rate limits, timeouts and broken answers.
@Suite("Catalog: outdated images")
struct CatalogOutdatedTests {
    @Test func tagShapes() {
        #expect(TagVersion.newest(of: ["15-alpine", "18-alpine", "18rc1-alpine", "17-bookworm", "latest", "17.2-alpine"], like: "17-alpine") == "18-alpine")
        #expect(TagVersion.newest(of: ["v1.2.0", "v1.10.0", "v1.9.9", "v2.0.0-rc.1", "main"], like: "v1.2.0") == "v1.10.0")
        #expect(TagVersion.newest(of: ["35.0.1-apache", "36.0.0-apache", "36.0.0-fpm"], like: "35.0.1-apache") == "36.0.0-apache")
        #expect(TagVersion.newest(of: ["12.4-0", "12.5-0", "12.5-1"], like: "12.4-0") == "12.5-0", "the suffix -0 is part of the shape")
        #expect(TagVersion("latest") == nil)
        #expect(TagVersion.newest(of: ["pg15", "pg17", "pg17-trixie"], like: "pg16") == "pg17")
    }

    @Test func references() {
        let pg = RegistryImage(name: "postgres", tag: "17-alpine")
        #expect(pg.registry == "registry-1.docker.io" && pg.repository == "library/postgres" && pg.display == "postgres")
        let ghcr = RegistryImage(name: "ghcr.io/umami-software/umami", tag: "3.4.0")
        #expect(ghcr.registry == "ghcr.io" && ghcr.repository == "umami-software/umami")
        let hub = RegistryImage(name: "louislam/uptime-kuma", tag: "2")
        #expect(hub.registry == "registry-1.docker.io" && hub.repository == "louislam/uptime-kuma")
    }

    func client(_ server: LoopbackHTTPServer, timeout: Double = 5, maxPages: Int = 20) -> RegistryClient {
        RegistryClient(timeout: timeout, maxPages: maxPages,
                       endpoints: ["registry-1.docker.io": server.baseURL, "ghcr.io": server.baseURL, "example.test": server.baseURL])
    }

    @Test func tokenDanceAndPages() throws {
        let server = try LoopbackHTTPServer(script: "registry.py")
        let result = try client(server).tags(RegistryImage(name: "postgres", tag: "17-alpine")).get()
        #expect(result.complete)
        #expect(result.tags.contains("18-alpine"), "the second page was read")
        let cut = try client(server, maxPages: 1).tags(RegistryImage(name: "postgres", tag: "17-alpine")).get()
        #expect(!cut.complete && !cut.tags.contains("18-alpine"))
    }

    @Test func failuresAreAnswers() throws {
        let server = try LoopbackHTTPServer(script: "registry.py")
        let c = client(server, timeout: 0.5)
        #expect(c.tags(RegistryImage(name: "example.test/limited/app", tag: "1")).failure == .rateLimited(retryAfter: "30"))
        #expect(c.tags(RegistryImage(name: "example.test/missing/app", tag: "1")).failure == .notFound)
        #expect(c.tags(RegistryImage(name: "example.test/slow/app", tag: "1")).failure == .transport(.timedOut(seconds: 0.5)))
        guard case .malformed = c.tags(RegistryImage(name: "example.test/broken/app", tag: "1")).failure else {
            Issue.record("a body that isn't JSON is malformed")
            return
        }
        guard case .unauthorized = c.tags(RegistryImage(name: "example.test/notoken/app", tag: "1")).failure else {
            Issue.record("a token service that refuses is unauthorized")
            return
        }
        // Nothing listens: an answer too, within the timeout.
        let dead = RegistryClient(timeout: 1, endpoints: ["example.test": "http://127.0.0.1:1"])
        guard case .transport(.cannotConnect) = dead.tags(RegistryImage(name: "example.test/x/y", tag: "1")).failure else {
            Issue.record("refused connection")
            return
        }
    }

    @Test func commandReportsPerImage() throws {
        let server = try LoopbackHTTPServer(script: "registry.py")
        let (ctx, out, _) = TestSupport.context(env: [:])
        let status = try CatalogOutdatedCommand.run(.init(apps: ["umami"], format: .json), catalog: TestSupport.catalog,
                                                    context: ctx, registry: client(server))
        #expect(status == .problems)
        let json = try TestSupport.json(out.text)
        let images = try #require(json["images"] as? [[String: Any]])
        let app = try #require(images.first { $0["service"] as? String == "app" })
        #expect(app["image"] as? String == "ghcr.io/umami-software/umami")
        #expect(app["newest"] as? String == "3.5.1" && app["status"] as? String == "outdated")
        #expect(app["checked_days_ago"] is Int)
        let db = try #require(images.first { $0["service"] as? String == "db" })
        #expect(db["image"] as? String == "postgres")
        #expect(db["status"] as? String == "outdated" && db["newest"] as? String == "18-alpine")
        #expect(json["outdated"] as? Int == 2)
        let (ctx2, _, _) = TestSupport.context()
        #expect(throws: SelfhostError.self) {
            try CatalogOutdatedCommand.run(.init(apps: ["nope"]), catalog: TestSupport.catalog, context: ctx2, registry: client(server))
        }
    }
}
