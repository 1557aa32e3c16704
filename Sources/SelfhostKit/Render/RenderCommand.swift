import Foundation

/// `selfhost render`: writes a deployable box — a compose project and `.env` per app, one Caddy in
/// front, systemd units to start it at boot and back it up nightly, and a README — for catalog apps.
///
/// Rendering into an existing output directory adds the new apps to the box (the manifest in
/// `.selfhost/manifest.json` remembers the old ones), keeps every value already in each `.env`,
/// and refuses to overwrite a file a person edited since the last render unless `force` is set.
public enum RenderCommand {
    public struct Options: Sendable {
        /// App ids to render (added to those already in the output directory).
        public var apps: [String]
        /// Apps are served at `<app>.<domain>` unless `hosts` says otherwise.
        public var domain: String?
        /// `app=fqdn` overrides.
        public var hosts: [String]
        /// ACME account contact for Caddy.
        public var email: String?
        /// Output directory (relative to the working directory unless absolute).
        public var out: String
        /// Where the box will live on the server: the absolute paths in units, scripts and the
        /// README. Remembered; the output directory itself when never given.
        public var installDir: String?
        /// The docker binary the units run. Remembered; `/usr/bin/docker` (where Debian's
        /// `docker.io` and Docker's `docker-ce-cli` packages install it) when never given.
        public var docker: String?
        /// Backups go to `<backupDir>/<app>`.
        public var backupDir: String?
        /// Backups to keep per app.
        public var keep: Int?
        public var dryRun: Bool
        public var force: Bool
        /// Move every app of the box from its domain to `domain` (and accept a new `email`).
        public var rehost: Bool
        /// Apps to take out of the box (Caddyfile, units, manifest); their data stays unless `purge`.
        public var remove: [String]
        /// With `remove`: the printed commands also delete the app's volumes and directory.
        public var purge: Bool
        /// Lift the setup gate of the apps named (`RenderGate`): they must already be in the box.
        public var open: Bool
        /// `--target`: `swarm` also writes stack files for Docker Swarm (`swarm/`). Remembered; `compose` when never given.
        public var target: RenderTarget?
        public var format: OutputFormat
        /// `--smtp PROVIDER` (a catalog e-mail provider or `custom`) and its settings; the
        /// credentials come from `smtpCredentials`, the environment or the terminal (`SMTPRelayInput`).
        public var smtp: String? = nil
        public var smtpHost: String? = nil
        public var smtpPort: Int? = nil
        public var smtpRegion: String? = nil
        public var smtpFrom: String? = nil
        public var smtpCredentials: String? = nil
        /// Set by `selfhost upgrade`: these apps' images (by compose service), instead of the ones the
        /// box runs. Without it an app already in the box keeps the images its manifest records.
        var pins: [String: [String: String]] = [:]
        /// Set by `selfhost upgrade`: the change recorded in the manifest's history with this render.
        var historyEntries: [String: RenderManifest.ImageChange] = [:]

        public init(apps: [String], domain: String? = nil, hosts: [String] = [], email: String? = nil,
                    out: String = "selfhost-deploy", installDir: String? = nil, docker: String? = nil, backupDir: String? = nil, keep: Int? = nil,
                    dryRun: Bool = false, force: Bool = false, rehost: Bool = false,
                    remove: [String] = [], purge: Bool = false, open: Bool = false, target: RenderTarget? = nil, format: OutputFormat = .text) {
            self.apps = apps
            self.domain = domain
            self.hosts = hosts
            self.email = email
            self.out = out
            self.installDir = installDir
            self.docker = docker
            self.backupDir = backupDir
            self.keep = keep
            self.dryRun = dryRun
            self.force = force
            self.rehost = rehost
            self.remove = remove
            self.purge = purge
            self.open = open
            self.target = target
            self.format = format
        }
    }

    public static let defaultBackupDir = "/var/backups/selfhost"
    public static let defaultKeep = 7
    /// Where Debian's `docker.io` and Docker's own `docker-ce-cli` package install the client.
    public static let defaultDocker = "/usr/bin/docker"

    /// What happened to one file (JSON: `files[]`).
    public struct FileResult: Encodable, Sendable, Equatable {
        /// Path relative to the output directory.
        public var path: String
        /// `created`, `updated`, `unchanged` or `skipped`.
        public var action: String
        public var reason: String?
    }

    /// One app of the box (JSON: `apps[]`).
    public struct AppResult: Encodable, Sendable, Equatable {
        public var id: String
        public var name: String
        public var host: String
        public var url: String
        /// Whether this render added the app to the box.
        public var added: Bool
        public var publishedPorts: [String]
        /// The setup gate: `closed` (basic auth until `--open`), `open` (lifted) or `none` (the app needs none).
        public var gate: String
        /// Where the gate's password is, while it is closed (relative to `out`).
        public var gatePasswordFile: String?
    }

