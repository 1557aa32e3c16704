import Foundation

/// Everything one render produces, in memory: the files of a box of apps behind one Caddy.
/// Nothing here touches the disk except reading existing `.env` files (to keep their values).
struct RenderBox {
    /// A file to write, relative to the output directory.
    struct PlannedFile {
        enum Kind: Equatable {
            /// Rendered in full; refused when edited since the last render unless `--force`.
            case regular
            /// An app's `.env`: existing values are kept; only missing keys are appended, and values the
            /// render derived from a host or e-mail that changed (`moved`), when nobody edited them.
            case env(added: [String], moved: [String] = [])
            /// A file people add to (`.gitignore`): lines already there are kept; missing ones appended.
            case lines(added: [String])
            /// A secret written once (the setup gate's password): planned only when it is to be
            /// created, never compared or overwritten, not recorded in the manifest.
            case secret
        }
        var path: String
        var content: String
        var mode: Int16
        var kind: Kind
    }

    /// One app in the box with the settings decided for it.
    struct Member {
        var app: App
        var host: String
        var publishedPorts: [ComposeView.PublishedPort]
        /// The web network's subnet (`RenderSubnets`), e.g. `10.231.0.0/24`.
        var webSubnet: String
        /// The host of the previous render, when the app was already in the box.
        var previousHost: String? = nil
    }

    var members: [Member]
    /// Where the render writes (and reads existing `.env` files from).
    var outDirectory: URL
    /// Where the box lives on the server (`--install-dir`, default the output directory): the
    /// absolute paths in units, scripts and the README.
    var installDirectory: String
    var docker: String
    var adminEmail: String?
    /// The ACME contact of the previous render (values derived from it follow a new one).
    var previousEmail: String? = nil
    var backupBase: String
    var keep: Int
    var defaults: RenderDefaults
    var templates: TemplateSet
    var store: ResourceStore
    /// Each app's setup gate after this render (`RenderGate.decide`); apps without one are absent.
    var gates: [String: RenderGate.Decision] = [:]
    /// `--target`: `.swarm` adds the stack files under `swarm/` (`RenderSwarm`), derived from the same
    /// rendered compose files.
    var target: RenderTarget = .compose
    /// `--smtp`: the relay every app with mail settings in the environment sends through.
    var smtp: SMTPRelay? = nil
    /// The relay of this render or, without `--smtp`, of an earlier one (the README names it).
    var smtpRecord: RenderManifest.SMTPRecord? = nil

    /// A per-app template-side list of variables the compose file uses beyond the catalog's
    /// `env` (e.g. a database root password the catalog doesn't name): same shape as catalog `env`.
    struct ExtraEnv: Decodable {
        struct Secret: Decodable { var format: String; var length: Int }
        struct Var: Decodable {
            var name: String
            var required: Bool?
            var secret: Secret?
            var `default`: String?
            var description: String?
        }
        var env: [Var]
    }

    /// Apps whose mail goes through the relay after this render, and keys a person set that the
    /// relay's values did not replace (by app); filled by `plan()`.
    final class SMTPOutcome {
        var apps: [String] = []
        var kept: [String: [String]] = [:]
    }
    let smtpOutcome = SMTPOutcome()

