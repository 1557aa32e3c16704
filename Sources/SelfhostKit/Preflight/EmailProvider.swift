import Yams

/// An email service provider's (ESP) DNS expectations, read from `catalog/email-providers/<id>.yaml`.
/// Shapes, not account values: account-specific parts of a target are written as `*`.
public struct EmailProvider: Sendable, Hashable, Decodable {
    public var id: String
    public var name: String
    public var aliases: [String]
    public var docs: String?
    public var dkim: DKIM
    public var returnPath: ReturnPath?
    public var spf: SPF?
    public var notes: String?

    public struct DKIM: Sendable, Hashable, Decodable {
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

        enum CodingKeys: String, CodingKey {
            case type, selectors, target, under
            case selectorHint = "selector_hint"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            type = try c.decode(String.self, forKey: .type)
            selectors = try c.decodeIfPresent([String].self, forKey: .selectors) ?? []
            selectorHint = try c.decodeIfPresent(String.self, forKey: .selectorHint)
            target = try c.decodeIfPresent(String.self, forKey: .target)
            under = try c.decodeIfPresent(String.self, forKey: .under)
        }
    }

    public struct ReturnPath: Sendable, Hashable, Decodable {
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

        enum CodingKeys: String, CodingKey {
            case name, hint, type, cname, mx
            case mxPreference = "mx_preference"
        }
    }

    public struct SPF: Sendable, Hashable, Decodable {
        /// The include the ESP's SPF needs (`amazonses.com`).
        public var include: String
        /// Where it belongs: `return-path` or `domain` (the apex).
        public var on: String
        /// Whether it is optional (Brevo, Postmark: DKIM alignment suffices).
        public var optional: Bool?
    }

    enum CodingKeys: String, CodingKey {
        case id, name, aliases, docs, dkim, spf, notes, sources
        case returnPath = "return_path"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decode(String.self, forKey: .name)
        aliases = try c.decodeIfPresent([String].self, forKey: .aliases) ?? []
        docs = try c.decodeIfPresent(String.self, forKey: .docs)
        dkim = try c.decode(DKIM.self, forKey: .dkim)
        returnPath = try c.decodeIfPresent(ReturnPath.self, forKey: .returnPath)
        spf = try c.decodeIfPresent(SPF.self, forKey: .spf)
        notes = try c.decodeIfPresent(String.self, forKey: .notes)
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
    /// Loads every profile; a malformed file is a usage error located at the file.
    public static func load(_ store: ResourceStore) throws -> [EmailProvider] {
        var out: [EmailProvider] = []
        for file in store.files(under: "catalog/email-providers/") where file.path.hasSuffix(".yaml") || file.path.hasSuffix(".yml") {
            // Budgeted and located like every catalog file (a user's --catalog may hold anything).
            out.append(try YAMLSource.decode(EmailProvider.self, from: file.contents, file: file.displayPath,
                                             remedy: "see docs/PREFLIGHT.md for the profile keys"))
        }
        return out.sorted { $0.id < $1.id }
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
