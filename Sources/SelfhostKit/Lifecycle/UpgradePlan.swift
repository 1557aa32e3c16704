import Foundation

/// What `selfhost upgrade` would do to one app of a box: the images that change, the path through
/// the majors, the catalog's upgrade notes on that path (with their one-shot commands), and what
/// blocks it. Pure: made from the catalog entry and the manifest's images, nothing else.
struct UpgradePlan: Sendable, Equatable {
    enum Kind: String, Sendable { case upgrade, rollback }

    var app: String
    var kind: Kind
    /// The box's images now, and after.
    var current: [String: String]
    var target: [String: String]
    var changes: [ImagePins.Difference]
    /// The app image's majors from the one running to the one wanted (`["33", "34", "35"]`); one
    /// entry when the major stays, empty when a tag is not a version number.
    var path: [String]
    /// The catalog's upgrade notes that concern this path.
    var notes: [App.Upgrade]
    /// Why it can't go ahead as asked (each with its way out).
    var blocked: [String]

    var isCurrent: Bool { changes.isEmpty }
    var commands: [App.Upgrade.Command] { notes.flatMap(\.commands) }

    /// The major of a tag (`35.0.1-apache` → 35, `v6.2.0` → 6), nil when it is not a version number.
    static func major(_ tag: String) -> Int? { TagVersion(tag)?.numbers.first }

    /// The first whole number in a note's `from`/`to` (`"34"`, `"5.x"`, `"Forgejo v10"`), nil for
    /// `any`/`newer`: such an end matches every major.
    static func noteMajor(_ text: String) -> Int? {
        let digits = text.drop { !$0.isNumber }.prefix { $0.isNumber }
        return digits.isEmpty || digits.count > 9 ? nil : Int(digits)
    }

    /// Plans moving `app` from `current` (the manifest's images) to the catalog's pins, or to `to`
    /// for the app's own image.
    static func upgrade(app: App, current: [String: String], to version: String? = nil) -> UpgradePlan {
        var target = ImagePins.of(app)
        if let version, let image = app.image {
            // The app's image and every service running the same image (Nextcloud's cron) go to that tag.
            for (service, ref) in target where ImagePins.split(ref)?.name == image.name { target[service] = "\(image.name):\(version)" }
        }
        // Services the box doesn't run yet (a companion the catalog added) come with the next render anyway.
        var plan = UpgradePlan(app: app.id, kind: .upgrade, current: current, target: target,
                               changes: ImagePins.differences(from: current, to: target), path: [], notes: [], blocked: [])
        plan.study(app: app, rollback: false)
        return plan
    }

    /// Plans going back to `previous` (the `from` of the manifest's last upgrade of the app).
    static func rollback(app: App, current: [String: String], previous: [String: String]) -> UpgradePlan {
        var plan = UpgradePlan(app: app.id, kind: .rollback, current: current, target: previous,
                               changes: ImagePins.differences(from: current, to: previous), path: [], notes: [], blocked: [])
        plan.study(app: app, rollback: true)
        return plan
    }

    private mutating func study(app: App, rollback: Bool) {
        guard let change = changes.first(where: { $0.service == ImagePins.appService }) else {
            checkCompanions(app: app)
            return
        }
        let fromTag = ImagePins.split(change.from)?.tag ?? change.from, toTag = ImagePins.split(change.to)?.tag ?? change.to
        if ImagePins.split(change.from)?.name != ImagePins.split(change.to)?.name, !change.from.isEmpty {
            notesForAnyMajor(app: app)
            checkCompanions(app: app)
            return
        }
        guard let from = TagVersion(fromTag), let to = TagVersion(toTag) else {
            // Not version numbers (`latest`, a date): no path to compute.
            notesForAnyMajor(app: app)
            checkCompanions(app: app)
            return
        }
        let a = from.numbers.first!, b = to.numbers.first!
        if !rollback, to < from {
            blocked.append("\(toTag) is older than the \(fromTag) the box runs: an upgrade doesn't go back "
                           + "(`selfhost upgrade \(app.id) --rollback` returns to the images before the last upgrade)")
        }
        if !rollback, !from.sameShape(as: to) {
            notesFor(app: app, from: a, to: b)
            checkCompanions(app: app)
            path = a == b ? ["\(a)"] : ["\(a)", "\(b)"]
            return
        }
        path = a <= b ? (a...b).map(String.init) : ["\(a)", "\(b)"]
        if rollback { checkCompanions(app: app); return }
        notesFor(app: app, from: a, to: b)
        // One major at a time, where a note of the catalog covers a single-major step on the way.
        if b - a > 1, let step = notes.first(where: { n in
            guard let f = Self.noteMajor(n.from), let t = Self.noteMajor(n.to) else { return false }
            return t == f + 1 && f >= a && t <= b
        }) {
            let next = a + 1
            var shape = to
            shape.numbers = [next] + Array(repeating: 0, count: max(0, to.numbers.count - 1))
            let example = shape.prefix + shape.numbers.map(String.init).joined(separator: ".") + shape.suffix
            blocked.append("\(app.name) upgrades one major at a time (the catalog's note \(step.from) → \(step.to)): \(path.joined(separator: " → ")). "
                           + "Go to \(next) first: `selfhost upgrade \(app.id) --to TAG` with the newest \(next).x tag "
                           + "(of the shape \(example)), then again to the next")
        }
        checkCompanions(app: app)
    }

    private mutating func notesFor(app: App, from a: Int, to b: Int) {
        notes = app.upgrade.filter { n in
            let f = Self.noteMajor(n.from), t = Self.noteMajor(n.to)
            if a == b { return (f ?? a) == a && (t ?? a) == a }
            // The note's span overlaps the path's.
            return (f ?? a) < b && (t ?? b) > a
        }
    }

    private mutating func notesForAnyMajor(app: App) {
        notes = app.upgrade.filter { Self.noteMajor($0.from) == nil || Self.noteMajor($0.to) == nil }
    }

    /// A database whose major changes can't open its old data directory.
    private mutating func checkCompanions(app: App) {
        for change in changes where change.service != ImagePins.appService && !change.from.isEmpty {
            guard let c = app.companions.first(where: { $0.service == change.service }), c.kind == "postgres",
                  let f = ImagePins.split(change.from).flatMap({ Self.major($0.tag) }),
                  let t = ImagePins.split(change.to).flatMap({ Self.major($0.tag) }), f != t else { continue }
            blocked.append("\(change.service) moves from PostgreSQL \(f) to \(t): a data directory opens only with the major that wrote it. "
                           + "Dump the database (backup.sh), start \(t) on a new volume and restore the dump (the README's restore block), "
                           + "then render with the new pin; selfhost upgrade doesn't do this for you")
        }
    }
}