    /// The JSON report (`--format json`), documented in docs/RENDER.md.
    /// An app taken out of the box (JSON: `removed[]`).
    public struct RemovedApp: Encodable, Sendable, Equatable {
        public var id: String
        public var host: String
        /// Whether the commands delete its volumes and directory (`--purge`).
        public var purge: Bool
        /// The newest backup found (`backup_dir/<app>/<UTC stamp>`), when there is one.
        public var newestBackup: String?
        /// What to run on the server, in order.
        public var commands: [String]
    }

    public struct Report: Encodable, Sendable {
        public var out: String
        /// Where the box will live on the server (`--install-dir`; `out` unless given).
        public var installDir: String
        public var dryRun: Bool
        public var docker: String
        public var apps: [AppResult]
        public var hosts: [String]
        public var files: [FileResult]
        public var removed: [RemovedApp]
        public var notes: [String]
        /// What the box's services ask for (every mem_limit, Caddy, a system reserve).
        public var memory: BoxMemory? = nil
        /// The box's SMTP relay (this render's `--smtp`, or an earlier one's), never its credentials.
        public var mail: Mail? = nil
    }

    /// Which apps send mail through the relay (JSON: `mail`).
    public struct Mail: Encodable, Sendable, Equatable {
        public var provider: String
        public var host: String
        public var port: Int
        public var from: String
        /// Apps whose `.env` holds the relay's settings.
        public var filledApps: [String]
        /// Apps that send mail but not from the environment (settings in their UI or database).
        public var byHandApps: [String]
        /// Apps that send no mail.
        public var noMailApps: [String]
        /// `app` → variables a person had set, kept instead of the relay's values.
        public var kept: [String: [String]]
    }

    public static func run(_ options: Options, store: ResourceStore, context: Context) throws -> ExitStatus {
        let report: Report
        do {
            (report, _) = try render(options, store: store, context: context)
        } catch let e as SelfhostError {
            throw e
        } catch {
            // Whatever the file system still says after the checks: a message, never a raw NSError.
            throw SelfhostError.problem("cannot render into \(options.out): \(RenderOutputCheck.describe(error))",
                                        remedy: "check that the output directory is a writable directory with free space")
        }
        print(report, format: options.format, context: context)
        return report.files.contains { $0.action == "skipped" } ? .problems : .success
    }

    /// Renders (or, with `dryRun`, plans) and returns the report; throws usage errors before
    /// writing anything.
    public static func render(_ options: Options, store: ResourceStore, context: Context) throws -> (Report, [String: String]) {
        // 1. Input, all of it, before anything else.
        let givenDomain = try options.domain.map { try RenderInputValidation.hostname($0, flag: "--domain") }
        var hostOverrides: [String: String] = [:]
        for h in options.hosts {
            let (app, host) = try RenderInputValidation.hostOverride(h)
            if let earlier = hostOverrides[app] {
                throw SelfhostError.usage(
                    "--host names \(app) twice (\(earlier) and \(host))" + (earlier == host ? "" : "; which one is meant is unclear"),
                    remedy: "give one --host per app")
            }
            hostOverrides[app] = host
        }
        let givenEmail = try options.email.map { try RenderInputValidation.email($0) }
        if let k = options.keep, !(1...1000).contains(k) {
            throw SelfhostError.usage("--keep \(k) is out of range", remedy: "keep between 1 and 1000 backups")
        }
        guard !options.out.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw SelfhostError.usage("--out '' is empty", remedy: "name the output directory, e.g. --out /srv/selfhost")
        }
        let outURL = context.url(for: options.out)
        let out = try RenderInputValidation.path(outURL.path, flag: "--out")
        let backupArg = try options.backupDir.map { try RenderInputValidation.path(context.url(for: $0).path, flag: "--backup-dir") }
        let installArg = try options.installDir.map { try installDirectory($0) }
        let dockerArg = try options.docker.map { try RenderInputValidation.path($0, flag: "--docker") }
        var notes: [String] = []
        if options.smtp == nil, let flag = [("--smtp-host", options.smtpHost), ("--smtp-port", options.smtpPort.map(String.init)), ("--smtp-region", options.smtpRegion),
                                            ("--smtp-from", options.smtpFrom), ("--smtp-credentials", options.smtpCredentials)].first(where: { $0.1 != nil })?.0 {
            throw SelfhostError.usage("\(flag) goes with --smtp PROVIDER", remedy: "e.g. selfhost render … --smtp brevo --smtp-credentials smtp.env")
        }
        if options.purge && options.remove.isEmpty {
            throw SelfhostError.usage("--purge goes with --remove APP", remedy: "e.g. selfhost render --remove umami --purge --out \(options.out)")
        }

