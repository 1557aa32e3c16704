import Foundation

/// `templates/apps/<id>/setup.yaml` (optional): what the generated README must tell people to do
/// around the first start, and `.env` values the render can derive from its own flags.
///
/// One-shot steps (database setup, migrations) belong in the README's install section, before
/// `systemctl enable --now` starts the app on an empty database; each command's compose service
/// is checked against the rendered compose file so a renamed service can't leave a wrong command.
struct RenderAppSetup: Decodable, Equatable {
    struct Step: Decodable, Equatable {
        /// A shell command run in the app's directory, e.g. `docker compose run --rm app …`.
        var command: String
        /// Why, in one line (shown next to the command).
        var why: String
    }
    /// Run once before the first start (and, where `why` says so, after upgrades).
    var beforeStart: [Step]
    /// Run once the app is up (e.g. creating the first admin).
    var afterStart: [Step]
    /// Extra lines for the README's settings section (e.g. how to put a PEM key into `.env`).
    var settings: [String]
    /// `.env` keys filled at render time from the render's own input when the key is missing:
    /// `host` (the app's host name), `url` (`https://host`), `email` (`--email`; left empty without it),
    /// `subnet` (the app's web network, where Caddy's requests come from, e.g. `10.231.0.0/24`) or
    /// `subnet_json` (`["loopback", "<subnet>"]`, for settings that take a JSON list).
    var envFromRender: [String: String]
    /// README lines for a public port published on another host port (another app of the box
    /// holds it), by container port, for apps that can't be told the port they advertise
    /// (PeerTube shows `rtmp://host:1935/live` whatever the mapping). `{host}`, `{host_port}` and
    /// `{container_port}` are replaced.
    var movedPortNotes: [Int: String]
    /// README lines for the first login (e.g. exactly where a default password is changed).
    var firstLogin: [String]

    enum CodingKeys: String, CodingKey {
        case beforeStart = "before_start", afterStart = "after_start", settings, envFromRender = "env_from_render"
        case movedPortNotes = "moved_port_notes", firstLogin = "first_login"
    }

    init(beforeStart: [Step] = [], afterStart: [Step] = [], settings: [String] = [], envFromRender: [String: String] = [:],
         movedPortNotes: [Int: String] = [:], firstLogin: [String] = []) {
        self.beforeStart = beforeStart
        self.afterStart = afterStart
        self.settings = settings
        self.envFromRender = envFromRender
        self.movedPortNotes = movedPortNotes
        self.firstLogin = firstLogin
    }

    /// The README lines for `ports` published away from their container port.
    func movedPortLines(_ ports: [ComposeView.PublishedPort], host: String) -> [String] {
        ports.compactMap { p in
            guard p.host != p.container, let note = movedPortNotes[p.container] else { return nil }
            return note.replacingOccurrences(of: "{host_port}", with: String(p.host))
                .replacingOccurrences(of: "{container_port}", with: String(p.container))
                .replacingOccurrences(of: "{host}", with: host)
        }
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        beforeStart = try c.decodeIfPresent([Step].self, forKey: .beforeStart) ?? []
        afterStart = try c.decodeIfPresent([Step].self, forKey: .afterStart) ?? []
        settings = try c.decodeIfPresent([String].self, forKey: .settings) ?? []
        envFromRender = try c.decodeIfPresent([String: String].self, forKey: .envFromRender) ?? [:]
        movedPortNotes = try c.decodeIfPresent([Int: String].self, forKey: .movedPortNotes) ?? [:]
        firstLogin = try c.decodeIfPresent([String].self, forKey: .firstLogin) ?? []
    }

    static let sources: Set<String> = ["host", "url", "email", "subnet", "subnet_json"]

    /// The app's setup file, or an empty one when it has none.
    static func load(_ appID: String, store: ResourceStore) throws -> RenderAppSetup {
        guard let file = store.file("templates/apps/\(appID)/setup.yaml") else { return RenderAppSetup() }
        let setup = try YAMLNodeDecoder.decode(RenderAppSetup.self, from: file, what: "an app's setup steps",
                                               remedy: "fix the file (before_start/after_start: [{command, why}], settings: [text], env_from_render: {KEY: host|url|email|subnet|subnet_json}, moved_port_notes: {PORT: text}, first_login: [text])")
        for (key, source) in setup.envFromRender where !sources.contains(source) {
            throw SelfhostError.problem("\(file.displayPath): env_from_render \(key): unknown source '\(source)'", remedy: "use host, url, email, subnet or subnet_json")
        }
        return setup
    }

    /// The compose service a `docker compose run|exec …` command targets (options skipped), or nil.
    static func composeService(of command: String) -> String? {
        let words = command.split(separator: " ").map(String.init)
        guard let i = words.firstIndex(of: "compose"), i + 1 < words.count, ["run", "exec"].contains(words[i + 1]) else { return nil }
        var j = i + 2
        let takesValue: Set<String> = ["-e", "--env", "-u", "--user", "-w", "--workdir", "--name", "--entrypoint", "-v", "--volume", "-p", "--publish", "-l", "--label"]
        while j < words.count, words[j].hasPrefix("-") {
            j += takesValue.contains(words[j]) ? 2 : 1
        }
        return j < words.count ? words[j] : nil
    }

    /// Fails when a step names a service the rendered compose file doesn't have.
    func check(services: Set<String>, appID: String) throws {
        for step in beforeStart + afterStart {
            if let s = Self.composeService(of: step.command), !services.contains(s) {
                throw SelfhostError.problem(
                    "templates/apps/\(appID)/setup.yaml: `\(step.command)` names the service '\(s)', which \(appID)/compose.yaml doesn't have (it has \(services.sorted().joined(separator: ", ")))",
                    remedy: "use one of the compose file's service names")
            }
        }
    }
}
