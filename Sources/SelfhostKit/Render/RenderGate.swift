import Foundation

/// The setup gate: HTTP basic auth Caddy puts in front of an app whose fresh install a stranger
/// could claim (catalog `first_start.closed_by: gate`), until the owner has finished its setup and
/// runs `selfhost render <app> --open`. Recorded per app in the manifest (`gates`), so a re-render
/// keeps a closed gate closed (same password) and an opened one open; it never drops or re-adds one
/// by itself.
struct RenderGate: Codable, Equatable {
    enum State: String, Codable { case closed, open }

    var state: State
    /// The basic-auth user name.
    var user: String
    /// bcrypt hash of the password in `<app>/gate-password`; nil once open.
    var hash: String?
    /// When the gate was put up and lifted (ISO 8601, UTC).
    var closedAt: String?
    var openedAt: String?

    enum CodingKeys: String, CodingKey { case state, user, hash, closedAt = "closed_at", openedAt = "opened_at" }

    static let user = "owner"
    /// bcrypt cost: Go's default. The password is 32 random alphanumerics (190 bits), so the cost
    /// guards nothing a brute force could reach; a higher one only slows every gated request.
    static let cost = 10
    static let passwordLength = 32

    /// `<app>/gate-password`, relative to the output directory.
    static func passwordPath(_ id: String) -> String { "\(id)/gate-password" }

    /// One app's gate after this render.
    struct Decision: Equatable {
        var record: RenderGate?
        /// A new password to write to `passwordPath` (mode 0600) when the gate is new or its file was lost.
        var newPassword: String?
        var note: String?
        /// Whether this render opened it.
        var opened: Bool = false

        var isClosed: Bool { record?.state == .closed }
    }

    /// - Parameters:
    ///   - previous: the manifest's record for the app, if any.
    ///   - manifestKnowsGates: whether the previous manifest was written by a render that has gates
    ///     (an app already in an older box is not gated behind its owner's back: it is recorded open, with a note).
    ///   - wasInBox: whether the app was in the box before this render.
    ///   - open: `--open` names this app.
    ///   - passwordFileExists: whether `<app>/gate-password` is on disk.
    static func decide(app: App, previous: RenderGate?, manifestKnowsGates: Bool, wasInBox: Bool, open: Bool,
                       passwordFileExists: Bool, now: Date) -> Decision {
        let stamp = timestamp(now)
        var record = previous
        var decision = Decision()
        if record == nil, app.firstStart?.closedBy == .gate {
            if wasInBox && !manifestKnowsGates {
                record = RenderGate(state: .open, user: user, hash: nil, closedAt: nil, openedAt: nil)
                decision.note = "\(app.id) was rendered before setup gates existed and is left without one (recorded as open); "
                    + "if its setup is not finished, finish it now: its first visitor can claim it (\(app.firstStart!.exposure.rawValue))"
            } else {
                let password = RenderSecret.generate(.alphanumeric, length: passwordLength)
                record = RenderGate(state: .closed, user: user, hash: Bcrypt.hash(password, cost: cost), closedAt: stamp, openedAt: nil)
                decision.newPassword = password
            }
        }
        if open {
            switch record?.state {
            case nil:
                decision.note = "\(app.id) has no setup gate (its first start is closed by "
                    + (app.firstStart?.closedBy == .preseed ? "preseeded settings in .env" : "nothing to claim") + "); nothing to open"
            case .open?:
                decision.note = "\(app.id)'s setup gate is already open"
            case .closed?:
                record = RenderGate(state: .open, user: record!.user, hash: nil, closedAt: record!.closedAt, openedAt: stamp)
                decision.opened = true
                decision.newPassword = nil
                decision.note = "\(app.id)'s setup gate is lifted from caddy/Caddyfile; `sudo systemctl reload selfhost-caddy` applies it (from then on anyone reaches the app's own login)"
            }
        } else if record?.state == .closed, decision.newPassword == nil, !passwordFileExists {
            // The owner lost the only copy: a new password is the only way back in; the gate stays.
            let password = RenderSecret.generate(.alphanumeric, length: passwordLength)
            record!.hash = Bcrypt.hash(password, cost: cost)
            decision.newPassword = password
            decision.note = "\(passwordPath(app.id)) was missing: \(app.id)'s setup gate has a new password there (the gate stays closed)"
        }
        decision.record = record
        return decision
    }

    static func timestamp(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }
}
