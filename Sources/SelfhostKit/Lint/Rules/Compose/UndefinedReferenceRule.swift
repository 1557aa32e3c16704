/// compose.undefined-ref: networks, volumes, secrets, configs and services referred to but never defined.
struct UndefinedReferenceRule: LintRule {
    static let info = RuleInfo(
        id: "compose.undefined-ref", severity: .error,
        summary: "A service refers to a network, volume, secret, config or service the file does not define (or breaks another consistency check compose makes).",
        why: "Compose stops with 'service refers to undefined network/volume/secret' or 'depends on undefined service' at deploy time; it also rejects `network_mode` together with `networks`, a file without `services:`, an `extends` chain that loops, an `include` of the file itself, and a healthcheck `test` list not starting with CMD, CMD-SHELL or NONE; a service with neither `image` nor `build` cannot start at all.",
        fix: "Define the name under the matching top-level section (or fix the typo), or remove the reference.",
        examples: [
            .bad("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", "networks: [frontend]"))),
            .bad("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", "depends_on: [db]"))),
            .bad("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", "volumes: [\"data:/var/lib/app\"]"))),
            .bad("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", "healthcheck:", "  test: [\"curl\", \"-f\", \"http://localhost\"]"))),
            .bad("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("a", "extends: b"), ComposeRuleSupport.service("b", "extends: a"))),
            .bad("compose.yaml", "include:\n  - compose.yaml\n" + ComposeRuleSupport.file(ComposeRuleSupport.service("app"))),
            .bad("compose.yaml", "volumes:\n  data:\n"),
            .good("compose.yaml", ComposeRuleSupport.file(
                ComposeRuleSupport.service("app", "networks: [frontend]", "depends_on: [db]", "volumes: [\"data:/var/lib/app\", \"./conf:/conf:ro\"]"),
                ComposeRuleSupport.service("db", image: "postgres:16.4", "networks: [frontend]"))
                + "networks:\n  frontend:\nvolumes:\n  data:\n"),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for f in project.composeFiles {
            guard f.root?.isMapping == true else { continue }
            // An override file (compose.override.yaml) may use what its base file in the same directory defines.
            let family = f.isOverride
                ? project.composeFiles.filter { $0.source.directory.standardizedFileURL.path == f.source.directory.standardizedFileURL.path }
                : [f]
            func union(_ section: String) -> Set<String> { family.reduce(into: Set<String>()) { $0.formUnion($1.defined(section)) } }
            let networks = union("networks").union(["default"])
            let volumes = union("volumes"), secrets = union("secrets"), configs = union("configs")
            let names = Set(family.flatMap { $0.services.map(\.name) })
            func missing(_ what: String, _ name: String, _ node: YAMLNode, _ known: Set<String>, section: String) {
                let hint = LintSuggest.didYouMean(name, in: Array(known)).map { " (\($0))" } ?? ""
                out.append(Self.info.finding("service refers to undefined \(what) '\(name)'\(hint)", at: f.location(node),
                                             fix: "define it under top-level `\(section):`, or correct the name"))
            }
            for s in f.services {
                if let n = s["networks"] {
                    if let pairs = n.pairs {
                        for p in pairs { if let k = p.key.string, !networks.contains(k) { missing("network", k, p.key, networks, section: "networks") } }
                    } else {
                        for (k, node) in n.stringList where !networks.contains(k) { missing("network", k, node, networks, section: "networks") }
                    }
                }
                for m in s.mounts(env: f.env) where !m.isBind {
                    guard let src = m.source, !src.isEmpty, !src.contains("$") else { continue }
                    if !volumes.contains(src) { missing("volume", src, m.node, volumes, section: "volumes") }
                }
                for (section, known) in [("secrets", secrets), ("configs", configs)] {
                    for item in s[section]?.items ?? [] {
                        guard let name = item.text ?? item["source"]?.text else { continue }
                        if !known.contains(name) { missing(String(section.dropLast()), name, item, known, section: section) }
                    }
                }
                if let deps = s["depends_on"] {
                    let entries: [(String, YAMLNode)] = deps.pairs?.compactMap { p in p.key.string.map { ($0, p.key) } } ?? deps.stringList
                    for (dep, node) in entries where !names.contains(dep) {
                        let hint = LintSuggest.didYouMean(dep, in: Array(names)).map { " (\($0))" } ?? ""
                        out.append(Self.info.finding("depends_on names undefined service '\(dep)'\(hint)", at: f.location(node), fix: "name a service defined in this file"))
                    }
                }
                if let mode = s["network_mode"]?.text, mode.hasPrefix("service:") {
                    let target = String(mode.dropFirst(8))
                    if !names.contains(target) {
                        out.append(Self.info.finding("network_mode refers to undefined service '\(target)'", at: f.location(s["network_mode"]!)))
                    }
                }
                if let mode = s["network_mode"], s["networks"] != nil {
                    out.append(Self.info.finding("service '\(s.name)' sets both network_mode and networks, which compose rejects", at: f.location(mode),
                                                 fix: "keep one of them"))
                }
                if let test = s["healthcheck"]?["test"]?.items?.first, let word = test.text, !["CMD", "CMD-SHELL", "NONE"].contains(word) {
                    out.append(Self.info.finding("healthcheck test list must start with CMD, CMD-SHELL or NONE, not '\(word)'", at: f.location(test),
                                                 fix: "write test: [\"CMD-SHELL\", \"\(word) …\"] or test: [\"CMD\", \"\(word)\", …]"))
                }
                if !f.isOverride, s["image"] == nil, s["build"] == nil, s["extends"] == nil {
                    out.append(Self.info.finding("service '\(s.name)' has neither `image` nor `build`", at: f.location(s.key), fix: "add `image: name:version` (or a `build:` section)"))
                }
            }
            out += Self.structure(f)
        }
        return out
    }

    /// What compose refuses about the file as a whole: no `services:` at all, a service that
    /// `extends` itself through a chain in the same file, an `include` of the file itself.
    static func structure(_ f: ComposeFile) -> [Diagnostic] {
        guard let root = f.root, root.isMapping else { return [] }
        var out: [Diagnostic] = []
        if !f.isOverride, root["services"] == nil, root["include"] == nil {
            out.append(info.finding("the file has no `services:` (and no `include:`), so there is nothing to run", at: f.source.location(root.line, root.column),
                                    fix: "add a top-level `services:` section, or lint the file that has it"))
        }
        // extends within the file: `extends: other` or `extends: {service: other}` without `file:`.
        var extends: [String: (String, YAMLNode)] = [:]
        for s in f.services {
            guard let e = s["extends"] else { continue }
            if let name = e.text { extends[s.name] = (name, e) }
            else if e["file"] == nil, let node = e["service"], let name = node.text { extends[s.name] = (name, node) }
        }
        var reported = Set<String>()
        for start in f.services.map(\.name) where extends[start] != nil {
            var path = [start]
            var current = start
            while let (next, node) = extends[current], path.count <= extends.count {
                if let i = path.firstIndex(of: next) {
                    let cycle = Array(path[i...]) + [next]
                    if reported.insert(Set(cycle).sorted().joined(separator: ",")).inserted {
                        out.append(info.finding("extends cycle: " + cycle.joined(separator: " → "), at: f.location(node),
                                                fix: "break the chain: a service cannot extend itself, directly or through others"))
                    }
                    break
                }
                path.append(next)
                current = next
            }
        }
        // include of the file itself (compose would include it again and again).
        let me = f.source.url.standardizedFileURL.path
        for item in root["include"]?.items ?? [] {
            let paths = item.text.map { [($0, item)] } ?? (item["path"]?.stringList ?? [])
            for (p, node) in paths where f.source.directory.appendingPathComponent(p).standardizedFileURL.path == me {
                out.append(info.finding("the file includes itself ('\(p)')", at: f.location(node), fix: "remove this `include` entry"))
            }
        }
        return out
    }
}
