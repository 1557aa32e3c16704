import Yams

/// Parses YAML text into a node tree, turning libyaml's errors into a located `SelfhostError`
/// (exit 2) instead of a raw exception.
public enum YAMLSource {
    /// Compose the first document of `text`; `file` names it in messages.
    /// Returns nil for an empty document.
    public static func compose(_ text: String, file: String) throws -> Node? {
        do {
            return try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw located(error, file: file)
        }
    }

    /// The location and plain message of a Yams error.
    public static func located(_ error: YamlError, file: String) -> SelfhostError {
        switch error {
        case let .scanner(context, problem, mark, yaml),
             let .parser(context, problem, mark, yaml),
             let .composer(context, problem, mark, yaml):
            var message = "invalid YAML: \(problem)" + YAMLTabHint.note(at: mark, in: yaml)
            if let context { message += " (\(context.text))" }
            return .usage(message, at: SourceLocation(file: file, line: mark.line, column: mark.column),
                          remedy: "fix the YAML syntax at that position (indentation, quotes, a missing ':')")
        case let .reader(problem, _, _, _):
            return .usage("unreadable YAML: \(problem)", at: SourceLocation(file: file), remedy: "save the file as UTF-8 text")
        default:
            return .usage("invalid YAML: \(error)", at: SourceLocation(file: file), remedy: "check the file's syntax")
        }
    }
}

extension Node {
    /// This node's position as a `SourceLocation` in `file`.
    public func location(in file: String) -> SourceLocation {
        SourceLocation(file: file, line: mark?.line, column: mark?.column)
    }
}
