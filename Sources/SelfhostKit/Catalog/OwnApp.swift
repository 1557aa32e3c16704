import Foundation

/// A person's own app in the box (`selfhost render ./myapp.yaml umami`): a short YAML file
/// (docs/OWNAPP.md), far smaller than a catalog entry. It is read through the catalog's located
/// YAML path (budget, `SchemaValidator`, every problem at `file:line:col`, exit 2) and turned into
/// what render already knows how to deploy: a synthetic catalog `App` and, in an overlay of the
/// resource store, its compose template (the catalog's partials and companion healthchecks), its
/// `setup.yaml` (values derived from the host) and a copy of the file itself. So the app gets the
/// same private networks, Caddy site, units, backups, setup gate and `mem_limit` as catalog apps.
///
/// All parsing of the format lives in this file.
public struct OwnApp: Sendable, Equatable {
    public struct EnvVar: Sendable, Equatable {
        public var name: String
        /// A literal value (written to `.env` on the first render, then kept).
        public var value: String?
        public var secret: App.Secret?
        /// `host`, `url` or `email`: filled by render from its `--domain`/`--host`/`--email`.
        public var from: String?
        public var required: Bool
        public var description: String?
    }

    /// A data service by kind, with the env names the app wants its connection details in.
    public struct CompanionUse: Sendable, Equatable {
        public var kind: String
        public var image: String
        public var tag: String
        /// Role (`url`, `host`, `port`, `user`, `password`, `database`) → env name in the app.
        public var env: [(role: String, name: String)]

        public static func == (a: Self, b: Self) -> Bool {
            a.kind == b.kind && a.image == b.image && a.tag == b.tag && a.env.map(\.role) == b.env.map(\.role) && a.env.map(\.name) == b.env.map(\.name)
        }
    }

    public struct Volume: Sendable, Equatable {
        public var name: String
        public var path: String
    }

    public var id: String
    public var name: String
    /// `name` and `tag` of the image (for `build`, the local tag render gives the built image).
    public var image: App.Image
    /// Absolute build context and Dockerfile (relative to the context), when the file says `build`.
    public var buildContext: String?
    public var dockerfile: String?
    public var port: Int
    public var healthPath: String
    public var healthCommand: [String]?
    public var host: String?
    public var ramMB: Int?
    public var env: [EnvVar]
    public var companions: [CompanionUse]
    public var volumes: [Volume]
    public var closedBy: App.FirstStart.ClosedBy
    public var exposure: App.FirstStart.Exposure
    public var preseed: [String]
    public var firstStartDetail: String?
    public var websockets: Bool
    public var maxUploadMB: Int?
    /// The file as read (copied into the box) and where it was read from.
    public var text: String
    public var file: String

    /// The name of the copy in the app's directory of the box.
    public static let copyName = "selfhost-app.yaml"

    // MARK: - Schema

    static let roles = ["url", "host", "port", "user", "password", "database"]

    static let schema = Schema("own app", [
        required("id", .string), optional("name", .string),
        optional("image", .string),
        optional("build", .map(Schema("build", [required("context", .string), optional("dockerfile", .string)]))),
        required("port", .int),
        required("health", .string), optional("health_command", .list(.string)),
        optional("host", .string), optional("ram_mb", .int),
        optional("env", .list(.map(Schema("env variable", [
            required("name", .string), optional("value", .string),
            optional("secret", .map(Schema("secret", [
                required("format", .oneOf(App.SecretFormat.allCases.map(\.rawValue))), required("length", .int),
            ]))),
            optional("from", .oneOf(["host", "url", "email"])),
            optional("required", .bool), optional("description", .string),
        ])))),
        optional("companions", .list(.map(Schema("companion", [
            required("kind", .oneOf(OwnAppCompanions.kinds)), optional("image", .string),
            optional("env", .map(Schema("companion env", roles.map { optional($0, .string) }))),
        ])))),
        optional("volumes", .list(.map(Schema("volume", [required("name", .string), required("path", .string)])))),
        optional("first_start", .map(Schema("first_start", [
            required("closed_by", .oneOf(App.FirstStart.ClosedBy.allCases.map(\.rawValue))),
            optional("exposure", .oneOf(App.FirstStart.Exposure.allCases.map(\.rawValue))),
            optional("preseed", .list(.string)), optional("detail", .string),
        ]))),
        optional("proxy", .map(Schema("proxy", [optional("websockets", .bool), optional("max_upload_mb", .int)]))),
    ])