    func plan() throws -> [PlannedFile] {
        var smtpApps: [String] = []
        var smtpKept: [String: [String]] = [:]
        defer {
            smtpOutcome.apps = smtpApps
            smtpOutcome.kept = smtpKept
        }
        var files: [PlannedFile] = []
        var sites: [CaddyfileView.Site] = []
        var readmeApps: [ReadmeView.AppSection] = []
        var swarmApps: [SwarmAppInput] = []
        let out = installDirectory
        for m in members {
            let app = m.app
            let composeTemplate = "apps/\(app.id)/compose.yaml"
            guard templates.contains(composeTemplate) else {
                throw SelfhostError.problem(
                    "\(app.id) is marked renderable but has no template (templates/\(composeTemplate).mustache)",
                    remedy: "add the template, or set install.renderable: false in its catalog entry")
            }
            // The same check as `catalog check` (ImageReference), so the two never disagree.
            for (name, tag) in [(app.image!.name, app.image!.tag)] + app.companions.map({ ($0.image, $0.tag) }) {
                if let problem = ImageReference.problem(name: name, tag: tag) {
                    throw SelfhostError.usage(
                        "catalog entry \(app.id) has the image '\(RenderInputValidation.quoted(name + ":" + tag))': \(problem)",
                        remedy: "use registry/name:tag (`selfhost catalog check` lists every such entry)")
                }
            }
            let envPath = "\(app.id)/.env"
            var existing = try readIfPresent(outDirectory.appendingPathComponent(envPath))
            // The box's SMTP relay, in the variables this app reads (catalog smtp.env).
            let smtpPlan = RenderSMTP.plan(app: app, relay: smtp, existingEnv: existing)
            var view = composeView(m)
            view.smtp = smtpPlan != nil
            var compose = try templates.render(composeTemplate, view)
            if let p = smtpPlan {
                for service in app.smtp.senders {
                    compose = try RenderSMTP.addEnvironment(p.names, service: service, to: compose, appID: app.id)
                }
            }
            let analysis = try analyseCompose(compose, app: app, template: composeTemplate)
            let setup = try RenderAppSetup.load(app.id, store: store)
            try setup.check(services: analysis.services, appID: app.id)
            let derived = Self.derived(setup, host: m.host, subnet: m.webSubnet, email: adminEmail)
            // A host or e-mail that changed (--rehost, a new --host or --email): values the last render
            // derived from the old one follow, unless a person edited them since.
            var moved: [String] = []
            if let text = existing, let oldHost = m.previousHost {
                let before = Self.derived(setup, host: oldHost, subnet: m.webSubnet, email: previousEmail)
                for (key, value) in derived.sorted(by: { $0.key < $1.key }) {
                    guard let old = before[key], old != value, let updated = RenderEnvFile.replace(key, from: old, to: value, in: existing ?? text) else { continue }
                    existing = updated
                    moved.append(key)
                }
            }
            if let p = smtpPlan, !p.values.isEmpty {
                let defaults = Dictionary(try declaredEnv(app).compactMap { v in v.default.map { (v.name, $0) } }, uniquingKeysWith: { a, _ in a })
                let applied = RenderSMTP.apply(p, to: existing, defaults: defaults)
                existing = applied.text
                moved += applied.replaced
                if !applied.kept.isEmpty {
                    smtpKept[app.id] = applied.kept
                }
            }
            if smtpPlan != nil { smtpApps.append(app.id) }
            let env = try envEntries(app: app, referenced: analysis.variables, compose: compose, template: composeTemplate,
                                     present: existing.map(RenderEnvFile.keys(in:)) ?? [], derived: derived,
                                     smtp: smtpPlan)
            let merged = RenderEnvFile.merge(
                existing: existing, entries: env,
                header: "# \(app.name): settings and secrets for \(app.id)/compose.yaml, written by `selfhost render`.\n"
                    + "# Keep it private (mode 0600). Re-rendering keeps every value here and only adds missing keys.\n")
            files.append(PlannedFile(path: "\(app.id)/compose.yaml", content: compose, mode: 0o644, kind: .regular))
            // Files the compose file bind-mounts read-only (e.g. Plausible's ClickHouse settings), copied as they are
            // from templates/apps/<id>/files/ into the app's directory.
            let extraPrefix = "templates/apps/\(app.id)/files/"
            for extra in store.files(under: extraPrefix) {
                files.append(PlannedFile(path: "\(app.id)/" + extra.path.dropFirst(extraPrefix.count), content: extra.contents, mode: 0o644, kind: .regular))
            }
            files.append(PlannedFile(path: envPath, content: merged.text, mode: 0o600, kind: .env(added: merged.added, moved: moved)))
            files.append(PlannedFile(path: "\(app.id)/.env.example", content: Self.envExample(app: app, entries: env), mode: 0o644, kind: .regular))

            let backup = backupView(app, project: "selfhost-\(app.id)", volumesDeclared: analysis.volumes)
            if target == .swarm {
                swarmApps.append(SwarmAppInput(
                    member: m, compose: compose, webAlias: view.app.webAlias, webPort: view.app.port,
                    secretVariables: Set(try declaredEnv(app).filter { $0.secret != nil }.map(\.name)),
                    envValues: RenderEnvFile.values(in: merged.text),
                    files: Set(store.files(under: extraPrefix).map { String($0.path.dropFirst(extraPrefix.count)) }),
                    backup: backup))
            }
            files.append(PlannedFile(path: "\(app.id)/backup.sh", content: try templates.render("backup/backup.sh", backup), mode: 0o755, kind: .regular))

            let dir = "\(out)/\(app.id)"
            let unit = AppUnitView(appID: app.id, appName: oneLine(app.name), directory: dir, docker: docker,
                                   webNetwork: view.app.webNetwork, webSubnet: m.webSubnet, readme: "\(out)/README.md")
            files.append(PlannedFile(path: "systemd/selfhost-\(app.id).service", content: try templates.render("systemd/app.service", unit), mode: 0o644, kind: .regular))
            let backupUnit = BackupUnitView(appID: app.id, appName: oneLine(app.name), script: "\(dir)/backup.sh", directory: dir, backupDir: backup.backupDir,
                                            bindReadOnlyPaths: Self.isUnderTmp(dir) ? [dir] : [],
                                            bindPaths: Self.isUnderTmp(backup.backupDir) ? [backup.backupDir] : [])
            files.append(PlannedFile(path: "systemd/selfhost-\(app.id)-backup.service", content: try templates.render("systemd/backup.service", backupUnit), mode: 0o644, kind: .regular))
            files.append(PlannedFile(path: "systemd/selfhost-\(app.id)-backup.timer", content: try templates.render("systemd/backup.timer", backupUnit), mode: 0o644, kind: .regular))

            let gate = gates[app.id]
            let passwordFile = "\(out)/\(RenderGate.passwordPath(app.id))"
            if let password = gate?.newPassword {
                files.append(PlannedFile(path: RenderGate.passwordPath(app.id), content: password + "\n", mode: 0o600, kind: .secret))
            }
            sites.append(CaddyfileView.Site(
                appID: app.id, appName: oneLine(app.name), host: m.host, upstream: "\(view.app.webAlias):\(view.app.port)",
                hasMaxUpload: app.proxy.maxUploadMB != nil, maxUploadMB: app.proxy.maxUploadMB ?? 0,
                websockets: app.proxy.websockets ?? false,
                gated: gate?.isClosed ?? false, gateUser: gate?.record?.user ?? "", gateHash: gate?.record?.hash ?? "",
                gatePasswordFile: passwordFile, gateOpened: gate?.record?.state == .open))
            // Required settings still empty once merged (a value a person filled in counts).
            let current = RenderEnvFile.values(in: merged.text)
            let required = env.filter { ($0.comment ?? "").hasPrefix("REQUIRED") && (current[$0.key] ?? "").isEmpty }.map(\.key)
            var notes: [String] = []
            if let n = app.data.backup?.notes { notes.append(oneLine(n)) }
            notes += backup.notes
            readmeApps.append(ReadmeView.AppSection(
                id: app.id, name: app.name, host: m.host, url: "https://\(m.host)", directory: dir, webSubnet: m.webSubnet,
                backupDir: backup.backupDir, dumps: backup.dumps, volumes: backup.volumes, hasVolumes: !backup.volumes.isEmpty,
                publishedPorts: m.publishedPorts, requiredSettings: required,
                smtpNeeded: app.smtp.needed == "required", notes: notes,
                installDocs: oneLine(app.install.docs ?? app.website),
                beforeStart: setup.beforeStart, afterStart: setup.afterStart,
                hasBeforeStart: !setup.beforeStart.isEmpty, hasAfterStart: !setup.afterStart.isEmpty, settings: (setup.settings + setup.movedPortLines(m.publishedPorts, host: m.host)).map(oneLine),
                firstStart: firstStartView(app, gate: gate, setup: setup, passwordFile: passwordFile)))
            // Mail: filled from the relay, by hand, or none at all.
            let filled = smtpPlan != nil
            readmeApps[readmeApps.count - 1].smtpFilled = filled
            readmeApps[readmeApps.count - 1].smtpVariables = filled ? app.smtp.env.map { "`\($0.name)`" }.joined(separator: ", ") : ""
            readmeApps[readmeApps.count - 1].smtpKept = (smtpKept[app.id] ?? []).map { "`\($0)`" }.joined(separator: ", ")
            readmeApps[readmeApps.count - 1].hasSMTPKept = !(smtpKept[app.id] ?? []).isEmpty
            readmeApps[readmeApps.count - 1].smtpNone = app.smtp.needed == "none"
            readmeApps[readmeApps.count - 1].smtpByHand = !filled && app.smtp.needed != "none"
            readmeApps[readmeApps.count - 1].smtpHow = app.smtp.notes.map(oneLine) ?? "See its documentation for its mail settings."
            readmeApps[readmeApps.count - 1].smtpSeeded = filled && (app.smtp.service ?? "app") != "app" && app.smtp.notes != nil
        }

        let caddyfile = try templates.render("caddy/Caddyfile", CaddyfileView(
            hasEmail: adminEmail != nil, email: adminEmail ?? "", sites: sites))
        var swarmSites = sites
        for i in swarmSites.indices {
            swarmSites[i].swarm = true
            let parts = swarmSites[i].upstream.split(separator: ":")
            swarmSites[i].upstreamName = String(parts.first ?? "")
            swarmSites[i].upstreamPort = Int(parts.last ?? "") ?? 0
        }
        files.append(PlannedFile(path: "caddy/Caddyfile", content: caddyfile, mode: 0o644, kind: .regular))
        // Caddy's own edge network first: its ports stay there whatever app networks join later.
        let networks = [CaddyComposeView.Network(key: Self.edgeKey, name: Self.edgeNetwork, subnet: try RenderSubnets.edge(prefix: defaults.webSubnetPrefix))]
            + members.map { CaddyComposeView.Network(key: $0.app.id, name: Self.webNetwork($0.app.id), subnet: $0.webSubnet) }
        files.append(PlannedFile(path: "caddy/compose.yaml", content: try templates.render("caddy/compose.yaml", CaddyComposeView(
            image: defaults.caddyImage, memLimit: RenderDefaults.memLimit(mb: defaults.caddyMemMB), networks: networks)), mode: 0o644, kind: .regular))
        let appUnits = members.map { "selfhost-\($0.app.id).service" }
        let caddyUnit = CaddyUnitView(directory: "\(out)/caddy", docker: docker, appUnits: appUnits.joined(separator: " "),
                                      networks: networks, readme: "\(out)/README.md")
        files.append(PlannedFile(path: "systemd/selfhost-caddy.service", content: try templates.render("systemd/caddy.service", caddyUnit), mode: 0o644, kind: .regular))
        files.append(PlannedFile(path: "caddy/reload.sh", content: try templates.render("caddy/reload.sh", caddyUnit), mode: 0o755, kind: .regular))
        // Caddy's Compose project name, explicit: named after its directory (`caddy`) it could be
        // another project's, whose containers `up --remove-orphans` would then remove.
        files.append(PlannedFile(path: "caddy/.env", content: "# Written by `selfhost render`: Caddy's Compose project name (its containers, volumes).\n"
                                    + "COMPOSE_PROJECT_NAME=\(Self.caddyProject)\n", mode: 0o600, kind: .regular))

        let publicPorts = Set(members.flatMap { $0.publishedPorts.map(\.host) }).sorted()
        files.append(PlannedFile(
            path: ".selfhost-lint.yaml",
            content: "# Written by `selfhost render`: ports the box publishes on purpose (besides Caddy's 80/443).\n"
                + "public_ports: [\(publicPorts.map(String.init).joined(separator: ", "))]\n"
                + (target == .swarm ? "# The swarm's node labels (swarm/README.md), for the stack files' placement constraints.\n"
                    + "swarm_node_labels: [\(([SwarmStack.edgeLabel] + members.map { SwarmStack.dataLabel($0.app.id) }).joined(separator: ", "))]\n" : ""),
            mode: 0o644, kind: .regular))

        let gitignore = try gitignoreFile()
        files.append(gitignore)

        let timers = members.map { "selfhost-\($0.app.id)-backup.timer" }
        let readme = try templates.render("readme/README.md", ReadmeView(
            out: out, docker: docker, copyToServer: outDirectory.standardizedFileURL.path != out, apps: readmeApps,
            hasPublishedPorts: members.contains { !$0.publishedPorts.isEmpty },
            units: (appUnits + ["selfhost-caddy.service"]).joined(separator: " "), timers: timers.joined(separator: " "),
            hasBeforeStart: readmeApps.contains { !$0.beforeStart.isEmpty },
            hasAfterStart: readmeApps.contains { !$0.afterStart.isEmpty },
            keep: keep, caddyImage: defaults.caddyImage, backupImage: defaults.backupImage, hosts: members.map(\.host),
            smtpRelay: smtpRecord.map { "\($0.provider == "custom" ? "the relay" : $0.provider) at \($0.host):\($0.port) (\($0.port == 465 ? "TLS" : "STARTTLS"))" } ?? "",
            hasSMTP: smtpRecord != nil, smtpFrom: smtpRecord?.from ?? "",
            smtpNoMail: { let n = members.filter { $0.app.smtp.needed == "none" }.map(\.app.name); return n.isEmpty ? "none" : n.joined(separator: ", ") }()),
            multiline: true)
        files.append(PlannedFile(path: "README.md", content: readme, mode: 0o644, kind: .regular))
        if target == .swarm {
            let caddyCompose = files.first { $0.path == "caddy/compose.yaml" }!.content
            let swarmCaddyfile = try templates.render("caddy/Caddyfile", CaddyfileView(
                hasEmail: adminEmail != nil, email: adminEmail ?? "", sites: swarmSites))
            files += try planSwarm(swarmApps, caddyCompose: caddyCompose, caddyfile: swarmCaddyfile)
        }
        return files
    }

