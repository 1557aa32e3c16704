
/// `templates/render/defaults.yaml`: the figures render uses where the catalog has none.
struct RenderDefaults: Sendable, Decodable {
    var appMemMB: Int
    var companionMemMB: [String: Int]
    var caddyImage: String
    var caddyMemMB: Int
    var backupImage: String
    var remapLowPorts: [Int: Int]
    /// First two numbers of the apps' web network subnets (`<prefix>.N.0/24`), e.g. `10.231`.
    var webSubnetPrefix: String
    /// Memory left to the operating system and Docker when sizing a box (`BoxMemory`), MB.
    var systemReserveMB: Int = 1024

    enum CodingKeys: String, CodingKey {
        case appMemMB = "app_mem_mb", companionMemMB = "companion_mem_mb", caddyImage = "caddy_image"
        case caddyMemMB = "caddy_mem_mb", backupImage = "backup_image", remapLowPorts = "remap_low_ports"
        case webSubnetPrefix = "web_subnet_prefix", systemReserveMB = "system_reserve_mb"
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        appMemMB = try c.decode(Int.self, forKey: .appMemMB)
        companionMemMB = try c.decode([String: Int].self, forKey: .companionMemMB)
        caddyImage = try c.decode(String.self, forKey: .caddyImage)
        caddyMemMB = try c.decode(Int.self, forKey: .caddyMemMB)
        backupImage = try c.decode(String.self, forKey: .backupImage)
        remapLowPorts = try c.decode([Int: Int].self, forKey: .remapLowPorts)
        webSubnetPrefix = try c.decode(String.self, forKey: .webSubnetPrefix)
        systemReserveMB = try c.decodeIfPresent(Int.self, forKey: .systemReserveMB) ?? 1024
    }

    /// A companion's `mem_limit` (MB) by kind, `other` for unknown kinds.
    func companionMB(kind: String) -> Int {
        companionMemMB[kind] ?? companionMemMB["other"] ?? 512
    }

    static let path = "templates/render/defaults.yaml"

    static func load(_ store: ResourceStore) throws -> RenderDefaults {
        try settingsFile(RenderDefaults.self, path: path, what: "render's defaults", store: store)
    }

    /// One of render's own settings files (`templates/render/*.yaml`): shipped with selfhost, so a
    /// missing one is a broken install, not the user's input.
    static func settingsFile<T: Decodable>(_ type: T.Type, path: String, what: String, store: ResourceStore) throws -> T {
        guard let file = store.file(path) else {
            throw SelfhostError.problem("\(path) is missing", remedy: "restore it from the repository")
        }
        return try YAMLNodeDecoder.decode(type, from: file, what: what, remedy: "fix the file")
    }

    /// Docker's `m` is MiB; the catalog's MB are 10^6 bytes: round up so the limit is never below the figure.
    static func memLimit(mb: Int) -> String {
        "\(memLimitMiB(mb: mb))m"
    }

    /// The same limit as a number of MiB.
    static func memLimitMiB(mb: Int) -> Int {
        (mb * 1_000_000 + 1_048_575) / 1_048_576
    }
}
