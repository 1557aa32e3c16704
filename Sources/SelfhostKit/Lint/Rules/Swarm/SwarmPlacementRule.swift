/// compose.swarm-placement: placement constraints no node will satisfy.
struct SwarmPlacementRule: LintRule {
    static let info = RuleInfo(
        id: "compose.swarm-placement", severity: .error,
        summary: "A stack's placement constraint can't be satisfied: malformed, an attribute Swarm doesn't know, or a node label no node will have.",
        why: "A constraint no node satisfies leaves the task pending forever (`no suitable node`), silently: the stack deploys and the service never starts.",
        fix: "Write `node.labels.<label> == <value>` (or `node.role`, `node.hostname`, `node.id`, `node.platform.os|arch`, `engine.labels.<label>`); use the labels the nodes carry (`swarm_node_labels` in .selfhost-lint.yaml lists them), and for `<app>.stack.yaml` the app's own `selfhost.data.<app>`.",
        examples: [
            .bad("umami.stack.yaml", SwarmSupport.stack("", services:
                "  db:\n    image: postgres:17.2\n    deploy:\n      placement:\n        constraints: [node.labels.selfhost.data.listmonk == true]\n")),
            .bad("app.stack.yaml", SwarmSupport.stack("", services:
                "  db:\n    image: postgres:17.2\n    deploy:\n      placement:\n        constraints: [node.label.disk = ssd]\n")),
            .good("umami.stack.yaml", SwarmSupport.stack("", services:
                "  db:\n    image: postgres:17.2\n    deploy:\n      placement:\n        constraints: [node.labels.selfhost.data.umami == true, node.role != manager]\n")),
        ])

    static let attributes = ["node.id", "node.hostname", "node.role", "node.platform.os", "node.platform.arch"]

    func check(_ project: LintProject) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for (f, s) in project.services where f.isStack {
            let app = LintProject.stackAppName(f.source)
            for c in SwarmSupport.constraints(s) {
                guard let text = c.text else { continue }
                let op = text.contains("==") ? "==" : (text.contains("!=") ? "!=" : nil)
                guard let op, let range = text.range(of: op) else {
                    out.append(Self.info.finding("service '\(s.name)': constraint '\(text)' has no == or != operator", at: f.location(c)))
                    continue
                }
                let attribute = text[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
                let value = text[range.upperBound...].trimmingCharacters(in: .whitespaces)
                if value.isEmpty {
                    out.append(Self.info.finding("service '\(s.name)': constraint '\(text)' has no value", at: f.location(c)))
                    continue
                }
                if attribute.hasPrefix("node.labels.") || attribute.hasPrefix("engine.labels.") {
                    let label = String(attribute.drop { $0 != "." }.dropFirst().drop { $0 != "." }.dropFirst())
                    guard op == "==", attribute.hasPrefix("node.labels.") else { continue }
                    if let known = project.config.swarmNodeLabels, !known.contains(label) {
                        out.append(Self.info.finding("service '\(s.name)' needs a node labelled \(label)=\(value), and no node carries \(label) (swarm_node_labels in \(project.config.path ?? ".selfhost-lint.yaml"))", at: f.location(c)))
                    } else if let app, label.hasPrefix("selfhost.data."), label != "selfhost.data.\(app)" {
                        out.append(Self.info.finding("service '\(s.name)' of \(app) is pinned to \(label), another app's data node: its volumes would sit beside that app's", at: f.location(c),
                                                     fix: "use node.labels.selfhost.data.\(app) == true"))
                    }
                } else if !Self.attributes.contains(attribute) {
                    out.append(Self.info.finding("service '\(s.name)': '\(attribute)' is not a placement attribute Swarm knows", at: f.location(c)))
                }
            }
        }
        return out
    }
}
