/// A self-hostable application: what it replaces, how it runs, what it needs.
/// Mirrors `catalog/apps/<id>.yaml`; every key is documented in docs/CATALOG.md.
public struct App: Sendable, Hashable, Decodable {
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
    public var sources: [Source]

    enum CodingKeys: String, CodingKey {
        case id, name, summary, categories, replaces, website, repository, license, openness
        case licenseNotes = "license_notes"
        case language, install, image, port
        case extraPorts = "extra_ports"
        case companions, env, resources, data, smtp, proxy, upgrade, migrations, sources
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decode(String.self, forKey: .name)
        summary = try c.decode(String.self, forKey: .summary)
        categories = try c.decode([String].self, forKey: .categories)
        replaces = try c.decodeIfPresent([String].self, forKey: .replaces) ?? []
        website = try c.decode(String.self, forKey: .website)
        repository = try c.decode(String.self, forKey: .repository)
        license = try c.decode(String.self, forKey: .license)
        openness = try c.decode(Openness.self, forKey: .openness)
        licenseNotes = try c.decodeIfPresent(String.self, forKey: .licenseNotes)
        language = try c.decode(String.self, forKey: .language)
        install = try c.decode(Install.self, forKey: .install)
        image = try c.decodeIfPresent(Image.self, forKey: .image)
        port = try c.decodeIfPresent(Int.self, forKey: .port)
        extraPorts = try c.decodeIfPresent([ExtraPort].self, forKey: .extraPorts) ?? []
        companions = try c.decodeIfPresent([Companion].self, forKey: .companions) ?? []
        env = try c.decodeIfPresent([EnvVar].self, forKey: .env) ?? []
        resources = try c.decode(Resources.self, forKey: .resources)
        data = try c.decode(DataSpec.self, forKey: .data)
        smtp = try c.decode(SMTP.self, forKey: .smtp)
        proxy = try c.decodeIfPresent(Proxy.self, forKey: .proxy) ?? Proxy()
        upgrade = try c.decodeIfPresent([Upgrade].self, forKey: .upgrade) ?? []
        migrations = try c.decodeIfPresent([Migration].self, forKey: .migrations) ?? []
        sources = try c.decode([Source].self, forKey: .sources)
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
    public struct Install: Sendable, Hashable, Decodable {
        public var method: String
        public var renderable: Bool
        public var instructions: String?
        public var docs: String?
    }

    public struct Image: Sendable, Hashable, Decodable {
        public var name: String
        public var tag: String
        /// `name:tag`.
        public var reference: String { "\(name):\(tag)" }
    }

    public struct ExtraPort: Sendable, Hashable, Decodable {
        public var port: Int
        public var `protocol`: String?
        public var purpose: String?
        public var `public`: Bool?
    }

    public struct Companion: Sendable, Hashable, Decodable {
        public var service: String
        public var kind: String
        public var image: String
        public var tag: String
        public var required: Bool?
        public var notes: String?
        public var reference: String { "\(image):\(tag)" }
    }

    public struct Secret: Sendable, Hashable, Decodable {
        public var format: SecretFormat
        public var length: Int
    }

    public enum SecretFormat: String, Sendable, Hashable, Decodable, CaseIterable {
        case hex, base64, alphanumeric
    }

    public struct EnvVar: Sendable, Hashable, Decodable {
        public var name: String
        public var service: String?
        public var required: Bool?
        public var secret: Secret?
        public var `default`: String?
        public var description: String?
    }

    public struct Resources: Sendable, Hashable, Decodable {
        public var ramMinMB: Int?
        public var ramRecommendedMB: Int?
        public var cpu: String?
        public var cpuFlags: [String]?
        public var swapMB: Int?
        public var notes: String?

        enum CodingKeys: String, CodingKey {
            case ramMinMB = "ram_min_mb", ramRecommendedMB = "ram_recommended_mb", cpu
            case cpuFlags = "cpu_flags", swapMB = "swap_mb", notes
        }
    }

    public struct Volume: Sendable, Hashable, Decodable {
        public var name: String
        public var service: String?
        public var path: String
        public var description: String?
    }

    public struct DatabaseBackup: Sendable, Hashable, Decodable {
        public var service: String
        public var method: String
        public var database: String?
    }

    public struct Backup: Sendable, Hashable, Decodable {
        public var databases: [DatabaseBackup]?
        public var volumes: [String]?
        public var notes: String?
    }

    public struct DataSpec: Sendable, Hashable, Decodable {
        public var volumes: [Volume]?
        public var backup: Backup?
    }

    public struct SMTP: Sendable, Hashable, Decodable {
        public var needed: String
        public var notes: String?
    }

    public struct Proxy: Sendable, Hashable, Decodable {
        public var websockets: Bool?
        public var maxUploadMB: Int?
        public var notes: String?

        public init(websockets: Bool? = nil, maxUploadMB: Int? = nil, notes: String? = nil) {
            self.websockets = websockets
            self.maxUploadMB = maxUploadMB
            self.notes = notes
        }

        enum CodingKeys: String, CodingKey {
            case websockets, maxUploadMB = "max_upload_mb", notes
        }
    }

    public struct Upgrade: Sendable, Hashable, Decodable {
        public var from: String
        public var to: String
        public var steps: [String]
        public var docs: String?
    }

    public struct Migration: Sendable, Hashable, Decodable {
        public var from: String
        public var summary: String?
        public var steps: [String]
        public var tools: [String]?
    }
}

/// Where a fact came from and when it was checked.
public struct Source: Sendable, Hashable, Codable {
    public var url: String
    public var checked: String
    public var facts: [String]?
}
