/// An optional that is written as JSON `null` when empty, instead of leaving the key out:
/// documented keys stay present, so consumers can read them without checking first.
public struct Nullable<Wrapped: Encodable & Sendable>: Encodable, Sendable {
    public var value: Wrapped?

    public init(_ value: Wrapped?) { self.value = value }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let value { try container.encode(value) } else { try container.encodeNil() }
    }
}
