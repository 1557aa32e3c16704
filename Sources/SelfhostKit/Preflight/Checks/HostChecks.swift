import Foundation

/// `host.docker` (`--local`): the Docker engine answers on its API socket — not just that the
/// client binary exists.
///
/// Examples: `GET /version` on /var/run/docker.sock answers 200 → ok; socket missing or
/// permission denied → error with the command to fix it.
public enum HostDockerCheck {
    public static let definition: CheckDefinition = CheckDefinition(
        id: "host.docker",
        summary: "With --local: the Docker engine answers on its API socket (/var/run/docker.sock or DOCKER_HOST).",
        fix: "Install and start Docker Engine; let your user reach the socket.",
        localOnly: true
    ) { env in
        guard env.local, let host = env.host else { return [definition.result(.skipped, "localhost", "run on the server with --local to check")] }
        let info = await host.dockerEngine(timeout: env.timeout)
        if info.reachable {
            return [definition.result(.ok, "docker.sock", "Docker Engine \(info.version ?? "(version unknown)") answers")]
        }
        return [definition.result(.error, "docker.sock", "Docker engine not reachable: \(info.problem ?? "no answer")",
                                  fix: "; install Docker Engine from Docker's apt repository (docs.docker.com/engine/install/debian), then\nsudo systemctl enable --now docker && sudo usermod -aG docker $USER   # log in again afterwards")]
    }
}

/// `host.compose` (`--local`): the Compose v2 plugin (`docker compose`) is installed.
public enum HostComposeCheck {
    public static let definition: CheckDefinition = CheckDefinition(
        id: "host.compose",
        summary: "With --local: the Docker Compose v2 CLI plugin is installed (`docker compose`, not the old docker-compose v1).",
        fix: "Install the docker-compose-plugin package.",
        localOnly: true
    ) { env in
        guard env.local, let host = env.host else { return [definition.result(.skipped, "localhost", "run on the server with --local to check")] }
        guard let v = await host.composeVersion() else {
            return [definition.result(.error, "docker compose", "the Compose v2 plugin is not installed",
                                      fix: "sudo apt-get install -y docker-compose-plugin")]
        }
        let major = v.trimmingCharacters(in: CharacterSet(charactersIn: "v")).split(separator: ".").first.flatMap { Int($0) } ?? 0
        if major < 2 {
            return [definition.result(.error, "docker compose", "Compose \(v) is too old; v2 is needed", fix: "sudo apt-get install -y docker-compose-plugin")]
        }
        return [definition.result(.ok, "docker compose", "Compose \(v)")]
    }
}

/// `host.disk` (`--local`): enough free disk for images and data (error under 5 GB, warning under 20 GB).
public enum HostDiskCheck {
    public static let definition: CheckDefinition = CheckDefinition(
        id: "host.disk",
        summary: "With --local: the filesystem holding /var/lib/docker has at least 20 GB free (error below 5 GB).",
        fix: "Free space (docker system prune) or grow the disk.",
        localOnly: true
    ) { env in
        guard env.local, let host = env.host else { return [definition.result(.skipped, "localhost", "run on the server with --local to check")] }
        guard let (path, free) = host.freeDiskBytes() else { return [definition.result(.error, "disk", "cannot read free space")] }
        let gb = Double(free) / 1e9
        let text = String(format: "%.1f GB free on %@", gb, path)
        if gb < 5 { return [definition.result(.error, path, text + ": images and databases won't fit", fix: "docker system prune -a   # or grow the disk")] }
        if gb < 20 { return [definition.result(.warning, path, text + ": tight for images, logs and backups", fix: "docker system prune -a   # or grow the disk")] }
        return [definition.result(.ok, path, text)]
    }
}

/// `host.ram` (`--local`): RAM covers the apps' catalog figures (minimum: error; recommended: warning).
public enum HostRAMCheck {
    public static let definition: CheckDefinition = CheckDefinition(
        id: "host.ram",
        summary: "With --local: total RAM covers the sum of the apps' catalog RAM figures plus 512 MB for the OS and Caddy.",
        fix: "Choose a larger server, or fewer apps on this one.",
        localOnly: true
    ) { env in
        guard env.local, let host = env.host else { return [definition.result(.skipped, "localhost", "run on the server with --local to check")] }
        guard let mem = host.memory() else { return [definition.result(.error, "memory", "cannot read /proc/meminfo")] }
        let overhead = 512
        let minSum = env.apps.compactMap { $0.ramMinMB ?? $0.ramRecommendedMB }.reduce(overhead, +)
        let recSum = env.apps.compactMap { $0.ramRecommendedMB ?? $0.ramMinMB }.reduce(overhead, +)
        let unknown = env.apps.filter { $0.ramMinMB == nil && $0.ramRecommendedMB == nil }.map(\.id)
        let totalMB = Int(mem.total / 1_000_000)
        let note = unknown.isEmpty ? "" : "; no published figure for \(unknown.joined(separator: ", "))"
        let subject = "memory"
        if totalMB < minSum {
            return [definition.result(.error, subject, "\(totalMB) MB RAM, the apps need at least \(minSum) MB (incl. 512 MB for OS and Caddy)\(note)",
                                      fix: "; pick a server with at least \(minSum) MB RAM, or add swap as a stopgap: fallocate -l 2G /swapfile && mkswap /swapfile && swapon /swapfile")]
        }
        if totalMB < recSum {
            return [definition.result(.warning, subject, "\(totalMB) MB RAM, below the recommended \(recSum) MB for these apps\(note)",
                                      fix: "; plan for \(recSum) MB RAM")]
        }
        return [definition.result(unknown.isEmpty ? .ok : .warning, subject, "\(totalMB) MB RAM for \(recSum) MB recommended\(note)")]
    }
}
