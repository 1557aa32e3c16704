/// compose.image-tag: images without a tag or with a floating one.
struct ImageTagRule: LintRule {
    static let floating: Set<String> = ["latest", "stable", "edge", "nightly", "dev", "develop", "beta", "alpha", "canary", "lts", "main", "master", "release", "current", "rolling", "next", "unstable", "testing"]

    static let info = RuleInfo(
        id: "compose.image-tag", severity: .warning,
        summary: "An image has no tag, or a floating one such as `latest`, `stable`, `edge` or any tag without a version number (`alpine`).",
        why: "A floating tag upgrades itself on the next pull or host rebuild: a database can jump a major version and refuse to start, and nobody can tell which version ran yesterday.",
        fix: "Pin a version tag (`postgres:16.4`), or a digest (`postgres:16.4@sha256:…`).",
        examples: [
            .bad("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("db", image: "postgres"))),
            .bad("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", image: "ghcr.io/example/app:latest"))),
            .bad("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", image: "localhost:5000/app"))),
            .bad("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("cache", image: "redis:alpine"))),
            .good("compose.yaml", ComposeRuleSupport.file(
                ComposeRuleSupport.service("db", image: "postgres:16.4-alpine"),
                ComposeRuleSupport.service("app", image: "localhost:5000/app:2.1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
                ComposeRuleSupport.service("tagged", image: "${REGISTRY:-ghcr.io}/example/app:${APP_TAG:-1.2.3}"))),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for f in project.composeFiles {
            for s in f.services {
                guard let node = s["image"], let raw = node.text else { continue }
                let image = Interpolation.resolve(raw, env: f.env) ?? raw
                if image.contains("$") { continue }  // unresolved: judged by compose.undefined-variable
                if image.contains("@sha256:") { continue }
                let lastSegment = image.split(separator: "/").last.map(String.init) ?? image
                guard let colon = lastSegment.lastIndex(of: ":") else {
                    out.append(Self.info.finding("image '\(image)' has no tag, so it means :latest", at: f.location(node),
                                                 fix: "pin a version: `\(image):<version>`"))
                    continue
                }
                let tag = String(lastSegment[lastSegment.index(after: colon)...])
                // A tag without a single digit names no version (`alpine`, `stable-slim`, `prod`): it moves.
                // Same words as `selfhost catalog check` (ImageTag), so the catalog and the linter agree.
                if Self.floating.contains(tag.lowercased()) || ImageTag.isFloating(tag) || !tag.contains(where: \.isNumber) {
                    out.append(Self.info.finding("image '\(image)' uses the floating tag '\(tag)'", at: raw == image ? f.location(node).offset(by: image.unicodeScalars.distance(from: image.unicodeScalars.startIndex, to: image.lastIndex(of: ":")!.samePosition(in: image.unicodeScalars)!) + 1, node: node, sourceLine: f.source.line(node.line)) : f.location(node)))
                }
            }
        }
        return out
    }
}

extension SourceLocation {
    /// The location `offset` Unicode scalars into a scalar, when its line shows it as written.
    func offset(by offset: Int, node: YAMLNode, sourceLine: Substring) -> SourceLocation {
        var l = self
        l.column = node.column(atOffset: offset, sourceLine: sourceLine)
        return l
    }
}
