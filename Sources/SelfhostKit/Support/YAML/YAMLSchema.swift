import Foundation

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

    public var expectation: String {
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

/// Walks a node tree against a schema, collecting every problem as a `Diagnostic` of `rule`,
/// worded by `YAMLMessage`.
public struct SchemaValidator {
    public let rule: String
    public private(set) var diagnostics: [Diagnostic] = []

    public init(rule: String = "catalog.schema") { self.rule = rule }

    /// The diagnostics of checking `node` against `schema` (the document's top level).
    public static func check(_ node: YAMLNode, against schema: Schema, rule: String = "catalog.schema") -> [Diagnostic] {
        var v = SchemaValidator(rule: rule)
        v.validate(node, as: .map(schema), path: "")
        return v.diagnostics
    }

    private mutating func error(_ message: String, _ node: YAMLNode, fix: String? = nil) {
        diagnostics.append(Diagnostic(.error, message, at: node.location, rule: rule, fix: fix))
    }

    /// YAML 1.1 booleans: a plain `yes`/`no`/`on`/`off` where a word is expected is most likely
    /// a YAML 1.1 habit (many tools read them as true/false).
    static let yaml11Booleans: Set<String> = ["yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N"]

    public mutating func validate(_ node: YAMLNode, as type: SchemaType, path: String) {
        switch type {
        case .map(let schema):
            guard let pairs = node.pairs else {
                return error(YAMLMessage.mustBe(path.isEmpty ? "document" : path, type.expectation) + " (\(schema.name))", node)
            }
            var seen = Set<String>()
            for pair in pairs {
                let (keyNode, value) = (pair.key, pair.value)
                guard keyNode.isScalar, let key = keyNode.string else {
                    error("keys must be plain strings", keyNode)
                    continue
                }
                let full = path.isEmpty ? key : "\(path).\(key)"
                if !seen.insert(key).inserted { error("duplicate key '\(full)'", keyNode) }
                guard let field = schema.fields.first(where: { $0.name == key }) else {
                    let (message, fix) = YAMLMessage.unknownKey(full, in: schema.name, allowed: schema.keys)
                    error(message, keyNode, fix: fix)
                    continue
                }
                if value.isNull {
                    if !field.nullable { error("'\(full)' must not be null; expected \(field.type.expectation)", value) }
                    continue
                }
                validate(value, as: field.type, path: full)
            }
            for field in schema.fields where field.required && !seen.contains(field.name) {
                error(YAMLMessage.missingKey(path.isEmpty ? field.name : "\(path).\(field.name)", in: schema.name), node,
                      fix: "add `\(field.name):` (\(field.type.expectation))")
            }
        case .list(let element):
            guard let items = node.items else { return error(YAMLMessage.mustBe(path, type.expectation), node) }
            for (i, item) in items.enumerated() { validate(item, as: element, path: "\(path)[\(i)]") }
        case .string:
            guard let s = node.string, node.isScalar, !node.isNull else { return error(YAMLMessage.mustBe(path, type.expectation), node) }
            if s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { error("'\(path)' must not be empty", node) }
        case .int:
            guard let s = node.string, Int(s) != nil else { return error(YAMLMessage.mustBe(path, type.expectation), node) }
        case .bool:
            guard node.bool != nil else { return error(YAMLMessage.mustBe(path, type.expectation), node) }
        case .url:
            guard let s = node.string, s.hasPrefix("https://") || s.hasPrefix("http://"), !s.contains(" ") else {
                return error(YAMLMessage.mustBe(path, type.expectation), node)
            }
        case .date:
            guard let s = node.string, CalendarDay.isValid(s) else {
                return error(YAMLMessage.mustBe(path, "a date written YYYY-MM-DD"), node)
            }
        case .oneOf(let words):
            guard let s = node.string, words.contains(s) else {
                let got = node.string ?? "a non-scalar value"
                let yes = node.style == .plain && Self.yaml11Booleans.contains(got)
                return error("'\(path)' is '\(got)'; expected one of: " + words.joined(separator: ", "), node,
                             fix: yes ? "YAML 1.1 tools read bare yes/no/on/off as booleans; use the words listed" : nil)
            }
        }
    }
}
