/// docs/RENDER.md's first-start table, generated from the catalog's `first_start` facts: per
/// renderable app, what a stranger could do on a fresh install and how `selfhost render` closes it.
/// Tests/SelfhostKitTests/Render/RenderFirstStartDocsTests.swift keeps the doc equal to it.
enum RenderFirstStartTable {
    static let start = "<!-- first-start:start -->\n"
    static let end = "<!-- first-start:end -->"

    static func markdown(_ catalog: Catalog) -> String {
        var lines = ["| app | exposure | closed by | how render closes it | source (checked) |", "|---|---|---|---|---|"]
        for app in catalog.apps.filter(\.isRenderable).sorted(by: { $0.id < $1.id }) {
            guard let fs = app.firstStart else {
                lines.append("| `\(app.id)` | (no `first_start` fact) | | | |")
                continue
            }
            let how: String
            switch fs.closedBy {
            case .preseed: how = "sets " + fs.preseed.map { "`\($0)`" }.joined(separator: ", ") + " in `.env`"
            case .gate: how = "setup gate: basic auth until `selfhost render \(app.id) --open`"
            case .noneNeeded: how = "nothing to close"
            }
            let source = "[\(host(fs.source.url))](\(fs.source.url)) (\(fs.source.checked))"
            lines.append("| `\(app.id)` | \(fs.exposure.rawValue) | \(fs.closedBy.rawValue) | \(how) | \(source) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func host(_ url: String) -> String {
        let rest = url.components(separatedBy: "://").last ?? url
        let parts = rest.split(separator: "/").map(String.init)
        // github.com/owner/repo/… → owner/repo; otherwise the host name.
        if parts.first == "github.com", parts.count >= 3 { return "\(parts[1])/\(parts[2])" }
        return parts.first ?? url
    }
}