        // 2. Catalog, templates, the box so far.
        let baseCatalog = try CatalogLoader.load(store)
        let defaults = try RenderDefaults.load(store)
        // The output directory and the directories the render creates must be directories we
        // can write, before anything is written (a box with files but no manifest can't be re-rendered).
        try RenderOutputCheck.check(out: outURL.path, flag: "--out", directories: [], probe: false)
        let manifest = try RenderManifest.read(in: outURL)
        let manifestPath = outURL.appendingPathComponent(RenderManifest.relativePath).path
        // The user's own apps (app files named here, and those the box already has) join the
        // catalog and the templates: from here on they are rendered as catalog apps are.
        let own = try RenderOwnApps.resolve(arguments: options.apps, remove: options.remove.map { $0.lowercased() }, manifest: manifest,
                                            out: outURL, catalog: baseCatalog, store: store, context: context)
        let catalog = own.catalog(baseCatalog, today: CatalogLoader.dayString(context.now()))
        let store = own.store(store)
        let templates = try TemplateSet(store: store)
        notes += own.notes
        for app in own.apps {
            if let h = app.host, hostOverrides[app.id] == nil { hostOverrides[app.id] = h }
        }
        // Remembered values are checked again: the manifest is a file people can edit.
        let installDir = try installArg ?? manifest?.installDir.map {
            try remembered($0, what: "install directory", flag: "--install-dir DIR", manifest: manifestPath) { try installDirectory($0) }
        } ?? out
        let docker = try dockerArg ?? manifest?.docker.map {
            try remembered($0, what: "docker path", flag: "--docker PATH", manifest: manifestPath) { try RenderInputValidation.path($0, flag: "--docker") }
        } ?? defaultDocker
        // The units run on the server, not here: what this machine has is only a hint.
        if dockerArg == nil, manifest?.docker == nil, let here = findOnPath("docker", context: context),
           URL(fileURLWithPath: here).resolvingSymlinksInPath().path != URL(fileURLWithPath: docker).resolvingSymlinksInPath().path {
            notes.append("the units run \(docker) (where Debian's and Docker's packages install it); docker on this machine is \(here): render with --docker \(here) if the server's is there too")
        }
        var ids: [String] = []
        for raw in options.apps {
            let id = own.idForArgument[raw] ?? raw.lowercased()
            guard let app = catalog.app(id) else {
                let hint = Suggestions.didYouMean(raw, in: catalog.apps.map(\.id))
                // A SaaS name ("mailchimp") is not an app: point to what replaces it.
                if let saas = catalog.findSaaS(raw) {
                    let apps = saas.alternatives.map(\.app).filter { catalog.app($0)?.isRenderable == true }
                    throw SelfhostError.usage("'\(TextFit.quoted(raw))' is a SaaS (\(saas.name)), not a self-hosted app",
                                              remedy: "`selfhost recommend \(saas.id)` shows what replaces it" +
                                                (apps.isEmpty ? "" : "; e.g. `selfhost render \(apps[0])`"))
                }
                throw SelfhostError.usage("unknown app '\(TextFit.quoted(raw))'" + (hint.map { "; \($0)" } ?? ""),
                                          remedy: "run `selfhost catalog list` to see the app ids, or `selfhost recommend SAAS` for what replaces a SaaS")
            }
            guard app.isRenderable else {
                let how = app.install.instructions.map { "\n\($0.trimmingCharacters(in: .whitespacesAndNewlines))" } ?? ""
                throw SelfhostError.usage(
                    "\(app.name) can't be rendered as a compose project (it installs with its own \(app.install.method)):\(how)",
                    remedy: "follow \(app.install.docs ?? "the upstream install guide") instead")
            }
            if !ids.contains(id) { ids.append(id) }
        }
        let previous = manifest?.apps ?? [:]
        guard !options.apps.isEmpty || !previous.isEmpty else {
            throw SelfhostError.usage(options.remove.isEmpty ? "no app given" : "there is no box in \(out) to remove an app from",
                                      remedy: "e.g. selfhost render umami --domain example.com --out \(options.out)")
        }
        var removing: [String] = []
        for raw in options.remove {
            let id = raw.lowercased()
            // An app removed earlier with its data kept can be purged later: the manifest still knows its files.
            let removedEarlier = previous[id] == nil && manifest?.files.keys.contains { $0.hasPrefix("\(id)/") } == true
            guard previous[id] != nil || (removedEarlier && options.purge) else {
                throw SelfhostError.usage("--remove \(raw): the box in \(out) has no app '\(raw)' (it has \(previous.keys.sorted().joined(separator: ", ")))"
                                            + (removedEarlier ? "; it was removed earlier with its data kept" : ""),
                                          remedy: removedEarlier ? "add --purge to delete its data too" : "name one of the box's apps")
            }
            if ids.contains(id) {
                throw SelfhostError.usage("\(id) is both rendered and removed", remedy: "drop it from the apps or from --remove")
            }
            if !removing.contains(id) { removing.append(id) }
        }
        if !removing.isEmpty, !previous.isEmpty, previous.keys.allSatisfy(removing.contains) {
            throw SelfhostError.usage("--remove would leave the box in \(out) without apps",
                                      remedy: "keep one app, or stop the whole box: sudo systemctl disable --now selfhost-caddy.service and each app's units")
        }
        if options.rehost && givenDomain == nil {
            throw SelfhostError.usage("--rehost needs --domain", remedy: "e.g. selfhost render --rehost --domain new.example --out \(options.out) (the apps stay; their hosts move)")
        }
        // A box has one domain and one ACME contact: a different one is a decision, not a default.
        try checkDomainAndEmail(given: (givenDomain, givenEmail), box: manifest, out: out, options: options)
        let oldDomain = manifest?.domain
        let domain = givenDomain ?? manifest?.domain
        // A new --email replaces the remembered one; none keeps it (the ACME contact must not vanish).
        // A remembered value is checked again: the manifest is a file people can edit.
        var email = givenEmail
        if email == nil, let kept = manifest?.email {
            guard let valid = try? RenderInputValidation.email(kept) else {
                throw SelfhostError.usage(
                    "\(outURL.appendingPathComponent(RenderManifest.relativePath).path) remembers the e-mail '\(RenderInputValidation.quoted(kept))', which is not a plain e-mail address",
                    at: SourceLocation(file: outURL.appendingPathComponent(RenderManifest.relativePath).path),
                    remedy: "render with --email ADDRESS to replace it")
            }
            email = valid
        }
        if options.open {
            for id in ids where previous[id] == nil {
                throw SelfhostError.usage(
                    "--open names \(id), which is not in the box in \(out) yet",
                    remedy: "render it first (without --open), finish its setup behind the gate, then run selfhost render \(id) --open --out \(options.out)")
            }
        }
        let openIDs = options.open ? Set(ids) : []
        for id in previous.keys where !ids.contains(id) && !removing.contains(id) {
            guard let app = catalog.app(id), app.isRenderable else {
                throw SelfhostError.usage(
                    "the box in \(out) holds '\(id)', which the catalog no longer has as a renderable app",
                    remedy: "render into a new --out directory, or restore the catalog entry")
            }
            ids.append(id)
        }
        ids.sort()
        for app in hostOverrides.keys where !ids.contains(app) {
            throw SelfhostError.usage("--host names '\(app)', which is not being rendered", remedy: "add \(app) to the apps, or drop the --host")
        }

