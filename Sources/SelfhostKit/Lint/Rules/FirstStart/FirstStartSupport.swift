import Foundation

/// What the catalog knows about an image's first start (`first_start`): the rules in this folder
/// recognise catalog apps by image and cite the catalog fact and its upstream source.
enum FirstStartSupport {
    /// Renderable catalog apps with a `first_start` fact, by image repository (registry host,
    /// `library/`, tag and digest removed, as `ComposeService.imageRepository` does).
    static let byImage: [String: App] = {
        guard let catalog = try? CatalogLoader.load(ResourceStore.embedded) else { return [:] }
        var out: [String: App] = [:]
        for app in catalog.apps where app.firstStart != nil {
            guard let name = app.image?.name, let repo = repository(name) else { continue }
            out[repo] = app
        }
        return out
    }()

    static func repository(_ image: String) -> String? {
        var parts = image.lowercased().split(separator: "/").map(String.init)
        if parts.count > 1, let first = parts.first, first.contains(".") || first.contains(":") || first == "localhost" { parts.removeFirst() }
        if parts.count > 1, parts.first == "library" { parts.removeFirst() }
        return parts.isEmpty ? nil : parts.joined(separator: "/")
    }

    /// The catalog app a service runs, with its first-start fact.
    static func app(_ service: ComposeService) -> (App, App.FirstStart)? {
        guard let repo = service.imageRepository, let app = byImage[repo], let fs = app.firstStart else { return nil }
        return (app, fs)
    }

    /// `catalog: <id> first_start.exposure <x> (<source url>, checked <date>)`.
    static func citation(_ app: App, _ fs: App.FirstStart) -> String {
        "catalog \(app.id) first_start: \(fs.exposure.rawValue), \(fs.source.url) (checked \(fs.source.checked))"
    }

    /// Keys set in the service's `environment:` (a value or a `${…}` reference; an empty value counts as unset).
    static func environmentKeys(_ service: ComposeService) -> Set<String> {
        Set((service["environment"]?.keyValueEntries ?? []).compactMap { k, v, _ in (v ?? "").isEmpty ? nil : k })
    }

    /// The preseed variables a service doesn't set. A service with `env_file:` may set them there: none counted missing.
    static func missingPreseed(_ service: ComposeService, _ fs: App.FirstStart) -> [String] {
        if service["env_file"] != nil { return [] }
        let keys = environmentKeys(service)
        return fs.preseed.filter { name in !keys.contains(name) && !keys.contains { $0.hasSuffix("__" + name) } }
    }
}
