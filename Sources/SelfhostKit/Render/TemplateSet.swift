import Foundation
import Mustache

/// The templates under `templates/`, parsed once, each checked against its view model before it
/// renders: a tag the view model doesn't supply, or a value that would render empty, is an error
/// naming the template file and line, never a silent blank.
public struct TemplateSet: Sendable {
    struct Entry: Sendable {
        var file: ResourceStore.File
        var template: MustacheTemplate
        var nodes: [TemplateScanner.Node]
    }

    /// Keyed by name: the path under `templates/` without `.mustache`, e.g. `apps/umami/compose.yaml`.
    private let entries: [String: Entry]
    private let library: MustacheLibrary

    /// Parses every `*.mustache` file under `templates/` in `store`.
    public init(store: ResourceStore) throws {
        var entries: [String: Entry] = [:]
        var library = MustacheLibrary()
        for file in store.files(under: "templates/") where file.path.hasSuffix(".mustache") {
            let name = String(file.path.dropFirst("templates/".count).dropLast(".mustache".count))
            let nodes: [TemplateScanner.Node]
            do {
                nodes = try TemplateScanner.scan(file.contents)
            } catch {
                throw SelfhostError.problem(
                    "\(file.displayPath):\(error.line): \(error.message)",
                    remedy: "fix the template")
            }
            let template: MustacheTemplate
            do {
                template = try MustacheTemplate(string: file.contents)
            } catch {
                throw SelfhostError.problem("\(file.displayPath): cannot parse template: \(error)", remedy: "fix the template")
            }
            entries[name] = Entry(file: file, template: template, nodes: nodes)
            library.register(template, named: name)
        }
        self.entries = entries
        self.library = library
    }

    /// Names of the templates (paths under `templates/` without `.mustache`).
    public var names: [String] { entries.keys.sorted() }

    public func contains(_ name: String) -> Bool { entries[name] != nil }

    /// Checks `name` against `view`, then renders it.
    /// - Parameter multiline: whether values may contain line breaks (README text); values going
    ///   into YAML, Caddyfiles and units never may, so a value can't smuggle in a new key.
    public func render(_ name: String, _ view: Any, multiline: Bool = false) throws -> String {
        guard let entry = entries[name] else {
            throw SelfhostError.problem("template templates/\(name).mustache is missing", remedy: "add it to templates/")
        }
        var checker = Checker(set: self, multiline: multiline)
        checker.check(entry.nodes, file: entry.file.displayPath, stack: [view], depth: 0)
        if let first = checker.problems.first {
            let more = checker.problems.count > 1 ? " (and \(checker.problems.count - 1) more)" : ""
            throw SelfhostError.problem(first + more, remedy: "supply the value in the view model or fix the tag in the template")
        }
        return entry.template.render(view, library: library)
    }

    /// Every problem checking `name` against `view` would find, as `file:line: message` (for tests).
    public func problems(_ name: String, _ view: Any, multiline: Bool = false) -> [String] {
        guard let entry = entries[name] else { return ["templates/\(name).mustache is missing"] }
        var checker = Checker(set: self, multiline: multiline)
        checker.check(entry.nodes, file: entry.file.displayPath, stack: [view], depth: 0)
        return checker.problems
    }

    /// Walks the tag tree the way swift-mustache resolves names (context stack, dotted paths,
    /// Mirror for structs, dictionaries by key), recording every tag that would render empty.
    struct Checker {
        let set: TemplateSet
        let multiline: Bool
        var problems: [String] = []

        enum Lookup { case missing, null, value(Any) }

