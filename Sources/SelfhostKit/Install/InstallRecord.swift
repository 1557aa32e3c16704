import Foundation

/// `<box>/.selfhost/installed.json`: what the last `selfhost install` put in place — the SHA-256 of
/// each file of the box it started from and the Caddy image it ran — so the next install applies
/// only what changed since (restarts the apps whose files changed, reloads Caddy instead of
/// restarting it). Written only after an install that finished; a box without one is new.
struct InstallRecord: Codable, Equatable {
    var version: Int = 1
    /// Apps installed (their units enabled).
    var apps: [String]
    /// Box-relative path → SHA-256 of its content when the install ran.
    var files: [String: String]
    /// The `image:` of caddy/compose.yaml: only a new image restarts Caddy.
    var caddyImage: String?
    var installedAt: Date

    enum CodingKeys: String, CodingKey {
        case version, apps, files, caddyImage = "caddy_image", installedAt = "installed_at"
    }

    static let relativePath = ".selfhost/installed.json"

    static func read(in box: URL) throws -> InstallRecord? {
        try JSONFile.read(InstallRecord.self, at: box.appendingPathComponent(relativePath), what: "a selfhost install record",
                          remedy: "delete it: the next install then starts every unit with `enable --now` (running ones are left alone)")
    }

    func write(in box: URL) throws {
        try AtomicFile.write(JSONFile.encode(self), to: box.appendingPathComponent(Self.relativePath))
    }
}
