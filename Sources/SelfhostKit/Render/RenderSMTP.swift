import Foundation

/// How `render --smtp` reaches each app: the app's mail variables (catalog `smtp.env`) passed to
/// its mail-sending service in compose.yaml as `${NAME}`, and their values in its `.env`, under
/// the `.env` rules (a value a person set is kept).
enum RenderSMTP {
    /// What the render decided for one app.
    struct Plan: Equatable {
        /// Variables passed to the service (compose) — every one of the app's mail variables.
        var names: [String]
        /// Values to write: appended when missing, or replacing an empty or catalog-default value.
        var values: [String: String]
    }

    /// Whether the app gets mail settings in this render: a relay was given and the app reads its
    /// mail settings from the environment, or (no `--smtp` this time) its `.env` already holds every
    /// one of them from an earlier render, so its compose file must keep passing them.
    static func plan(app: App, relay: SMTPRelay?, existingEnv: String?) -> Plan? {
        let names = app.smtp.env.map(\.name)
        guard !names.isEmpty else { return nil }
        if let relay {
            var values: [String: String] = [:]
            for v in relay.variables(for: app) { values[v.name] = v.value }
            return Plan(names: names, values: values)
        }
        let present = existingEnv.map(RenderEnvFile.keys(in:)) ?? []
        return names.allSatisfy(present.contains) ? Plan(names: names, values: [:]) : nil
    }

    /// `compose` with `NAME: "${NAME}"` added to `service`'s `environment:` for every name the
    /// block neither sets nor already passes under another key (Zulip's `SECRETS_email_password:
    /// "${ZULIP__EMAIL_PASSWORD}"`). Render's templates write `environment:` as a map at six spaces.
    static func addEnvironment(_ names: [String], service: String, to compose: String, appID: String) throws -> String {
        var lines = compose.components(separatedBy: "\n")
        guard let start = lines.firstIndex(of: "  \(service):") else {
            throw SelfhostError.problem("catalog smtp sender '\(service)' of \(appID) (smtp.service or smtp.also_services) is not a service of templates/apps/\(appID)/compose.yaml.mustache",
                                        remedy: "name the services that send mail (smtp.service, smtp.also_services), or fix the template")
        }
        var end = lines.count
        for i in (start + 1)..<lines.count {
            let l = lines[i]
            if !l.isEmpty, !l.hasPrefix("   "), !l.trimmingCharacters(in: .whitespaces).hasPrefix("#") { end = i; break }
        }
        // `environment:` as a map, or as a map under a YAML anchor (`environment: &x-env`) that other
        // services reuse (`environment: *x-env`), so they get the mail settings too.
        guard let env = lines[start..<end].firstIndex(where: { $0 == "    environment:" || ($0.hasPrefix("    environment: &") && !$0.dropFirst(18).contains(" ")) }) else {
            throw SelfhostError.problem("\(appID)'s \(service) service has no `environment:` map to pass its mail settings in",
                                        remedy: "add `environment:` to the service in templates/apps/\(appID)/compose.yaml.mustache")
        }
        var setKeys: Set<String> = []
        var passed = ""
        var i = env + 1
        while i < end, lines[i].hasPrefix("      ") || lines[i].trimmingCharacters(in: .whitespaces).isEmpty || lines[i].trimmingCharacters(in: .whitespaces).hasPrefix("#") {
            let t = lines[i].trimmingCharacters(in: .whitespaces)
            if lines[i].hasPrefix("      "), !lines[i].hasPrefix("       "), let colon = t.firstIndex(of: ":"), !t.hasPrefix("#") {
                setKeys.insert(String(t[..<colon]))
                passed += t[colon...] + "\n"
            }
            i += 1
        }
        let added = names.filter { !setKeys.contains($0) && !passed.contains("${\($0)}") }
        guard !added.isEmpty else { return compose }
        let block = ["      # Mail through the box's SMTP relay (`selfhost render --smtp`; the values are in .env)."]
            + added.map { "      \($0): \"${\($0)}\"" }
        lines.insert(contentsOf: block, at: env + 1)
        return lines.joined(separator: "\n")
    }

    /// The app's `.env` text with the relay's values set where that is safe: a key that is missing
    /// is left to the merge (appended), an empty value or the catalog's default is replaced, a value
    /// a person set is kept. Returns the text, the keys replaced and the keys kept.
    static func apply(_ plan: Plan, to text: String?, defaults: [String: String]) -> (text: String?, replaced: [String], kept: [String]) {
        guard var text else { return (nil, [], []) }
        let current = RenderEnvFile.values(in: text)
        var replaced: [String] = [], kept: [String] = []
        for name in plan.names {
            guard let want = plan.values[name], let have = current[name], have != want else { continue }
            if have.isEmpty || have == defaults[name], let updated = RenderEnvFile.replace(name, from: have, to: want, in: text) {
                text = updated
                replaced.append(name)
            } else {
                kept.append(name)
            }
        }
        return (text, replaced, kept)
    }
}