        mutating func check(_ nodes: [TemplateScanner.Node], file: String, stack: [Any], depth: Int) {
            for node in nodes {
                switch node {
                case let .variable(name, line):
                    switch resolve(name, stack) {
                    case .missing:
                        problems.append("\(file):\(line): `{{\(name)}}` is not supplied by the renderer (\(describe(stack.last!)))")
                    case .null:
                        problems.append("\(file):\(line): `{{\(name)}}` has no value here and would render as an empty string")
                    case let .value(v):
                        guard let text = Self.text(v) else {
                            problems.append("\(file):\(line): `{{\(name)}}` is a \(type(of: v)), not text; use it as a section")
                            continue
                        }
                        if !multiline, text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                            problems.append("\(file):\(line): the value of `{{\(name)}}` contains a line break or control character")
                        }
                    }
                case let .section(name, inverted, line, children):
                    switch resolve(name, stack) {
                    case .missing:
                        problems.append("\(file):\(line): section `{{\(inverted ? "^" : "#")\(name)}}` is not supplied by the renderer (\(describe(stack.last!)))")
                    case .null:
                        if inverted { check(children, file: file, stack: stack, depth: depth) }
                    case let .value(v):
                        if inverted || v is Bool {
                            // The body renders with the same context: check it whatever the value.
                            check(children, file: file, stack: stack, depth: depth)
                        } else if let seq = v as? [Any] {
                            for element in seq { check(children, file: file, stack: stack + [element], depth: depth) }
                        } else if Self.text(v) != nil {
                            problems.append("\(file):\(line): section `{{#\(name)}}` is text, not a list, flag or object")
                        } else {
                            check(children, file: file, stack: stack + [v], depth: depth)
                        }
                    }
                case let .partial(name, line):
                    guard let entry = set.entries[name] else {
                        problems.append("\(file):\(line): partial `{{> \(name)}}` does not exist (templates/\(name).mustache)")
                        continue
                    }
                    guard depth < 8 else {
                        problems.append("\(file):\(line): partials nest too deeply (a partial includes itself?)")
                        continue
                    }
                    if entry.nodes.contains(where: { if case .section = $0 { true } else { false } }) {
                        // swift-mustache indents only the first line a section renders inside an
                        // indented partial: the YAML would silently lose its structure.
                        problems.append("\(entry.file.displayPath): partials must not contain sections (their lines lose the partial's indentation); inline the section where `{{> \(name)}}` is used (\(file):\(line))")
                    }
                    check(entry.nodes, file: entry.file.displayPath, stack: stack, depth: depth + 1)
                }
            }
        }

        static func text(_ v: Any) -> String? {
            switch v {
            case let s as String: s
            case let s as Substring: String(s)
            case let i as Int: String(i)
            default: nil
            }
        }

        func describe(_ object: Any) -> String {
            let keys = Self.keys(of: object)
            return "\(type(of: object)) has " + (keys.isEmpty ? "no keys" : keys.joined(separator: ", "))
        }

        static func keys(of object: Any) -> [String] {
            if let dict = object as? [String: Any] { return dict.keys.sorted() }
            return Mirror(reflecting: object).children.compactMap(\.label)
        }

        func immediate(_ name: String, in object: Any) -> Lookup {
            if let dict = object as? [String: Any] {
                guard let v = dict[name] else { return .missing }
                return Self.unwrap(v)
            }
            guard let child = Mirror(reflecting: object).children.first(where: { $0.label == name }) else { return .missing }
            return Self.unwrap(child.value)
        }

        static func unwrap(_ v: Any) -> Lookup {
            let m = Mirror(reflecting: v)
            guard m.displayStyle == .optional else { return .value(v) }
            guard let inner = m.children.first else { return .null }
            return unwrap(inner.value)
        }

        func resolve(_ name: String, _ stack: [Any]) -> Lookup {
            if name == "." { return .value(stack.last!) }
            let parts = name.split(separator: ".").map(String.init)
            var found: Lookup = .missing
            // Like swift-mustache: the first object up the stack with a value for the first part.
            for object in stack.reversed() {
                let l = immediate(parts[0], in: object)
                if case .value = l { found = l; break }
                if case .null = l, case .missing = found { found = .null }
            }
            for part in parts.dropFirst() {
                guard case let .value(v) = found else { return found }
                found = immediate(part, in: v)
            }
            return found
        }
    }
}
