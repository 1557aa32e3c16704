import Foundation

/// `<out>/.selfhost/manifest.json`: what the last render wrote, so that the next one can add apps
/// to the box without losing the old ones and can tell which files a person edited since.
struct RenderManifest: Codable, Equatable {
    struct AppRecord: Codable, Equatable {
        var host: String
        /// Public ports by `port/protocol` in the container → port on the host.
        var publishedPorts: [String: Int]

        enum CodingKeys: String, CodingKey { case host, publishedPorts = "published_ports" }
    }

    var version: Int = 1
    var apps: [String: AppRecord] = [:]
    /// Path relative to the output directory → SHA-256 of the content last written there.
    var files: [String: String] = [:]
    var backupDir: String?
    var keep: Int?
    /// `--domain` of the last render that gave one: new apps default to `<app>.<domain>`.
    var domain: String?
    /// `--email` of the last render that gave one: Caddy's ACME contact stays when a later render omits it.
    var email: String?
    /// Each app's web network subnet (shared with Caddy), e.g. `umami` → `10.231.0.0/24`: fixed at
    /// the network's creation, so apps can trust exactly their proxy (Nextcloud's TRUSTED_PROXIES).
    var subnets: [String: String]?
    /// `--install-dir`: where the box lives on the server, when not where it was rendered.
    var installDir: String?
    /// `--docker`: the docker binary the units run, when not `/usr/bin/docker`.
    var docker: String?
    /// Each gated app's setup gate (`RenderGate`), closed or opened; nil in a manifest written
    /// before gates existed.
    var gates: [String: RenderGate]?
    /// The box's own apps (`OwnApp`): where each app file was read from, so that a re-render
    /// (and `--open`, `--remove`) finds it; a copy is in `<id>/selfhost-app.yaml`.
    var ownApps: [String: RenderOwnApps.Record]?
    /// `--target`, when not `compose`: later renders keep writing the swarm's stack files.
    var target: RenderTarget?

    /// Each app's images as the box runs them, by compose service (`app`, or a companion's service):
    /// `umami` → `app` → `ghcr.io/umami-software/umami:3.4.0`. A re-render keeps them; only
    /// `selfhost upgrade` moves them to the catalog's newer pins. Nil in a manifest written before.
    var images: [String: [String: String]]?
    /// Each app's image changes by `selfhost upgrade`, oldest first: the last one's `from` is what
    /// `upgrade --rollback` goes back to.
    var history: [String: [ImageChange]]?

    /// `--smtp`: the box's relay, without its credentials (those are only in the apps' `.env`).
    var smtp: SMTPRecord?

    struct SMTPRecord: Codable, Equatable {
        /// A catalog e-mail provider's id, or `custom`.
        var provider: String
        var host: String
        var port: Int
        var from: String
    }

    /// One `selfhost upgrade` (or rollback) of an app's images.
    struct ImageChange: Codable, Equatable {
        /// `upgrade` or `rollback`.
        var kind: String
        var from: [String: String]
        var to: [String: String]
        /// UTC, ISO 8601.
        var at: String
        /// The backup taken before it (`backup_dir/<app>/<stamp>`), when one was.
        var backup: String?
    }

    // Explicit keys: a key strategy would also rewrite the dictionary keys (file paths).
    enum CodingKeys: String, CodingKey {
        case version, apps, files, backupDir = "backup_dir", keep, domain, email, subnets, installDir = "install_dir", docker, gates, ownApps = "own_apps", target, images, history, smtp
    }

    static let relativePath = ".selfhost/manifest.json"

    /// The manifest in `out`, or nil when there is none (a fresh output directory).
    static func read(in out: URL) throws -> RenderManifest? {
        try JSONFile.read(RenderManifest.self, at: out.appendingPathComponent(relativePath), what: "a selfhost render manifest",
                          remedy: "restore it, or render into a new --out directory")
    }

    /// The manifest of the box in `box`, which the command needs: a usage error when there is none.
    static func required(in box: URL) throws -> RenderManifest {
        guard let manifest = try read(in: box) else {
            throw SelfhostError.usage("\(box.path) is not a box: no \(relativePath)", at: SourceLocation(file: box.path),
                                      remedy: "give the directory `selfhost render --out` wrote (--box DIR)")
        }
        return manifest
    }

    func encoded() -> String {
        (try? JSONFile.encode(self)) ?? "{}\n"
    }
}
