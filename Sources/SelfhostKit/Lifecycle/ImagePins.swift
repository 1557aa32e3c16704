import Foundation

/// An app's images by compose service (`app` for the app itself, a companion's `service` for the
/// others), as `name:tag` references: what the catalog pins, what a box's manifest says it runs,
/// and a copy of the catalog entry that renders with other pins.
enum ImagePins {
    /// The service name the app's own image has in the pins (and in every compose template).
    static let appService = "app"

    /// The pins of `app` as its entry (or a copy made by `apply`) gives them.
    static func of(_ app: App) -> [String: String] {
        var pins: [String: String] = [:]
        if let image = app.image { pins[appService] = image.reference }
        for c in app.companions { pins[c.service] = c.reference }
        return pins
    }

    /// `app` with the images of `pins` for the services it has; services it doesn't have are ignored,
    /// services `pins` doesn't name keep the entry's own.
    static func apply(_ pins: [String: String], to app: App) -> App {
        var copy = app
        if let ref = pins[appService], let (name, tag) = split(ref) { copy.image = App.Image(name: name, tag: tag) }
        for (i, c) in copy.companions.enumerated() {
            guard let ref = pins[c.service], let (name, tag) = split(ref) else { continue }
            copy.companions[i].image = name
            copy.companions[i].tag = tag
        }
        return copy
    }

    /// `name:tag` → (name, tag); the tag is after the last `:` that follows the last `/`
    /// (`localhost:5000/x:1` → `localhost:5000/x`, `1`). Nil without a tag or with a digest.
    static func split(_ reference: String) -> (name: String, tag: String)? {
        guard !reference.contains("@") else { return nil }
        let lastSlash = reference.lastIndex(of: "/") ?? reference.startIndex
        guard let colon = reference[lastSlash...].lastIndex(of: ":") else { return nil }
        let name = String(reference[..<colon]), tag = String(reference[reference.index(after: colon)...])
        guard !name.isEmpty, !tag.isEmpty else { return nil }
        return (name, tag)
    }

    struct Difference: Equatable, Sendable {
        var service: String
        var from: String
        var to: String
    }

    /// Services whose image differs between `old` and `new` (a service only in `new` counts, from ""),
    /// the app's own first, then by service name.
    static func differences(from old: [String: String], to new: [String: String]) -> [Difference] {
        new.keys.sorted { ($0 == appService ? "" : $0) < ($1 == appService ? "" : $1) }.compactMap { service in
            let to = new[service]!, from = old[service] ?? ""
            return from == to ? nil : Difference(service: service, from: from, to: to)
        }
    }
}
