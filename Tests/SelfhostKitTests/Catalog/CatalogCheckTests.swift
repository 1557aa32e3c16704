import Foundation
import Testing
@testable import SelfhostKit

@Suite("Catalog check")
struct CatalogCheckTests {
    /// The catalog that ships must be clean: a broken entry fails CI here.
    @Test func shippedCatalogIsClean() {
        let result = CatalogLoader.loadChecking(ResourceStore.embedded)
        let problems = result.diagnostics.filter { $0.severity == .error }.map(\.compilerStyle)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    /// The repository's catalog/ files (what the next build embeds) are clean too.
    @Test func sourceCatalogIsClean() throws {
        let store = try ResourceStore.embedded.overlaying(catalogDirectory: TestSupport.repoRoot.appendingPathComponent("catalog"))
        let problems = CatalogLoader.loadChecking(store).diagnostics.filter { $0.severity == .error }.map(\.compilerStyle)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test func coverage() {
        let c = TestSupport.catalog
        #expect(c.saas.count >= 25)
        #expect(c.apps.count >= 35)
        let used = Set(c.apps.flatMap(\.categories) + c.saas.map(\.category))
        #expect(used.count >= 12)
        for id in ["mailchimp", "google-analytics", "slack", "heroku", "vimeo", "hubspot", "klaviyo", "netlify",
                   "vercel", "shopify", "pythonanywhere", "google-fonts"] {
            #expect(c.saas(id) != nil, "missing SaaS \(id)")
        }
        for id in ["listmonk", "keila", "mautic", "umami", "plausible", "matomo", "posthog", "rocketchat", "mattermost",
                   "zulip", "discourse", "nodebb", "flarum", "dokku", "coolify", "caprover", "peertube", "uptime-kuma", "ghost"] {
            #expect(c.app(id) != nil, "missing app \(id)")
        }
        for category in ["newsletter", "web-analytics", "product-analytics", "team-chat", "forum", "paas", "video-hosting",
                         "uptime-monitoring", "cms", "git-hosting", "file-sync", "bi", "automation", "scheduling",
                         "support-chat", "e-commerce"] {
            #expect(used.contains(category), "no entry in category \(category)")
        }
    }

    @Test func everyFactHasASourceAndDate() {
        for app in TestSupport.catalog.apps {
            #expect(!app.sources.isEmpty, "\(app.id) has no sources")
            for s in app.sources { #expect(s.checked.count == 10, "\(app.id): source \(s.url) has no date") }
            if let image = app.image { #expect(!ImageTag.isFloating(image.tag), "\(app.id) uses floating tag \(image.tag)") }
        }
    }

    /// Each broken fixture produces the located diagnostic it was written to trigger.
    @Test func brokenCatalogReportsEveryProblemLocated() throws {
        let dir = TestSupport.fixtures.appendingPathComponent("catalog-broken")
        let store = try ResourceStore.embedded.overlaying(catalogDirectory: dir)
        let lines = CatalogLoader.loadChecking(store).diagnostics.map(\.compilerStyle)
        let expected = [
            "badapp.yaml:1:1: error: missing required key 'name' in app",
            "badapp.yaml:2:1: error: unknown key 'nmae' in app; did you mean 'name'",
            "badapp.yaml:7:13: error: 'repository' must be an http(s) URL",
            "badapp.yaml:17:7: error: 'port' must be an integer",
            "badapp.yaml:20:11: error: 'companions[0].kind' is 'postgress'",
            "badapp.yaml:27:11: error: 'smtp.needed' is 'no'",
            "badapp.yaml:29:41: error: 'sources[0].checked' must be a date",
            "refapp.yaml:4:14: error: unknown category 'web-analytic'; did you mean 'web-analytics'?",
            "refapp.yaml:5:12: error: replaces 'mailchimp', but catalog/saas/mailchimp.yaml does not list 'refapp'",
            "refapp.yaml:8:10: error: 'GPL-3.0' is not an SPDX license id",
            "refapp.yaml:16:8: error: image tag 'latest' floats",
            "refapp.yaml:24:3: error: no RAM figure and no `resources.notes`",
            "refapp.yaml:27:17: error: backup names service 'cache', which is not a companion",
            "refapp.yaml:13:15: error: renderable app has no `upstream`",
            "badsaas.yaml:3:11: error: name 'ga' is ambiguous: also used by google-analytics",
            "badsaas.yaml:9:10: error: unknown app 'umamii'; did you mean 'umami'?",
            "badsaas.yaml:11:10: error: lists 'listmonk', but catalog/apps/listmonk.yaml does not have 'badsaas' in replaces",
            "pricing/hetzner.yaml:4:1: error: unknown key 'currncy' in pricing file; did you mean 'currency'?",
        ]
        for e in expected {
            #expect(lines.contains { $0.contains(e) }, "expected a diagnostic containing: \(e)\ngot:\n\(lines.joined(separator: "\n"))")
        }
    }

    /// Other commands refuse a malformed user catalog with a located error (exit 2), not a crash.
    @Test func malformedUserCatalogIsAUsageError() throws {
        let dir = TestSupport.fixtures.appendingPathComponent("catalog-malformed")
        let store = try ResourceStore.embedded.overlaying(catalogDirectory: dir)
        do {
            _ = try CatalogLoader.load(store)
            Issue.record("a malformed catalog loaded")
        } catch let error as SelfhostError {
            #expect(error.status == .usage)
            #expect(error.location?.file.hasSuffix("broken-yaml.yaml") == true)
            #expect(error.location?.line == 4)
            #expect(error.message.contains("invalid YAML"))
        }
    }

    @Test func floatingTags() {
        for tag in ["latest", "", "postgresql-latest", "production-bookworm", "stable", "main", "LTS"] {
            #expect(ImageTag.isFloating(tag), "\(tag) should float")
        }
        for tag in ["v6.2.0", "16-alpine", "3.3.1", "12.1-0", "2.6.2"] {
            #expect(!ImageTag.isFloating(tag), "\(tag) is pinned")
        }
    }

    @Test func spdxExpressions() {
        let known: Set = ["MIT", "AGPL-3.0-only", "Apache-2.0", "LLVM-exception"]
        #expect(SPDXExpression.unknownIdentifiers(in: "MIT", known: known).isEmpty)
        #expect(SPDXExpression.unknownIdentifiers(in: "(AGPL-3.0-only OR LicenseRef-Enterprise)", known: known).isEmpty)
        #expect(SPDXExpression.unknownIdentifiers(in: "Apache-2.0 WITH LLVM-exception", known: known).isEmpty)
        #expect(SPDXExpression.unknownIdentifiers(in: "GPL-3.0 AND MIT", known: known) == ["GPL-3.0"])
    }
}

@Suite("Catalog loading")
struct CatalogLoadingTests {
    /// The build-time trees and the validated YAML path must read the same catalog.
    @Test func prebuiltTreesMatchValidatedYAML() throws {
        let fast = try CatalogLoader.loadPrebuilt(ResourceStore.embedded)
        let slow = try CatalogLoader.loadValidated(ResourceStore.embedded)
        #expect(fast.apps == slow.apps)
        #expect(fast.saas == slow.saas)
        #expect(fast.categories == slow.categories)
    }

    /// The shipped catalog read entry by entry answers as the validated one: every look-up, the
    /// lists, the name index (aliases included) and the categories and licenses.
    @Test func lazyCatalogMatchesValidated() throws {
        let slow = try CatalogLoader.loadValidated(ResourceStore.embedded)
        let lazy = try CatalogLoader.load(ResourceStore.embedded)
        #expect(lazy.decodedEntryCount == 0)
        for app in slow.apps { #expect(lazy.app(app.id) == app) }
        for s in slow.saas {
            for name in [s.id, s.name, s.name.uppercased()] + s.aliases { #expect(lazy.findSaaS(name) == slow.findSaaS(name), "\(name)") }
            #expect(lazy.saas(s.id) == s)
        }
        #expect(lazy.saasNamesForSuggestions == slow.saasNamesForSuggestions)
        #expect(lazy.apps == slow.apps)
        #expect(lazy.saas == slow.saas)
        #expect(lazy.categories == slow.categories)
        #expect(lazy.licenseIDs == slow.licenseIDs)
        #expect(lazy.app("no-such-app") == nil && lazy.findSaaS("no such saas") == nil)
        #expect(lazy.app("../saas/mailchimp") == nil)
    }

    /// `recommend mailchimp` decodes mailchimp and its alternatives, not the whole catalog.
    @Test func recommendDecodesOnlyWhatItShows() throws {
        let catalog = try CatalogLoader.load(ResourceStore.embedded)
        let (ctx, out, _) = TestSupport.context()
        let status = try RecommendCommand.run(.init(query: "mailchimp"), catalog: catalog, store: .embedded, context: ctx)
        #expect(status == .success)
        #expect(out.text.contains("Mailchimp"))
        let mailchimp = try #require(TestSupport.catalog.saas("mailchimp"))
        #expect(catalog.decodedEntryCount == 1 + Set(mailchimp.alternatives.map(\.app)).count)
        #expect(catalog.decodedEntryCount < TestSupport.catalog.apps.count + TestSupport.catalog.saas.count)
    }

    /// The embedded files are found by path and by folder as the build plugin listed them.
    @Test func embeddedStoreLooksUpByPath() throws {
        let store = ResourceStore.embedded
        let all = store.files
        #expect(all.count == EmbeddedResources.paths.count)
        #expect(EmbeddedResources.paths == EmbeddedResources.paths.sorted())
        for (path, file) in all {
            #expect(store.file(path) == file)
        }
        #expect(store.files(under: "catalog/apps/").map(\.path) == all.keys.filter { $0.hasPrefix("catalog/apps/") }.sorted())
        #expect(store.paths(under: "templates/") == all.keys.filter { $0.hasPrefix("templates/") }.sorted())
        #expect(store.file("catalog/apps/") == nil && store.file("catalog/apps/umami.yam") == nil)
    }

    /// A user overlay replaces a shipped entry by relative path and is validated.
    @Test func userDirectoryOverridesShippedEntry() throws {
        let dir = try TestSupport.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let apps = dir.appendingPathComponent("apps")
        try FileManager.default.createDirectory(at: apps, withIntermediateDirectories: true)
        let original = try #require(ResourceStore.embedded.file("catalog/apps/umami.yaml")).contents
        let edited = original.replacingOccurrences(of: "\nname: Umami\n", with: "\nname: Umami (local)\n")
        #expect(edited != original)
        try edited.write(to: apps.appendingPathComponent("umami.yaml"), atomically: true, encoding: .utf8)
        let catalog = try CatalogLoader.load(ResourceStore.embedded.overlaying(catalogDirectory: dir))
        #expect(catalog.app("umami")?.name == "Umami (local)")
    }
}

@Suite("Catalog docs")
struct CatalogDocsTests {
    /// Every key the schema accepts is documented in docs/CATALOG.md.
    @Test func everySchemaKeyIsDocumented() throws {
        let docs = try String(contentsOf: TestSupport.repoRoot.appendingPathComponent("docs/CATALOG.md"), encoding: .utf8)
        func keys(_ type: SchemaType) -> [String] {
            switch type {
            case .map(let schema): schema.fields.flatMap { [$0.name] + keys($0.type) }
            case .list(let element): keys(element)
            default: []
            }
        }
        for key in Set(keys(.map(CatalogSchema.app)) + keys(.map(CatalogSchema.saas))) {
            #expect(docs.contains("`\(key)`"), "docs/CATALOG.md does not document `\(key)`")
        }
    }
}

@Suite("Catalog overlay layout")
struct CatalogOverlayLayoutTests {
    func dir() throws -> URL { try TestSupport.tempDirectory("overlay") }

    @Test func misplacedFileIsReportedNotIgnored() throws {
        let d = try dir()
        defer { try? FileManager.default.removeItem(at: d) }
        try "id: x\n".write(to: d.appendingPathComponent("x.yaml"), atomically: true, encoding: .utf8)
        let result = CatalogLoader.loadChecking(try ResourceStore.embedded.overlaying(catalogDirectory: d))
        #expect(result.diagnostics.contains { $0.ruleID == "catalog.layout" && $0.location?.file.hasSuffix("x.yaml") == true })
    }

    @Test func aSubfolderOrOneFileCanBeChecked() throws {
        let d = try dir()
        defer { try? FileManager.default.removeItem(at: d) }
        let apps = d.appendingPathComponent("apps")
        try FileManager.default.createDirectory(at: apps, withIntermediateDirectories: true)
        try "id: x\n".write(to: apps.appendingPathComponent("x.yaml"), atomically: true, encoding: .utf8)
        for path in [apps, apps.appendingPathComponent("x.yaml")] {
            let result = CatalogLoader.loadChecking(try ResourceStore.embedded.overlaying(catalogDirectory: path))
            #expect(result.diagnostics.contains { $0.message.contains("missing required key 'name'") }, "\(path.path)")
        }
    }

    /// A broken override of a shipped app is reported once, in the user's file, not again as an
    /// "unknown app" in the shipped SaaS entries that list it.
    @Test func brokenOverrideDoesNotBlameShippedFiles() throws {
        let d = try dir()
        defer { try? FileManager.default.removeItem(at: d) }
        let apps = d.appendingPathComponent("apps")
        try FileManager.default.createDirectory(at: apps, withIntermediateDirectories: true)
        try "id: umami\nname: [\n".write(to: apps.appendingPathComponent("umami.yaml"), atomically: true, encoding: .utf8)
        let diags = CatalogLoader.loadChecking(try ResourceStore.embedded.overlaying(catalogDirectory: d)).diagnostics
        #expect(!diags.isEmpty)
        #expect(diags.allSatisfy { $0.location?.file.hasPrefix(d.path) == true }, "\(diags.map(\.compilerStyle))")
    }
}

@Suite("Recommend input")
struct RecommendInputTests {
    @Test func unknownLicenseAndEmptyNameAreUsageErrors() {
        let (ctx, _, _) = TestSupport.context()
        #expect(throws: SelfhostError.self) { try RecommendCommand.run(.init(query: "slack", license: "bogus"), catalog: TestSupport.catalog, context: ctx) }
        #expect(throws: SelfhostError.self) { try RecommendCommand.run(.init(query: "  "), catalog: TestSupport.catalog, context: ctx) }
        #expect(throws: Never.self) { try RecommendCommand.run(.init(query: "slack", license: "agpl-3.0"), catalog: TestSupport.catalog, context: ctx) }
    }

    @Test func ramFigures() {
        #expect(RecommendCommand.formatMB(512) == "512 MB")
        #expect(RecommendCommand.formatMB(2000) == "2 GB")
        #expect(RecommendCommand.formatMB(4295) == "4.3 GB")
        #expect(RecommendCommand.formatMB(1024) == "1 GB")
    }
}

@Suite("Catalog upstream and first-start facts")
struct CatalogUpstreamTests {
    /// 2026-12-01 12:00 UTC, the injected "today".
    static let today = Date(timeIntervalSince1970: 1_796_126_400)

    func lines(today: Date? = CatalogUpstreamTests.today) throws -> [String] {
        let dir = TestSupport.fixtures.appendingPathComponent("catalog-upstream")
        let store = try ResourceStore.embedded.overlaying(catalogDirectory: dir)
        return CatalogLoader.loadChecking(store, today: today).diagnostics.map(\.compilerStyle)
    }

    func expectAll(_ expected: [String], in lines: [String]) {
        for e in expected {
            #expect(lines.contains { $0.contains(e) }, "expected a diagnostic containing: \(e)\ngot:\n\(lines.joined(separator: "\n"))")
        }
    }

    @Test func todayIsTheInjectedDate() {
        #expect(CatalogLoader.dayString(Self.today) == "2026-12-01")
        #expect(CatalogLoader.dayString(Date(timeIntervalSince1970: 0)) == "1970-01-01")
    }

    /// A renderable app must say what its template was checked against and how its first start is closed.
    @Test func renderableAppWithoutThemFailsLocated() throws {
        expectAll([
            "noupstream.yaml:13:15: error: renderable app has no `upstream`",
            "noupstream.yaml:13:15: error: renderable app has no `first_start`",
        ], in: try lines())
    }

    @Test func vocabulariesAndDatesAreSchemaChecked() throws {
        expectAll([
            "badwords.yaml:24:3: error: missing required key 'upstream.entrypoint' in upstream",
            "badwords.yaml:24:91: error: 'upstream.compose.checked' must be a date",
            "badwords.yaml:29:13: error: 'first_start.exposure' is 'wizard'; expected one of: preseeded, web-installer, first-visitor-admin, default-credentials, open-signup, none",
            "badwords.yaml:32:14: error: 'first_start.closed_by' is 'locked'; expected one of: preseed, gate, none-needed",
        ], in: try lines())
    }

    @Test func contradictionsAreReportedWhereTheyAre() throws {
        let found = try lines()
        expectAll([
            "umami.yaml:28:17: error: 'upstream.compose.repository' must be an https URL",
            "umami.yaml:31:14: error: 'upstream.compose.checked' is 2027-01-05, after today (2026-12-01)",
            "umami.yaml:33:11: error: 'DATABASE_URL' is listed under both upstream.reads and upstream.refuses",
            "umami.yaml:20:5: error: env 'HASH_SALT' is a name upstream's entrypoint refuses",
            "templates/apps/umami/compose.yaml.mustache:9:7: error: the template sets 'DATABASE_URL', which umami's upstream.refuses lists",
            "umami.yaml:40:14: error: first_start.exposure 'default-credentials' leaves a fresh install open; closed_by cannot be none-needed",
            "preseedapp.yaml:34:26: error: preseed variable 'ADMIN_PASSWORD' is not under env",
            "gatus.yaml:35:32: error: preseed variable 'GATUS_ADMIN_PASSWORD' is not set by templates/apps/gatus/compose.yaml.mustache",
        ], in: found)
        #expect(!found.contains { $0.contains("preseed variable 'GATUS_CONFIG_PATH'") })
        // Named and set: no complaint.
        #expect(!found.contains { $0.contains("preseed variable 'ADMIN_EMAIL'") })
        #expect(!found.contains { $0.contains("'APP_SECRET' is listed under both") })
    }

    /// Without a clock (other commands' loading), dates are not compared with today.
    @Test func futureDatesNeedTheClock() throws {
        #expect(!(try lines(today: nil)).contains { $0.contains("after today") })
    }

    /// `catalog check` passes its context's clock.
    @Test func checkCommandUsesTheContextClock() throws {
        let dir = TestSupport.fixtures.appendingPathComponent("catalog-upstream")
        let store = try ResourceStore.embedded.overlaying(catalogDirectory: dir)
        let out = BufferSink()
        let context = Context(stdout: out, stderr: BufferSink(), workingDirectory: URL(fileURLWithPath: "/"), now: { Self.today })
        #expect(CatalogCheckCommand.run(.init(), store: store, context: context) == .problems)
        #expect(out.text.contains("after today (2026-12-01)"))
    }

    /// `catalog show` prints both facts, in text and JSON.
    @Test func showPrintsTheFacts() throws {
        let dir = TestSupport.fixtures.appendingPathComponent("catalog-upstream")
        let catalog = CatalogLoader.loadChecking(try ResourceStore.embedded.overlaying(catalogDirectory: dir)).catalog
        let (ctx, out, _) = TestSupport.context()
        #expect(try CatalogShowCommand.run(.init(id: "preseedapp"), catalog: catalog, context: ctx) == .success)
        #expect(out.text.contains("exposure: first-visitor-admin → closed by preseed (ADMIN_EMAIL, ADMIN_PASSWORD)"))
        #expect(out.text.contains("compose:    https://example.org/src compose.yml @ v1.0.0 (checked 2026-11-30)"))
        #expect(out.text.contains("entrypoint: https://example.org/src docker/entrypoint.sh @ v1.0.0"))

        let (jctx, jout, _) = TestSupport.context()
        #expect(try CatalogShowCommand.run(.init(id: "preseedapp", format: .json), catalog: catalog, context: jctx) == .success)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(jout.text.utf8)) as? [String: Any])
        let up = try #require(json["upstream"] as? [String: Any])
        #expect((up["compose"] as? [String: Any])?["ref"] as? String == "v1.0.0")
        #expect((up["entrypoint"] as? [String: Any])?["path"] as? String == "docker/entrypoint.sh")
        #expect(up["reads"] as? [String] == ["ADMIN_EMAIL"])
        let fs = try #require(json["first_start"] as? [String: Any])
        #expect(fs["exposure"] as? String == "first-visitor-admin")
        #expect(fs["closed_by"] as? String == "preseed")
        #expect(fs["preseed"] as? [String] == ["ADMIN_EMAIL", "ADMIN_PASSWORD"])

        // A non-renderable app has neither: both keys present and null.
        let (nctx, nout, _) = TestSupport.context()
        let other = try #require(TestSupport.catalog.apps.first { !$0.install.renderable })
        _ = try CatalogShowCommand.run(.init(id: other.id, format: .json), catalog: TestSupport.catalog, context: nctx)
        let n = try #require(try JSONSerialization.jsonObject(with: Data(nout.text.utf8)) as? [String: Any])
        #expect(n["upstream"] is NSNull)
        #expect(n["first_start"] is NSNull)
    }

    @Test func environmentKeysOfATemplate() {
        let file = ResourceStore.File(path: "t", displayPath: "t.mustache", contents: """
            services:
              app:
                environment:
                  A_B: "1"
                  - LEGACY=1
                  # NOT_ME: 1
            """)
        let keys = CatalogChecker.environmentKeys(in: file).map { "\($0.0)@\($0.1)" }
        #expect(keys.contains("A_B@t.mustache:4:7"))
        #expect(keys.contains("LEGACY@t.mustache:5:9"))
        #expect(!keys.contains { $0.hasPrefix("NOT_ME") })
    }
}
