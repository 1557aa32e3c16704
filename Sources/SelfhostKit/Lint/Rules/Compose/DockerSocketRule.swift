/// compose.docker-sock: the Docker socket mounted into a container.
struct DockerSocketRule: LintRule {
    static let info = RuleInfo(
        id: "compose.docker-sock", severity: .error,
        summary: "The Docker socket is mounted into a container.",
        why: "Whoever can talk to /var/run/docker.sock can start a privileged container that mounts the host's root: it is root on the server, read-only mount or not.",
        fix: "Remove the mount; if a tool truly needs the API, put a filtering proxy (tecnativa/docker-socket-proxy) in front and disable this rule for that line with `# selfhost-lint disable=compose.docker-sock`.",
        security: true,
        examples: [
            .bad("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", "volumes: [\"/var/run/docker.sock:/var/run/docker.sock:ro\"]"))),
            .bad("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", "volumes:", "  - type: bind", "    source: /run/docker.sock", "    target: /sock"))),
            .good("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", "volumes: [\"./data:/data\"]"))),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for (f, s) in project.services {
            for m in s.mounts(env: f.env) where m.isBind {
                guard let src = m.source, src.hasSuffix("docker.sock") || src.hasSuffix("podman.sock") || src.hasSuffix("containerd.sock") else { continue }
                out.append(Self.info.finding("service '\(s.name)' mounts the container engine socket \(src)\(m.readOnly ? " (read-only does not help: the API still accepts writes)" : "")", at: f.location(m.node)))
            }
        }
        return out
    }
}
