import Foundation
import Yams

/// The shape of a YAML document: which keys a map may hold, their types, which are required.
/// Codable alone silently ignores a misspelt key; validating against this first turns every
/// typo, wrong type and missing key into a located diagnostic.
public indirect enum SchemaType: Sendable {
    case string
    case int
    case bool
    case url
    case date
    /// One of a fixed set of words.
    case oneOf([String])
    case list(SchemaType)
    case map(Schema)

    var expectation: String {
        switch self {
        case .string: "a string"
        case .int: "an integer"
        case .bool: "true or false"
        case .url: "an http(s) URL"
        case .date: "a date (YYYY-MM-DD)"
        case .oneOf(let words): "one of " + words.joined(separator: ", ")
        case .list: "a list"
        case .map: "a map"
        }
    }
}

/// A map's keys.
public struct Schema: Sendable {
    public struct Field: Sendable {
        public var name: String
        public var type: SchemaType
        public var required: Bool
        /// Whether an explicit `null` is allowed (the honest "not published" value).
        public var nullable: Bool
    }

    public var name: String
    public var fields: [Field]

    public init(_ name: String, _ fields: [Field]) {
        self.name = name
        self.fields = fields
    }

    public var keys: [String] { fields.map(\.name) }
}

extension Schema.Field {
    /// The same field, also accepting an explicit `null`.
    func orNull() -> Schema.Field {
        var f = self
        f.nullable = true
        return f
    }
}

/// Builders that keep the schema declarations short.
func required(_ name: String, _ type: SchemaType) -> Schema.Field {
    .init(name: name, type: type, required: true, nullable: false)
}
func optional(_ name: String, _ type: SchemaType, nullable: Bool = false) -> Schema.Field {
    .init(name: name, type: type, required: false, nullable: nullable)
}

/// Walks a node tree against a schema, collecting every problem.
public struct SchemaValidator {
    public let file: String
    public private(set) var diagnostics: [Diagnostic] = []

    public init(file: String) { self.file = file }

    private mutating func error(_ message: String, _ node: Node, fix: String? = nil) {
        diagnostics.append(Diagnostic(.error, message, at: node.location(in: file), rule: "catalog.schema", fix: fix))
    }

    public mutating func validate(_ node: Node, as type: SchemaType, path: String) {
        switch type {
        case .map(let schema):
            guard let mapping = node.mapping else {
                return error("\(path.isEmpty ? "document" : "'\(path)'") must be \(type.expectation) (\(schema.name))", node)
            }
            var seen = Set<String>()
            for (keyNode, value) in mapping {
                guard let key = keyNode.scalar?.string else {
                    error("keys must be plain strings", keyNode)
                    continue
                }
                let full = path.isEmpty ? key : "\(path).\(key)"
                if !seen.insert(key).inserted { error("duplicate key '\(full)'", keyNode) }
                guard let field = schema.fields.first(where: { $0.name == key }) else {
                    let hint = Suggestions.didYouMean(key, in: schema.keys)
                    error("unknown key '\(full)'" + (hint.map { "; \($0)" } ?? ""), keyNode,
                          fix: "allowed keys in \(schema.name): " + schema.keys.joined(separator: ", "))
                    continue
                }
                if value.isNull {
                    if !field.nullable { error("'\(full)' must not be null; expected \(field.type.expectation)", value) }
                    continue
                }
                validate(value, as: field.type, path: full)
            }
            for field in schema.fields where field.required && !seen.contains(field.name) {
                error("missing required key '\(path.isEmpty ? field.name : "\(path).\(field.name)")' in \(schema.name)", node,
                      fix: "add `\(field.name):` (\(field.type.expectation))")
            }
        case .list(let element):
            guard let sequence = node.sequence else { return error("'\(path)' must be a list", node) }
            for (i, item) in sequence.enumerated() { validate(item, as: element, path: "\(path)[\(i)]") }
        case .string:
            guard let s = node.scalar, !node.isNull else { return error("'\(path)' must be a string", node) }
            if s.string.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { error("'\(path)' must not be empty", node) }
        case .int:
            guard let s = node.scalar?.string, Int(s) != nil else { return error("'\(path)' must be an integer", node) }
        case .bool:
            guard node.scalar != nil, node.tag.rawValue == Tag.Name.bool.rawValue else {
                return error("'\(path)' must be true or false", node)
            }
        case .url:
            guard let s = node.scalar?.string, s.hasPrefix("https://") || s.hasPrefix("http://"), !s.contains(" ") else {
                return error("'\(path)' must be an http(s) URL", node)
            }
        case .date:
            guard let s = node.scalar?.string, Self.isDate(s) else {
                return error("'\(path)' must be a date written YYYY-MM-DD", node)
            }
        case .oneOf(let words):
            guard let s = node.scalar?.string, words.contains(s) else {
                let got = node.scalar?.string ?? "a non-scalar value"
                return error("'\(path)' is '\(got)'; expected one of: " + words.joined(separator: ", "), node,
                             fix: node.tag.rawValue == Tag.Name.bool.rawValue ? "YAML reads bare yes/no/on/off as booleans; use the words listed" : nil)
            }
        }
    }

    static func isDate(_ s: String) -> Bool { CalendarDay.isValid(s) }
}

extension Node {
    var isNull: Bool {
        guard let scalar else { return false }
        return tag.rawValue == Tag.Name.null.rawValue && (scalar.string == "null" || scalar.string == "~" || scalar.string.isEmpty)
    }
}
