/// Command-line values that are numbers, sizes or names must be plain ASCII: a zero-width space,
/// a non-breaking space or a look-alike digit pasted from a web page would otherwise be dropped
/// by one parser and kept by another. The refusal names the character, so the user can find it.
public enum PlainText {
    /// Throws a usage error naming the first character of `text` that is not printable ASCII
    /// (space through `~`).
    public static func requireASCII(_ text: String, flag: String, example: String) throws {
        guard let bad = text.unicodeScalars.first(where: { !(0x20...0x7E).contains($0.value) }) else { return }
        throw SelfhostError.usage(
            "\(flag) '\(visible(text))' contains \(describe(bad)), which is not part of a value",
            remedy: "retype the value in plain ASCII, e.g. \(flag) \(example)")
    }

    /// `U+200B ZERO WIDTH SPACE`.
    public static func describe(_ s: Unicode.Scalar) -> String {
        let hex = String(s.value, radix: 16, uppercase: true)
        let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        return s.properties.name.map { "\(code) \($0)" } ?? code
    }

    /// The text with every character outside printable ASCII shown as `<U+XXXX>`, so an invisible
    /// one is visible in the message.
    public static func visible(_ text: String) -> String {
        var out = ""
        for s in text.unicodeScalars {
            if (0x20...0x7E).contains(s.value) { out.unicodeScalars.append(s) }
            else {
                let hex = String(s.value, radix: 16, uppercase: true)
                out += "<U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + ">"
            }
        }
        return out
    }
}
