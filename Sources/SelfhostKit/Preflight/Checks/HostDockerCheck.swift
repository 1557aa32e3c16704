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
                                  fix: "; install Docker Engine from Docker's apt repository (docs.docker.com/engine/install/debian), then\n; run: sudo systemctl enable --now docker && sudo usermod -aG docker $USER (and log in again)")]
    }
}
