/// compose.undefined-variable: `${VAR}` with no default that the neighbouring `.env` does not define
/// (or, when there is no `.env`, the `.env.example` committed in its place does not list).
struct UndefinedVariableRule: LintRule {
    static let info = RuleInfo(
        id: "compose.undefined-variable", severity: .warning,
        summary: "`${VAR}` (without a default) is not defined in the `.env` next to the compose file (nor, without a `.env`, listed in its `.env.example`).",
        why: "Compose substitutes an empty string and only warns ('The VAR variable is not set. Defaulting to a blank string'): an image tag becomes `app:`, a password becomes empty, a port mapping breaks. `${VAR:?message}` makes compose fail instead.",
        fix: "Define VAR in the `.env` beside the compose file, or give a default: `${VAR:-value}`. A checkout that keeps `.env` out of git lists the names in a committed `.env.example` (`VAR=`, no value), as `selfhost render` writes it.",
        examples: [
            .bad("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", image: "ghcr.io/example/app:${APP_TAG}"))),
            .bad(ExampleFile("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", "environment:", "  SECRET_KEY: ${SECRET_KEY:?set it in .env}"))),
                 ExampleFile(".env", "OTHER=1\n", mode: 0o600)),
            .good(ExampleFile("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", image: "ghcr.io/example/app:${APP_TAG}", "environment:", "  SECRET_KEY: ${SECRET_KEY}", "  MODE: ${MODE:-production}", "  PRICE: $$5"))),
                  ExampleFile(".env", "APP_TAG=1.4.2\nSECRET_KEY=abc\n", mode: 0o600)),
            .good(ExampleFile("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", image: "ghcr.io/example/app:1.4.2", "environment:", "  SECRET_KEY: ${SECRET_KEY}"))),
                  ExampleFile(".env.example", "SECRET_KEY=\n")),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for f in project.composeFiles {
            guard let root = f.root else { continue }
            let defined = f.definedNames
            var reported = Set<String>()
            func visit(_ node: YAMLNode) {
                switch node.value {
                case let .scalar(s, _):
                    guard s.contains("$") else { return }
                    for ref in Interpolation.references(in: s) where !ref.hasDefault && !defined.contains(ref.name) {
                        let key = "\(ref.name)@\(node.line)"
                        guard reported.insert(key).inserted else { continue }
                        let why = f.dotEnv.map { "\($0.source.path) does not define it" }
                            ?? f.envExample.map { "there is no .env next to \(f.source.url.lastPathComponent) and \($0.source.path) does not list it" }
                            ?? "there is no .env (nor .env.example) next to \(f.source.url.lastPathComponent)"
                        let loc = s.contains("\n") ? f.location(node) : f.location(node).offset(by: ref.offset, node: node, sourceLine: f.source.line(node.line))
                        out.append(Self.info.finding("${\(ref.name)} has no default and \(why)", at: loc,
                                                     fix: "add \(ref.name)=… to the .env beside the compose file, or write ${\(ref.name):-default}"))
                    }
                case let .mapping(pairs):
                    for p in pairs {
                        // Keys starting `x-` are templates; they are checked where they are merged in.
                        if p.key.string?.hasPrefix("x-") == true { continue }
                        visit(p.value)
                    }
                case let .sequence(items):
                    items.forEach(visit)
                }
            }
            if f.isStack, case let .mapping(pairs) = root.value {
                // A stack's config and secret names carry a version its deploy script sets (a
                // content hash: swarm configs can't change in place), not an app setting.
                for p in pairs where !["configs", "secrets"].contains(p.key.string ?? "") && p.key.string?.hasPrefix("x-") != true { visit(p.value) }
            } else {
                visit(root)
            }
        }
        return out
    }
}
