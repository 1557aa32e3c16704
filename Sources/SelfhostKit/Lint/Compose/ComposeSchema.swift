/// The compose specification's shape, enough to catch unknown keys and wrong types the way the
/// compose-spec JSON schema does (`additionalProperties: false`, `x-` extensions allowed).
public indirect enum Shape: Sendable {
    case string
    /// A number, or a string (compose accepts `"512m"`, `"0.5"`, `${VAR}`).
    case numberOrString
    case integer
    case boolean
    /// `KEY: value` mapping or `KEY=value` list (environment, labels, args, sysctls).
    case dictOrList
    case stringOrList
    case listOf(Shape)
    case mapOf(Shape)
    case object([String: Shape])
    /// The first alternative whose kind (scalar, list, mapping) matches the node.
    case oneOf([Shape])
    case any

    var kindName: String {
        switch self {
        case .string: "a string"
        case .numberOrString: "a number or string"
        case .integer: "an integer"
        case .boolean: "a boolean (true or false)"
        case .dictOrList: "a mapping or a list of KEY=VALUE"
        case .stringOrList: "a string or a list of strings"
        case .listOf: "a list"
        case .mapOf, .object: "a mapping"
        case let .oneOf(shapes): shapes.map(\.kindName).joined(separator: " or ")
        case .any: "anything"
        }
    }
}

public enum ComposeSchema {
    static let duration = Shape.string
    static let stringMap = Shape.mapOf(.oneOf([.string, .numberOrString, .boolean]))

    static let healthcheck = Shape.object([
        "test": .stringOrList, "interval": duration, "timeout": duration, "retries": .numberOrString,
        "start_period": duration, "start_interval": duration, "disable": .boolean,
    ])

    static let resources = Shape.object([
        "cpus": .numberOrString, "memory": .numberOrString, "pids": .numberOrString,
        "devices": .listOf(.any), "generic_resources": .listOf(.any),
    ])

    static let deploy = Shape.object([
        "mode": .string, "replicas": .numberOrString, "labels": .dictOrList, "endpoint_mode": .string,
        "resources": .object(["limits": resources, "reservations": resources]),
        "restart_policy": .object(["condition": .string, "delay": duration, "max_attempts": .numberOrString, "window": duration]),
        "update_config": .object(["parallelism": .numberOrString, "delay": duration, "failure_action": .string, "monitor": duration, "max_failure_ratio": .numberOrString, "order": .string]),
        "rollback_config": .object(["parallelism": .numberOrString, "delay": duration, "failure_action": .string, "monitor": duration, "max_failure_ratio": .numberOrString, "order": .string]),
        "placement": .object(["constraints": .listOf(.string), "preferences": .listOf(.any), "max_replicas_per_node": .numberOrString]),
    ])

    static let build = Shape.oneOf([.string, .object([
        "context": .string, "dockerfile": .string, "dockerfile_inline": .string, "args": .dictOrList,
        "ssh": .oneOf([.stringOrList, .dictOrList]), "labels": .dictOrList, "cache_from": .listOf(.string),
        "cache_to": .listOf(.string), "no_cache": .boolean, "additional_contexts": .dictOrList, "network": .string,
        "pull": .boolean, "target": .string, "shm_size": .numberOrString, "extra_hosts": .dictOrList,
        "isolation": .string, "privileged": .boolean, "secrets": .listOf(.any), "tags": .listOf(.string),
        "ulimits": .mapOf(.any), "platforms": .listOf(.string), "entitlements": .listOf(.string),
    ])])

    static let serviceVolume = Shape.oneOf([.string, .object([
        "type": .string, "source": .string, "target": .string, "read_only": .boolean, "consistency": .string,
        "bind": .object(["propagation": .string, "create_host_path": .boolean, "selinux": .string, "recursive": .string]),
        "volume": .object(["nocopy": .boolean, "subpath": .string, "labels": .dictOrList]),
        "tmpfs": .object(["size": .numberOrString, "mode": .numberOrString]),
        "image": .object(["subpath": .string]),
    ])])

