/// How serious a finding is. Ordered: `info` < `warning` < `error`.
public enum Severity: String, Sendable, Codable, CaseIterable, Comparable {
    case info, warning, error

    public static func < (lhs: Severity, rhs: Severity) -> Bool {
        lhs.rank < rhs.rank
    }

    private var rank: Int {
        switch self {
        case .info: 0
        case .warning: 1
        case .error: 2
        }
    }
}

/// A place in a file, 1-based. `line`/`column` are nil when only the file is known.
public struct SourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: Int?

    public init(file: String, line: Int? = nil, column: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:col`, shortened when line or column is unknown.
    public var description: String {
        switch (line, column) {
        case let (l?, c?): "\(file):\(l):\(c)"
        case let (l?, nil): "\(file):\(l)"
        default: file
        }
    }
}

/// One finding, as a value: collected first, reported together.
public struct Diagnostic: Sendable, Hashable, Codable {
    public var severity: Severity
    public var message: String
    public var location: SourceLocation?
    /// The rule or check that produced it, e.g. `compose.image-tag`.
    public var ruleID: String?
    /// What to do about it, in a sentence or a snippet.
    public var fix: String?

    public init(
        _ severity: Severity, _ message: String, at location: SourceLocation? = nil,
        rule: String? = nil, fix: String? = nil
    ) {
        self.severity = severity
        self.message = message
        self.location = location
        self.ruleID = rule
        self.fix = fix
    }

    /// The compiler-style line for a terminal: location in bold, severity coloured, rule id dim
    /// (left out with `showRule: false`). Plain text when `style` is off.
    public func styledLine(_ style: Style, showRule: Bool = true) -> String {
        var line = ""
        if let location { line += style.bold("\(location):") + " " }
        let sev: String = switch severity {
        case .error: style.red("error:")
        case .warning: style.yellow("warning:")
        case .info: style.cyan("info:")
        }
        line += "\(sev) \(message)"
        if showRule, let ruleID { line += " " + style.dim("[\(ruleID)]") }
        return line
    }

    /// Compiler-style line: `path:line:col: error: message [rule]`.
    public var compilerStyle: String {
        var s = ""
        if let location { s += "\(location): " }
        s += "\(severity.rawValue): \(message)"
        if let ruleID { s += " [\(ruleID)]" }
        return s
    }
}

extension Array where Element == Diagnostic {
    /// The worst severity present, or nil when empty.
    public var worstSeverity: Severity? { map(\.severity).max() }

    /// Sorted by file, line, column, then message, so output is stable.
    public func sortedByLocation() -> [Diagnostic] {
        sorted { a, b in
            let la = a.location, lb = b.location
            if (la?.file ?? "") != (lb?.file ?? "") { return (la?.file ?? "") < (lb?.file ?? "") }
            if (la?.line ?? 0) != (lb?.line ?? 0) { return (la?.line ?? 0) < (lb?.line ?? 0) }
            if (la?.column ?? 0) != (lb?.column ?? 0) { return (la?.column ?? 0) < (lb?.column ?? 0) }
            return a.message < b.message
        }
    }
}