    /// Names of the passwords render generates for the companions (in the app's `.env`).
    static let reservedNames: Set<String> = Set(["COMPOSE_PROJECT_NAME"] + OwnAppCompanions.all.flatMap(\.secrets))

    /// Ids the box uses for its own directories (and the key of Caddy's edge network).
    static let reservedIDs: Set<String> = ["caddy", "systemd", "backups", "selfhost", RenderBox.edgeKey]

    // MARK: - Reading

    /// Whether a render argument names a file rather than an app id.
    public static func isPath(_ argument: String) -> Bool {
        argument.contains("/") || argument.hasSuffix(".yaml") || argument.hasSuffix(".yml")
    }

    /// Reads the file at `path` (relative paths inside it are relative to its directory).
    public static func load(path: String, catalog: Catalog, store: ResourceStore) throws -> OwnApp {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), !isDir.boolValue else {
            throw SelfhostError.usage("no app file at \(path)", at: SourceLocation(file: path),
                                      remedy: "give the path of your app's YAML file (docs/OWNAPP.md), e.g. selfhost render ./myapp.yaml umami --domain example.com")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
        guard size <= InputBudget.maxFileBytes else {
            throw SelfhostError.usage("\(path) is \(size) bytes, more than an app file may be (\(InputBudget.maxFileBytes))", at: SourceLocation(file: path),
                                      remedy: "an app file is a few dozen lines (docs/OWNAPP.md)")
        }
        guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
            throw SelfhostError.usage("cannot read \(path) as UTF-8 text", at: SourceLocation(file: path), remedy: "check the file and its permissions")
        }
        return try parse(text, file: url.path, baseDirectory: url.deletingLastPathComponent().path, catalog: catalog, store: store)
    }

    /// Parses and checks an app file; the first problem is thrown (exit 2) with its position and
    /// the number of others, as `render` reports a broken catalog.
    public static func parse(_ text: String, file: String, baseDirectory: String, catalog: Catalog?, store: ResourceStore) throws -> OwnApp {
        var diags: [Diagnostic] = []
        let app = read(text, file: file, baseDirectory: baseDirectory, catalog: catalog, store: store, into: &diags)
        let errors = diags.sortedByLocation().filter { $0.severity == .error }
        if let first = errors.first {
            let more = errors.count > 1 ? " (and \(errors.count - 1) more problem\(errors.count == 2 ? "" : "s"))" : ""
            throw SelfhostError.usage(first.message + more, at: first.location, remedy: first.fix ?? "see docs/OWNAPP.md for the keys an app file takes")
        }
        guard let app else { throw SelfhostError.usage("\(file): not an app file", at: SourceLocation(file: file), remedy: "see docs/OWNAPP.md") }
        return app
    }

    /// Every problem of the file (for `lint`), and the app when there is none.
    /// `checkBuildContext: false` (lint, reading a box's copy) skips whether the build context exists.
    static func read(_ text: String, file: String, baseDirectory: String, catalog: Catalog?, store: ResourceStore,
                     checkBuildContext: Bool = true, into diags: inout [Diagnostic]) -> OwnApp? {
        let root: YAMLNode
        do {
            guard let node = try YAMLParser.parse(text, file: file) else {
                diags.append(Diagnostic(.error, "the app file is empty", at: SourceLocation(file: file), rule: "ownapp.schema",
                                        fix: "write at least id, image (or build), port and health (docs/OWNAPP.md)"))
                return nil
            }
            root = node
        } catch let e as SelfhostError {
            diags.append(Diagnostic(.error, e.message, at: e.location, rule: "ownapp.yaml", fix: e.remedy))
            return nil
        } catch {
            diags.append(Diagnostic(.error, "cannot parse: \(error)", at: SourceLocation(file: file), rule: "ownapp.yaml"))
            return nil
        }
        diags += SchemaValidator.check(root, against: schema, rule: "ownapp.schema")
        guard diags.isEmpty, root.isMapping else { return nil }
        let m = root
        let before = diags.count
        func error(_ message: String, _ node: YAMLNode?, fix: String? = nil) {
            diags.append(Diagnostic(.error, message, at: (node ?? root).location, rule: "ownapp.schema", fix: fix))
        }
        func s(_ node: YAMLNode?) -> String? { node?.string }

        // id and name
        let idNode = m["id"]
        let id = s(idNode) ?? ""
        if !isID(id) {
            error("id \(RenderInputValidation.quoted(id)) is not an app id", idNode, fix: "use 2–30 lower-case letters, digits and '-', starting with a letter, e.g. id: shop")
        } else if reservedIDs.contains(id) {
            error("id '\(id)' is a directory of the box itself", idNode, fix: "choose another id")
        } else if let app = catalog?.app(id) {
            error("id '\(id)' is the catalog's \(app.name)", idNode, fix: "choose an id no catalog app has (`selfhost catalog list`)")
        }
        let name = s(m["name"]).map(oneLine) ?? id
        if name.contains("{{") || name.contains("}}") { error("name must not contain '{{' or '}}'", m["name"]) }

        // image or build
        var image = App.Image(name: "selfhost-local/\(id)", tag: "build")
        var context: String?
        var dockerfile: String?
        switch (m["image"], m["build"]) {
        case (nil, nil):
            error("the app needs `image:` (a pinned name:tag) or `build:` (a build context)", root, fix: "e.g. image: ghcr.io/you/shop:1.4.2, or build: {context: .}")
        case (.some, .some):
            error("give either `image:` or `build:`, not both", m["build"])
        case (let node?, nil):
            let ref = s(node) ?? ""
            if let (n, t) = splitReference(ref), imageProblem(n, t) == nil {
                image = App.Image(name: n, tag: t)
            } else {
                let problem = splitReference(ref).flatMap { imageProblem($0.0, $0.1) } ?? "it has no tag"
                error("image \(RenderInputValidation.quoted(ref)): \(problem)", node, fix: "pin a release: registry/name:tag, e.g. ghcr.io/you/shop:1.4.2")
            }
        case (nil, let node?):
            let b = node
            let raw = s(b["context"]) ?? ""
            let path = raw.hasPrefix("/") ? raw : (baseDirectory as NSString).appendingPathComponent(raw)
            let resolved = URL(fileURLWithPath: path).standardizedFileURL.path
            var isDir: ObjCBool = false
            if !isSafePath(resolved) {
                error("build context \(RenderInputValidation.quoted(raw)) resolves to \(RenderInputValidation.quoted(resolved)), which has characters a compose file can't carry plainly", b["context"],
                      fix: "use a path of letters, digits, '/', '.', '_' and '-'")
            } else if checkBuildContext && (!FileManager.default.fileExists(atPath: resolved, isDirectory: &isDir) || !isDir.boolValue) {
                error("build context \(resolved) is not a directory", b["context"], fix: "give the directory holding the Dockerfile, relative to this file")
            } else {
                context = resolved
            }
            if let df = b["dockerfile"] {
                let d = s(df) ?? ""
                if !isSafePath(d) || d.hasPrefix("/") { error("dockerfile \(RenderInputValidation.quoted(d)) must be a plain path inside the context", df) }
                else { dockerfile = d }
            }
        }

        // port, health
        let port = Int(s(m["port"]) ?? "") ?? 0
        if !(1...65535).contains(port) { error("port \(port) is out of range", m["port"], fix: "the TCP port the app listens on inside its container, 1–65535") }
        let health = s(m["health"]) ?? ""
        if !health.hasPrefix("/") || !health.unicodeScalars.allSatisfy(isURLPathScalar) {
            error("health \(RenderInputValidation.quoted(health)) is not a URL path", m["health"],
                  fix: "the path the app answers 2xx on when it is up, e.g. health: /healthz (letters, digits and / . _ - ~ ? = & %)")
        }
        var healthCommand: [String]?
        if let hc = m["health_command"]?.items {
            let items = hc.compactMap(\.string)
            if items.isEmpty || !["CMD", "CMD-SHELL"].contains(items[0]) || items.count < 2 {
                error("health_command must start with CMD or CMD-SHELL and name a command", m["health_command"], fix: "e.g. health_command: [CMD, /app/healthcheck]")
            } else if let bad = hc.first(where: { ($0.string ?? "").contains { "{}\n\r\"\\$".contains($0) } }) {
                error("health_command items must not contain { } $ \" \\ or line breaks", bad)
            } else {
                healthCommand = items
            }
        }

        // host, ram, proxy
        var host: String?
        if let h = m["host"] {
            do { host = try RenderInputValidation.hostname(s(h) ?? "", flag: "host") } catch let e as SelfhostError { error(e.message, h, fix: e.remedy) } catch {}
        }
        var ramMB: Int?
        if let r = m["ram_mb"] {
            let v = Int(s(r) ?? "") ?? 0
            if !(16...InputBudget.maxRAMMB).contains(v) { error("ram_mb \(v) is out of range 16…\(InputBudget.maxRAMMB)", r, fix: "the app's memory limit in MB (10^6 bytes)") } else { ramMB = v }
        }
        let proxy = m["proxy"]
        let websockets = proxy?["websockets"]?.string == "true"
        var maxUpload: Int?
        if let u = proxy?["max_upload_mb"] {
            let v = Int(s(u) ?? "") ?? 0
            if !(1...100_000).contains(v) { error("proxy.max_upload_mb \(v) is out of range 1…100000", u) } else { maxUpload = v }
        }

        // env
        var env: [EnvVar] = []
        var names: [String: YAMLNode] = [:]
        func claim(_ n: String, _ node: YAMLNode?) {
            if !isEnvName(n) {
                error("\(RenderInputValidation.quoted(n)) is not an environment variable name", node, fix: "use letters, digits and '_', not starting with a digit")
            } else if reservedNames.contains(n) {
                error("\(n) is a name render sets itself (the companions' generated passwords, the Compose project)", node,
                      fix: "map the password to your own name instead, e.g. companions: [{kind: postgres, env: {password: DB_PASSWORD}}]")
            } else if let earlier = names[n] {
                error("\(n) is set twice (first at line \(earlier.line))", node)
            } else {
                names[n] = node ?? root
            }
        }
        for item in m["env"]?.items ?? [] {
            guard let e = item.isMapping ? item : nil else { continue }
            let n = s(e["name"]) ?? ""
            claim(n, e["name"])
            let given = ["value", "secret", "from"].filter { e[$0] != nil }
            if given.count > 1 { error("env \(n): give one of value, secret or from, not \(given.joined(separator: " and "))", item) }
            var secret: App.Secret?
            if let sn = e["secret"], sn.isMapping {
                let length = Int(s(sn["length"]) ?? "") ?? 0
                if !(8...4096).contains(length) { error("secret \(n): length \(length) is out of range 8…4096", sn["length"]) }
                secret = App.Secret(format: App.SecretFormat(rawValue: s(sn["format"]) ?? "") ?? .alphanumeric, length: length)
            }
            let value = s(e["value"])
            if let v = value, let bad = v.unicodeScalars.first(where: { $0.properties.generalCategory == .control || "$\"'\\`".unicodeScalars.contains($0) }) {
                error("env \(n): the value has \(RenderInputValidation.describe(bad)), which .env files read differently across tools", e["value"],
                      fix: "use a value without $, quotes, backslashes or control characters, or a secret")
            }
            env.append(EnvVar(name: n, value: value, secret: secret, from: s(e["from"]),
                              required: e["required"]?.string == "true", description: s(e["description"]).map(oneLine)))
        }

        // companions
        var companions: [CompanionUse] = []
        for item in m["companions"]?.items ?? [] {
            guard let c = item.isMapping ? item : nil, let kind = s(c["kind"]), let def = OwnAppCompanions.definition(kind) else { continue }
            if companions.contains(where: { $0.kind == kind }) { error("companion \(kind) is listed twice", c["kind"], fix: "one of each kind; the app may use several databases in it"); continue }
            var use = CompanionUse(kind: kind, image: def.image, tag: def.tag, env: [])
            if let i = c["image"] {
                let ref = s(i) ?? ""
                if let (n, t) = splitReference(ref), imageProblem(n, t) == nil { use.image = n; use.tag = t }
                else { error("companion \(kind): image \(RenderInputValidation.quoted(ref)) is not a pinned name:tag", i) }
            }
            var badRole = false
            for (keyNode, valueNode) in (c["env"]?.pairs ?? []).map({ ($0.key, $0.value) }) {
                guard let role = keyNode.string, let n = valueNode.string else { continue }
                guard def.roles.contains(role) else {
                    error("companion \(kind) has no \(role) to pass (it has \(def.roles.joined(separator: ", ")))", keyNode)
                    badRole = true
                    continue
                }
                claim(n, valueNode)
                use.env.append((role, n))
            }
            if use.env.isEmpty && !badRole {
                error("companion \(kind) gives the app no env name to find it by", item,
                      fix: "e.g. env: {\(def.roles[0]): \(kind == "redis" ? "REDIS_URL" : "DATABASE_URL")} (roles: \(def.roles.joined(separator: ", ")))")
            }
            companions.append(use)
        }

        // volumes
        var volumes: [Volume] = []
        for item in m["volumes"]?.items ?? [] {
            guard let v = item.isMapping ? item : nil else { continue }
            let vn = s(v["name"]) ?? "", path = s(v["path"]) ?? ""
            if !isVolumeName(vn) { error("volume name \(RenderInputValidation.quoted(vn)) is not a plain name", v["name"], fix: "letters, digits, '_', '.', '-', starting with a letter or digit") }
            else if volumes.contains(where: { $0.name == vn }) || companions.contains(where: { "\(id)-\($0.kind)-data" == vn }) { error("volume \(vn) is declared twice", v["name"]) }
            if !path.hasPrefix("/") || !isSafePath(path) || path == "/" { error("volume \(vn): path \(RenderInputValidation.quoted(path)) must be an absolute path in the container", v["path"]) }
            else if volumes.contains(where: { $0.path == path }) { error("volume \(vn): \(path) is mounted twice", v["path"]) }
            volumes.append(Volume(name: vn, path: path))
        }

        // first start
        var closedBy = App.FirstStart.ClosedBy.gate
        var exposure = App.FirstStart.Exposure.firstVisitorAdmin
        var preseed: [String] = []
        var detail: String?
        if let f = m["first_start"], f.isMapping {
            closedBy = App.FirstStart.ClosedBy(rawValue: s(f["closed_by"]) ?? "") ?? .gate
            if let e = s(f["exposure"]).flatMap(App.FirstStart.Exposure.init(rawValue:)) { exposure = e }
            else { exposure = closedBy == .noneNeeded ? .none : closedBy == .preseed ? .preseeded : .firstVisitorAdmin }
            detail = s(f["detail"]).map(oneLine)
            preseed = f["preseed"]?.items?.compactMap(\.string) ?? []
            switch closedBy {
            case .preseed:
                if preseed.isEmpty {
                    error("first_start: closed_by preseed needs `preseed:`, the env names your app creates its admin from", m["first_start"],
                          fix: "e.g. preseed: [DJANGO_SUPERUSER_USERNAME, DJANGO_SUPERUSER_PASSWORD], each an env entry of this file")
                }
                for (i, p) in preseed.enumerated() where !env.contains(where: { $0.name == p && ($0.secret != nil || $0.value != nil || $0.from != nil) }) {
                    error("first_start: preseed \(p) is not an env entry of this file with a value, secret or from", f["preseed"]?.item(i),
                          fix: "add it under env:, e.g. {name: \(p), secret: {format: alphanumeric, length: 32}}")
                }
            case .gate, .noneNeeded:
                if let p = f["preseed"] { error("first_start: preseed goes with closed_by: preseed", p) }
                if closedBy == .noneNeeded && detail == nil {
                    error("first_start: closed_by none-needed must say why in `detail:` (nothing a stranger can claim on a fresh start)", m["first_start"])
                }
            }
        }
        guard diags.count == before else { return nil }
        return OwnApp(id: id, name: name, image: image, buildContext: context, dockerfile: dockerfile, port: port, healthPath: health,
                      healthCommand: healthCommand, host: host, ramMB: ramMB, env: env, companions: companions, volumes: volumes,
                      closedBy: closedBy, exposure: exposure, preseed: preseed, firstStartDetail: detail,
                      websockets: websockets, maxUploadMB: maxUpload, text: text, file: file)
    }

    // MARK: - What render deploys

    /// The app as a catalog entry: what `RenderBox`, `RenderGate` and `BoxMemory` read.
    public func catalogApp(today: String) -> App {
        var envVars: [App.EnvVar] = env.map {
            App.EnvVar(name: $0.name, service: nil, required: $0.required, secret: $0.secret, default: $0.value, description: $0.description)
        }
        for c in companions {
            for secret in OwnAppCompanions.definition(c.kind)!.secrets {
                envVars.append(App.EnvVar(name: secret, service: c.kind, required: true, secret: App.Secret(format: .alphanumeric, length: 32),
                                          default: nil, description: "\(c.kind) password, generated (the app receives it through its own env names)"))
            }
        }
        let companionVolumes = companions.map { App.Volume(name: "\(id)-\($0.kind)-data", service: $0.kind, path: OwnAppCompanions.definition($0.kind)!.dataPath, description: "\($0.kind) data") }
        let dumps = companions.compactMap { c in OwnAppCompanions.definition(c.kind)!.backup.map { App.DatabaseBackup(service: c.kind, method: $0, database: id) } }
        let source = Source(url: "file://" + file, checked: today)
        let fsDetail = firstStartDetail ?? (closedBy == .gate
            ? "Your own app: selfhost can't know what a stranger could do on its first start, so it stays behind the setup gate until you open it."
            : "Your own app creates its admin from \(preseed.joined(separator: ", ")), set in .env by render.")
        return App(
            id: id, name: name, summary: "Your own app, described in \((file as NSString).lastPathComponent).", categories: [], replaces: [],
            website: "file://" + file, repository: "file://" + file, license: "NOASSERTION", openness: .sourceAvailable, licenseNotes: nil,
            language: "unknown", install: .init(method: "compose", renderable: true, instructions: nil, docs: "file://" + file),
            image: image, port: port, extraPorts: [],
            companions: companions.map { App.Companion(service: $0.kind, kind: $0.kind, image: $0.image, tag: $0.tag, required: true, notes: nil) },
            env: envVars,
            resources: .init(ramMinMB: nil, ramRecommendedMB: ramMB, cpu: nil, cpuFlags: nil, swapMB: nil,
                             notes: ramMB == nil ? "not given in the app file: render's default app_mem_mb" : nil),
            data: .init(volumes: volumes.map { App.Volume(name: $0.name, service: "app", path: $0.path, description: nil) } + companionVolumes,
                        backup: .init(databases: dumps, volumes: volumes.map(\.name),
                                      notes: companions.contains { $0.kind == "redis" } ? "Redis is kept as a cache and queue: its volume survives restarts but is not backed up." : nil)),
            smtp: .init(needed: "none", notes: nil), proxy: .init(websockets: websockets, maxUploadMB: maxUploadMB, notes: nil),
            upgrade: [], migrations: [], upstream: nil,
            firstStart: App.FirstStart(exposure: exposure, detail: fsDetail, preseed: closedBy == .preseed ? preseed : [], closedBy: closedBy, source: source),
            sources: [source])
    }

    /// The files render reads for a catalog app, for this one: its compose template, its
    /// `setup.yaml` (env values derived from the host) and the file itself, copied into the box.
    public func templateFiles() -> [ResourceStore.File] {
        let dir = "templates/apps/\(id)/"
        func file(_ name: String, _ contents: String) -> ResourceStore.File {
            ResourceStore.File(path: dir + name, displayPath: "\(self.file) (\(name))", contents: contents)
        }
        var files = [file("compose.yaml.mustache", composeTemplate()), file("files/\(Self.copyName)", text)]
        let derived = env.compactMap { e in e.from.map { "  \(e.name): \($0)" } }
        var setup = "# Written by selfhost render for your app \(id) (\((self.file as NSString).lastPathComponent)).\n"
        setup += derived.isEmpty ? "env_from_render: {}\n" : "env_from_render:\n" + derived.joined(separator: "\n") + "\n"
        if let context = buildContext {
            setup += "settings:\n  - \"The app's image is built from \(context) (docker compose build): that directory must exist at the same path where the box runs.\"\n"
        }
        files.append(file("setup.yaml", setup))
        return files
    }

    /// The compose template, in the catalog templates' shape: the app on its web network (and its
    /// private backend when it has companions), each companion from the catalog's healthcheck
    /// partials, every value from `.env`.
    func composeTemplate() -> String {
        var t = "{{% CONTENT_TYPE: TEXT}}\n"
        t += "# {{app.name}} at {{app.url}}, written by `selfhost render` from \(Self.copyName) (your own app). Values in ${...} come from .env.\n"
        t += "services:\n  app:\n    image: {{app.image}}\n"
        if let context = buildContext {
            t += "    build:\n      context: \(context)\n"
            if let d = dockerfile { t += "      dockerfile: \(d)\n" }
        }
        t += "    {{> compose/service-common}}\n    mem_limit: {{app.memLimit}}\n"
        var lines: [String] = env.map { "      \($0.name): \"${\($0.name)}\"" }
        for c in companions {
            let def = OwnAppCompanions.definition(c.kind)!
            for (role, name) in c.env { lines.append("      \(name): \"\(def.value(role, app: id))\"") }
        }
        if !lines.isEmpty { t += "    environment:\n" + lines.joined(separator: "\n") + "\n" }
        t += "    expose:\n      - \"{{app.port}}\"\n"
        if !volumes.isEmpty { t += "    volumes:\n" + volumes.map { "      - \($0.name):\($0.path)\n" }.joined() }
        if !companions.isEmpty {
            t += "    depends_on:\n" + companions.map { "      \($0.kind):\n        condition: service_healthy\n" }.joined()
        }
        let test: String
        if let hc = healthCommand {
            test = "[" + hc.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
        } else {
            // Whichever HTTP client the image has: curl, busybox/GNU wget, or Python's standard library.
            let url = "http://127.0.0.1:\(port)\(healthPath)"
            test = "[\"CMD-SHELL\", \"curl -fsS -o /dev/null '\(url)' || wget -q -O /dev/null '\(url)' || python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=4)' '\(url)'\"]"
        }
        t += "    healthcheck:\n      test: \(test)\n      interval: 30s\n      timeout: 5s\n      retries: 5\n      start_period: 60s\n"
        t += "    {{> compose/web-networks}}\n"
        for c in companions {
            let def = OwnAppCompanions.definition(c.kind)!
            t += "\n  \(c.kind):\n    image: {{companion.\(c.kind).image}}\n    {{> compose/service-common}}\n    mem_limit: {{companion.\(c.kind).memLimit}}\n"
            let environment = def.serviceEnvironment(app: id)
            if !environment.isEmpty { t += "    environment:\n" + environment.map { "      \($0.0): \($0.1)\n" }.joined() }
            if let command = def.command { t += "    command: \(command)\n" }
            t += "    volumes:\n      - \(id)-\(c.kind)-data:\(def.dataPath)\n    networks:\n      - backend\n"
            t += "    {{> compose/\(def.healthcheck)}}\n"
        }
        let allVolumes = volumes.map(\.name) + companions.map { "\(id)-\($0.kind)-data" }
        if !allVolumes.isEmpty { t += "\nvolumes:\n" + allVolumes.map { "  \($0): {}\n" }.joined() }
        t += "\n{{> compose/networks}}\n"
        return t
    }

    // MARK: - Helpers

    static func isID(_ s: String) -> Bool {
        (2...30).contains(s.count) && s.first!.isLowercase && s.last != "-"
            && s.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    static func isEnvName(_ s: String) -> Bool {
        guard let f = s.unicodeScalars.first, !("0"..."9").contains(f) else { return false }
        return s.count <= 128 && s.unicodeScalars.allSatisfy { ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0) || $0 == "_" }
    }

    static func isVolumeName(_ s: String) -> Bool {
        guard let f = s.unicodeScalars.first, f.isASCII, f.properties.isAlphabetic || ("0"..."9").contains(f) else { return false }
        return s.count <= 64 && s.unicodeScalars.allSatisfy { ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0) || "_.-".unicodeScalars.contains($0) }
    }

    static func isSafePath(_ s: String) -> Bool {
        !s.isEmpty && s.unicodeScalars.allSatisfy { ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0) || "/._-".unicodeScalars.contains($0) }
    }

    static func isURLPathScalar(_ c: Unicode.Scalar) -> Bool {
        (c.isASCII && c.properties.isAlphabetic) || ("0"..."9").contains(c) || "/._-~?=&%".unicodeScalars.contains(c)
    }

    /// What `catalog check` and render refuse in an image reference, floating tags included.
    static func imageProblem(_ name: String, _ tag: String) -> String? {
        if let p = ImageReference.problem(name: name, tag: tag) { return p }
        return ImageTag.isFloating(tag) ? "the tag '\(tag)' floats (it names whatever was pushed last)" : nil
    }

    /// `registry/name:tag` → (`registry/name`, `tag`); nil without a tag.
    static func splitReference(_ ref: String) -> (String, String)? {
        guard let colon = ref.lastIndex(of: ":"), !ref[colon...].contains("/") else { return nil }
        return (String(ref[..<colon]), String(ref[ref.index(after: colon)...]))
    }
}

