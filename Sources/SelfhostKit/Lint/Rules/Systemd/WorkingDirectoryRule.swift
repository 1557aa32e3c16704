import Foundation

/// systemd.working-directory: a unit running docker compose whose WorkingDirectory holds no compose file.
struct WorkingDirectoryRule: LintRule {
    static let info = RuleInfo(
        id: "systemd.working-directory", severity: .error,
        summary: "A unit runs `docker compose` but its `WorkingDirectory=` (or `-f`/`--project-directory`) does not hold the compose file.",
        why: "compose looks for compose.yaml in the working directory; without it the unit fails at boot with 'no configuration file provided', and systemd's own checks never look. The directory is checked on this machine when it exists; otherwise a linted compose file must sit in a directory with the same name (`/opt/stacks/umami` ↔ `deploy/umami/compose.yaml`).",
        fix: "Set `WorkingDirectory=` to the directory holding compose.yaml (or pass `-f /path/compose.yaml`), and lint that directory together with the unit.",
        examples: [
            .bad(ExampleFile("umami/compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service())),
                 ExampleFile("systemd/umami.service", "[Service]\nType=oneshot\nRemainAfterExit=yes\nWorkingDirectory=/opt/stacks/umami-old\nExecStart=/usr/bin/docker compose up -d\n")),
            .bad(ExampleFile("systemd/umami.service", "[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/usr/bin/docker compose up -d\n")),
            .good(ExampleFile("umami/compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service())),
                  ExampleFile("systemd/umami.service", "[Service]\nType=oneshot\nRemainAfterExit=yes\nWorkingDirectory=/opt/stacks/umami\nExecStart=/usr/bin/docker compose up -d --remove-orphans\nExecStop=/usr/bin/docker compose down\n")),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for u in project.units {
            for t in ComposeUnitTarget.all(in: u) {
                if t.directory == nil, t.fileArgument.map({ !$0.hasPrefix("/") }) ?? true {
                    out.append(Self.info.finding("runs docker compose without WorkingDirectory= (or an absolute -f), so compose looks in /", at: u.location(t.invocation),
                                                 fix: "add WorkingDirectory=/path/to/the/stack"))
                    continue
                }
                // Specifiers (%h, %S) and variables resolve only on the host.
                if (t.directory ?? "").contains("%") || (t.directory ?? "").contains("$") || (t.fileArgument ?? "").contains("%") { continue }
                let (_, onDisk, found) = t.composeFiles(in: project)
                if found { continue }
                let dir = t.directory ?? (t.fileArgument.map { ($0 as NSString).deletingLastPathComponent } ?? "")
                let at = u.value("Service", "WorkingDirectory").map { u.location($0, value: true) } ?? u.location(t.invocation)
                let name = t.fileArgument ?? "compose.yaml"
                let detail = onDisk ? "\(dir) exists here but holds no \(name)"
                    : "\(dir) is not on this machine and no linted compose file sits in a directory named '\((dir as NSString).lastPathComponent)'"
                out.append(Self.info.finding("docker compose would find no compose file: \(detail)", at: at))
            }
        }
        return out
    }
}
