/// compose.swarm-unpinned-volume: a stack service with a local volume may be scheduled on any node.
struct SwarmUnpinnedVolumeRule: LintRule {
    static let info = RuleInfo(
        id: "compose.swarm-unpinned-volume", severity: .error,
        summary: "A stack service mounts a local named volume but no placement constraint pins it to a node.",
        why: "The swarm may start the task on another node after a drain, a failure or an update; there it finds a new, empty volume — a database that comes back empty, its data left behind on the old node.",
        fix: "Pin it: `deploy.placement.constraints: [node.labels.selfhost.data.<app> == true]` and label exactly one node (`docker node update --label-add selfhost.data.<app>=true NODE`).",
        examples: [
            .bad("app.stack.yaml", SwarmSupport.stack("  db-data: {}\n", services:
                "  db:\n    image: postgres:17.2\n    volumes: [\"db-data:/var/lib/postgresql/data\"]\n")),
            .good("app.stack.yaml", SwarmSupport.stack("  db-data: {}\n", services:
                "  db:\n    image: postgres:17.2\n    volumes: [\"db-data:/var/lib/postgresql/data\"]\n    deploy:\n      placement:\n        constraints: [node.labels.selfhost.data.app == true]\n")),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        project.services.compactMap { f, s in
            guard f.isStack, let first = SwarmSupport.localVolumes(f, s).first else { return nil }
            if SwarmSupport.constraints(s).contains(where: { SwarmSupport.pins($0.text ?? "") }) { return nil }
            return Self.info.finding("service '\(s.name)' keeps '\(first.source ?? "")' on a local volume but may run on any node",
                                     at: f.location(s["deploy"] ?? s.key))
        }
    }
}
