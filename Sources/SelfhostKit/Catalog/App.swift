/// A self-hostable application: what it replaces, how it runs, what it needs.
/// Mirrors `catalog/apps/<id>.yaml`; every key is documented in docs/CATALOG.md.
public struct App: Sendable, Hashable {
    public var id: String
    public var name: String
    public var summary: String
    public var categories: [String]
    public var replaces: [String]
    public var website: String
    public var repository: String
    public var license: String
    public var openness: Openness
    public var licenseNotes: String?
    public var language: String
    public var install: Install
    public var image: Image?
    public var port: Int?
    public var extraPorts: [ExtraPort]
    public var companions: [Companion]
    public var env: [EnvVar]
    public var resources: Resources
    public var data: DataSpec
    public var smtp: SMTP
    public var proxy: Proxy
    public var upgrade: [Upgrade]
    public var migrations: [Migration]
    /// What the template was checked against upstream; nil only for apps that do not render.
    public var upstream: Upstream?
    /// What a stranger could do on a fresh install, and how render closes it.
    public var firstStart: FirstStart?
    public var sources: [Source]

    /// Reads an entry from its parsed document.
    public init(tree r: TreeReader) throws {
        id = try r.string("id")
        name = try r.string("name")
        summary = try r.string("summary")
        categories = r.strings("categories")
        replaces = r.strings("replaces")
        website = try r.string("website")
        repository = try r.string("repository")
        license = try r.string("license")
        guard let o = Openness(rawValue: try r.string("openness")) else { throw TreeReader.ShapeError(description: "bad openness") }
        openness = o
        licenseNotes = r.stringIfPresent("license_notes")
        language = try r.string("language")
        install = try r.required("install") { try Install(method: $0.string("method"), renderable: $0.bool("renderable"),
                                                           instructions: $0.stringIfPresent("instructions"), docs: $0.stringIfPresent("docs")) }
        image = try r.map("image") { try Image(name: $0.string("name"), tag: $0.string("tag")) }
        port = r.intIfPresent("port")
        extraPorts = try r.list("extra_ports") {
            try ExtraPort(port: $0.int("port"), protocol: $0.stringIfPresent("protocol"), purpose: $0.stringIfPresent("purpose"), public: $0.boolIfPresent("public"))
        }
        companions = try r.list("companions") {
            try Companion(service: $0.string("service"), kind: $0.string("kind"), image: $0.string("image"), tag: $0.string("tag"),
                          required: $0.boolIfPresent("required"), notes: $0.stringIfPresent("notes"))
        }
        env = try r.list("env") { e in
            try EnvVar(name: e.string("name"), service: e.stringIfPresent("service"), required: e.boolIfPresent("required"),
                       secret: e.map("secret") { s in
                           guard let f = SecretFormat(rawValue: try s.string("format")) else { throw TreeReader.ShapeError(description: "bad secret format") }
                           return Secret(format: f, length: try s.int("length"))
                       },
                       default: e.stringIfPresent("default"), description: e.stringIfPresent("description"))
        }
        resources = try r.required("resources") {
            Resources(ramMinMB: $0.intIfPresent("ram_min_mb"), ramRecommendedMB: $0.intIfPresent("ram_recommended_mb"),
                      cpu: $0.stringIfPresent("cpu"), cpuFlags: $0.value("cpu_flags") == nil ? nil : $0.strings("cpu_flags"),
                      swapMB: $0.intIfPresent("swap_mb"), notes: $0.stringIfPresent("notes"))
        }
        data = try r.required("data") { d in
            DataSpec(
                volumes: d.value("volumes") == nil ? nil : try d.list("volumes") {
                    try Volume(name: $0.string("name"), service: $0.stringIfPresent("service"), path: $0.string("path"), description: $0.stringIfPresent("description"))
                },
                backup: try d.map("backup") { b in
                    Backup(databases: b.value("databases") == nil ? nil : try b.list("databases") {
                               try DatabaseBackup(service: $0.string("service"), method: $0.string("method"), database: $0.stringIfPresent("database"))
                           },
                           volumes: b.value("volumes") == nil ? nil : b.strings("volumes"), notes: b.stringIfPresent("notes"))
                })
        }
        smtp = try r.required("smtp") { s in
            try SMTP(needed: s.string("needed"), notes: s.stringIfPresent("notes"), service: s.stringIfPresent("service"),
                     alsoServices: s.strings("also_services"),
                     env: s.list("env") { try SMTP.Variable(name: $0.string("name"), value: $0.string("value")) },
                     source: s.map("source") { try Source(tree: $0) })
        }
        proxy = try r.map("proxy") { Proxy(websockets: $0.boolIfPresent("websockets"), maxUploadMB: $0.intIfPresent("max_upload_mb"), notes: $0.stringIfPresent("notes")) } ?? Proxy()
        upgrade = try r.list("upgrade") {
            try Upgrade(from: $0.string("from"), to: $0.string("to"), steps: $0.strings("steps"), docs: $0.stringIfPresent("docs"),
                        commands: $0.list("commands") { try Upgrade.Command(service: $0.string("service"), run: $0.string("run")) })
        }
        migrations = try r.list("migrations") {
            try Migration(from: $0.string("from"), summary: $0.stringIfPresent("summary"), steps: $0.strings("steps"),
                          tools: $0.value("tools") == nil ? nil : $0.strings("tools"))
        }
        upstream = try r.map("upstream") { try Upstream(tree: $0) }
        firstStart = try r.map("first_start") { try FirstStart(tree: $0) }
        sources = try r.list("sources") { try Source(tree: $0) }
    }

