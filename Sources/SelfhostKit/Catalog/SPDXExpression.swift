/// An SPDX license expression (`MIT`, `AGPL-3.0-only OR LicenseRef-Enterprise`,
/// `(MIT AND BSD-2-Clause) OR Apache-2.0 WITH LLVM-exception`), parsed by the grammar of SPDX 2.3
/// Annex D (https://spdx.github.io/spdx-spec/v2.3/SPDX-license-expressions/, checked 2026-12-01):
///
///     compound := with ( ("AND" | "OR") with )*      with := simple ["WITH" exception]
///     simple   := id ["+"] | "LicenseRef-…" | "(" compound ")"
///
/// One parser for `catalog check` and `recommend --license`, so that what the catalog accepts is
/// what recommend reads.
public struct SPDXExpression: Sendable, Hashable {
    /// License identifiers in order (without a trailing `+`), exceptions excluded.
    public var identifiers: [String]

    /// Parentheses nested deeper than this are refused (no real expression nests more than two).
    public static let maxDepth = 16

    public struct Problem: Error, Sendable, Hashable {
        public var message: String
    }

    public static func parse(_ text: String) throws(Problem) -> SPDXExpression {
        var tokens: [String] = []
        var word = ""
        for c in text.unicodeScalars {
            if c == "(" || c == ")" || c == " " || c == "\t" {
                if !word.isEmpty { tokens.append(word); word = "" }
                if c != " " && c != "\t" { tokens.append(String(c)) }
            } else {
                word.unicodeScalars.append(c)
            }
        }
        if !word.isEmpty { tokens.append(word) }
        guard !tokens.isEmpty else { throw Problem(message: "the license expression is empty") }
        var parser = Parser(tokens: tokens)
        let ids = try parser.compound(depth: 0)
        if parser.i < tokens.count {
            throw Problem(message: tokens[parser.i] == ")" ? "unbalanced ')' in the license expression" : "expected AND, OR or WITH before '\(tokens[parser.i])'")
        }
        return SPDXExpression(identifiers: ids)
    }

    /// The identifiers that are neither known nor `LicenseRef-…`; a malformed expression is one problem.
    public static func unknownIdentifiers(in expression: String, known: Set<String>) -> [String] {
        guard let parsed = try? parse(expression) else { return [] }
        return parsed.identifiers.filter { !$0.hasPrefix("LicenseRef-") && !known.contains($0) }
    }

    static func isIdentifier(_ s: String) -> Bool {
        !s.isEmpty && s.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == ".") }
    }

    private struct Parser {
        let tokens: [String]
        var i = 0

        mutating func compound(depth: Int) throws(Problem) -> [String] {
            var ids = try with(depth: depth)
            while i < tokens.count, tokens[i] == "AND" || tokens[i] == "OR" {
                let op = tokens[i]
                i += 1
                guard i < tokens.count, tokens[i] != ")" else { throw Problem(message: "the license expression ends after \(op)") }
                ids += try with(depth: depth)
            }
            return ids
        }

        mutating func with(depth: Int) throws(Problem) -> [String] {
            let ids = try simple(depth: depth)
            if i < tokens.count, tokens[i] == "WITH" {
                i += 1
                guard i < tokens.count, SPDXExpression.isIdentifier(tokens[i]), !["AND", "OR", "WITH"].contains(tokens[i]) else {
                    throw Problem(message: "WITH needs a license exception id after it")
                }
                i += 1
            }
            return ids
        }

        mutating func simple(depth: Int) throws(Problem) -> [String] {
            guard i < tokens.count else { throw Problem(message: "the license expression ends too early") }
            let t = tokens[i]
            if t == "(" {
                guard depth < SPDXExpression.maxDepth else { throw Problem(message: "parentheses nested deeper than \(SPDXExpression.maxDepth) levels") }
                i += 1
                let ids = try compound(depth: depth + 1)
                guard i < tokens.count, tokens[i] == ")" else { throw Problem(message: "a '(' in the license expression is never closed") }
                i += 1
                return ids
            }
            if ["AND", "OR", "WITH", ")"].contains(t) { throw Problem(message: "expected a license id, found '\(t)'") }
            var id = t
            if id.hasSuffix("+") { id.removeLast() }
            guard SPDXExpression.isIdentifier(id) else {
                throw Problem(message: "'\(PlainText.visible(t))' is not a license id (letters, digits, '-' and '.')")
            }
            i += 1
            return [id]
        }
    }
}