/// The data services an app file may ask for by name: the catalog's companion kinds, with its
/// healthcheck partials (`templates/compose/healthcheck-*`), `mem_limit` defaults per kind and
/// backup methods. Each is pinned as the catalog's entries pin it most often (postgres:17-alpine
/// by 11 apps, redis:7-alpine by 5, mariadb:11.8 and mysql:8.4 the newest pins), so the box runs
/// images it already has; `image:` in the file pins another.
enum OwnAppCompanions {
    struct Definition: Sendable {
        var kind: String
        var image: String
        var tag: String
        var dataPath: String
        var port: Int
        /// Env names of the passwords render generates into the app's `.env`.
        var secrets: [String]
        var roles: [String]
        var healthcheck: String
        /// `data.backup.databases` method; nil for a cache (not backed up).
        var backup: String?
        var command: String?

        /// The compose value the app receives for `role`.
        func value(_ role: String, app: String) -> String {
            let password = "${\(secrets[0])}"
            switch (kind, role) {
            case ("postgres", "url"): return "postgresql://\(app):\(password)@postgres:5432/\(app)"
            case ("mariadb", "url"), ("mysql", "url"): return "mysql://\(app):\(password)@\(kind):3306/\(app)"
            case ("redis", "url"): return "redis://:\(password)@redis:6379/0"
            case (_, "host"): return kind
            case (_, "port"): return String(port)
            case (_, "user"): return app
            case (_, "password"): return password
            default: return app  // database
            }
        }

