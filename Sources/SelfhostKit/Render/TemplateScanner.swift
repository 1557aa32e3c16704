import Foundation

/// Reads the tags of a Mustache template into a tree, with line numbers, so that the renderer can
/// check every tag against the view model before rendering.
///
/// swift-mustache keeps its parsed tokens private and renders a missing variable as an empty string;
/// this scanner is how `selfhost` sees what a template asks for. It understands the subset the
/// templates may use: variables (`{{x}}`, `{{{x}}}`, `{{&x}}`), sections (`{{#x}}`, `{{^x}}`,
/// `{{/x}}`), partials (`{{> name}}`), comments and the `CONTENT_TYPE` pragma. Anything else
/// (delimiter changes, transforms, inheritance blocks) is refused, so the check never misses a tag.
struct TemplateScanner {
    /// One tag, where it is, and for sections what is inside.
    indirect enum Node: Sendable, Equatable {
        case variable(name: String, line: Int)
        case section(name: String, inverted: Bool, line: Int, children: [Node])
        case partial(name: String, line: Int)
    }

    /// A template the scanner can't read, with its 1-based line.
    struct ScanError: Error, Sendable, Equatable {
        var message: String
        var line: Int
    }

    /// The pragma every template must start with: swift-mustache escapes HTML by default
    /// (`&` → `&amp;` in a URL) and resets that default in every partial.
    static let textPragma = "{{% CONTENT_TYPE: TEXT}}"

    static func scan(_ text: String) throws(ScanError) -> [Node] {
        guard text.hasPrefix(textPragma) else {
            throw ScanError(message: "template must start with `\(textPragma)` (swift-mustache HTML-escapes values otherwise)", line: 1)
        }
        // Stack of open sections: (name, inverted, line, children so far).
        var stack: [(name: String, inverted: Bool, line: Int, children: [Node])] = [("", false, 0, [])]
        var line = 1
        var i = text.startIndex
        while let open = text.range(of: "{{", range: i..<text.endIndex) {
            line += text[i..<open.lowerBound].reduce(0) { $0 + ($1 == "\n" ? 1 : 0) }
            let tagLine = line
            let triple = text[open.upperBound...].hasPrefix("{")
            let closer = triple ? "}}}" : "}}"
            let bodyStart = triple ? text.index(after: open.upperBound) : open.upperBound
            guard let close = text.range(of: closer, range: bodyStart..<text.endIndex) else {
                throw ScanError(message: "unclosed tag `{{`", line: tagLine)
            }
            let raw = text[bodyStart..<close.lowerBound]
            line += raw.reduce(0) { $0 + ($1 == "\n" ? 1 : 0) }
            i = close.upperBound
            let body = raw.trimmingCharacters(in: .whitespaces)
            if triple {
                try append(.variable(name: try name(body, tagLine), line: tagLine), to: &stack)
                continue
            }
            guard let sigil = body.first else { throw ScanError(message: "empty tag `{{}}`", line: tagLine) }
            let rest = body.dropFirst().trimmingCharacters(in: .whitespaces)
            switch sigil {
            case "!": continue
            case "%":
                guard rest == "CONTENT_TYPE: TEXT" else {
                    throw ScanError(message: "only the pragma `\(textPragma)` is allowed, found `{{\(body)}}`", line: tagLine)
                }
            case "&": try append(.variable(name: try name(rest, tagLine), line: tagLine), to: &stack)
            case "#", "^":
                stack.append((try name(rest, tagLine), sigil == "^", tagLine, []))
            case "/":
                let n = try name(rest, tagLine)
                guard stack.count > 1, let top = stack.last else {
                    throw ScanError(message: "`{{/\(n)}}` closes a section that was never opened", line: tagLine)
                }
                guard top.name == n else {
                    throw ScanError(message: "`{{/\(n)}}` closes `\(top.name)`, opened on line \(top.line)", line: tagLine)
                }
                stack.removeLast()
                try append(.section(name: n, inverted: top.inverted, line: top.line, children: top.children), to: &stack)
            case ">":
                guard !rest.isEmpty, rest.allSatisfy({ $0.isLetter || $0.isNumber || "-_./".contains($0) }) else {
                    throw ScanError(message: "invalid partial name `\(rest)`", line: tagLine)
                }
                try append(.partial(name: rest, line: tagLine), to: &stack)
            case "=", "$", "<":
                throw ScanError(message: "`{{\(body)}}`: delimiter changes and inheritance blocks are not supported in selfhost templates", line: tagLine)
            default:
                try append(.variable(name: try name(body, tagLine), line: tagLine), to: &stack)
            }
        }
        if stack.count > 1, let top = stack.last {
            throw ScanError(message: "section `\(top.name)` is never closed", line: top.line)
        }
        return stack[0].children
    }

    private static func append(_ node: Node, to stack: inout [(name: String, inverted: Bool, line: Int, children: [Node])]) throws(ScanError) {
        stack[stack.count - 1].children.append(node)
    }

    /// A tag name: `.` or dotted identifiers. Transforms (`f(x)`) are refused.
    private static func name(_ s: String, _ line: Int) throws(ScanError) -> String {
        if s == "." { return s }
        let ok = !s.isEmpty && s.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { part in
            !part.isEmpty && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
        }
        guard ok else { throw ScanError(message: "invalid tag name `\(s)` (use names like `app.image`; transforms are not supported)", line: line) }
        return s
    }
}