    /// Values the render fills into `.env` (`setup.yaml` `env_from_render`).
    static func derived(_ setup: RenderAppSetup, host: String, subnet: String, email: String?) -> [String: String] {
        var derived: [String: String] = [:]
        for (key, source) in setup.envFromRender {
            switch source {
            case "host": derived[key] = host
            case "url": derived[key] = "https://\(host)"
            case "subnet": derived[key] = subnet
            case "subnet_json": derived[key] = "[\"loopback\", \"\(subnet)\"]"
            default: if let email { derived[key] = email }
            }
        }
        return derived
    }

    /// `<app>/.env.example`: the names the app's `.env` holds, no values. Committed in place of the
    /// `.env` (which `.gitignore` keeps out of git), it tells `selfhost lint` and reviewers what is set.
    static func envExample(app: App, entries: [RenderEnvFile.Entry]) -> String {
        var text = "# \(oneLine(app.name)): the variables \(app.id)/compose.yaml reads from .env, without their values.\n"
            + "# Written by `selfhost render`; the .env itself (secrets) stays out of git and lives where the box runs.\n"
        for e in entries { text += "\(e.key)=\n" }
        return text
    }

    /// The lines `.gitignore` must have: every app's `.env` and setup-gate password (secrets), and the
    /// backups when they are inside the box. Caddy's `.env` holds only its Compose project name.
    func gitignoreLines() -> [String] {
        var lines = ["*/.env", "!caddy/.env", "*/gate-password"]  // RenderGate.passwordPath
        if target == .swarm { lines.append("/swarm/secrets/") }  // RenderSwarm: Docker secrets from .env
        if backupBase.hasPrefix(installDirectory + "/") {
            lines.append("/" + backupBase.dropFirst(installDirectory.count + 1) + "/")
        }
        return lines
    }

