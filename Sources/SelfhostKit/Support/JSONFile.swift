import Foundation

/// The JSON files selfhost writes and reads back itself: render's manifest, the install record,
/// the restore-drill record, lint's baseline. Pretty-printed with sorted keys and slashes as
/// written, dates in ISO 8601, ending in a newline, so a file reads (and diffs) the same on every
/// write. Keys are each type's own `CodingKeys`: no key strategy, which would also rewrite
/// dictionary keys (file paths, app ids). Reports printed by `--format json` are `JSONOutput`.
enum JSONFile {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }

    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(type, from: data)
    }

    /// The file at `url`, or nil when there is none; one that doesn't decode is refused (exit 2) at
    /// its path: `<path> is not <what>: <why>`, with `remedy`.
    static func read<T: Decodable>(_ type: T.Type, at url: URL, what: String, remedy: String) throws -> T? {
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        do {
            return try decode(type, from: data)
        } catch {
            throw SelfhostError.usage("\(url.path) is not \(what): \(error)", at: SourceLocation(file: url.path), remedy: remedy)
        }
    }
}