    static let port = Shape.oneOf([.numberOrString, .object([
        "name": .string, "target": .numberOrString, "published": .numberOrString, "host_ip": .string,
        "protocol": .string, "app_protocol": .string, "mode": .string,
    ])])

    static let fileReference = Shape.oneOf([.string, .object([
        "source": .string, "target": .string, "uid": .string, "gid": .string, "mode": .numberOrString,
    ])])

    static let dependsOn = Shape.oneOf([.listOf(.string), .mapOf(.object([
        "condition": .string, "restart": .boolean, "required": .boolean,
    ]))])

    static let serviceNetworks = Shape.oneOf([.listOf(.string), .mapOf(.oneOf([.object([
        "aliases": .listOf(.string), "ipv4_address": .string, "ipv6_address": .string,
        "link_local_ips": .listOf(.string), "mac_address": .string, "driver_opts": stringMap,
        "priority": .numberOrString, "gw_priority": .numberOrString, "interface_name": .string,
    ]), .string]))])

    /// Keys of a service, with their shapes.
    public static let service: [String: Shape] = [
        "annotations": .dictOrList, "attach": .boolean, "build": build, "blkio_config": .any,
        "cap_add": .listOf(.string), "cap_drop": .listOf(.string), "cgroup": .string, "cgroup_parent": .string,
        "command": .oneOf([.string, .listOf(.string)]), "configs": .listOf(fileReference), "container_name": .string,
        "cpu_count": .numberOrString, "cpu_percent": .numberOrString, "cpu_shares": .numberOrString,
        "cpu_quota": .numberOrString, "cpu_period": .numberOrString, "cpu_rt_period": .numberOrString,
        "cpu_rt_runtime": .numberOrString, "cpus": .numberOrString, "cpuset": .string, "credential_spec": .any,
        "depends_on": dependsOn, "deploy": deploy, "develop": .any, "device_cgroup_rules": .listOf(.string),
        "devices": .listOf(.any), "dns": .stringOrList, "dns_opt": .listOf(.string), "dns_search": .stringOrList,
        "domainname": .string, "entrypoint": .oneOf([.string, .listOf(.string)]),
        "env_file": .oneOf([.string, .listOf(.oneOf([.string, .object(["path": .string, "required": .boolean, "format": .string])]))]),
        "environment": .dictOrList, "expose": .listOf(.numberOrString), "extends": .oneOf([.string, .object(["service": .string, "file": .string])]),
        "external_links": .listOf(.string), "extra_hosts": .dictOrList, "gpus": .any, "group_add": .listOf(.numberOrString),
        "healthcheck": healthcheck, "hostname": .string, "image": .string, "init": .boolean, "ipc": .string,
        "isolation": .string, "labels": .dictOrList, "label_file": .stringOrList, "links": .listOf(.string),
        "logging": .object(["driver": .string, "options": .mapOf(.oneOf([.numberOrString, .boolean]))]),
        "mac_address": .string, "mem_limit": .numberOrString, "mem_reservation": .numberOrString,
        "mem_swappiness": .numberOrString, "memswap_limit": .numberOrString, "models": .any,
        "network_mode": .string, "networks": serviceNetworks, "oom_kill_disable": .boolean,
        "oom_score_adj": .numberOrString, "pid": .string, "pids_limit": .numberOrString, "platform": .string,
        "ports": .listOf(port), "post_start": .listOf(.any), "pre_stop": .listOf(.any), "privileged": .boolean,
        "profiles": .listOf(.string), "provider": .any, "pull_policy": .string, "pull_refresh_after": .string,
        "read_only": .boolean, "restart": .string, "runtime": .string, "scale": .numberOrString,
        "secrets": .listOf(fileReference), "security_opt": .listOf(.string), "shm_size": .numberOrString,
        "stdin_open": .boolean, "stop_grace_period": duration, "stop_signal": .string, "storage_opt": .mapOf(.any),
        "sysctls": .dictOrList, "tmpfs": .stringOrList, "tty": .boolean, "ulimits": .mapOf(.oneOf([.numberOrString, .object(["soft": .numberOrString, "hard": .numberOrString])])),
        "use_api_socket": .boolean, "user": .string, "userns_mode": .string, "uts": .string,
        "volumes": .listOf(serviceVolume), "volumes_from": .listOf(.string), "working_dir": .string,
    ]

