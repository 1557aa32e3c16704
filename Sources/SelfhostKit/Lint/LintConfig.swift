import Foundation

/// `.selfhost-lint.yaml`: project-wide choices, read from the working directory (or `--config`).
///
/// ```yaml
/// disable: [compose.mem-limit]          # rules that never run
/// severity:                              # per-rule severity: error, warning, info or off
///   compose.restart: error
/// env: [DOMAIN]                          # variables set in CI or on the host, never in a .env
/// public_ports: [25, 587, 8000-8010]     # host ports (or ranges) meant to be published on every address
/// exclude: ["vendor/**", "examples/"]    # paths (globs) not linted
/// swarm_node_labels: [selfhost.edge, selfhost.data.umami]   # labels the swarm's nodes carry
/// ```
public struct LintConfig: Sendable {
    public var disabled: Set<String> = []
    public var severity: [String: Severity] = [:]
    public var env: [String] = []
    public var publicPorts = PortSet()
    public var exclude: [String] = []
    /// Node labels the swarm's nodes carry (stack files' placement constraints may use only these);
    /// nil when not said.
    public var swarmNodeLabels: Set<String>?
    /// Where it was read from, for messages.
    public var path: String?

    public init() {}

    public static let fileName = ".selfhost-lint.yaml"
    static let keys = ["disable", "severity", "env", "public_ports", "exclude", "swarm_node_labels"]

    /// Parses the file; any mistake is a usage error with its position (exit 2).
    public static func load(_ url: URL, shownAs shown: String, knownRules: Set<String>) throws -> LintConfig {
        guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
            throw SelfhostError.usage("cannot read \(shown)", remedy: "check the path and permissions")
        }
        var config = LintConfig()
        config.path = shown
        let root: YAMLNode?
        root = try YAMLParser.parse(text, file: shown)
        guard let root else { return config }
        guard let pairs = root.pairs else {
            throw SelfhostError.usage("expected a mapping of settings", at: root.location)
        }
        func loc(_ n: YAMLNode) -> SourceLocation { n.location }
        func ruleID(_ n: YAMLNode) throws -> String {
            guard let id = n.string else { throw SelfhostError.usage("expected a rule id", at: loc(n)) }
            guard knownRules.contains(id) else {
                let hint = LintSuggest.didYouMean(id, in: Array(knownRules)) ?? "run `selfhost lint --list-rules` to see the ids"
                throw SelfhostError.usage("unknown rule '\(id)'", at: loc(n), remedy: hint)
            }
            return id
        }
        for p in pairs {
            let key = p.key.string ?? ""
            switch key {
            case "disable":
                for item in p.value.items ?? [p.value] where !item.isNull { config.disabled.insert(try ruleID(item)) }
            case "severity":
                guard let map = p.value.pairs else { throw SelfhostError.usage("'severity' must map rule ids to error, warning, info or off", at: loc(p.value)) }
                for entry in map {
                    let id = try ruleID(entry.key)
                    let level = entry.value.string ?? ""
                    if level == "off" { config.disabled.insert(id); continue }
                    guard let sev = Severity(rawValue: level) else {
                        throw SelfhostError.usage("severity '\(level)' for \(id) is not error, warning, info or off", at: loc(entry.value))
                    }
                    config.severity[id] = sev
                }
            case "env":
                config.env = (p.value.items ?? []).compactMap(\.string)
            case "public_ports":
                for item in p.value.items ?? [p.value] where !item.isNull {
                    // A port (25) or an inclusive range ("8000-8010").
                    guard let text = item.text, let ports = PortSet.parseRange(text), ports.lowerBound >= 1 else {
                        throw SelfhostError.usage("expected a port number (1-65535) or a range like 8000-8010", at: loc(item))
                    }
                    config.publicPorts.insert(ports)
                }
            case "exclude":
                config.exclude = (p.value.items ?? []).compactMap(\.string)
            case "swarm_node_labels":
                guard let items = p.value.items else { throw SelfhostError.usage("'swarm_node_labels' must be a list of label names", at: loc(p.value)) }
                config.swarmNodeLabels = Set(items.compactMap(\.string))
            default:
                throw SelfhostError.usage("unknown setting '\(key)'", at: loc(p.key),
                                          remedy: LintSuggest.didYouMean(key, in: keys) ?? "known settings: \(keys.joined(separator: ", "))")
            }
        }
        return config
    }
}
