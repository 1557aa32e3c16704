/// compose.depends-cycle: `depends_on` chains that loop.
struct DependencyCycleRule: LintRule {
    static let info = RuleInfo(
        id: "compose.depends-cycle", severity: .error,
        summary: "Services depend on each other in a cycle.",
        why: "Compose cannot order a cycle and refuses to start the project ('dependency cycle detected').",
        fix: "Remove one `depends_on` edge of the cycle; let the application retry its connection instead.",
        examples: [
            .bad("compose.yaml", ComposeRuleSupport.file(
                ComposeRuleSupport.service("a", "depends_on: [b]"), ComposeRuleSupport.service("b", "depends_on: [c]"), ComposeRuleSupport.service("c", "depends_on: [a]"))),
            .good("compose.yaml", ComposeRuleSupport.file(
                ComposeRuleSupport.service("a", "depends_on: [b]"), ComposeRuleSupport.service("b", "depends_on: [c]"), ComposeRuleSupport.service("c"))),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for f in project.composeFiles {
            var edges: [String: [(String, YAMLNode)]] = [:]
            for s in f.services {
                guard let deps = s["depends_on"] else { continue }
                edges[s.name] = deps.pairs?.compactMap { p in p.key.string.map { ($0, p.key) } } ?? deps.stringList
            }
            // Iterative DFS with colours; each cycle reported once, at the edge that closes it.
            var state: [String: Int] = [:]
            var reported = Set<String>()
            for start in f.services.map(\.name) where state[start] == nil {
                var stack: [(String, Int)] = [(start, 0)]
                var path: [String] = [start]
                state[start] = 1
                while let (node, idx) = stack.last {
                    let next = edges[node] ?? []
                    if idx >= next.count {
                        state[node] = 2
                        stack.removeLast()
                        path.removeLast()
                        continue
                    }
                    stack[stack.count - 1].1 += 1
                    let (dep, depNode) = next[idx]
                    switch state[dep] {
                    case 1?:
                        let cycle = Array(path[(path.firstIndex(of: dep) ?? 0)...]) + [dep]
                        let key = Set(cycle).sorted().joined(separator: ",")
                        if reported.insert(key).inserted {
                            out.append(Self.info.finding("dependency cycle: \(cycle.joined(separator: " → "))", at: f.location(depNode)))
                        }
                    case nil where edges[dep] != nil || f.service(named: dep) != nil:
                        state[dep] = 1
                        stack.append((dep, 0))
                        path.append(dep)
                    default:
                        break
                    }
                }
            }
        }
        return out
    }
}
