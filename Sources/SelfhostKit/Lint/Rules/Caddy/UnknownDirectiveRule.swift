/// caddy.unknown-directive: directive or global option names Caddy does not know.
struct UnknownDirectiveRule: LintRule {
    static let info = RuleInfo(
        id: "caddy.unknown-directive", severity: .error,
        summary: "Unknown Caddyfile directive or global option (with a did-you-mean suggestion).",
        why: "Caddy rejects the whole config ('unrecognized directive'), so a typo in one site takes every site down on reload. Plugins' directives are unknown to this check; disable it for those lines.",
        fix: "Correct the name as suggested, or build Caddy with the plugin and add `# selfhost-lint disable=caddy.unknown-directive` on that line.",
        examples: [
            .bad("Caddyfile", "example.com {\n\treverse_prxy app:3000\n}\n"),
            .bad("Caddyfile", "{\n\temial ops@example.com\n}\nexample.com {\n\trespond ok\n}\n"),
            .good("Caddyfile", "example.com {\n\t@api path /api/*\n\thandle @api {\n\t\treverse_proxy localhost:3000\n\t}\n\thandle {\n\t\tfile_server\n\t}\n}\n"),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for c in project.caddyFiles where c.syntaxError == nil {
            func walk(_ ds: [CaddyDirective]) {
                for d in ds {
                    let name = d.name.text
                    if name.hasPrefix("@") { continue }  // named matcher definition
                    if !CaddyVocabulary.directives.contains(name) {
                        let hint = LintSuggest.didYouMean(name, in: Array(CaddyVocabulary.directives))
                        out.append(Self.info.finding("unrecognized directive '\(name.shownName)'" + (hint.map { "; \($0)" } ?? ""), at: c.location(d.name)))
                    } else if CaddyVocabulary.containers.contains(name), let block = d.block {
                        walk(block)
                    }
                }
            }
            for b in c.blocks {
                switch b.kind {
                // Snippets are checked where they are imported: inside a site they are directives,
                // inside a directive's block they are its options.
                case .site: walk(c.expanded(b.directives))
                case .snippet: break
                case .globalOptions:
                    for d in b.directives where !CaddyVocabulary.globalOptions.contains(d.name.text) {
                        let hint = LintSuggest.didYouMean(d.name.text, in: Array(CaddyVocabulary.globalOptions))
                        out.append(Self.info.finding("unrecognized global option '\(d.name.text.shownName)'" + (hint.map { "; \($0)" } ?? ""), at: c.location(d.name)))
                    }
                }
            }
        }
        return out
    }
}
