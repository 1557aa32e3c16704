import Foundation

/// Everything linted together, parsed once, with the cross-file lookups rules share.
public struct LintProject: Sendable {
    public var composeFiles: [ComposeFile] = []
    public var caddyFiles: [CaddyFile] = []
    public var units: [UnitFile] = []
    public var envFiles: [EnvFile] = []
    /// Own apps' files in a box (`<id>/selfhost-app.yaml`), checked by `ownapp.file`.
    public var ownAppFiles: [LintSource] = []
    public var config: LintConfig

    /// Parses the sources. Each compose file reads the `.env` in its own directory, even when that
    /// `.env` was not among the linted paths, since that is what compose interpolates with.
    public init(sources: [LintSource], config: LintConfig = LintConfig()) {
        self.config = config
        for s in sources where s.kind == .env { envFiles.append(EnvFile(source: s)) }
        for s in sources {
            switch s.kind {
            case .compose:
                // A stack file (`docker stack deploy` reads no .env): the .env beside it, else the app's
                // `../<name>/.env` that selfhost's swarm/deploy.sh exports for `<name>.stack.yaml`.
                let stackApp = Self.stackAppName(s)
                let env = Self.neighbour(".env", of: s, among: envFiles)
                    ?? stackApp.flatMap { Self.neighbour("../\($0)/.env", of: s, among: envFiles) }
                // Without a .env (a checkout: secrets stay out of git), the committed .env.example names the variables.
                let example = env == nil ? (Self.neighbour(".env.example", of: s, among: envFiles)
                    ?? stackApp.flatMap { Self.neighbour("../\($0)/.env.example", of: s, among: envFiles) }) : nil
                composeFiles.append(ComposeFile(source: s, dotEnv: env, envExample: example))
            case .caddyfile: caddyFiles.append(CaddyFile(source: s))
            case .systemd: units.append(UnitFile(source: s))
            case .env: break
            case .ownapp: ownAppFiles.append(s)
            }
        }
    }

    /// `umami` for `umami.stack.yaml`; nil for other files.
    static func stackAppName(_ s: LintSource) -> String? {
        let name = s.url.lastPathComponent
        for suffix in [".stack.yaml", ".stack.yml"] where name.lowercased().hasSuffix(suffix) && name.count > suffix.count {
            return String(name.dropLast(suffix.count))
        }
        return nil
    }

    /// The file `name` in the compose file's directory: a linted one, else read from disk.
    static func neighbour(_ name: String, of s: LintSource, among envFiles: [EnvFile]) -> EnvFile? {
        let url = s.directory.appendingPathComponent(name).standardizedFileURL
        if let linted = envFiles.first(where: { $0.source.url.standardizedFileURL.path == url.path }) { return linted }
        guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else { return nil }
        let dir = (s.path as NSString).deletingLastPathComponent
        return EnvFile(source: LintSource(path: dir.isEmpty ? name : dir + "/" + name, url: url, kind: .env, text: text))
    }

    /// Every service of every compose file.
    public var services: [(file: ComposeFile, service: ComposeService)] {
        composeFiles.flatMap { f in f.services.map { (f, $0) } }
    }

    /// Services a hostname reaches: by service name, `container_name`, `hostname` or a network alias.
    public func services(answering host: String) -> [(file: ComposeFile, service: ComposeService)] {
        services.filter { f, s in
            if s.name == host { return true }
            if s["container_name"]?.text == host || s["hostname"]?.text == host { return true }
            for pair in s["networks"]?.pairs ?? [] {
                if pair.value["aliases"]?.items?.contains(where: { $0.text == host }) == true { return true }
            }
            return false
        }
    }

    /// Docker network names a service is attached to.
    public func networkNames(of service: ComposeService, in file: ComposeFile) -> Set<String> {
        Set(service.networkKeys.map { file.networkName($0) })
    }

    /// The compose service running Caddy with this Caddyfile: one that bind-mounts the file
    /// (or its directory), else a Caddy-image service that mounts no Caddyfile config at all and lives in the
    /// Caddyfile's directory (its config baked in). A Caddy container mounting a different Caddyfile never
    /// claims this one: that is another stack's Caddy, and this file belongs to a Caddy on the host (nil).
    public func caddyContainer(for caddy: CaddyFile) -> (file: ComposeFile, service: ComposeService)? {
        let target = caddy.source.url.standardizedFileURL.path
        var byImage: (ComposeFile, ComposeService)?
        for (f, s) in services {
            let binds = bindSources(of: s, in: f)
            if binds.contains(where: { Self.covers($0, target) }) { return (f, s) }
            if byImage == nil, s.imageBaseName == "caddy", !mountsCaddyConfig(s, in: f),
               f.source.directory.standardizedFileURL.path == caddy.source.directory.standardizedFileURL.path {
                byImage = (f, s)
            }
        }
        return byImage
    }