        func serviceEnvironment(app: String) -> [(String, String)] {
            switch kind {
            case "postgres": return [("POSTGRES_DB", app), ("POSTGRES_USER", app), ("POSTGRES_PASSWORD", "\"${POSTGRES_PASSWORD}\"")]
            case "mariadb": return [("MARIADB_DATABASE", app), ("MARIADB_USER", app), ("MARIADB_PASSWORD", "\"${MARIADB_PASSWORD}\""), ("MARIADB_ROOT_PASSWORD", "\"${MARIADB_ROOT_PASSWORD}\"")]
            case "mysql": return [("MYSQL_DATABASE", app), ("MYSQL_USER", app), ("MYSQL_PASSWORD", "\"${MYSQL_PASSWORD}\""), ("MYSQL_ROOT_PASSWORD", "\"${MYSQL_ROOT_PASSWORD}\"")]
            default: return [("REDIS_PASSWORD", "\"${REDIS_PASSWORD}\"")]
            }
        }
    }

    static let all: [Definition] = [
        Definition(kind: "postgres", image: "postgres", tag: "17-alpine", dataPath: "/var/lib/postgresql/data", port: 5432,
                   secrets: ["POSTGRES_PASSWORD"], roles: ["url", "host", "port", "user", "password", "database"],
                   healthcheck: "healthcheck-postgres", backup: "pg_dump"),
        Definition(kind: "mariadb", image: "mariadb", tag: "11.8", dataPath: "/var/lib/mysql", port: 3306,
                   secrets: ["MARIADB_PASSWORD", "MARIADB_ROOT_PASSWORD"], roles: ["url", "host", "port", "user", "password", "database"],
                   healthcheck: "healthcheck-mariadb", backup: "mariadb-dump"),
        Definition(kind: "mysql", image: "mysql", tag: "8.4", dataPath: "/var/lib/mysql", port: 3306,
                   secrets: ["MYSQL_PASSWORD", "MYSQL_ROOT_PASSWORD"], roles: ["url", "host", "port", "user", "password", "database"],
                   healthcheck: "healthcheck-mysql", backup: "mysqldump"),
        Definition(kind: "redis", image: "redis", tag: "7-alpine", dataPath: "/data", port: 6379,
                   secrets: ["REDIS_PASSWORD"], roles: ["url", "host", "port", "password"],
                   healthcheck: "healthcheck-redis-auth", backup: nil,
                   command: "[\"redis-server\", \"--requirepass\", \"${REDIS_PASSWORD}\"]"),
    ]