    static let ipam = Shape.object(["driver": .string, "config": .listOf(.object(["subnet": .string, "ip_range": .string, "gateway": .string, "aux_addresses": .mapOf(.string)])), "options": stringMap])

    /// Top-level keys.
    public static let top: [String: Shape] = [
        "version": .string, "name": .string,
        "include": .listOf(.oneOf([.string, .object(["path": .stringOrList, "env_file": .stringOrList, "project_directory": .string])])),
        "services": .mapOf(.object(service)),
        "networks": .mapOf(.oneOf([.object([
            "name": .string, "driver": .string, "driver_opts": stringMap, "ipam": ipam, "external": .oneOf([.boolean, .object(["name": .string])]),
            "internal": .boolean, "enable_ipv4": .boolean, "enable_ipv6": .boolean, "attachable": .boolean, "labels": .dictOrList,
        ]), .string])),
        "volumes": .mapOf(.oneOf([.object([
            "name": .string, "driver": .string, "driver_opts": stringMap, "external": .oneOf([.boolean, .object(["name": .string])]), "labels": .dictOrList,
        ]), .string])),
        "secrets": .mapOf(.object([
            "name": .string, "file": .string, "environment": .string, "content": .string, "external": .oneOf([.boolean, .object(["name": .string])]),
            "labels": .dictOrList, "driver": .string, "driver_opts": stringMap, "template_driver": .string,
        ])),
        "configs": .mapOf(.object([
            "name": .string, "file": .string, "environment": .string, "content": .string, "external": .oneOf([.boolean, .object(["name": .string])]),
            "labels": .dictOrList, "template_driver": .string,
        ])),
        "models": .any,
    ]

    /// A problem found by `validate`.
    public struct Issue: Sendable {
        public enum Kind: Sendable { case unknownKey, wrongType }
        public var kind: Kind
        public var message: String
        public var node: YAMLNode
        public var fix: String?
    }

    /// Checks a whole file against the schema.
    public static func validate(_ root: YAMLNode) -> [Issue] {
        var issues: [Issue] = []
        check(root, .object(top), path: "", into: &issues)
        return issues
    }

