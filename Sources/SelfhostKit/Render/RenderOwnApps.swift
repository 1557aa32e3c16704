import Foundation

/// The box's own apps (`OwnApp`): the files named on the command line, and those an earlier render
/// put in the box (the manifest remembers each file's path; a copy sits in the app's directory).
/// They join the catalog and the templates as if they were catalog apps.
struct RenderOwnApps {
    /// By id, in the order met.
    var apps: [OwnApp] = []
    /// Render argument (a path) → the app's id.
    var idForArgument: [String: String] = [:]
    var notes: [String] = []

    /// Manifest record: where the file was read from, as an absolute path.
    struct Record: Codable, Equatable {
        var file: String
    }

    static func resolve(arguments: [String], remove: [String], manifest: RenderManifest?, out: URL,
                        catalog: Catalog, store: ResourceStore, context: Context) throws -> RenderOwnApps {
        var set = RenderOwnApps()
        var fileOf: [String: String] = [:]
        for raw in arguments where OwnApp.isPath(raw) {
            let path = context.url(for: raw).standardizedFileURL.path
            let app = try OwnApp.load(path: path, catalog: catalog, store: store)
            if let other = fileOf[app.id], other != path {
                throw SelfhostError.usage("\(raw) and \(other) both describe an app with the id '\(app.id)'", at: SourceLocation(file: path),
                                          remedy: "give each app file its own id")
            }
            if fileOf[app.id] == nil { set.apps.append(app) }
            fileOf[app.id] = path
            set.idForArgument[raw] = app.id
        }
        // Apps already in the box: the file where it was, else the copy render put in the box.
        for (id, record) in (manifest?.ownApps ?? [:]).sorted(by: { $0.key < $1.key }) where fileOf[id] == nil && !remove.contains(id)
            && (manifest?.apps[id] != nil || arguments.contains { $0.lowercased() == id }) {
            let copy = out.appendingPathComponent(id).appendingPathComponent(OwnApp.copyName).path
            let app: OwnApp
            if FileManager.default.fileExists(atPath: record.file) {
                app = try OwnApp.load(path: record.file, catalog: catalog, store: store)
            } else if let data = FileManager.default.contents(atPath: copy) {
                app = try OwnApp.parse(String(decoding: data, as: UTF8.self), file: copy,
                                       baseDirectory: (record.file as NSString).deletingLastPathComponent, catalog: catalog, store: store)
                set.notes.append("\(id): \(record.file) is gone, so the copy in the box (\(id)/\(OwnApp.copyName)) was read; render with the file's new path to follow it")
            } else {
                throw SelfhostError.usage("the box's own app \(id) was rendered from \(record.file), which is gone, and its copy \(copy) too",
                                          at: SourceLocation(file: record.file),
                                          remedy: "render with the app file's path again (selfhost render PATH …), or take the app out with --remove \(id)")
            }
            guard app.id == id else {
                throw SelfhostError.usage("\(app.file) now gives the id '\(app.id)', but the box holds it as '\(id)'", at: SourceLocation(file: app.file),
                                          remedy: "keep id: \(id) (an app's id names its volumes and units), or --remove \(id) and render the new one")
            }
            set.apps.append(app)
            fileOf[id] = app.file
        }
        return set
    }

    /// The catalog with the own apps as renderable entries.
    func catalog(_ base: Catalog, today: String) -> Catalog {
        guard !apps.isEmpty else { return base }
        return Catalog(apps: base.apps + apps.map { $0.catalogApp(today: today) }, saas: base.saas,
                       categories: base.categories, licenseIDs: base.licenseIDs)
    }

    /// The store with each own app's template, setup file and copy.
    func store(_ base: ResourceStore) -> ResourceStore {
        guard !apps.isEmpty else { return base }
        return base.adding(apps.flatMap { $0.templateFiles() })
    }

    var records: [String: Record] {
        Dictionary(uniqueKeysWithValues: apps.map { ($0.id, Record(file: $0.file)) })
    }
}
