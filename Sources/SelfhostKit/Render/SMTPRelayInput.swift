import Foundation

/// `render --smtp PROVIDER [--smtp-host H] [--smtp-port N] [--smtp-region R] [--smtp-from ADDR]
/// [--smtp-credentials FILE]`: the relay, with its credentials given once — from the file, else the
/// environment (`SELFHOST_SMTP_USERNAME`, `SELFHOST_SMTP_PASSWORD`), else asked for at the terminal
/// without echo. Never from the command line, where `ps` and shell history would show them.
struct SMTPRelayInput: Sendable {
    var provider: String
    var host: String?
    var port: Int?
    var region: String?
    var from: String?
    var credentialsFile: String?

    static let usernameVariable = "SELFHOST_SMTP_USERNAME"
    static let passwordVariable = "SELFHOST_SMTP_PASSWORD"

    /// The relay, or a usage error (exit 2) saying what is missing and how to give it.
    func resolve(providers: [EmailProvider], domain: String?, context: Context) throws -> SMTPRelay {
        var host = try self.host.map { try RenderInputValidation.hostname($0, flag: "--smtp-host") }
        var port = self.port
        var fixedUser: String?
        var userHint = "the SMTP user name", passwordHint = "the SMTP password"
        let id: String
        if provider.lowercased() == "custom" {
            id = "custom"
            guard host != nil else {
                throw SelfhostError.usage("--smtp custom needs --smtp-host", remedy: "e.g. --smtp custom --smtp-host smtp.example.com --smtp-port 587")
            }
        } else {
            let p = try EmailProviders.find(provider, in: providers)
            guard let smtp = p.smtp else {
                throw SelfhostError.usage("the e-mail provider profile \(p.id) gives no SMTP endpoint", remedy: "use --smtp custom --smtp-host HOST --smtp-port PORT")
            }
            id = p.id
            if host == nil {
                var h = smtp.host
                if h.contains("{region}") {
                    guard let region else {
                        throw SelfhostError.usage("\(p.name)'s SMTP endpoint depends on the region (\(smtp.host))",
                                                  remedy: "add --smtp-region, e.g. --smtp-region eu-west-1 (the region your \(p.name) identity is in)")
                    }
                    guard !region.isEmpty, region.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) else {
                        throw SelfhostError.usage("--smtp-region '\(RenderInputValidation.quoted(region))' is not a region name", remedy: "e.g. --smtp-region eu-west-1")
                    }
                    h = h.replacingOccurrences(of: "{region}", with: region)
                }
                host = h
            }
            port = port ?? smtp.port
            fixedUser = smtp.username
            userHint = smtp.usernameHint ?? userHint
            passwordHint = smtp.passwordHint ?? passwordHint
        }
        let finalPort = port ?? 587
        guard (1...65535).contains(finalPort) else {
            throw SelfhostError.usage("--smtp-port \(finalPort) is not a port", remedy: "use 587 (STARTTLS) or 465 (TLS)")
        }
        let from: String
        if let given = self.from {
            from = try RenderInputValidation.email(given, flag: "--smtp-from")
        } else if let domain {
            from = "noreply@\(domain)"
        } else {
            throw SelfhostError.usage("--smtp needs a sender address: there is no --domain to make noreply@DOMAIN from",
                                      remedy: "add --smtp-from noreply@example.com")
        }
        let (user, password) = try credentials(fixedUser: fixedUser, userHint: userHint, passwordHint: passwordHint, context: context)
        return SMTPRelay(provider: id, host: host!, port: finalPort, username: user, password: password, from: from)
    }

    /// User name and password: the file, else the environment, else the terminal.
    func credentials(fixedUser: String?, userHint: String, passwordHint: String, context: Context) throws -> (String, String) {
        var user: String?, password: String?
        var origin = "the environment"
        if let path = credentialsFile {
            let url = context.url(for: path)
            origin = url.path
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw SelfhostError.usage("cannot read --smtp-credentials \(url.path)", at: SourceLocation(file: url.path),
                                          remedy: "write \(Self.usernameVariable)=… and \(Self.passwordVariable)=… lines into it (mode 0600)")
            }
            if let attrs = try? FileManager.default.attributesOfItem(atPath: url.path), let mode = attrs[.posixPermissions] as? Int, mode & 0o077 != 0 {
                throw SelfhostError.usage("--smtp-credentials \(url.path) can be read by other users (mode \(String(mode & 0o777, radix: 8)))",
                                          at: SourceLocation(file: url.path), remedy: "chmod 600 \(url.path)")
            }
            let values = RenderEnvFile.values(in: String(decoding: data, as: UTF8.self))
            user = values[Self.usernameVariable]
            password = values[Self.passwordVariable]
        } else {
            user = context.environment[Self.usernameVariable]
            password = context.environment[Self.passwordVariable]
        }
        if user == nil || user?.isEmpty == true { user = fixedUser }
        if credentialsFile == nil {
            if user == nil || user?.isEmpty == true { user = context.promptSecret("SMTP user name (\(userHint)): ") }
            if password == nil || password?.isEmpty == true { password = context.promptSecret("SMTP password (\(passwordHint)): ") }
        }
        guard let u = user, !u.isEmpty, let p = password, !p.isEmpty else {
            let missing = [(user ?? "").isEmpty ? Self.usernameVariable : nil, (password ?? "").isEmpty ? Self.passwordVariable : nil].compactMap { $0 }
            throw SelfhostError.usage("no SMTP credentials: \(missing.joined(separator: " and ")) not in \(origin)" + (credentialsFile == nil ? ", and no terminal to ask on" : ""),
                                      remedy: "give them once: --smtp-credentials FILE (lines \(Self.usernameVariable)=… and \(Self.passwordVariable)=…, mode 0600), "
                                          + "the environment, or run render at a terminal; never on the command line")
        }
        for (what, v) in [("user name", u), ("password", p)] where v.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw SelfhostError.usage("the SMTP \(what) from \(origin) contains a control character", remedy: "give it on one line, without tabs or escapes")
        }
        return (u, p)
    }
}