    static func check(_ node: YAMLNode, _ shape: Shape, path: String, into issues: inout [Issue]) {
        let at = path.isEmpty ? "" : " for '\(path)'"
        // Interpolated scalars can hold any type once resolved.
        if let s = node.string, node.style == .plain || node.style == .doubleQuoted || node.style == .singleQuoted, s.contains("${") || s.hasPrefix("$") {
            if case .object = shape { } else if case .mapOf = shape { } else if case .listOf = shape { } else { return }
        }
        switch shape {
        case .any:
            return
        case .string:
            if node.isNull { return }
            if !node.isScalar { issues.append(Issue(kind: .wrongType, message: "expected a string\(at), found \(node.typeName)", node: node)) }
        case .numberOrString:
            if !node.isScalar || node.bool != nil {
                issues.append(Issue(kind: .wrongType, message: "expected a number or string\(at), found \(node.typeName)", node: node))
            }
        case .integer:
            if node.int == nil { issues.append(Issue(kind: .wrongType, message: "expected an integer\(at), found \(node.typeName)", node: node)) }
        case .boolean:
            if node.bool != nil || node.isNull { return }
            if let s = node.string, node.style != .plain, s == "true" || s == "false" { return }
            let found = node.string.map { "'\($0)'" } ?? node.typeName
            var fix: String?
            if let s = node.string?.lowercased(), ["yes", "no", "on", "off", "y", "n"].contains(s) {
                fix = "write `\(["yes", "on", "y"].contains(s) ? "true" : "false")`: compose reads YAML 1.2, where '\(node.string!)' is a string"
            }
            issues.append(Issue(kind: .wrongType, message: "expected a boolean (true or false)\(at), found \(found)", node: node, fix: fix))
        case .dictOrList:
            if node.isNull { return }
            if let pairs = node.pairs {
                for p in pairs where !p.value.isScalar {
                    issues.append(Issue(kind: .wrongType, message: "expected a string, number or boolean for '\(path).\(p.key.string ?? "")', found \(p.value.typeName)", node: p.value))
                }
            } else if let items = node.items {
                for i in items where !i.isScalar {
                    issues.append(Issue(kind: .wrongType, message: "expected KEY=VALUE strings in '\(path)', found \(i.typeName)", node: i))
                }
            } else {
                issues.append(Issue(kind: .wrongType, message: "expected a mapping or a list of KEY=VALUE\(at), found \(node.typeName)", node: node))
            }
        case .stringOrList:
            if node.isScalar { return }
            if let items = node.items {
                for i in items where !i.isScalar { issues.append(Issue(kind: .wrongType, message: "expected strings in '\(path)', found \(i.typeName)", node: i)) }
            } else {
                issues.append(Issue(kind: .wrongType, message: "expected a string or a list of strings\(at), found \(node.typeName)", node: node))
            }
        case let .listOf(inner):
            if node.isNull { return }
            guard let items = node.items else {
                issues.append(Issue(kind: .wrongType, message: "expected a list\(at), found \(node.typeName)", node: node))
                return
            }
            for i in items { check(i, inner, path: path + "[]", into: &issues) }
        case let .mapOf(inner):
            if node.isNull { return }
            guard let pairs = node.pairs else {
                issues.append(Issue(kind: .wrongType, message: "expected a mapping\(at), found \(node.typeName)", node: node))
                return
            }
            for p in pairs {
                let key = p.key.string ?? ""
                if p.value.isNull, case .object = inner { continue }  // `networks: { front: }` is allowed
                check(p.value, inner, path: path.isEmpty ? key : "\(path).\(key)", into: &issues)
            }
        case let .object(fields):
            if node.isNull { return }
            guard let pairs = node.pairs else {
                issues.append(Issue(kind: .wrongType, message: "expected a mapping\(at), found \(node.typeName)", node: node))
                return
            }
            for p in pairs {
                let key = p.key.string ?? ""
                if key.hasPrefix("x-") { continue }
                guard let sub = fields[key] else {
                    let where_ = path.isEmpty ? "at the top level" : "in '\(path)'"
                    let hint = LintSuggest.didYouMean(key, in: Array(fields.keys))
                    issues.append(Issue(kind: .unknownKey, message: "unknown key '\(key.shownName)' \(where_)" + (hint.map { "; \($0)" } ?? ""), node: p.key,
                                        fix: hint.map { "rename it: \($0)" } ?? "remove it, or prefix it with `x-` to keep it as an extension"))
                    continue
                }
                check(p.value, sub, path: path.isEmpty ? key : "\(path).\(key)", into: &issues)
            }
        case let .oneOf(shapes):
            for s in shapes where matchesKind(node, s) {
                check(node, s, path: path, into: &issues)
                return
            }
            issues.append(Issue(kind: .wrongType, message: "expected \(shape.kindName)\(at), found \(node.typeName)", node: node))
        }
    }

    static func matchesKind(_ node: YAMLNode, _ shape: Shape) -> Bool {
        switch shape {
        case .any: true
        case .string: node.isScalar
        case .numberOrString: node.isScalar && node.bool == nil
        case .integer: node.int != nil
        case .boolean: node.bool != nil || (node.isScalar && (node.string == "true" || node.string == "false"))
        case .dictOrList: node.isMapping || node.isSequence || node.isNull
        case .stringOrList: node.isScalar || node.isSequence
        case .listOf: node.isSequence
        case .mapOf, .object: node.isMapping || node.isNull
        case let .oneOf(s): s.contains { matchesKind(node, $0) }
        }
    }
}