    /// `.gitignore`, appended to: lines a person added stay, missing ones are added.
    func gitignoreFile() throws -> PlannedFile {
        let existing = try readIfPresent(outDirectory.appendingPathComponent(".gitignore"))
        let present = Set((existing ?? "").split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
        let missing = gitignoreLines().filter { !present.contains($0) }
        var text = existing ?? "# Written by `selfhost render`: the box's secrets stay out of git. Each app's .env holds its\n"
            + "# generated passwords; the .env.example beside it lists the same names without values.\n"
        if !text.isEmpty, !text.hasSuffix("\n") { text += "\n" }
        if existing != nil, !missing.isEmpty { text += "# Added by selfhost render\n" }
        for l in missing { text += l + "\n" }
        return PlannedFile(path: ".gitignore", content: text, mode: 0o644, kind: .lines(added: missing))
    }

    /// The README's first-start steps for one app (catalog `first_start`, its gate, `setup.yaml`'s `first_login`).
    func firstStartView(_ app: App, gate: RenderGate.Decision?, setup: RenderAppSetup, passwordFile: String) -> ReadmeView.FirstStartView {
        let fs = app.firstStart
        var steps: [String] = []
        switch fs?.exposure {
        case .webInstaller?: steps.append("Complete the setup wizard at https://HOST: the account you create there is the administrator.")
        case .firstVisitorAdmin?: steps.append("Create the first account at https://HOST: it becomes the administrator.")
        case .openSignup?: steps.append("Create your account at https://HOST, then close sign-up (\(oneLine(fs!.detail))).")
        case .defaultCredentials? where setup.firstLogin.isEmpty:
            steps.append("Log in with the default credentials and change them at once: \(oneLine(fs!.detail))")
        default: break
        }
        steps += setup.firstLogin
        let out = outDirectory.path
        return ReadmeView.FirstStartView(
            exposure: fs?.exposure.rawValue ?? "unknown", detail: oneLine(fs?.detail ?? ""), source: fs?.source.url ?? "",
            preseeded: fs?.closedBy == .preseed, preseedVars: fs?.preseed ?? [],
            gated: gate?.isClosed ?? false, gateOpened: gate?.record?.state == .open,
            gateUser: gate?.record?.user ?? RenderGate.user, gatePasswordFile: passwordFile,
            steps: steps.map { oneLine($0.replacingOccurrences(of: "HOST", with: hostOf(app.id))) },
            openCommand: "selfhost render \(app.id) --open --out \(out)",
            nothingToClaim: fs?.closedBy == .noneNeeded)
    }

    func hostOf(_ id: String) -> String { members.first { $0.app.id == id }?.host ?? id }

    /// Whether `path` is /tmp, /var/tmp or below them (what `PrivateTmp=` replaces).
    static func isUnderTmp(_ path: String) -> Bool {
        ["/tmp", "/var/tmp"].contains { path == $0 || path.hasPrefix($0 + "/") }
    }

    static func webNetwork(_ id: String) -> String { "selfhost_\(id)_web" }

    /// Caddy's own network, which no app joins. Docker publishes a container's ports on the network
    /// that provides its default gateway: among equals, the one whose name sorts first (libnetwork
    /// orders a sandbox's endpoints by network name). Connecting Caddy to a new app's network whose
    /// name sorted first (`selfhost_gatus_web` before `selfhost_gitea_web`) moved 80/443 onto it,
    /// and requests to every site failed while the port mapping moved (found by e2e/test_install.py).
    /// `selfhost-caddy_edge` sorts before every `selfhost_<app>_web` (`-` before `_`), so the ports
    /// stay on it.
    static let edgeNetwork = "selfhost-caddy_edge"
    /// Its key in caddy/compose.yaml, beside the app ids (render refuses an app called that).
    static let edgeKey = "caddy-edge"

    /// The Compose project of the box's Caddy (`caddy/.env`).
    static let caddyProject = "selfhost-caddy"

    func composeView(_ m: Member) -> ComposeView {
        let app = m.app
        let mem = app.plannedRAMMB ?? defaults.appMemMB
        var companions: [String: ComposeView.CompanionPart] = [:]
        for c in app.companions {
            let cmem = defaults.companionMB(kind: c.kind)
            companions[c.service] = .init(service: c.service, kind: c.kind, image: c.reference, memLimit: RenderDefaults.memLimit(mb: cmem))
        }
        return ComposeView(
            app: .init(
                id: app.id, name: oneLine(app.name), host: m.host, url: "https://\(m.host)",
                image: app.image!.reference, port: app.port!, memLimit: RenderDefaults.memLimit(mb: mem),
                webNetwork: Self.webNetwork(app.id), webAlias: "\(app.id)-web",
                backendSubnet: RenderSubnets.sibling(of: m.webSubnet, offset: 1),
                egressSubnet: RenderSubnets.sibling(of: m.webSubnet, offset: 2),
                adminEmail: adminEmail ?? "admin@\(m.host)", publishedPorts: m.publishedPorts,
                hasPublishedPorts: !m.publishedPorts.isEmpty),
            companion: companions, helperImage: defaults.backupImage)
    }

    struct ComposeAnalysis {
        var variables: [String]
        var volumes: Set<String>
        var services: Set<String>
    }

    /// Reads the rendered compose file back: valid YAML, Compose-Spec shaped, every companion and
    /// catalog volume present, and the `${VAR}`s it interpolates (in order of first use).
    func analyseCompose(_ text: String, app: App, template: String) throws -> ComposeAnalysis {
        func fail(_ message: String) -> SelfhostError {
            .problem("templates/\(template).mustache rendered for \(app.id): \(message)", remedy: "fix the template")
        }
        let node: YAMLNode?
        do { node = try YAMLParser.parse(text, file: "templates/\(template)") } catch { throw fail("not valid YAML: \(error.message)") }
        guard let root = node, root.isMapping else { throw fail("not a YAML mapping") }
        for key in ["version", "name"] where root[key] != nil {
            throw fail("top-level `\(key):` is not allowed (docker-compose 1.29 rejects `name:`; `version:` is obsolete)")
        }
        guard let services = root["services"]?.pairs else { throw fail("no `services:`") }
        let serviceNames = Set(services.compactMap(\.key.string))
        func service(_ name: String) -> YAMLNode? { services.first { $0.key.string == name }?.value }
        for c in app.companions where (c.required ?? true) && !serviceNames.contains(c.service) {
            throw fail("companion service `\(c.service)` (\(c.kind)) from the catalog is missing")
        }
        // `condition: service_healthy` on a service without a healthcheck never becomes true.
        for svc in services {
            for dep in svc.value["depends_on"]?.pairs ?? [] where dep.value["condition"]?.string == "service_healthy" {
                guard let target = dep.key.string, service(target)?["healthcheck"] != nil else {
                    throw fail("service `\(svc.key.string ?? "?")` waits for `\(dep.key.string ?? "?")` to be healthy, which has no healthcheck")
                }
            }
        }
        // The database's password must be the one the app connects with: the app's own services
        // must use the variable the database service is initialised from. Companions of kind
        // `other` are the app's own processes in images of their own (Penpot's backend, Zammad's
        // roles), so they count as app services here.
        let companionServices = Set(app.companions.filter { $0.kind != "other" }.map(\.service))
        let appEnvText = services.filter { !companionServices.contains($0.key.string ?? "") }
            .compactMap { $0.value["environment"] }.map(Self.scalarText).joined(separator: "\n")
        for c in app.companions where ["postgres", "mysql", "mariadb"].contains(c.kind) {
            guard let env = service(c.service)?["environment"], env.isMapping else { continue }
            let keys = ["POSTGRES_PASSWORD", "MYSQL_PASSWORD", "MARIADB_PASSWORD"].contains { env[$0] != nil }
                ? ["POSTGRES_PASSWORD", "MYSQL_PASSWORD", "MARIADB_PASSWORD"] : ["MYSQL_ROOT_PASSWORD", "MARIADB_ROOT_PASSWORD"]
            for key in keys {
                guard let value = env[key]?.string else { continue }
                for v in Self.interpolatedVariables(value) where !Self.interpolatedVariables(appEnvText).contains(v) {
                    throw fail("`\(c.service)` sets \(key) from ${\(v)}, but no app service uses ${\(v)}: the app would connect with another password")
                }
            }
        }
        let volumes = Set(root["volumes"]?.pairs?.compactMap(\.key.string) ?? [])
        for svc in services {
            for mount in svc.value["volumes"]?.items?.compactMap(\.string) ?? [] {
                let source = String(mount.split(separator: ":").first ?? "")
                guard !source.isEmpty, !mount.hasPrefix("."), !mount.hasPrefix("/"), !mount.hasPrefix("~"), mount.contains(":") else { continue }
                if !volumes.contains(source) {
                    throw fail("service `\(svc.key.string ?? "?")` mounts the named volume `\(source)`, which is not declared under top-level `volumes:`")
                }
            }
        }
        for v in app.data.volumes ?? [] where !volumes.contains(v.name) {
            throw fail("catalog volume `\(v.name)` is not declared under top-level `volumes:`")
        }
        return ComposeAnalysis(variables: Self.interpolatedVariables(text), volumes: volumes, services: serviceNames)
    }

    /// Every scalar under `node` (keys and values), one a line: where its `${VAR}`s are looked for.
    static func scalarText(_ node: YAMLNode) -> String {
        if let pairs = node.pairs { return pairs.map { scalarText($0.key) + "\n" + scalarText($0.value) }.joined(separator: "\n") }
        if let items = node.items { return items.map(scalarText).joined(separator: "\n") }
        return node.string ?? ""
    }

    /// `${NAME}`, `${NAME:-x}`, `${NAME?err}` and `$NAME` references, skipping `$$` escapes.
    static func interpolatedVariables(_ text: String) -> [String] {
        var out: [String] = []
        let chars = Array(text.unicodeScalars)
        var i = 0
        func isStart(_ c: Unicode.Scalar) -> Bool { c == "_" || (c.isASCII && c.properties.isAlphabetic) }
        func isBody(_ c: Unicode.Scalar) -> Bool { isStart(c) || ("0"..."9").contains(c) }
        while i < chars.count {
            guard chars[i] == "$", i + 1 < chars.count else { i += 1; continue }
            if chars[i + 1] == "$" { i += 2; continue }
            var j = i + 1
            let braced = chars[j] == "{"
            if braced { j += 1 }
            guard j < chars.count, isStart(chars[j]) else { i += 1; continue }
            var name = ""
            while j < chars.count, isBody(chars[j]) { name.unicodeScalars.append(chars[j]); j += 1 }
            if !out.contains(name) { out.append(name) }
            i = j
        }
        return out
    }

    /// The variables an app's compose file may use: the catalog's `env` plus
    /// `templates/apps/<id>/env.yaml` (same shape).
    func declaredEnv(_ app: App) throws -> [App.EnvVar] {
        var declared = app.env
        if let extra = store.file("templates/apps/\(app.id)/env.yaml") {
            do {
                let file = try YAMLNodeDecoder.decode(ExtraEnv.self, from: extra, what: "a list `env:`",
                                                      remedy: "fix the file (a list `env:` shaped like catalog env entries)")
                for v in file.env {
                    var secret: App.Secret?
                    if let sv = v.secret {
                        guard let format = App.SecretFormat(rawValue: sv.format) else {
                            throw SelfhostError.problem("\(extra.displayPath): \(v.name): unknown secret format '\(sv.format)'", remedy: "use hex, base64 or alphanumeric")
                        }
                        secret = App.Secret(format: format, length: sv.length)
                    }
                    declared.append(App.EnvVar(name: v.name, service: nil, required: v.required, secret: secret,
                                               default: v.default, description: v.description))
                }
            } catch let e as SelfhostError {
                throw e
            } catch {
                throw SelfhostError.problem("\(extra.displayPath): cannot read: \(error)", remedy: "fix the file (a list `env:` shaped like catalog env entries)")
            }
        }
        return declared
    }

    /// The `.env` entries an app needs: its compose project name, then every variable the compose
    /// file interpolates, valued from the catalog (generated secret, default, or empty and flagged).
    /// Secrets are generated only for keys not `present` in the existing file (those are kept anyway).
    func envEntries(app: App, referenced: [String], compose: String, template: String, present: Set<String> = [], derived: [String: String] = [:],
                    smtp: RenderSMTP.Plan? = nil) throws -> [RenderEnvFile.Entry] {
        let declared = try declaredEnv(app)
        var entries = [RenderEnvFile.Entry(key: "COMPOSE_PROJECT_NAME", value: "selfhost-\(app.id)",
                                           comment: "Compose project name: prefixes this app's containers, networks and volumes.")]
        for name in referenced where name != "COMPOSE_PROJECT_NAME" {
            if let smtp, smtp.names.contains(name) {
                let isSecret = app.smtp.env.first { $0.name == name }?.value.contains("{password}") ?? false
                entries.append(.init(key: name, value: smtp.values[name] ?? "",
                                     comment: "Mail through the box's SMTP relay (set by selfhost render --smtp\(isSecret ? "; a secret" : ""))."))
                continue
            }
            guard let v = declared.first(where: { $0.name == name }) else {
                // A catalog error (exit 2), worded and located as `catalog check` reports it.
                let file = store.file("catalog/apps/\(app.id).yaml")?.displayPath ?? "catalog/apps/\(app.id).yaml"
                throw CatalogTemplateCheck.error(app: app.id, variable: name, at: SourceLocation(file: file))
            }
            var comment = v.description.map(oneLine)
            let value: String
            if let s = v.secret {
                value = present.contains(name) ? "" : RenderSecret.generate(s.format, length: s.length)
                comment = (comment.map { $0 + " " } ?? "") + "(generated: \(s.length) \(s.format.rawValue) characters)"
            } else if let d = derived[name] {
                // Known to the render (--domain/--host/--email): filled in, not left for people to copy.
                value = d
                comment = (comment.map { $0 + " " } ?? "") + "(set by selfhost render from its --domain/--host/--email or the web network's subnet)"
            } else if let d = v.default {
                guard !d.contains("\n") else {
                    throw SelfhostError.problem("catalog env \(name) of \(app.id) has a multi-line default", remedy: "use a one-line default")
                }
                value = d
            } else {
                value = ""
                comment = ((v.required ?? false) ? "REQUIRED: set this before starting. " : "Optional. ") + (comment ?? "")
            }
            entries.append(.init(key: name, value: value, comment: comment))
        }
        // Every secret or required variable of the catalog must reach the containers.
        for v in declared where (v.secret != nil || v.required == true) && v.default == nil {
            let used = referenced.contains(v.name) || compose.contains("\(v.name):") || compose.contains("\(v.name)=")
            if !used {
                throw SelfhostError.problem(
                    "catalog env \(v.name) of \(app.id) (\(v.secret != nil ? "a secret" : "required")) is never used by templates/\(template).mustache",
                    remedy: "pass it to its service in the template, e.g. \(v.name): ${\(v.name)}")
            }
        }
        return entries
    }

    func backupView(_ app: App, project: String, volumesDeclared: Set<String>) -> BackupScriptView {
        var dumps: [BackupScriptView.Dump] = []
        var notes: [String] = []
        var volumeNames: [String] = []
        let databases = app.data.backup?.databases ?? []
        var dumpedServices: Set<String> = []
        for db in databases {
            let name = db.database ?? app.id
            switch db.method {
            case "pg_dump", "mysqldump", "mariadb-dump", "mongodump", "redis-rdb":
                let ext = ["pg_dump": "pgdump", "mongodump": "archive.gz", "redis-rdb": "rdb"][db.method] ?? "sql.gz"
                dumps.append(.init(
                    service: db.service, database: name, file: "\(db.service)-\(name).\(ext)",
                    pgDump: db.method == "pg_dump", mysqlDump: db.method == "mysqldump" || db.method == "mariadb-dump",
                    mongoDump: db.method == "mongodump", redisRDB: db.method == "redis-rdb"))
                dumpedServices.insert(db.service)
            case "clickhouse-backup":
                // ClickHouse's own BACKUP DATABASE into one zip (consistent while running), never a tar of its live volume.
                dumps.append(.init(
                    service: db.service, database: name, file: "\(db.service)-\(name).zip",
                    pgDump: false, mysqlDump: false, mongoDump: false, redisRDB: false, clickhouseBackup: true))
                dumpedServices.insert(db.service)
            default:
                // sqlite: archived with the service's volumes (taken live).
                notes.append("\(db.service) (\(db.method)): its volume is archived while running; for a consistent copy stop the app first (`docker compose stop`).")
                volumeNames += (app.data.volumes ?? []).filter { $0.service == db.service }.map(\.name)
            }
        }
        if let listed = app.data.backup?.volumes {
            volumeNames += listed
        } else {
            volumeNames += (app.data.volumes ?? []).filter { !dumpedServices.contains($0.service ?? "") }.map(\.name)
        }
        var seen: Set<String> = []
        let volumes = volumeNames.filter { volumesDeclared.contains($0) && seen.insert($0).inserted }
            .map { BackupScriptView.VolumeArchive(name: $0, file: "volume-\($0).tar.gz") }
        return BackupScriptView(
            appID: app.id, project: project, docker: docker, backupDir: "\(backupBase)/\(app.id)", keep: keep,
            backupImage: defaults.backupImage, dumps: dumps, volumes: volumes, notes: notes)
    }

    func readIfPresent(_ url: URL) throws -> String? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw SelfhostError.usage("cannot read \(url.path)", remedy: "check its permissions")
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Collapses line breaks and control characters into spaces (catalog text going into one line).
func oneLine(_ s: String) -> String {
    String(String.UnicodeScalarView(s.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
        .trimmingCharacters(in: .whitespaces)
}
