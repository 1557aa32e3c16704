/// A file used by a rule example: a path inside a scratch project, its text, optional permissions.
public struct ExampleFile: Sendable {
    public var path: String
    public var content: String
    public var mode: Int?
    /// Raw bytes instead of `content`, for encoding examples.
    public var bytes: [UInt8]?

    public init(_ path: String, _ content: String, mode: Int? = nil) {
        self.path = path
        self.content = content
        self.mode = mode
    }

    public init(_ path: String, bytes: [UInt8]) {
        self.path = path
        self.content = ""
        self.bytes = bytes
    }
}

/// A small project that does or does not trigger a rule; the test suite lints every one.
public struct RuleExample: Sendable {
    public var files: [ExampleFile]
    public var triggers: Bool

    /// An example that must produce at least one finding of the rule.
    public static func bad(_ files: ExampleFile...) -> RuleExample { RuleExample(files: files, triggers: true) }
    /// An example that must produce none.
    public static func good(_ files: ExampleFile...) -> RuleExample { RuleExample(files: files, triggers: false) }
    public static func bad(_ path: String, _ content: String) -> RuleExample { .bad(ExampleFile(path, content)) }
    public static func good(_ path: String, _ content: String) -> RuleExample { .good(ExampleFile(path, content)) }
}

/// What a rule is, for `--list-rules`, `--explain`, SARIF and docs/LINT.md.
public struct RuleInfo: Sendable {
    public var id: String
    public var severity: Severity
    /// One line: what it finds.
    public var summary: String
    /// Why it matters.
    public var why: String
    /// What to change.
    public var fix: String
    /// Security-relevant (SARIF `security-severity`, tag `security`).
    public var security: Bool
    public var examples: [RuleExample]

    public init(id: String, severity: Severity, summary: String, why: String, fix: String, security: Bool = false, examples: [RuleExample]) {
        self.id = id
        self.severity = severity
        self.summary = summary
        self.why = why
        self.fix = fix
        self.security = security
        self.examples = examples
    }

    /// The family: the part before the dot (`compose`, `caddy`, `systemd`, `env`, `lint`, `external`).
    public var family: String { String(id.split(separator: ".").first ?? "") }

    /// A finding of this rule at its default severity.
    public func finding(_ message: String, at location: SourceLocation?, fix: String? = nil, severity: Severity? = nil) -> Diagnostic {
        Diagnostic(severity ?? self.severity, message, at: location, rule: id, fix: fix ?? self.fix)
    }
}

/// One check. Each rule lives in its own file with its metadata and examples.
public protocol LintRule: Sendable {
    static var info: RuleInfo { get }
    init()
    /// Every finding in the project; the engine applies suppressions and severity overrides.
    func check(_ project: LintProject) -> [Diagnostic]
}

extension LintRule {
    public var info: RuleInfo { Self.info }
}
