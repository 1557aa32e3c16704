/// An email service provider's (ESP) DNS expectations, read from `catalog/email-providers/<id>.yaml`.
/// Shapes, not account values: account-specific parts of a target are written as `*`.
public struct EmailProvider: Sendable, Hashable {
    public var id: String
    public var name: String
    public var aliases: [String]
    public var docs: String?
    public var dkim: DKIM
    public var returnPath: ReturnPath?
    public var spf: SPF?
    public var notes: String?
    /// The relay apps send through (`render --smtp`); nil when the profile gives none.
    public var smtp: SMTP?

    /// The provider's SMTP submission endpoint, as its documentation gives it.
    public struct SMTP: Sendable, Hashable {
        /// Host name; `{region}` stands for `--smtp-region` (Amazon SES).
        public var host: String
        /// The STARTTLS submission port.
        public var port: Int
        /// A fixed user name (SendGrid's `apikey`); nil when the account has its own.
        public var username: String?
        public var usernameHint: String?
        public var passwordHint: String?
        public var source: String?
        public var checked: String?

        public init(host: String, port: Int, username: String? = nil, usernameHint: String? = nil, passwordHint: String? = nil,
                    source: String? = nil, checked: String? = nil) {
            self.host = host
            self.port = port
            self.username = username
            self.usernameHint = usernameHint
            self.passwordHint = passwordHint
            self.source = source
            self.checked = checked
        }

        init(tree t: TreeReader) throws {
            host = try t.string("host")
            port = try t.int("port")
            username = t.stringIfPresent("username")
            usernameHint = t.stringIfPresent("username_hint")
            passwordHint = t.stringIfPresent("password_hint")
            source = t.stringIfPresent("source")
            checked = t.stringIfPresent("checked")
        }
    }

    public struct DKIM: Sendable, Hashable {
        /// `cname`, `txt`, or `cname-or-txt`.
        public var type: String
        /// Fixed selector names; empty when the ESP gives each account its own
        /// (then `--dkim-selector` is needed).
        public var selectors: [String]
        /// What to pass as `--dkim-selector` when `selectors` is empty.
        public var selectorHint: String?
        /// CNAME target pattern: `{selector}`, `{domain}`, `{domain_dashes}` and `*` (any label text).
        public var target: String?
        /// Label the records live under, relative to the domain (Mailgun: `mg`), or nil.
        public var under: String?

        init(tree t: TreeReader) throws {
            type = try t.string("type")
            selectors = t.strings("selectors")
            selectorHint = t.stringIfPresent("selector_hint")
            target = t.stringIfPresent("target")
            under = t.stringIfPresent("under")
        }
    }

    public struct ReturnPath: Sendable, Hashable {
        /// Fixed label (Postmark `pm-bounces`); nil when the account chooses it (`--return-path`).
        public var name: String?
        public var hint: String?
        /// `cname` (delegated to the ESP) or `mx-spf` (an MX and an SPF TXT you publish).
        public var type: String
        /// CNAME target pattern.
        public var cname: String?
        /// MX exchange pattern (for `mx-spf`).
        public var mx: String?
        public var mxPreference: Int?

        init(tree t: TreeReader) throws {
            name = t.stringIfPresent("name")
            hint = t.stringIfPresent("hint")
            type = try t.string("type")
            cname = t.stringIfPresent("cname")
            mx = t.stringIfPresent("mx")
            mxPreference = t.intIfPresent("mx_preference")
        }
    }

    public struct SPF: Sendable, Hashable {
        /// The include the ESP's SPF needs (`amazonses.com`).
        public var include: String
        /// Where it belongs: `return-path` or `domain` (the apex).
        public var on: String
        /// Whether it is optional (Brevo, Postmark: DKIM alignment suffices).
        public var optional: Bool?

        init(tree t: TreeReader) throws {
            include = try t.string("include")
            on = try t.string("on")
            optional = t.boolIfPresent("optional")
        }
    }

    /// Reads a profile the schema check (`EmailProviders.schema`) has accepted.
    init(tree t: TreeReader) throws {
        id = try t.string("id")
        name = try t.string("name")
        aliases = t.strings("aliases")
        docs = t.stringIfPresent("docs")
        dkim = try t.required("dkim", DKIM.init(tree:))
        returnPath = try t.map("return_path", ReturnPath.init(tree:))
        spf = try t.map("spf", SPF.init(tree:))
        notes = t.stringIfPresent("notes")
        smtp = try t.map("smtp", SMTP.init(tree:))
    }