    /// Absolute host paths a service bind-mounts.
    func bindSources(of s: ComposeService, in f: ComposeFile) -> [String] {
        s.mounts(env: f.env).compactMap { m in
            guard m.isBind, let src = m.source else { return nil }
            return src.hasPrefix("/") ? src : f.source.directory.appendingPathComponent(src).standardizedFileURL.path
        }
    }

    /// Whether a service bind-mounts some Caddy configuration (a Caddyfile or `/etc/caddy`).
    func mountsCaddyConfig(_ s: ComposeService, in f: ComposeFile) -> Bool {
        s.mounts(env: f.env).contains { m in
            m.isBind && (m.target.hasPrefix("/etc/caddy") || (m.source ?? "").lowercased().contains("caddyfile"))
        }
    }

    /// `mount` is the file itself or a directory holding it.
    static func covers(_ mount: String, _ target: String) -> Bool {
        mount == target || target.hasPrefix(mount.hasSuffix("/") ? mount : mount + "/")
    }

    /// Compose files a unit's `WorkingDirectory` may refer to: the directory itself when it exists here,
    /// else linted compose files whose directory ends with the same path components
    /// (`/opt/stacks/umami` matches `deploy/umami/compose.yaml`).
    public func composeFiles(forWorkingDirectory dir: String) -> [ComposeFile] {
        let wanted = dir.split(separator: "/").map(String.init)
        guard let last = wanted.last else { return [] }
        return composeFiles.filter { f in
            let have = f.source.directory.standardizedFileURL.path.split(separator: "/").map(String.init)
            if f.source.directory.standardizedFileURL.path == URL(fileURLWithPath: dir).standardizedFileURL.path { return true }
            return have.last == last
        }
    }

    /// Values Caddy's container would get from its `environment:` and `env_file:` (for `caddy validate`).
    public func caddyEnvironmentValues(for caddy: CaddyFile) -> [String: String] {
        var out: [String: String] = [:]
        let dirs = [caddy.source.directory].map { $0.standardizedFileURL.path }
        for e in envFiles where dirs.contains(e.source.directory.standardizedFileURL.path) { out.merge(e.values) { $1 } }
        guard let (f, s) = caddyContainer(for: caddy) else { return out }
        for (path, _) in s["env_file"]?.stringList ?? [] {
            let url = f.source.directory.appendingPathComponent(path).standardizedFileURL
            if let text = try? String(contentsOf: url, encoding: .utf8) {
                out.merge(EnvFile(source: LintSource(path: path, url: url, kind: .env, text: text)).values) { $1 }
            }
        }
        for (k, v, _) in s["environment"]?.keyValueEntries ?? [] {
            if let v, let r = Interpolation.resolve(v, env: f.env) { out[k] = r }
        }
        return out
    }

    /// Variables Caddy sees: from the Caddy container's environment and env files, the `.env` files next
    /// to the Caddyfile and its compose file, and `env:` in `.selfhost-lint.yaml`.
    public func caddyEnvironment(for caddy: CaddyFile) -> Set<String> {
        var names = Set(config.env)
        let dirs = [caddy.source.directory, caddy.source.directory.deletingLastPathComponent()].map { $0.standardizedFileURL.path }
        for e in envFiles where dirs.contains(e.source.directory.standardizedFileURL.path) {
            names.formUnion(e.entries.map(\.key))
        }
        if let (f, s) = caddyContainer(for: caddy) {
            names.formUnion((s["environment"]?.keyValueEntries ?? []).map(\.key))
            for (path, _) in s["env_file"]?.stringList ?? [] {
                let url = f.source.directory.appendingPathComponent(path).standardizedFileURL
                if let env = envFiles.first(where: { $0.source.url.standardizedFileURL.path == url.path }) {
                    names.formUnion(env.entries.map(\.key))
                } else if let text = try? String(contentsOf: url, encoding: .utf8) {
                    names.formUnion(EnvFile(source: LintSource(path: path, url: url, kind: .env, text: text)).entries.map(\.key))
                }
            }
        }
        return names
    }
}