        // 3. Hosts and public ports, stable across renders (ports: the plan preflight probes too).
        var members: [RenderBox.Member] = []
        let published = PublishedPorts.plan(apps: ids.map { catalog.app($0)! }, remap: defaults.remapLowPorts,
                                            previous: previous.mapValues(\.publishedPorts))
        let subnets = try RenderSubnets.assign(ids: ids, previous: manifest?.subnets ?? [:], prefix: defaults.webSubnetPrefix)
        var hostOwner: [String: String] = [:]
        for id in ids {
            let app = catalog.app(id)!
            let host: String
            if let h = hostOverrides[id] { host = h }
            else if let h = previous[id]?.host {
                if options.rehost, let oldDomain, let domain, oldDomain != domain {
                    if h.hasSuffix(".\(oldDomain)") {
                        host = String(h.dropLast(oldDomain.count)) + domain
                        notes.append("\(id) moves from \(h) to \(host): point its DNS record at the server before Caddy asks for the certificate")
                    } else {
                        host = h
                        notes.append("\(id) stays at \(h), which is not under \(oldDomain) (move it with --host \(id)=NAME)")
                    }
                } else {
                    host = h
                }
            }
            else if let domain { host = "\(id).\(domain)" }
            else {
                throw SelfhostError.usage("no host name for \(id)", remedy: "pass --domain example.com (serves \(id).example.com) or --host \(id)=app.example.com")
            }
            if let other = hostOwner[host] {
                throw SelfhostError.usage("\(id) and \(other) would both be served at \(host)", remedy: "give one of them another name with --host")
            }
            hostOwner[host] = id
            let ports = (published[id] ?? []).map {
                ComposeView.PublishedPort(host: $0.host, container: $0.container, protocol: $0.proto, purpose: oneLine($0.purpose ?? ""))
            }
            // The images the box runs stay until `selfhost upgrade` moves them (a removed app's too, when it comes back).
            var pinned = app
            if let pins = options.pins[id] ?? manifest?.images?[id] {
                pinned = ImagePins.apply(pins, to: app)
                let newer = ImagePins.differences(from: ImagePins.of(pinned), to: ImagePins.of(app))
                if options.pins[id] == nil, !newer.isEmpty {
                    notes.append("\(id) keeps its images (\(newer.map { "\($0.service) \($0.from)" }.joined(separator: ", "))); the catalog pins "
                                 + newer.map(\.to).joined(separator: ", ") + ": `selfhost upgrade \(id) --box \(options.out)` shows the path and moves it")
                }
            }
            members.append(.init(app: pinned, host: host, publishedPorts: ports, webSubnet: subnets[id]!, previousHost: previous[id]?.host))
        }

