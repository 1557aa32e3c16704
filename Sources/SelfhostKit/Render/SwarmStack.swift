import Foundation
import Yams

/// `render --target swarm`: a stack file `docker stack deploy` accepts, derived from an app's rendered
/// compose file (the model both targets share; there is no second template set). What changes:
///
/// - `deploy:` per service: the web service without volumes is replicated (`web_replicas`, one per
///   node) and updated start-first; every service with a named volume, and every companion, keeps one
///   replica, is updated stop-first (two databases on one data directory corrupt it) and, when it has
///   volumes, is pinned to the node labelled `selfhost.data.<app>=true` (volumes are local to a node);
///   `restart_policy`, `update_config`, `rollback_config` and a memory limit from `mem_limit`.
/// - `endpoint_mode: dnsrr`: Caddy balances over the tasks itself (`dynamic a` upstreams) and the
///   swarm's IPVS virtual IPs are not needed (nor available on kernels built without IP_VS).
/// - Networks become overlays: the private ones encrypted (IPsec between nodes), the web network an
///   attachable overlay created by `swarm/deploy.sh` and shared with Caddy.
/// - A secret the image can read from a file (`templates/render/swarm.yaml`) becomes a Docker secret
///   (`KEY_FILE: /run/secrets/…`); others stay in the environment and are listed as such.
/// - Keys a swarm ignores or refuses are dropped (`restart`, `mem_limit`, `depends_on`, `security_opt`);
///   published ports use host mode; read-only bind mounts of the app's files become configs.
struct SwarmStack {
    /// `templates/render/swarm.yaml`.
    struct Settings: Decodable {
        struct FileVariables: Decodable {
            var variables: [String]
            var source: String
        }
        var webReplicas: Int
        /// Image kinds (companion kinds, or an app id for its own image) → variables it also reads
        /// from `<NAME>_FILE`.
        var fileVariables: [String: FileVariables]
        var stackFileVersion: String

        enum CodingKeys: String, CodingKey {
            case webReplicas = "web_replicas", fileVariables = "file_variables", stackFileVersion = "stack_file_version"
        }

        static let path = "templates/render/swarm.yaml"

        static func load(_ store: ResourceStore) throws -> Settings {
            try RenderDefaults.settingsFile(Settings.self, path: path, what: "render's swarm settings", store: store)
        }
    }

    /// A Docker secret of the stack, filled from the app's `.env` value of `variable`.
    struct Secret: Equatable {
        /// The key in the stack file (and the file name under /run/secrets).
        var key: String
        var variable: String
        /// Relative to the stack file's directory.
        var file: String
    }

    /// A file the app bind-mounts read-only, carried to the nodes as a config.
    struct Config: Equatable {
        var key: String
        /// Relative to the stack file's directory.
        var file: String
        /// The variable `swarm/deploy.sh` sets to the file's hash (configs can't change in place).
        var hashVariable: String
    }

    struct Result {
        var text: String
        var secrets: [Secret]
        var configs: [Config]
        /// `service: VARIABLE` for secrets passed in the environment (the image reads no `_FILE`).
        var environmentSecrets: [String]
        /// Services pinned to the data node, with their volumes.
        var dataServices: [(service: String, volumes: [String])]
        /// Replicated services (more than one task).
        var replicated: [(service: String, replicas: Int)]
        var notes: [String]
    }

    var settings: Settings

    static func dataLabel(_ appID: String) -> String { "selfhost.data.\(appID)" }
    static let edgeLabel = "selfhost.edge"