    /// Whether `selfhost render` can produce a box for this app.
    public var isRenderable: Bool { install.renderable && image != nil && port != nil }

    /// RAM to plan for: the recommended figure, else the minimum, else nil (unpublished).
    public var plannedRAMMB: Int? { resources.ramRecommendedMB ?? resources.ramMinMB }
}

/// How open the license is.
public enum Openness: String, Sendable, Hashable, Codable, CaseIterable {
    /// The whole product under an OSI-approved license.
    case osi
    /// An OSI core with proprietary or enterprise-licensed parts.
    case openCore = "open-core"
    /// Source published under a fair-code license (e.g. Sustainable Use License): not OSI.
    case fairCode = "fair-code"
    /// Source visible but not under an open license.
    case sourceAvailable = "source-available"
}

extension App {
    public struct Install: Sendable, Hashable {
        public var method: String
        public var renderable: Bool
        public var instructions: String?
        public var docs: String?
    }

    public struct Image: Sendable, Hashable {
        public var name: String
        public var tag: String
        /// `name:tag`.
        public var reference: String { "\(name):\(tag)" }
    }

    public struct ExtraPort: Sendable, Hashable {
        public var port: Int
        public var `protocol`: String?
        public var purpose: String?
        public var `public`: Bool?
    }

    public struct Companion: Sendable, Hashable {
        public var service: String
        public var kind: String
        public var image: String
        public var tag: String
        public var required: Bool?
        public var notes: String?
        public var reference: String { "\(image):\(tag)" }
    }

    public struct Secret: Sendable, Hashable {
        public var format: SecretFormat
        public var length: Int
    }

    public enum SecretFormat: String, Sendable, Hashable, CaseIterable {
        case hex, base64, alphanumeric
    }

    public struct EnvVar: Sendable, Hashable {
        public var name: String
        public var service: String?
        public var required: Bool?
        public var secret: Secret?
        public var `default`: String?
        public var description: String?
    }

    public struct Resources: Sendable, Hashable {
        public var ramMinMB: Int?
        public var ramRecommendedMB: Int?
        public var cpu: String?
        public var cpuFlags: [String]?
        public var swapMB: Int?
        public var notes: String?

    }

    public struct Volume: Sendable, Hashable {
        public var name: String
        public var service: String?
        public var path: String
        public var description: String?
    }

    public struct DatabaseBackup: Sendable, Hashable {
        public var service: String
        public var method: String
        public var database: String?
    }

    public struct Backup: Sendable, Hashable {
        public var databases: [DatabaseBackup]?
        public var volumes: [String]?
        public var notes: String?
    }

    public struct DataSpec: Sendable, Hashable {
        public var volumes: [Volume]?
        public var backup: Backup?
    }

    public struct SMTP: Sendable, Hashable {
        public var needed: String
        public var notes: String?
        /// The compose service that sends mail (`app` when not given).
        public var service: String?
        /// Other services of the app that send mail too (background workers, cron), given the same
        /// variables.
        public var alsoServices: [String]
        /// The variables `render --smtp` writes into the app's `.env` and passes to `service`, each
        /// a template over the relay's settings (`SMTPRelay.expand`); empty: render can't configure
        /// the app's mail (it has none, or it keeps the settings in its database).
        public var env: [Variable]
        /// Where the variable names were read.
        public var source: Source?

        public struct Variable: Sendable, Hashable {
            public var name: String
            public var value: String
        }

        /// Every service that gets the mail variables: `service` (default `app`), then `also_services`.
        public var senders: [String] { [service ?? "app"] + alsoServices }