    static var kinds: [String] { all.map(\.kind) }

    static func definition(_ kind: String) -> Definition? { all.first { $0.kind == kind } }
}

extension App {
    /// Every field given: for entries that are not read from the catalog (`OwnApp`).
    init(id: String, name: String, summary: String, categories: [String], replaces: [String], website: String, repository: String,
         license: String, openness: Openness, licenseNotes: String?, language: String, install: Install, image: Image?, port: Int?,
         extraPorts: [ExtraPort], companions: [Companion], env: [EnvVar], resources: Resources, data: DataSpec, smtp: SMTP, proxy: Proxy,
         upgrade: [Upgrade], migrations: [Migration], upstream: Upstream?, firstStart: FirstStart?, sources: [Source]) {
        self.id = id; self.name = name; self.summary = summary; self.categories = categories; self.replaces = replaces
        self.website = website; self.repository = repository; self.license = license; self.openness = openness
        self.licenseNotes = licenseNotes; self.language = language; self.install = install; self.image = image; self.port = port
        self.extraPorts = extraPorts; self.companions = companions; self.env = env; self.resources = resources; self.data = data
        self.smtp = smtp; self.proxy = proxy; self.upgrade = upgrade; self.migrations = migrations; self.upstream = upstream
        self.firstStart = firstStart; self.sources = sources
    }
}

extension App.FirstStart {
    init(exposure: Exposure, detail: String, preseed: [String], closedBy: ClosedBy, source: Source) {
        self.exposure = exposure; self.detail = detail; self.preseed = preseed; self.closedBy = closedBy; self.source = source
    }
}

extension Source {
    init(url: String, checked: String) {
        self.url = url; self.checked = checked; self.facts = nil
    }
}