    /// Expands `{selector}`, `{domain}` and `{domain_dashes}` in a pattern.
    public static func expand(_ pattern: String, selector: String = "", domain: String) -> String {
        pattern.replacingOccurrences(of: "{selector}", with: selector)
            .replacingOccurrences(of: "{domain_dashes}", with: domain.replacingOccurrences(of: ".", with: "-"))
            .replacingOccurrences(of: "{domain}", with: domain)
            .lowercased()
    }

    /// Whether `name` matches a pattern where `*` stands for any run of non-dot characters.
    public static func matches(_ name: String, pattern: String) -> Bool {
        let n = Array(name.lowercased()), p = Array(pattern.lowercased())
        func go(_ i: Int, _ j: Int) -> Bool {
            if j == p.count { return i == n.count }
            if p[j] == "*" {
                var k = i
                while true {
                    if go(k, j + 1) { return true }
                    if k == n.count || n[k] == "." { return false }
                    k += 1
                }
            }
            return i < n.count && n[i] == p[j] && go(i + 1, j + 1)
        }
        return go(0, 0)
    }
}

/// The ESP profiles shipped in `catalog/email-providers/` (plus a user's `--catalog` overlay).
public enum EmailProviders {
    /// The keys of a profile (docs/PREFLIGHT.md documents them for people).
    static let schema = Schema("email provider", [
        required("id", .string), required("name", .string), optional("aliases", .list(.string)), optional("docs", .url),
        required("dkim", .map(Schema("dkim", [
            required("type", .oneOf(["cname", "txt", "cname-or-txt"])), optional("selectors", .list(.string)),
            optional("selector_hint", .string), optional("target", .string), optional("under", .string),
        ]))),
        optional("return_path", .map(Schema("return_path", [
            optional("name", .string, nullable: true), optional("hint", .string), required("type", .oneOf(["cname", "mx-spf"])),
            optional("cname", .string), optional("mx", .string), optional("mx_preference", .int),
        ]))),
        optional("spf", .map(Schema("spf", [
            required("include", .string), required("on", .oneOf(["return-path", "domain"])), optional("optional", .bool),
        ]))),
        optional("notes", .string),
        optional("smtp", .map(Schema("smtp", [
            required("host", .string), required("port", .int), optional("username", .string), optional("username_hint", .string),
            optional("password_hint", .string), optional("source", .url), optional("checked", .date),
        ]))),
        optional("sources", .list(.map(Schema("source", [required("url", .url), required("checked", .date)])))),
    ])

    /// Loads every profile through the YAML layer and `schema`; the first problem is a usage
    /// error at its `file:line:col`.
    public static func load(_ store: ResourceStore) throws -> [EmailProvider] {
        var out: [EmailProvider] = []
        for file in store.files(under: "catalog/email-providers/") where file.path.hasSuffix(".yaml") || file.path.hasSuffix(".yml") {
            out.append(try read(file))
        }
        return out.sorted { $0.id < $1.id }
    }

    static func read(_ file: ResourceStore.File) throws -> EmailProvider {
        let node = try YAMLParser.parseDocument(file.contents, file: file.displayPath, what: "an e-mail provider profile (docs/PREFLIGHT.md)")
        if let first = SchemaValidator.check(node, against: schema, rule: "catalog.email-provider").first {
            throw SelfhostError.usage(first.message, at: first.location, remedy: first.fix ?? "see docs/PREFLIGHT.md for the profile keys")
        }
        do {
            return try EmailProvider(tree: TreeReader(TreeValue(node)))
        } catch {
            throw SelfhostError.usage("cannot read the profile: \(error)", at: node.location, remedy: "see docs/PREFLIGHT.md for the profile keys")
        }
    }

    /// Finds a profile by id or alias (case-insensitive); unknown → usage error with did-you-mean.
    public static func find(_ query: String, in providers: [EmailProvider]) throws -> EmailProvider {
        let q = query.lowercased()
        if let p = providers.first(where: { $0.id == q || $0.aliases.map { $0.lowercased() }.contains(q) }) { return p }
        let names = providers.flatMap { [$0.id] + $0.aliases }
        let hint = Suggestions.didYouMean(query, in: names).map { $0 + " " } ?? ""
        throw SelfhostError.usage("unknown email provider '\(query)'",
                                  remedy: hint + "known: " + providers.map(\.id).joined(separator: ", "))
    }
}
