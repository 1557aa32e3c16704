import Foundation

/// `render --target`: what the box is deployed with.
public enum RenderTarget: String, Sendable, Codable, CaseIterable {
    /// One server: a Compose project per app, systemd units (the default).
    case compose
    /// A Docker Swarm: everything `compose` writes (the model), plus stack files under `swarm/`.
    case swarm
}

/// One app of the box as `RenderBox.plan` rendered it, for the swarm files.
struct SwarmAppInput {
    var member: RenderBox.Member
    var compose: String
    var webAlias: String
    var webPort: Int
    /// `.env` variables holding generated secrets.
    var secretVariables: Set<String>
    /// The app's `.env` after this render (existing values kept).
    var envValues: [String: String]
    /// Files render copies into the app's directory (bind-mount sources).
    var files: Set<String>
    var backup: BackupScriptView
}

/// `templates/swarm/deploy.sh.mustache`.
struct SwarmDeployView {
    struct App {
        var id: String
        var stack: String
        var webNetwork: String
        var webSubnet: String
        var configs: [Config]
    }
    struct Config {
        var variable: String
        var file: String
    }
    var docker: String
    var apps: [App]
}

/// `templates/swarm/README.md.mustache`.
struct SwarmReadmeView {
    struct App {
        var id: String
        var name: String
        var host: String
        var stack: String
        var directory: String
        var dataLabel: String
        var hasData: Bool
        var dataServices: [DataService]
        var replicated: [Replicated]
        var fileSecrets: [String]
        var hasFileSecrets: Bool
        var environmentSecrets: [String]
        var hasEnvironmentSecrets: Bool
        var statelessServices: [String]
        var notes: [String]
        var backupDir: String
        var dumps: [BackupScriptView.Dump]
        var volumes: [BackupScriptView.VolumeArchive]
        var secretFiles: [String]
    }
    struct DataService {
        var service: String
        /// `a, b` for text; `volumeNames` `a b` for the shell.
        var volumes: String
        var volumeNames: String
    }
    struct Replicated {
        var service: String
        var replicas: Int
    }
    var installDir: String
    var docker: String
    var apps: [App]
    var backupImage: String
    var webReplicas: Int
    var fileVariableSources: [String]
}

extension RenderBox {
    /// `swarm/`: a stack file per app and one for Caddy (derived from the compose files just
    /// rendered), the swarm's Caddyfile, the Docker secrets' files (written once, never rotated),
    /// `deploy.sh`, backup units for the data nodes and a README.
    func planSwarm(_ apps: [SwarmAppInput], caddyCompose: String, caddyfile: String) throws -> [PlannedFile] {
        let settings = try SwarmStack.Settings.load(store)
        let stack = SwarmStack(settings: settings)
        let out = installDirectory
        var files: [PlannedFile] = []
        var deployApps: [SwarmDeployView.App] = []
        var readmeApps: [SwarmReadmeView.App] = []
        for input in apps {
            let app = input.member.app
            let kinds = Dictionary(app.companions.map { ($0.service, $0.kind) }, uniquingKeysWith: { a, _ in a })
            let result = try stack.app(compose: input.compose, appID: app.id, webAlias: input.webAlias, companionKinds: kinds,
                                       secretVariables: input.secretVariables, files: input.files)
            files.append(PlannedFile(path: "swarm/\(app.id).stack.yaml", content: result.text, mode: 0o644, kind: .regular))
            for secret in result.secrets {
                let path = "swarm/\(secret.file)"
                // Written once from the .env value; a swarm secret can't change while in use, so it is never rotated.
                guard !FileManager.default.fileExists(atPath: outDirectory.appendingPathComponent(path).path) else { continue }
                guard let value = input.envValues[secret.variable], !value.isEmpty else {
                    throw SelfhostError.problem("\(app.id)/.env has no value for \(secret.variable), which the swarm stack passes as a Docker secret",
                                                remedy: "set it in \(app.id)/.env and render again")
                }
                files.append(PlannedFile(path: path, content: value, mode: 0o600, kind: .secret))
            }
            deployApps.append(.init(id: app.id, stack: "selfhost-\(app.id)", webNetwork: Self.webNetwork(app.id), webSubnet: input.member.webSubnet,
                                    configs: result.configs.map { .init(variable: $0.hashVariable, file: $0.file) }))
            let dataServices = result.dataServices.map { SwarmReadmeView.DataService(service: $0.service, volumes: $0.volumes.joined(separator: ", "), volumeNames: $0.volumes.joined(separator: " ")) }
            let dataNames = Set(result.dataServices.map(\.service))
            let services = Set(try analyseCompose(input.compose, app: app, template: "apps/\(app.id)/compose.yaml").services)
            readmeApps.append(.init(
                id: app.id, name: oneLine(app.name), host: input.member.host, stack: "selfhost-\(app.id)", directory: "\(out)/\(app.id)",
                dataLabel: SwarmStack.dataLabel(app.id), hasData: !dataServices.isEmpty, dataServices: dataServices,
                replicated: result.replicated.map { .init(service: $0.service, replicas: $0.replicas) },
                fileSecrets: result.secrets.map(\.variable), hasFileSecrets: !result.secrets.isEmpty,
                environmentSecrets: result.environmentSecrets, hasEnvironmentSecrets: !result.environmentSecrets.isEmpty,
                statelessServices: services.subtracting(dataNames).sorted(), notes: result.notes.map(oneLine),
                backupDir: input.backup.backupDir, dumps: input.backup.dumps, volumes: input.backup.volumes,
                secretFiles: result.secrets.map(\.variable)))

            // Backups run where the data is: the backup unit for the data node, with the stack named.
            let dir = "\(out)/\(app.id)"
            let unit = BackupUnitView(appID: app.id, appName: oneLine(app.name), script: "\(dir)/backup.sh", directory: dir, backupDir: input.backup.backupDir,
                                      bindReadOnlyPaths: Self.isUnderTmp(out) ? [out] : [],
                                      bindPaths: Self.isUnderTmp(input.backup.backupDir) ? [input.backup.backupDir] : [],
                                      swarmStacks: ["selfhost-\(app.id)"])
            files.append(PlannedFile(path: "swarm/systemd/selfhost-\(app.id)-backup.service", content: try templates.render("systemd/backup.service", unit), mode: 0o644, kind: .regular))
            files.append(PlannedFile(path: "swarm/systemd/selfhost-\(app.id)-backup.timer", content: try templates.render("systemd/backup.timer", unit), mode: 0o644, kind: .regular))
        }
        files.append(PlannedFile(path: "swarm/caddy.stack.yaml", content: try stack.caddy(compose: caddyCompose), mode: 0o644, kind: .regular))
        files.append(PlannedFile(path: "swarm/Caddyfile", content: caddyfile, mode: 0o644, kind: .regular))
        files.append(PlannedFile(path: "swarm/deploy.sh", content: try templates.render("swarm/deploy.sh", SwarmDeployView(docker: docker, apps: deployApps)),
                                 mode: 0o755, kind: .regular))
        let readme = try templates.render("swarm/README.md", SwarmReadmeView(
            installDir: out, docker: docker, apps: readmeApps, backupImage: defaults.backupImage, webReplicas: settings.webReplicas,
            fileVariableSources: settings.fileVariables.keys.sorted().map { "\($0): \(settings.fileVariables[$0]!.source)" }), multiline: true)
        files.append(PlannedFile(path: "swarm/README.md", content: readme, mode: 0o644, kind: .regular))
        return files
    }
}
