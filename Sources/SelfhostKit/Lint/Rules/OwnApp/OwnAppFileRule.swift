/// ownapp.file: a box's copy of an own app's file (`<id>/selfhost-app.yaml`) that `selfhost render`
/// would refuse, read by the same reader (`OwnApp`).
struct OwnAppFileRule: LintRule {
    static let info = RuleInfo(
        id: "ownapp.file", severity: .error,
        summary: "An own app's file (selfhost-app.yaml) that render would refuse: an unknown key, a wrong type, an unpinned image, a name render owns.",
        why: "The box's next render reads this file (or the one it was copied from) again; a file it refuses stops every re-render of the box, and an edit here that was never rendered is not what runs.",
        fix: "Fix the key at the position shown (docs/OWNAPP.md lists them), then render the box again.",
        examples: [
            .bad(ExampleFile("shop/selfhost-app.yaml", "id: shop\nimage: ghcr.io/example/shop\nport: 8000\nhealth: /healthz\n")),
            .bad(ExampleFile("shop/selfhost-app.yaml", "id: shop\nimage: ghcr.io/example/shop:1.4.2\nport: 8000\nhealth: /healthz\nenv:\n  - {name: POSTGRES_PASSWORD, value: x}\n")),
            .good(ExampleFile("shop/selfhost-app.yaml", "id: shop\nimage: ghcr.io/example/shop:1.4.2\nport: 8000\nhealth: /healthz\ncompanions:\n  - {kind: postgres, env: {url: DATABASE_URL}}\n")),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for s in project.ownAppFiles {
            var diags: [Diagnostic] = []
            _ = OwnApp.read(s.text, file: s.path, baseDirectory: s.directory.path, catalog: nil, store: .embedded,
                            checkBuildContext: false, into: &diags)
            out += diags.map { Self.info.finding($0.message, at: $0.location, fix: $0.fix) }
        }
        return out
    }
}
