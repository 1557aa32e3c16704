import Foundation

/// A parsed compose file: the YAML tree plus the lookups rules share.
public struct ComposeFile: Sendable {
    public var source: LintSource
    public var root: YAMLNode?
    /// Why the file could not be parsed, with its position.
    public var loadError: SelfhostError?
    /// Variables from the `.env` next to the file (what compose interpolates with), when there is one.
    public var dotEnv: EnvFile?
    /// The `.env.example` next to the file when there is no `.env` (a checkout keeps secrets out of
    /// git and commits the keys): the names it lists count as defined, its values are never used.
    public var envExample: EnvFile?
    public var services: [ComposeService] = []

    public init(source: LintSource, dotEnv: EnvFile?, envExample: EnvFile? = nil) {
        self.source = source
        self.dotEnv = dotEnv
        self.envExample = dotEnv == nil ? envExample : nil
        do {
            root = try YAMLParser.parse(source.text, file: source.path)
        } catch {
            loadError = error
        }
        for pair in root?["services"]?.pairs ?? [] {
            guard let name = pair.key.string else { continue }
            services.append(ComposeService(name: name, key: pair.key, node: pair.value, file: source.path))
        }
    }

    /// `compose.override.yaml`, `docker-compose.prod.yml`…: a partial file merged over a base file, so
    /// "missing X" rules don't apply to it (the base file is linted for those). A file named like that
    /// whose every service has `image:` or `build:` stands alone (`docker-compose.postgres-tika.yml`),
    /// except the conventional `*.override.*` file compose merges by itself.
    public var isOverride: Bool {
        let name = source.url.lastPathComponent.lowercased()
        for base in ["compose.", "docker-compose."] where name.hasPrefix(base) {
            let middle = name.dropFirst(base.count).split(separator: ".")
            guard middle.count >= 2 else { continue }
            return middle.first == "override" || !isStandalone
        }
        return false
    }

    /// A Docker Swarm stack file (`LintFileKind.isStackFile`): `docker stack deploy` ignores
    /// `restart`, `security_opt` and `depends_on` and reads `deploy:` instead.
    public var isStack: Bool { LintFileKind.isStackFile(source.url.lastPathComponent.lowercased()) }

    /// Every service says what it runs (`image:` or `build:`), so the file can be run on its own.
    var isStandalone: Bool {
        !services.isEmpty && services.allSatisfy { $0["image"] != nil || $0["build"] != nil }
    }

    /// Interpolation values: the neighbouring `.env`.
    public var env: [String: String] { dotEnv?.values ?? [:] }

    /// Variable names compose will find defined: the `.env`'s, or else the `.env.example`'s.
    public var definedNames: Set<String> {
        if let dotEnv { return Set(dotEnv.values.keys) }
        return Set(envExample?.entries.map(\.key) ?? [])
    }

