/// caddy.syntax: a Caddyfile that does not tokenize or whose braces do not balance.
struct CaddySyntaxRule: LintRule {
    static let info = RuleInfo(
        id: "caddy.syntax", severity: .error,
        summary: "The Caddyfile has a syntax error: unbalanced braces, an unterminated quote or heredoc, a block without an address, a snippet importing itself.",
        why: "Caddy refuses to load the whole config, so every site on the box goes down on the next reload.",
        fix: "Fix the brace, quote or heredoc at the reported position (`caddy fmt` shows the structure).",
        examples: [
            .bad("Caddyfile", "example.com {\n\treverse_proxy app:3000\n"),
            .bad("Caddyfile", "example.com {\n\trespond \"hello\n}\n"),
            .bad("Caddyfile", "example.com {\n\trespond hi\n}\n}\n"),
            .bad("Caddyfile", "(common) {\n\tencode gzip\n\timport common\n}\n\nexample.com {\n\timport common\n}\n"),
            .good("Caddyfile", "{\n\temail ops@example.com\n}\n\n(common) {\n\tencode zstd gzip\n}\n\nexample.com, www.example.com {\n\timport common\n\trespond `hello \"world\"` 200\n\theader X-Note <<EOF\n\tsome text\n\tEOF\n}\n"),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        project.caddyFiles.flatMap { c -> [Diagnostic] in
            if let e = c.syntaxError { return [Self.info.finding(e.message, at: c.source.location(e.line, e.column))] }
            return c.importCycles.map { cycle in
                Self.info.finding("snippet import cycle: " + cycle.path.map { "(\($0))" }.joined(separator: " → "), at: c.location(cycle.at),
                                  fix: "remove this `import`: a snippet cannot import itself, directly or through another snippet")
            }
        }
    }
}
