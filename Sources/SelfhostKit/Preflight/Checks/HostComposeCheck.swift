import Foundation

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
                                      fix: "; run: sudo apt-get install -y docker-compose-plugin")]
        }
        if !isV2(v) {
            return [definition.result(.error, "docker compose", "Compose \(v) is too old; v2 is needed", fix: "; run: sudo apt-get install -y docker-compose-plugin")]
        }
        return [definition.result(.ok, "docker compose", "Compose \(v)")]
    }

    /// Whether a plugin version (`v2.26.1`, `2.40.3-desktop.1`) is Compose v2 or later: shared with `selfhost install`.
    public static func isV2(_ version: String) -> Bool {
        (version.trimmingCharacters(in: CharacterSet(charactersIn: "v")).split(separator: ".").first.flatMap { Int($0) } ?? 0) >= 2
    }
}