    /// The compose project name: top-level `name:` or the directory name, as compose derives it.
    public var projectName: String {
        if let n = root?["name"]?.text, let r = Interpolation.resolve(n, env: env), !r.isEmpty { return r }
        let dir = source.directory.lastPathComponent.lowercased()
        return String(dir.filter { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" })
    }

    /// Names defined under a top-level section (`networks`, `volumes`, `secrets`, `configs`).
    public func defined(_ section: String) -> Set<String> {
        Set((root?[section]?.pairs ?? []).compactMap { $0.key.string })
    }

    /// The Docker-level name of a network key: its `name:`, else `<project>_<key>`.
    public func networkName(_ key: String) -> String {
        if let def = root?["networks"]?[key] {
            if let n = def["name"]?.text { return Interpolation.resolve(n, env: env) ?? n }
            if def["external"]?.bool == true { return key }
        }
        return "\(projectName)_\(key)"
    }

    public func service(named name: String) -> ComposeService? { services.first { $0.name == name } }

    public func location(_ node: YAMLNode) -> SourceLocation { node.location }
}

/// One service in a compose file.
public struct ComposeService: Sendable {
    public var name: String
    /// The key node, to report at the service's name.
    public var key: YAMLNode
    public var node: YAMLNode
    public var file: String

    public subscript(key: String) -> YAMLNode? { node[key] }

    /// `image:` as written.
    public var image: String? { node["image"]?.text }

    /// The image's repository without registry or tag: `library/postgres:16` → `postgres`.
    public var imageBaseName: String? {
        guard let image else { return nil }
        var s = Substring(image)
        if let at = s.firstIndex(of: "@") { s = s[..<at] }
        if let slash = s.lastIndex(of: "/") { s = s[s.index(after: slash)...] }
        if let colon = s.firstIndex(of: ":") { s = s[..<colon] }
        return s.lowercased()
    }

    /// Network keys the service joins; `default` when it lists none and has no `network_mode`.
    public var networkKeys: [String] {
        if node["network_mode"] != nil { return [] }
        guard let n = node["networks"] else { return ["default"] }
        if let pairs = n.pairs { return pairs.compactMap { $0.key.string } }
        return n.stringList.map(\.0)
    }

    public func ports(env: [String: String]) -> [PortSpec] {
        (node["ports"]?.items ?? []).compactMap { PortSpec.parse($0, env: env) }
    }

    /// The image's repository path without registry host, `library/` prefix, tag or digest:
    /// `docker.io/library/wordpress:6.6-fpm` → `wordpress`, `ghcr.io/umami-software/umami:v2` → `umami-software/umami`.
    public var imageRepository: String? {
        guard let image else { return nil }
        var s = Substring(image)
        if let at = s.firstIndex(of: "@") { s = s[..<at] }
        // A tag is a colon after the last slash (a colon before it is a registry port).
        if let colon = s.lastIndex(of: ":"), !s[colon...].contains("/") { s = s[..<colon] }
        var parts = s.lowercased().split(separator: "/").map(String.init)
        if parts.count > 1, let first = parts.first, first.contains(".") || first.contains(":") || first == "localhost" {
            parts.removeFirst()
        }
        if parts.count > 1, parts.first == "library" { parts.removeFirst() }
        return parts.isEmpty ? nil : parts.joined(separator: "/")
    }

    /// The image's tag (`6.6-fpm`), nil when none is written or it is pinned by digest only.
    public var imageTag: String? {
        guard let image else { return nil }
        var s = Substring(image)
        if let at = s.firstIndex(of: "@") { s = s[..<at] }
        guard let colon = s.lastIndex(of: ":"), !s[colon...].contains("/") else { return nil }
        return String(s[s.index(after: colon)...]).lowercased()
    }

    /// Container ports listed under `expose:`.
    public func exposedPorts(env: [String: String]) -> PortSet {
        var out = PortSet()
        for e in node["expose"]?.items ?? [] {
            if let s = e.text.flatMap({ Interpolation.resolve($0, env: env) }) {
                let bare = s.split(separator: "/").first.map(String.init) ?? s
                if let r = PortSet.parseRange(bare) { out.insert(r) }
            }
        }
        return out
    }

    /// Ports the container listens on as far as the file says: `expose`, `ports` targets,
    /// healthcheck URLs and `PORT`-style environment variables.
    public func declaredPorts(env: [String: String]) -> PortSet {
        var out = exposedPorts(env: env)
        for p in ports(env: env) { out.insert(p.containerRange) }
        for (k, v, _) in node["environment"]?.keyValueEntries ?? [] {
            let key = k.uppercased()
            guard key == "PORT" || key.hasSuffix("_PORT") && (key.contains("HTTP") || key.contains("APP") || key.contains("SERVER") || key.contains("LISTEN") || key.contains("WEB")),
                  let v, let r = Interpolation.resolve(v, env: env), let n = Int(r), PortSet.valid.contains(n) else { continue }
            out.insert(n...n)
        }
        return out
    }

    /// `restart:` value, or `deploy.restart_policy.condition`.
    public var restartPolicy: String? {
        if let r = node["restart"]?.text { return r }
        return node["deploy"]?["restart_policy"]?["condition"]?.text
    }

    public var hasHealthcheck: Bool {
        guard let hc = node["healthcheck"] else { return false }
        if hc["disable"]?.bool == true { return false }
        if let test = hc["test"] {
            if test.stringList.first?.0.uppercased() == "NONE" { return false }
            return true
        }
        return false
    }

    /// Volume mounts with host sources resolved against `.env`.
    public func mounts(env: [String: String]) -> [Mount] {
        var out: [Mount] = []
        for item in node["volumes"]?.items ?? [] {
            if item.isMapping {
                let type = item["type"]?.text ?? "volume"
                let src = item["source"]?.text.map { Interpolation.resolve($0, env: env) ?? $0 }
                let target = item["target"]?.text ?? ""
                out.append(Mount(source: src, target: target, isBind: type == "bind", readOnly: item["read_only"]?.bool == true, node: item))
            } else if let raw = item.text {
                let s = Interpolation.resolve(raw, env: env) ?? raw
                let parts = s.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                if parts.count == 1 {
                    out.append(Mount(source: nil, target: parts[0], isBind: false, readOnly: false, node: item))
                } else {
                    let src = parts[0]
                    let isBind = src.hasPrefix("/") || src.hasPrefix(".") || src.hasPrefix("~")
                    let opts = parts.count > 2 ? parts[2].split(separator: ",").map(String.init) : []
                    out.append(Mount(source: src, target: parts[1], isBind: isBind, readOnly: opts.contains("ro"), node: item))
                }
            }
        }
        return out
    }
}

/// A `volumes:` entry of a service.
public struct Mount: Sendable {
    public var source: String?
    public var target: String
    /// A host path rather than a named volume.
    public var isBind: Bool
    public var readOnly: Bool
    public var node: YAMLNode
}
