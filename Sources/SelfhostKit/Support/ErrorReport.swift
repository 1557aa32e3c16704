/// A `SelfhostError` as JSON, for `--format json` on every error path:
/// `{"error": {"message", "file", "line", "column", "remedy", "exit_status"}}`, every key present.
public struct ErrorReport: Encodable, Sendable {
    public struct Body: Encodable, Sendable {
        public var message: String
        public var file: Nullable<String>
        public var line: Nullable<Int>
        public var column: Nullable<Int>
        public var remedy: Nullable<String>
        public var exitStatus: Int32
    }

    public var error: Body

    public init(_ e: SelfhostError) {
        error = Body(message: e.message, file: .init(e.location?.file), line: .init(e.location?.line),
                     column: .init(e.location?.column), remedy: .init(e.remedy), exitStatus: e.status.rawValue)
    }
}
