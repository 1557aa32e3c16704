import Foundation

/// `Decodable` over a located `YAMLNode`: for the small files render keeps as Codable types
/// (`templates/render/defaults.yaml`, `swarm.yaml`, an app's `setup.yaml` and `env.yaml`), read
/// through the one parser (budgets, syntax errors at their position) and refused at the node that
/// has the wrong type or lacks a key, worded as every other reader words it (`YAMLMessage`).
/// Scalars follow the layer's YAML 1.2 core schema (`YAMLNode.int`, `.bool`, `.isNull`).
public enum YAMLNodeDecoder {
    public static func decode<T: Decodable>(_ type: T.Type, from text: String, file: String, what: String) throws -> T {
        let node = try YAMLParser.parseDocument(text, file: file, what: what)
        return try T(from: NodeDecoder(node: node, codingPath: []))
    }

    /// A file of the store decoded as `T`; an error without a remedy of its own gets `remedy`
    /// (what the file should look like).
    static func decode<T: Decodable>(_ type: T.Type, from file: ResourceStore.File, what: String, remedy: String) throws -> T {
        try YAMLNode.reading(remedy: remedy) {
            try decode(type, from: file.contents, file: file.displayPath, what: what)
        }
    }

    /// `a.b[2].c` for messages.
    static func path(_ codingPath: [any CodingKey]) -> String {
        var out = ""
        for key in codingPath {
            if let index = key as? IndexKey, let i = index.intValue {
                out += "[\(i)]"
            } else {
                out += (out.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return out.isEmpty ? "document" : out
    }
}

private struct IndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }
    init(_ i: Int) { intValue = i }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

private struct NodeDecoder: Decoder {
    let node: YAMLNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func mismatch(_ expectation: String) -> SelfhostError {
        node.fail(YAMLMessage.mustBe(YAMLNodeDecoder.path(codingPath), expectation))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard let pairs = node.pairs else { throw mismatch("a map") }
        return KeyedDecodingContainer(KeyedNode<Key>(node: node, pairs: pairs, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard let items = node.items else { throw mismatch("a list") }
        return UnkeyedNode(items: items, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleNode(decoder: self) }
}

private struct KeyedNode<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let node: YAMLNode
    let pairs: [YAMLNode.Pair]
    let codingPath: [any CodingKey]

    var allKeys: [Key] { pairs.compactMap { $0.key.string.flatMap(Key.init(stringValue:)) } }
    func contains(_ key: Key) -> Bool { value(key) != nil }
    private func value(_ key: Key) -> YAMLNode? { pairs.first { $0.key.string == key.stringValue }?.value }

    private func child<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T {
        guard let v = value(key) else {
            throw node.fail(YAMLMessage.missingKey(key.stringValue, in: YAMLNodeDecoder.path(codingPath)))
        }
        return try T(from: NodeDecoder(node: v, codingPath: codingPath + [key]))
    }

    func decodeNil(forKey key: Key) throws -> Bool { value(key)?.isNull ?? true }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try child(type, key) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try child(type, key) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try child(type, key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try child(type, key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try child(type, key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try child(type, key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try child(type, key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try child(type, key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try child(type, key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try child(type, key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try child(type, key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try child(type, key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try child(type, key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try child(type, key) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try child(type, key) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try NodeDecoder(node: value(key) ?? node, codingPath: codingPath + [key]).container(keyedBy: type)
    }
    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try NodeDecoder(node: value(key) ?? node, codingPath: codingPath + [key]).unkeyedContainer()
    }
    func superDecoder() throws -> any Decoder { NodeDecoder(node: node, codingPath: codingPath) }
    func superDecoder(forKey key: Key) throws -> any Decoder { NodeDecoder(node: value(key) ?? node, codingPath: codingPath + [key]) }
}

private struct UnkeyedNode: UnkeyedDecodingContainer {
    let items: [YAMLNode]
    let codingPath: [any CodingKey]
    var currentIndex = 0

    init(items: [YAMLNode], codingPath: [any CodingKey]) {
        self.items = items
        self.codingPath = codingPath
    }

    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    private mutating func next() throws -> NodeDecoder {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(Any.self, .init(codingPath: codingPath, debugDescription: "the list has no more items"))
        }
        defer { currentIndex += 1 }
        return NodeDecoder(node: items[currentIndex], codingPath: codingPath + [IndexKey(currentIndex)])
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, items[currentIndex].isNull else { return false }
        currentIndex += 1
        return true
    }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: next()) }
    mutating func decode(_ type: Bool.Type) throws -> Bool { try Bool(from: next()) }
    mutating func decode(_ type: String.Type) throws -> String { try String(from: next()) }
    mutating func decode(_ type: Double.Type) throws -> Double { try Double(from: next()) }
    mutating func decode(_ type: Float.Type) throws -> Float { try Float(from: next()) }
    mutating func decode(_ type: Int.Type) throws -> Int { try Int(from: next()) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try Int8(from: next()) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try Int16(from: next()) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try Int32(from: next()) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try Int64(from: next()) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try UInt(from: next()) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try UInt8(from: next()) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try UInt16(from: next()) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try UInt32(from: next()) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try UInt64(from: next()) }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next().container(keyedBy: type)
    }
    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
    mutating func superDecoder() throws -> any Decoder { try next() }
}

private struct SingleNode: SingleValueDecodingContainer {
    let decoder: NodeDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }
    private var node: YAMLNode { decoder.node }

    private func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        guard let i = node.int, let v = T(exactly: i) else { throw decoder.mismatch(SchemaType.int.expectation) }
        return v
    }
    private func floating<T: BinaryFloatingPoint & LosslessStringConvertible>(_ type: T.Type) throws -> T {
        guard node.isNumber, let s = node.string, let v = T(s) else { throw decoder.mismatch("a number") }
        return v
    }

    func decodeNil() -> Bool { node.isNull }
    func decode(_ type: Bool.Type) throws -> Bool {
        guard let b = node.bool else { throw decoder.mismatch(SchemaType.bool.expectation) }
        return b
    }
    func decode(_ type: String.Type) throws -> String {
        guard !node.isNull, let s = node.string else { throw decoder.mismatch(SchemaType.string.expectation) }
        return s
    }
    func decode(_ type: Double.Type) throws -> Double { try floating(type) }
    func decode(_ type: Float.Type) throws -> Float { try floating(type) }
    func decode(_ type: Int.Type) throws -> Int { try integer(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: decoder) }
}
