/// compose.swarm-replicated-volume: a stack service with more than one task mounts a node-local volume.
struct SwarmReplicatedVolumeRule: LintRule {
    static let info = RuleInfo(
        id: "compose.swarm-replicated-volume", severity: .error,
        summary: "A stack service with `replicas` > 1 (or `mode: global`) mounts a local named volume.",
        why: "A local volume lives on one node: every task gets its own, empty copy on the node it lands on, so replicas see different data (uploads one task wrote are missing on the other) and a moved task starts from nothing.",
        fix: "Keep the service at one replica, pinned to its data node (`node.labels.selfhost.data.<app> == true`), or put the data on shared storage (a volume driver such as NFS via driver_opts) or in the database.",
        examples: [
            .bad("app.stack.yaml", SwarmSupport.stack("  uploads: {}\n", services:
                "  app:\n    image: ghcr.io/example/app:1.4.2\n    volumes: [\"uploads:/data\"]\n    deploy:\n      replicas: 2\n")),
            .good("app.stack.yaml", SwarmSupport.stack("  uploads: {}\n", services:
                "  app:\n    image: ghcr.io/example/app:1.4.2\n    volumes: [\"uploads:/data\"]\n    deploy:\n      replicas: 1\n      placement:\n        constraints: [node.labels.selfhost.data.app == true]\n")),
            .good("app.stack.yaml", SwarmSupport.stack("  uploads:\n    driver_opts: {type: nfs, o: \"addr=10.0.0.5,rw\", device: \":/srv/uploads\"}\n", services:
                "  app:\n    image: ghcr.io/example/app:1.4.2\n    volumes: [\"uploads:/data\"]\n    deploy:\n      replicas: 3\n")),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        project.services.flatMap { f, s -> [Diagnostic] in
            guard f.isStack else { return [] }
            let replicas = SwarmSupport.replicas(s)
            guard replicas == nil || replicas! > 1 else { return [] }
            let tasks = replicas.map { "\($0) replicas" } ?? "one task per node (mode: global)"
            return SwarmSupport.localVolumes(f, s).map { m in
                Self.info.finding("service '\(s.name)' runs \(tasks) but mounts the local volume '\(m.source ?? "")': each task gets its own copy on its node",
                                  at: f.location(m.node))
            }
        }
    }
}