        public init(needed: String, notes: String?, service: String? = nil, alsoServices: [String] = [], env: [Variable] = [], source: Source? = nil) {
            self.needed = needed
            self.notes = notes
            self.service = service
            self.alsoServices = alsoServices
            self.env = env
            self.source = source
        }
    }

    public struct Proxy: Sendable, Hashable {
        public var websockets: Bool?
        public var maxUploadMB: Int?
        public var notes: String?

        public init(websockets: Bool? = nil, maxUploadMB: Int? = nil, notes: String? = nil) {
            self.websockets = websockets
            self.maxUploadMB = maxUploadMB
            self.notes = notes
        }

    }

    public struct Upgrade: Sendable, Hashable {
        public var from: String
        public var to: String
        public var steps: [String]
        public var docs: String?
        /// One-shot commands `selfhost upgrade` runs after pulling the new images and before
        /// starting them: `docker compose run --rm -T --entrypoint /bin/sh SERVICE -c RUN`.
        public var commands: [Command] = []

        public struct Command: Sendable, Hashable {
            public var service: String
            public var run: String
        }
    }

    public struct Migration: Sendable, Hashable {
        public var from: String
        public var summary: String?
        public var steps: [String]
        public var tools: [String]?
    }
}

extension App {
    /// One upstream file a template was compared with.
    public struct UpstreamFile: Sendable, Hashable {
        public var repository: String
        public var path: String
        /// A release tag or a commit id.
        public var ref: String
        public var checked: String

        init(tree r: TreeReader) throws {
            repository = try r.string("repository")
            path = try r.string("path")
            ref = try r.string("ref")
            checked = try r.string("checked")
        }
    }

    /// What the template was checked against: upstream's compose example, the image's entrypoint
    /// script (nil when the image has none) and the entrypoint's environment contract.
    public struct Upstream: Sendable, Hashable {
        public var compose: UpstreamFile
        public var entrypoint: UpstreamFile?
        /// Env names the entrypoint or app reads that the template sets.
        public var reads: [String]
        /// Legacy names the entrypoint rejects or ignores; the template must not set them.
        public var refuses: [String]
        public var notes: String

        init(tree r: TreeReader) throws {
            compose = try r.required("compose") { try UpstreamFile(tree: $0) }
            entrypoint = try r.map("entrypoint") { try UpstreamFile(tree: $0) }
            reads = r.strings("reads")
            refuses = r.strings("refuses")
            notes = try r.string("notes")
        }
    }

    /// The app's first-start state without our preseed, and what closes it.
    public struct FirstStart: Sendable, Hashable {
        public enum Exposure: String, Sendable, Hashable, CaseIterable {
            /// Upstream itself requires the admin to be set through the environment.
            case preseeded
            /// A setup wizard whoever arrives first completes (and becomes admin).
            case webInstaller = "web-installer"
            /// The first account created becomes the administrator.
            case firstVisitorAdmin = "first-visitor-admin"
            /// A documented default login.
            case defaultCredentials = "default-credentials"
            /// Anyone may create an account.
            case openSignup = "open-signup"
            /// Nothing a stranger can claim.
            case none
        }

        public enum ClosedBy: String, Sendable, Hashable, CaseIterable {
            /// Render sets the `preseed` variables.
            case preseed
            /// Render puts HTTP basic auth in front until the owner opens it.
            case gate
            /// Nothing to close.
            case noneNeeded = "none-needed"
        }

        public var exposure: Exposure
        public var detail: String
        /// Env names upstream documents for creating the admin, locking the installer or closing sign-up.
        public var preseed: [String]
        public var closedBy: ClosedBy
        public var source: Source

        init(tree r: TreeReader) throws {
            guard let e = Exposure(rawValue: try r.string("exposure")) else { throw TreeReader.ShapeError(description: "bad first_start.exposure") }
            guard let c = ClosedBy(rawValue: try r.string("closed_by")) else { throw TreeReader.ShapeError(description: "bad first_start.closed_by") }
            exposure = e
            closedBy = c
            detail = try r.string("detail")
            preseed = r.strings("preseed")
            source = try r.required("source") { try Source(tree: $0) }
        }
    }
}

/// Where a fact came from and when it was checked.
public struct Source: Sendable, Hashable, Codable {
    public var url: String
    public var checked: String
    public var facts: [String]?

    public init(tree r: TreeReader) throws {
        url = try r.string("url")
        checked = try r.string("checked")
        facts = r.value("facts") == nil ? nil : r.strings("facts")
    }
}
