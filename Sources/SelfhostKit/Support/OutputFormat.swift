import Foundation

/// `--format` for commands that print a report: text for people, JSON for machines.
public enum OutputFormat: String, Sendable, CaseIterable {
    case text, json
}

/// Encodes reports as stable JSON: sorted keys, snake_case, pretty-printed, ending in a newline.
public enum JSONOutput {
    public static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        guard let data = try? encoder.encode(value), let s = String(data: data, encoding: .utf8) else {
            return "{}\n"
        }
        return s + "\n"
    }
}