        // 4. Render everything in memory.
        let keep = options.keep ?? manifest?.keep ?? defaultKeep
        let backupBase = backupArg ?? manifest?.backupDir ?? defaultBackupDir
        var gates: [String: RenderGate.Decision] = [:]
        for m in members {
            let id = m.app.id
            let d = RenderGate.decide(
                app: m.app, previous: manifest?.gates?[id], manifestKnowsGates: manifest == nil || manifest?.gates != nil,
                wasInBox: previous[id] != nil, open: openIDs.contains(id),
                passwordFileExists: FileManager.default.fileExists(atPath: outURL.appendingPathComponent(RenderGate.passwordPath(id)).path),
                now: context.now())
            if let n = d.note { notes.append(n) }
            if d.record != nil { gates[id] = d }
        }
        // The SMTP relay (credentials last: a prompt comes only once everything else is known good).
        let relay = try options.smtp.map {
            try SMTPRelayInput(provider: $0, host: options.smtpHost, port: options.smtpPort, region: options.smtpRegion, from: options.smtpFrom,
                               credentialsFile: options.smtpCredentials)
                .resolve(providers: try EmailProviders.load(store), domain: domain, context: context)
        }
        var box = RenderBox(members: members, outDirectory: URL(fileURLWithPath: out), installDirectory: installDir, docker: docker,
                            adminEmail: email, previousEmail: manifest?.email, backupBase: backupBase, keep: keep, defaults: defaults, templates: templates, store: store)
        box.gates = gates
        box.smtp = relay
        box.smtpRecord = relay?.record ?? manifest?.smtp
        let target = options.target ?? manifest?.target ?? .compose
        box.target = target
        // Purging an app's data needs a backup of it from the last day (checked before anything is written).
        var newestBackups: [String: String] = [:]
        for id in removing {
            let dir = "\(backupBase)/\(id)"
            let newest = RenderRemoval.newestBackup(in: dir)
            newestBackups[id] = newest.map { "\(dir)/\($0.name)" }
            guard options.purge, !options.force else { continue }
            if let newest, context.now().timeIntervalSince(newest.date) <= 24 * 3600 { continue }
            throw SelfhostError.usage(
                "refusing to purge \(id): " + (newest.map { "its newest backup, \(dir)/\($0.name), is more than a day old" } ?? "there is no backup of it in \(dir)")
                    + ". Nothing was written",
                remedy: "back it up first (sudo \(installDir)/\(id)/backup.sh), or render with --force to purge without one")
        }
        let planned = try box.plan()