    /// The app's stack file. `secretVariables` are the `.env` variables holding generated secrets;
    /// `companionKinds` the catalog's companions by service; `files` the paths render writes into the
    /// app's directory (bind-mount sources that can become configs).
    func app(compose: String, appID: String, webAlias: String, companionKinds: [String: String],
             secretVariables: Set<String>, files: Set<String>) throws -> Result {
        func fail(_ message: String) -> SelfhostError {
            .problem("\(appID)/compose.yaml → swarm stack: \(message)", remedy: "fix the app's template")
        }
        guard var root = (try? Yams.compose(yaml: compose))??.mapping, var services = root["services"]?.mapping else {
            throw fail("the rendered compose file has no services")
        }
        let declaredVolumes = Set(root["volumes"]?.mapping?.keys.compactMap(\.string) ?? [])
        var secrets: [Secret] = []
        var configs: [Config] = []
        var environmentSecrets: [String] = []
        var dataServices: [(String, [String])] = []
        var replicated: [(String, Int)] = []
        var notes: [String] = []

        for (key, value) in services {
            guard let name = key.string, var svc = value.mapping else { continue }
            // Named volumes and read-only file mounts.
            var named: [String] = []
            var keptMounts: [Node] = []
            var serviceConfigs: [Node] = []
            for mount in svc["volumes"]?.sequence ?? [] {
                guard let spec = mount.string else { keptMounts.append(mount); continue }
                let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                let source = parts.first ?? ""
                if declaredVolumes.contains(source) {
                    named.append(source)
                    keptMounts.append(mount)
                } else if source.hasPrefix("./"), parts.count >= 2, parts.last == "ro", files.contains(String(source.dropFirst(2))) {
                    let path = String(source.dropFirst(2))
                    let configKey = Self.identifier(path)
                    if !configs.contains(where: { $0.key == configKey }) {
                        configs.append(Config(key: configKey, file: "../\(appID)/\(path)",
                                              hashVariable: "SELFHOST_CONFIG_\(Self.identifier(appID).uppercased())_\(configKey.uppercased())"))
                    }
                    serviceConfigs.append(Self.map([("source", Node(configKey)), ("target", Node(parts[1])), ("mode", Node("0444"))]))
                } else {
                    keptMounts.append(mount)
                    notes.append("\(name) bind-mounts \(source): that path must exist on every node that runs \(name)")
                }
            }
            if keptMounts.isEmpty { svc["volumes"] = nil } else { svc["volumes"] = .sequence(Node.Sequence(keptMounts)) }
            if !serviceConfigs.isEmpty { svc["configs"] = .sequence(Node.Sequence(serviceConfigs)) }

            // Secrets the image reads from a file; the rest stay in the environment.
            let kind = companionKinds[name] ?? appID
            let fileVars = Set(settings.fileVariables[kind]?.variables ?? [])
            if var env = svc["environment"]?.mapping {
                var serviceSecrets: [Node] = []
                var rewritten = Node.Mapping([])
                for (k, v) in env {
                    guard let envKey = k.string, let text = v.string else { rewritten[k] = v; continue }
                    let used = RenderBox.interpolatedVariables(text).filter(secretVariables.contains)
                    if let variable = used.first, text == "${\(variable)}", fileVars.contains(envKey) {
                        let secretKey = variable.lowercased()
                        if !secrets.contains(where: { $0.key == secretKey }) {
                            secrets.append(Secret(key: secretKey, variable: variable, file: "secrets/\(appID)/\(variable)"))
                        }
                        serviceSecrets.append(Node(secretKey))
                        rewritten[envKey + "_FILE"] = Node("/run/secrets/\(secretKey)")
                    } else {
                        for variable in used { environmentSecrets.append("\(name): \(variable)") }
                        rewritten[k] = v
                    }
                }
                env = rewritten
                svc["environment"] = .mapping(env)
                if !serviceSecrets.isEmpty { svc["secrets"] = .sequence(Node.Sequence(serviceSecrets)) }
            }

            // Published ports: host mode (the routing mesh needs virtual IPs, which dnsrr has not).
            if let ports = svc["ports"]?.sequence {
                var long: [Node] = []
                for p in ports {
                    guard let spec = p.string, let port = Self.shortPort(spec) else { throw fail("service \(name): port \(p.string ?? "?") is not host:container[/protocol]") }
                    long.append(Self.map([("target", Node(String(port.container))), ("published", Node(String(port.host))),
                                          ("protocol", Node(port.proto)), ("mode", Node("host"))]))
                }
                svc["ports"] = .sequence(Node.Sequence(long))
            }

            let oneShot = svc["restart"]?.string == "on-failure" || svc["restart"]?.string == "no"
            let memory = svc["mem_limit"]?.string.map { $0.uppercased() }
            let isWeb = Self.joinsWeb(svc)
            let stateful = !named.isEmpty
            let isCompanion = companionKinds[name] != nil
            for drop in ["restart", "mem_limit", "depends_on", "security_opt", "container_name"] { svc[drop] = nil }

            let replicas = (isWeb && !stateful && !isCompanion && !oneShot) ? settings.webReplicas : 1
            let order = (stateful || isCompanion || oneShot) ? "stop-first" : "start-first"
            var placement: [(String, Node)] = []
            if stateful {
                placement.append(("constraints", Node([Node("node.labels.\(Self.dataLabel(appID)) == true")])))
                dataServices.append((name, named))
            }
            if replicas > 1 {
                placement.append(("max_replicas_per_node", Node("1")))
                replicated.append((name, replicas))
            }
            var deploy: [(String, Node)] = [("mode", Node("replicated")), ("replicas", Node(String(replicas))),
                                            ("endpoint_mode", Node("dnsrr"))]
            if !placement.isEmpty { deploy.append(("placement", Self.map(placement))) }
            if let memory { deploy.append(("resources", Self.map([("limits", Self.map([("memory", Node(memory))]))]))) }
            deploy.append(("restart_policy", oneShot
                ? Self.map([("condition", Node("on-failure")), ("delay", Node("5s")), ("max_attempts", Node("5"))])
                : Self.map([("condition", Node("any")), ("delay", Node("5s")), ("window", Node("60s"))])))
            deploy.append(("update_config", Self.map([("parallelism", Node("1")), ("delay", Node("10s")), ("order", Node(order)),
                                                      ("failure_action", Node("rollback")), ("monitor", Node("30s"))])))
            deploy.append(("rollback_config", Self.map([("parallelism", Node("1")), ("order", Node(order)),
                                                        ("failure_action", Node("pause")), ("monitor", Node("30s"))])))
            svc["deploy"] = Self.map(deploy)
            services[key] = .mapping(svc)
        }
        root["services"] = .mapping(services)

        // Networks: overlays. Private ones encrypted; the web network is created by swarm/deploy.sh.
        if var networks = root["networks"]?.mapping {
            for (key, value) in networks {
                guard var net = value.mapping else { continue }
                if net["external"] != nil { continue }
                net["driver"] = Node("overlay")
                net["driver_opts"] = Self.map([("encrypted", Node("true", Tag(.str), .doubleQuoted))])
                networks[key] = .mapping(net)
            }
            root["networks"] = .mapping(networks)
        }
        if !secrets.isEmpty {
            root["secrets"] = Self.map(secrets.map { ($0.key, Self.map([("file", Node("./" + $0.file))])) })
        }
        if !configs.isEmpty {
            root["configs"] = Self.map(configs.map {
                ($0.key, Self.map([("name", Node("selfhost-\(appID)-\($0.key)-${\($0.hashVariable)}")), ("file", Node($0.file))]))
            })
        }
        let text = try emit(root, header: [
            "Docker Swarm stack of \(appID), derived by `selfhost render --target swarm` from \(appID)/compose.yaml.",
            "Deploy it with swarm/deploy.sh (it exports \(appID)/.env for the ${...} values and creates the web network).",
        ])
        return Result(text: text, secrets: secrets, configs: configs, environmentSecrets: environmentSecrets,
                      dataServices: dataServices, replicated: replicated, notes: notes)
    }

