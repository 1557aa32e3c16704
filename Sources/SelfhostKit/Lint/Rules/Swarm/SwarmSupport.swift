/// Shared helpers for the rules on Docker Swarm stack files (`ComposeFile.isStack`).
enum SwarmSupport {
    /// Tasks a stack service runs: `deploy.replicas` (default 1), nil for `mode: global` (one per node).
    static func replicas(_ s: ComposeService) -> Int? {
        if s["deploy"]?["mode"]?.text == "global" { return nil }
        return s["deploy"]?["replicas"]?.text.flatMap { Int($0) } ?? 1
    }

    /// Named volumes the service mounts (not binds, not anonymous), those the file declares without a
    /// driver or with the `local` driver: they live on the node the task runs on.
    static func localVolumes(_ f: ComposeFile, _ s: ComposeService) -> [Mount] {
        let declared = f.root?["volumes"]
        return s.mounts(env: f.env).filter { m in
            guard !m.isBind, let source = m.source, !source.isEmpty else { return false }
            let driver = declared?[source]?["driver"]?.text ?? "local"
            let opts = declared?[source]?["driver_opts"]
            // A local volume with driver_opts (NFS, CIFS) is shared storage.
            return driver == "local" && (opts == nil || opts?.isNull == true)
        }
    }

    /// `deploy.placement.constraints`.
    static func constraints(_ s: ComposeService) -> [YAMLNode] {
        s["deploy"]?["placement"]?["constraints"]?.items ?? []
    }

    /// Whether a constraint pins the service to particular nodes (a label, a host name or an id).
    static func pins(_ constraint: String) -> Bool {
        let c = constraint.replacingOccurrences(of: " ", with: "")
        return c.contains("==") && (c.hasPrefix("node.labels.") || c.hasPrefix("node.hostname") || c.hasPrefix("node.id") || c.hasPrefix("engine.labels."))
    }

    static func stack(_ volumes: String, services: String) -> String {
        "version: \"3.8\"\nservices:\n" + services + (volumes.isEmpty ? "" : "volumes:\n" + volumes)
    }
}
