/// The process exit status every command follows.
public enum ExitStatus: Int32, Sendable {
    /// Success: nothing to report.
    case success = 0
    /// The command ran and found problems: lint findings, failed checks, no match.
    case problems = 1
    /// Usage or input error: bad flags, unreadable or malformed input.
    case usage = 2
}

/// An error meant for a person: a plain message, where it happened, and what to do next.
/// Anything the library throws at the CLI should be one of these; the CLI prints it and
/// exits with `status`, never a stack trace.
public struct SelfhostError: Error, Sendable, CustomStringConvertible {
    public var status: ExitStatus
    public var message: String
    public var location: SourceLocation?
    /// The next step, e.g. "run `selfhost catalog list` to see the ids".
    public var remedy: String?

    public init(_ message: String, at location: SourceLocation? = nil, remedy: String? = nil, status: ExitStatus = .usage) {
        self.status = status
        self.message = message
        self.location = location
        self.remedy = remedy
    }

    /// Input or usage error (exit 2).
    public static func usage(_ message: String, at location: SourceLocation? = nil, remedy: String? = nil) -> SelfhostError {
        SelfhostError(message, at: location, remedy: remedy, status: .usage)
    }

    /// "Problems found" (exit 1), e.g. an unknown SaaS name in `recommend`.
    public static func problem(_ message: String, remedy: String? = nil) -> SelfhostError {
        SelfhostError(message, remedy: remedy, status: .problems)
    }

    public var description: String {
        var s = ""
        if let location { s += "\(location): " }
        s += "error: \(message)"
        if let remedy { s += "\n  hint: \(remedy)" }
        return s
    }
}