        // 5. Decide per file, then write (unless dry run), manifest last.
        var results: [FileResult] = []
        var newManifest = RenderManifest()
        newManifest.backupDir = backupBase
        newManifest.installDir = installDir == out ? nil : installDir
        newManifest.docker = docker == defaultDocker ? nil : docker
        newManifest.keep = keep
        newManifest.domain = domain
        newManifest.email = email
        newManifest.subnets = subnets
        newManifest.gates = gates.compactMapValues(\.record)
        // Kept for apps taken out without --purge too: rendering one back by its id finds its file.
        let ownRecords = (manifest?.ownApps ?? [:]).filter { !(options.purge && removing.contains($0.key)) }
            .merging(own.records.filter { ids.contains($0.key) }) { _, new in new }
        newManifest.ownApps = ownRecords.isEmpty ? nil : ownRecords
        newManifest.target = target == .compose ? nil : target
        newManifest.smtp = relay?.record ?? manifest?.smtp
        var images: [String: [String: String]] = [:]
        var history: [String: [RenderManifest.ImageChange]] = [:]
        // A removed app's images and history stay with its data, unless purged.
        for id in removing where !options.purge {
            if let kept = manifest?.images?[id] { images[id] = kept }
            if let kept = manifest?.history?[id] { history[id] = kept }
        }
        for m in members {
            images[m.app.id] = ImagePins.of(m.app)
            var h = manifest?.history?[m.app.id] ?? []
            if let entry = options.historyEntries[m.app.id] { h.append(entry) }
            if !h.isEmpty { history[m.app.id] = h }
        }
        // Apps outside the box whose data the manifest still knows (removed earlier, not purged).
        for (id, kept) in manifest?.images ?? [:] where images[id] == nil && previous[id] == nil && !removing.contains(id) {
            images[id] = kept
            if let h = manifest?.history?[id] { history[id] = h }
        }
        newManifest.images = images
        newManifest.history = history.isEmpty ? nil : history
        for m in members {
            newManifest.apps[m.app.id] = .init(host: m.host, publishedPorts: Dictionary(uniqueKeysWithValues: m.publishedPorts.map { ("\($0.container)/\($0.protocol)", $0.host) }))
        }
        var writes: [(RenderBox.PlannedFile, URL)] = []
        var contents: [String: String] = [:]
        for f in planned {
            let url = URL(fileURLWithPath: out).appendingPathComponent(f.path)
            let disk = FileManager.default.contents(atPath: url.path).map { String(decoding: $0, as: UTF8.self) }
            contents[f.path] = f.content
            switch f.kind {
            case .secret:
                results.append(.init(path: f.path, action: "created", reason: f.path.hasPrefix("swarm/secrets/")
                    ? "Docker secret, from .env (mode 0600, written once)" : "setup gate password (mode 0600)"))
                writes.append((f, url))
            case let .env(added, moved):
                if disk == nil {
                    results.append(.init(path: f.path, action: "created", reason: "\(added.count) variables, secrets generated"))
                    writes.append((f, url))
                } else if added.isEmpty && moved.isEmpty {
                    results.append(.init(path: f.path, action: "unchanged", reason: "every variable already set; values kept"))
                    if !options.dryRun { ensureMode(url.path, 0o600) }
                } else {
                    let what = (added.isEmpty ? [] : ["added \(added.joined(separator: ", "))"])
                        + (moved.isEmpty ? [] : ["\(moved.joined(separator: ", ")) follow the new host/e-mail"])
                    results.append(.init(path: f.path, action: "updated", reason: what.joined(separator: "; ") + "; other values kept"))
                    writes.append((f, url))
                }
            case let .lines(added):
                if disk == nil {
                    results.append(.init(path: f.path, action: "created", reason: nil))
                    writes.append((f, url))
                } else if added.isEmpty {
                    results.append(.init(path: f.path, action: "unchanged", reason: nil))
                } else {
                    results.append(.init(path: f.path, action: "updated", reason: "added \(added.joined(separator: " ")); other lines kept"))
                    writes.append((f, url))
                }
            case .regular:
                let recorded = manifest?.files[f.path]
                if let disk {
                    if disk == f.content {
                        results.append(.init(path: f.path, action: "unchanged", reason: nil))
                        newManifest.files[f.path] = RenderHash.sha256(f.content)
                        if !options.dryRun { ensureMode(url.path, f.mode) }
                        continue
                    }
                    let pristine = recorded == RenderHash.sha256(disk)
                    if !pristine && !options.force {
                        let why = recorded == nil ? "not written by selfhost render" : "edited since the last render"
                        results.append(.init(path: f.path, action: "skipped", reason: "\(why); render with --force to overwrite it"))
                        if let recorded { newManifest.files[f.path] = recorded }
                        continue
                    }
                    results.append(.init(path: f.path, action: "updated", reason: pristine ? nil : "overwritten (--force)"))
                } else {
                    results.append(.init(path: f.path, action: "created", reason: nil))
                }
                newManifest.files[f.path] = RenderHash.sha256(f.content)
                writes.append((f, url))
            }
        }
        // A removed app's units leave the box (unless edited by hand); its directory stays for `down`,
        // and stays known to the manifest so that rendering it back keeps its files and secrets.
        var deletes: [URL] = []
        for id in removing {
            for path in RenderRemoval.unitPaths(id) {
                let url = URL(fileURLWithPath: out).appendingPathComponent(path)
                guard let data = FileManager.default.contents(atPath: url.path) else { continue }
                let recorded = manifest?.files[path]
                if recorded == RenderHash.sha256(String(decoding: data, as: UTF8.self)) || options.force {
                    results.append(.init(path: path, action: "removed", reason: "\(id) leaves the box"))
                    deletes.append(url)
                } else {
                    results.append(.init(path: path, action: "skipped", reason: "\(id) leaves the box, but this file was edited by hand; render with --force to remove it"))
                    if let recorded { newManifest.files[path] = recorded }
                }
            }
            if !options.purge {
                for (path, hash) in manifest?.files ?? [:] where path.hasPrefix("\(id)/") { newManifest.files[path] = hash }
            }
        }
        // A Caddyfile left as it is (edited by hand) keeps its gates as they were: the manifest must not
        // say otherwise, and the owner must know.
        if results.contains(where: { $0.path == "caddy/Caddyfile" && $0.action == "skipped" }) {
            for (id, d) in gates where d.record != manifest?.gates?[id] {
                newManifest.gates?[id] = manifest?.gates?[id]
                notes.append("caddy/Caddyfile was edited by hand and not rewritten, so \(id)'s setup gate there is unchanged "
                             + "(\(manifest?.gates?[id]?.state.rawValue ?? "none")); render again with --force to apply it")
            }
        }
        let directories = Set(planned.map { ($0.path as NSString).deletingLastPathComponent } + [(RenderManifest.relativePath as NSString).deletingLastPathComponent])
        try RenderOutputCheck.check(out: out, flag: "--out", directories: directories.filter { !$0.isEmpty }.sorted(),
                                    files: planned.map(\.path) + [RenderManifest.relativePath], probe: !options.dryRun)
        if !options.dryRun {
            try writeConcurrently(writes)
            for url in deletes {
                do { try FileManager.default.removeItem(at: url) } catch {
                    throw SelfhostError.problem("cannot remove \(url.path): \(RenderOutputCheck.describe(error))", remedy: "check the directory's permissions")
                }
            }
            if newManifest != manifest {
                try AtomicFile.write(newManifest.encoded(), to: URL(fileURLWithPath: out).appendingPathComponent(RenderManifest.relativePath), permissions: 0o644)
            }
        }
        let apps = members.map { m in
            AppResult(id: m.app.id, name: m.app.name, host: m.host, url: "https://\(m.host)", added: previous[m.app.id] == nil,
                      publishedPorts: m.publishedPorts.map { "\($0.host):\($0.container)/\($0.protocol)" },
                      gate: newManifest.gates?[m.app.id]?.state.rawValue ?? "none",
                      gatePasswordFile: newManifest.gates?[m.app.id]?.state == .closed ? RenderGate.passwordPath(m.app.id) : nil)
        }
        let removed = removing.map { id in
            RemovedApp(id: id, host: previous[id]?.host ?? "", purge: options.purge, newestBackup: newestBackups[id],
                       commands: RenderRemoval.commands(id, installDir: installDir, docker: docker, purge: options.purge, copyFirst: installDir != out,
                                                        stillInBox: previous[id] != nil))
        }
        let report = Report(out: out, installDir: installDir, dryRun: options.dryRun, docker: docker, apps: apps, hosts: members.map(\.host),
                            files: results, removed: removed, notes: notes,
                            memory: try BoxMemory.plan(apps: ids, catalog: catalog, store: store),
                            mail: box.smtpRecord.map { r in
                                let filled = box.smtpOutcome.apps.sorted()
                                return Mail(provider: r.provider, host: r.host, port: r.port, from: r.from, filledApps: filled,
                                            byHandApps: members.filter { $0.app.smtp.needed != "none" && !filled.contains($0.app.id) }.map(\.app.id).sorted(),
                                            noMailApps: members.filter { $0.app.smtp.needed == "none" }.map(\.app.id).sorted(),
                                            kept: box.smtpOutcome.kept)
                            })
        return (report, contents)
    }

    /// Writes every file atomically, several at once: each write ends in an fsync, and concurrent
    /// fsyncs share the filesystem's journal commits (a 30-app box is ~200 files).
    static func writeConcurrently(_ writes: [(RenderBox.PlannedFile, URL)]) throws {
        // Parent directories first, so that concurrent writes never race to create them.
        for dir in Set(writes.map { $0.1.deletingLastPathComponent().path }).sorted() {
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            } catch {
                throw SelfhostError.problem("cannot create the directory \(dir): \(RenderOutputCheck.describe(error))",
                                            remedy: "check that it is not a file and that its parent is writable")
            }
        }
        let errors = ErrorBox()
        DispatchQueue.concurrentPerform(iterations: writes.count) { i in
            let (f, url) = writes[i]
            do { try AtomicFile.write(f.content, to: url, permissions: f.mode) } catch { errors.append(error) }
        }
        if let first = errors.first { throw first }
    }

    final class ErrorBox: @unchecked Sendable {
        private let lock = NSLock()
        private var errors: [any Error] = []
        func append(_ e: any Error) { lock.withLock { errors.append(e) } }
        var first: (any Error)? { lock.withLock { errors.first } }
    }

    /// Restores a file's mode (e.g. a `.env` someone made world-readable) without touching files
    /// that are already right: a chmod dirties the inode, and the manifest's fsync would then
    /// have to commit every one of them.
    static func ensureMode(_ path: String, _ mode: Int16) {
        var st = stat()
        guard stat(path, &st) == 0, st.st_mode & 0o7777 != mode_t(mode) else { return }
        chmod(path, mode_t(mode))
    }

    /// Refuses (exit 2, nothing written) a `--domain` or `--email` other than the box's, unless
    /// `--force` (existing apps stay where they are) or `--rehost` (every app moves).
    static func checkDomainAndEmail(given: (domain: String?, email: String?), box manifest: RenderManifest?, out: String, options: Options) throws {
        guard let manifest, !manifest.apps.isEmpty, !options.force, !options.rehost else { return }
        var differences: [String] = []
        if let d = given.domain, let old = manifest.domain, d != old {
            differences.append("its apps are served under \(old), not \(d)")
        }
        if let e = given.email, let old = manifest.email, e != old {
            differences.append("its ACME contact is \(old), not \(e)")
        }
        guard !differences.isEmpty else { return }
        let apps = manifest.apps.keys.sorted().joined(separator: " ")
        throw SelfhostError.usage(
            "the box in \(out) (\(apps)) was rendered differently: \(differences.joined(separator: "; ")). Nothing was written",
            remedy: "render with --rehost to move every app to the new domain (the Caddyfile and each app's URL follow), "
                + "or with --force to keep the existing apps where they are (new apps and the ACME contact take the new values), "
                + "or leave --domain/--email out to keep the box's")
    }

    /// `--install-dir`: an absolute path of the safe alphabet, without `.`/`..` parts or a trailing `/`.
    static func installDirectory(_ raw: String) throws -> String {
        let path = try RenderInputValidation.path(raw, flag: "--install-dir")
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard !parts.contains(where: { $0 == "." || $0 == ".." }) else {
            throw SelfhostError.usage("--install-dir \(RenderInputValidation.quoted(raw)) has a '.' or '..' part",
                                      remedy: "give the directory as the server spells it, e.g. --install-dir /srv/selfhost")
        }
        guard !parts.isEmpty else {
            throw SelfhostError.usage("--install-dir / is the root directory", remedy: "e.g. --install-dir /srv/selfhost")
        }
        return "/" + parts.joined(separator: "/")
    }

    /// A value read back from the manifest, checked like the flag that set it.
    static func remembered(_ value: String, what: String, flag: String, manifest: String, check: (String) throws -> String) throws -> String {
        do { return try check(value) } catch {
            throw SelfhostError.usage(
                "\(manifest) remembers the \(what) '\(RenderInputValidation.quoted(value))', which is not a plain absolute path",
                at: SourceLocation(file: manifest), remedy: "render with \(flag) to replace it")
        }
    }

    static func findOnPath(_ name: String, context: Context) -> String? {
        let path = context.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") where dir.hasPrefix("/") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    static func print(_ report: Report, format: OutputFormat, context: Context) {
        switch format {
        case .json:
            context.stdout.write(JSONOutput.encode(report))
            for n in report.notes { context.stderr.write("note: \(n)\n") }
        case .text:
            let s = context.style
            var text = report.dryRun ? "Dry run: nothing written. Would render into \(report.out):\n" : "Rendered into \(report.out):\n"
            var apps = TextTable(headers: ["app", "url", "", "setup gate"])
            for a in report.apps {
                apps.add([a.id, a.url, a.added ? "new" : "", a.gate == "closed" ? "closed: user \(RenderGate.user), password in \(a.gatePasswordFile ?? "")" : a.gate == "open" ? "open" : ""])
            }
            text += apps.render(headerStyle: s.bold)
            text += "\n"
            // Unchanged files are counted, not listed: a re-render of a big box stays readable.
            let changed = report.files.filter { $0.action != "unchanged" }
            let unchanged = report.files.count - changed.count
            if !changed.isEmpty {
                var table = FittedTable(columns: [.init("file", minWidth: 24), .init(report.dryRun ? "would be" : "result"), .init("note", keep: 1, minWidth: 12)])
                for f in changed { table.add([f.path, f.action, f.reason ?? ""]) }
                text += table.text(width: context.width, headerStyle: s.bold)
            }
            if unchanged > 0 {
                text += "\(changed.isEmpty ? "All \(unchanged)" : "\(unchanged) more") file\(unchanged == 1 ? "" : "s") unchanged"
                    + (report.files.contains { $0.path.hasSuffix("/.env") && $0.action == "unchanged" } ? " (values in .env kept)" : "") + ".\n"
            }
            if let mail = report.mail {
                text += "\nMail goes through \(mail.provider) at \(mail.host):\(mail.port) from \(mail.from): settings written for "
                    + (mail.filledApps.isEmpty ? "no app" : mail.filledApps.joined(separator: ", "))
                    + (mail.byHandApps.isEmpty ? "" : "; set by hand in " + mail.byHandApps.joined(separator: ", ") + " (README.md says how)")
                    + (mail.noMailApps.isEmpty ? "" : "; no mail: " + mail.noMailApps.joined(separator: ", ")) + ".\n"
                for (app, keys) in mail.kept.sorted(by: { $0.key < $1.key }) {
                    text += "note: \(app)/.env keeps your \(keys.joined(separator: ", ")) (not the relay's)\n"
                }
            }
            if let m = report.memory {
                text += "\nThis box needs ≈ \(Money.plain(m.gib, scale: 1)) GiB of memory (the services' mem_limits \(m.totalMib - m.caddyMib - m.systemReserveMib) MiB + Caddy \(m.caddyMib) MiB + system \(m.systemReserveMib) MiB); `selfhost cost --apps \(report.apps.map(\.id).joined(separator: ","))` prices the plans that hold it.\n"
            }
            for n in report.notes { text += "\nnote: \(n)" }
            let skipped = report.files.filter { $0.action == "skipped" }.count
            if skipped > 0 {
                text += "\n\(skipped) \(skipped == 1 ? "file was left as it is" : "files were left as they are"): \(report.dryRun ? "would be " : "")skipped because edited by hand. Compare, then render again with --force to overwrite (secrets in .env are never overwritten).\n"
            }
            for r in report.removed {
                if r.host.isEmpty {
                    text += "\n\(r.id) left the box earlier; its data \(report.dryRun ? "would go" : "goes") now. On the server:\n\n"
                } else {
                    text += "\n\(r.id) (\(r.host)) \(report.dryRun ? "would leave" : "left") the box. To stop it on the server"
                        + (r.purge ? " and delete its data" : "; its volumes and \(report.installDir)/\(r.id) stay") + ":\n\n"
                }
                text += r.commands.map { "  \($0)\n" }.joined()
                if let b = r.newestBackup { text += "\nIts newest backup: \(b)\n" }
            }
            if !report.dryRun { text += "\nNext: read \(report.out)/README.md (DNS records, install and start commands, backups).\n" }
            context.stdout.write(context.fitted(text))
        }
    }
}