    /// Caddy's stack from `caddy/compose.yaml`: one task on the node labelled `selfhost.edge=true`, ports
    /// 80/443 in host mode, its certificates on a volume of that node, the Caddyfile as a config.
    func caddy(compose: String) throws -> String {
        guard var root = (try? Yams.compose(yaml: compose))??.mapping, var services = root["services"]?.mapping,
              var svc = services["caddy"]?.mapping else {
            throw SelfhostError.problem("caddy/compose.yaml → swarm stack: no caddy service", remedy: "fix templates/caddy/compose.yaml.mustache")
        }
        let memory = svc["mem_limit"]?.string.map { $0.uppercased() }
        for drop in ["restart", "mem_limit", "depends_on", "security_opt"] { svc[drop] = nil }
        // The box's directory mount (for `caddy reload`) becomes the Caddyfile as a config.
        svc["volumes"] = .sequence(Node.Sequence((svc["volumes"]?.sequence ?? []).filter { !($0.string ?? "").hasPrefix(".:") }))
        svc["configs"] = Node([Self.map([("source", Node("caddyfile")), ("target", Node("/etc/caddy/Caddyfile")), ("mode", Node("0444"))])])
        var long: [Node] = []
        for p in svc["ports"]?.sequence ?? [] {
            guard let spec = p.string, let port = Self.shortPort(spec) else { continue }
            long.append(Self.map([("target", Node(String(port.container))), ("published", Node(String(port.host))),
                                  ("protocol", Node(port.proto)), ("mode", Node("host"))]))
        }
        svc["ports"] = .sequence(Node.Sequence(long))
        // The edge network holds a single box's published ports (RenderBox.edgeNetwork); host-mode
        // ports on a swarm node belong to no network, so the stack leaves it out.
        if let list = svc["networks"]?.sequence {
            svc["networks"] = .sequence(Node.Sequence(list.filter { $0.string != RenderBox.edgeKey }))
        }
        if var networks = root["networks"]?.mapping {
            networks[RenderBox.edgeKey] = nil
            root["networks"] = .mapping(networks)
        }
        var deploy: [(String, Node)] = [
            // One Caddy: a second edge node would need the certificates on shared storage (each would
            // otherwise run its own ACME account, and HTTP-01 challenges could reach the other node).
            ("mode", Node("replicated")), ("replicas", Node("1")), ("endpoint_mode", Node("dnsrr")),
            ("placement", Self.map([("constraints", Node([Node("node.labels.\(Self.edgeLabel) == true")]))])),
        ]
        if let memory { deploy.append(("resources", Self.map([("limits", Self.map([("memory", Node(memory))]))]))) }
        deploy.append(("restart_policy", Self.map([("condition", Node("any")), ("delay", Node("5s")), ("window", Node("60s"))])))
        // Host-mode ports can't be held by two tasks on one node: the old Caddy stops first.
        deploy.append(("update_config", Self.map([("parallelism", Node("1")), ("delay", Node("10s")), ("order", Node("stop-first")),
                                                  ("failure_action", Node("rollback")), ("monitor", Node("30s"))])))
        deploy.append(("rollback_config", Self.map([("parallelism", Node("1")), ("order", Node("stop-first")),
                                                    ("failure_action", Node("pause")), ("monitor", Node("30s"))])))
        svc["deploy"] = Self.map(deploy)
        services["caddy"] = .mapping(svc)
        root["services"] = .mapping(services)
        root["configs"] = Self.map([("caddyfile", Self.map([("name", Node("selfhost-caddyfile-${SELFHOST_CADDYFILE_HASH}")), ("file", Node("./Caddyfile"))]))])
        return try emit(root, header: [
            "Docker Swarm stack of the box's Caddy, derived by `selfhost render --target swarm` from caddy/compose.yaml.",
            "One task, on the node labelled selfhost.edge=true; its certificates stay on that node's caddy-data volume.",
        ])
    }

