/// Catalog ↔ template agreement, checked the same way by `catalog check` and by `render`: every
/// `${VAR}` a renderable app's compose template uses must be declared under the entry's `env:`
/// (or the template's own `templates/apps/<id>/env.yaml`). A missing one is a catalog error
/// (exit 2), located at the entry.
public enum CatalogTemplateCheck {
    /// The variables `app`'s compose template uses that nothing declares; empty when there is no template.
    public static func undeclaredVariables(app: App, store: ResourceStore) -> [String] {
        guard let template = store.file("templates/apps/\(app.id)/compose.yaml.mustache") else { return [] }
        var declared = Set(app.env.map(\.name))
        declared.insert("COMPOSE_PROJECT_NAME")
        declared.formUnion(extraNames(app.id, store: store))
        return RenderBox.interpolatedVariables(template.contents).filter { !declared.contains($0) }
    }

    /// Names under `env:` in `templates/apps/<id>/env.yaml`.
    static func extraNames(_ id: String, store: ResourceStore) -> [String] {
        guard let extra = store.file("templates/apps/\(id)/env.yaml"),
              let node = try? YAMLParser.parse(extra.contents, file: extra.displayPath) else { return [] }
        return node["env"]?.items?.compactMap { $0["name"]?.string } ?? []
    }

    /// The error for one undeclared variable, at the entry's `env:` (or the file).
    public static func error(app: String, variable: String, at location: SourceLocation) -> SelfhostError {
        .usage("catalog entry \(app) does not declare ${\(variable)}, which templates/apps/\(app)/compose.yaml.mustache uses",
               at: location, remedy: "add `- name: \(variable)` under env: in catalog/apps/\(app).yaml (with a default, secret or required), or fix the variable name in the template")
    }
}