    // MARK: helpers

    func emit(_ root: Node.Mapping, header: [String]) throws -> String { try Self.emit(root, header: header, version: settings.stackFileVersion) }

    private static func emit(_ root: Node.Mapping, header: [String], version: String = "3.8") throws -> String {
        var ordered = Node.Mapping([("version", Node(version, Tag(.str), .doubleQuoted))])
        for (k, v) in root where k.string != "version" { ordered[k] = v }
        let body = try Yams.serialize(node: .mapping(ordered), indent: 2, width: -1, allowUnicode: true, sortKeys: false)
        return header.map { "# " + $0 }.joined(separator: "\n") + "\n" + body
    }

    static func map(_ pairs: [(String, Node)]) -> Node {
        .mapping(Node.Mapping(pairs.map { (Node($0.0), $0.1) }))
    }

    static func joinsWeb(_ svc: Node.Mapping) -> Bool {
        if let list = svc["networks"]?.sequence { return list.contains { $0.string == "web" } }
        if let map = svc["networks"]?.mapping { return map["web"] != nil }
        return false
    }

    /// `host:container[/protocol]` (what render writes for published ports).
    static func shortPort(_ spec: String) -> (host: Int, container: Int, proto: String)? {
        let (ports, proto): (Substring, String) = {
            let parts = spec.split(separator: "/", maxSplits: 1)
            return (parts.first ?? "", parts.count > 1 ? String(parts[1]) : "tcp")
        }()
        let hc = ports.split(separator: ":")
        guard hc.count == 2, let host = Int(hc[0]), let container = Int(hc[1]), ["tcp", "udp"].contains(proto) else { return nil }
        return (host, container, proto)
    }

    /// A name usable as a stack key and a shell variable: letters, digits and `_`.
    static func identifier(_ text: String) -> String {
        String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
    }
}
