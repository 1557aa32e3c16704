import Foundation

/// One Caddyfile token with its position.
public struct CaddyToken: Sendable, Hashable {
    public var text: String
    /// 1-based physical line and column of the token's first character.
    public var line: Int
    public var column: Int
    /// Logical line: a backslash-newline continuation keeps tokens on the same logical line.
    public var logicalLine: Int
    /// Written in double quotes, backticks or a heredoc: never a brace or a comment.
    public var quoted: Bool

    public var isOpenBrace: Bool { !quoted && text == "{" }
    public var isCloseBrace: Bool { !quoted && text == "}" }

    /// Environment placeholders `{$VAR}` / `{$VAR:default}` in the token, in order.
    public var envPlaceholders: [(name: String, defaultValue: String?)] {
        var out: [(String, String?)] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{$") {
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else { break }
            let body = rest[open.upperBound..<close]
            if let colon = body.firstIndex(of: ":") {
                out.append((String(body[..<colon]), String(body[body.index(after: colon)...])))
            } else {
                out.append((String(body), nil))
            }
            rest = rest[rest.index(after: close)...]
        }
        return out
    }
}

public struct CaddySyntaxError: Error, Sendable {
    public var message: String
    public var line: Int
    public var column: Int
}

/// Splits a Caddyfile into tokens the way Caddy's lexer does: whitespace-separated words,
/// `"double quotes"` with backslash escapes, `` `backticks` `` taken literally, `<<MARKER` heredocs,
/// `#` comments at the start of a word, and a trailing backslash joining the next line.
public enum CaddyLexer {
    public static func tokenize(_ input: String) throws(CaddySyntaxError) -> [CaddyToken] {
        var tokens: [CaddyToken] = []
        let chars = Array(input.unicodeScalars)
        var i = 0
        var line = 1, column = 1, logical = 1
        var current = ""
        var start = (line: 0, column: 0, logical: 0)

        func flush(quoted: Bool = false) {
            if !current.isEmpty || quoted {
                tokens.append(CaddyToken(text: current, line: start.line, column: start.column, logicalLine: start.logical, quoted: quoted))
            }
            current = ""
        }
        // \n, \r\n and a lone \r each end a line (TextLines); the \r of \r\n is plain whitespace.
        func isBreak(_ k: Int) -> Bool {
            chars[k] == "\n" || (chars[k] == "\r" && (k + 1 == chars.count || chars[k + 1] != "\n"))
        }
        func advance() {
            if isBreak(i) { line += 1; column = 1 } else { column += 1 }
            i += 1
        }

        while i < chars.count {
            let c = chars[i]
            if isBreak(i) {
                flush(); advance(); logical += 1; continue
            }
            if c == " " || c == "\t" || c == "\r" {
                flush(); advance(); continue
            }
            if c == "\\", i + 1 < chars.count, chars[i + 1] == "\n" || chars[i + 1] == "\r" {
                // Line continuation: the next physical line belongs to this logical line.
                flush()
                advance()
                if chars[i] == "\r", !isBreak(i) { advance() }
                advance()
                continue
            }
            if current.isEmpty {
                start = (line, column, logical)
                if c == "#" {
                    while i < chars.count, !isBreak(i) { advance() }
                    continue
                }
                if c == "\"" || c == "`" {
                    let quote = c
                    let openLine = line, openColumn = column
                    advance()
                    var value = ""
                    var closed = false
                    while i < chars.count {
                        let d = chars[i]
                        if quote == "\"", d == "\\", i + 1 < chars.count, chars[i + 1] == "\"" || chars[i + 1] == "\\" {
                            advance(); value.unicodeScalars.append(chars[i]); advance(); continue
                        }
                        if d == quote { advance(); closed = true; break }
                        value.unicodeScalars.append(d)
                        advance()
                    }
                    if !closed {
                        throw CaddySyntaxError(message: "unterminated \(quote == "\"" ? "quoted string" : "backtick string")", line: openLine, column: openColumn)
                    }
                    current = value
                    flush(quoted: true)
                    // The quoted span may have crossed lines; the logical line follows the physical one.
                    logical += line - openLine
                    continue
                }
                if c == "<", i + 2 < chars.count, chars[i + 1] == "<", isMarkerChar(chars[i + 2]) {
                    // Heredoc: <<MARKER ... MARKER on a line of its own.
                    var j = i + 2
                    var marker = ""
                    while j < chars.count, isMarkerChar(chars[j]) { marker.unicodeScalars.append(chars[j]); j += 1 }
                    if j < chars.count, chars[j] == "\n" || chars[j] == "\r" {
                        let openLine = line, openColumn = column
                        while i < j { advance() }
                        while i < chars.count, !isBreak(i) { advance() }
                        if i < chars.count { advance() }
                        var body: [String] = []
                        var closed = false
                        var indent = ""
                        while i < chars.count {
                            // The closing marker starts its line (after indentation) and may be followed
                            // by more arguments on that line: `MARKER 200`.
                            var lead = ""
                            while i < chars.count, chars[i] == " " || chars[i] == "\t" { lead.unicodeScalars.append(chars[i]); advance() }
                            var k = i
                            var word = ""
                            while k < chars.count, isMarkerChar(chars[k]) { word.unicodeScalars.append(chars[k]); k += 1 }
                            if word == marker, k == chars.count || chars[k] == " " || chars[k] == "\t" || chars[k] == "\n" || chars[k] == "\r" {
                                while i < k { advance() }
                                indent = lead
                                closed = true
                                break
                            }
                            var text = lead
                            while i < chars.count, !isBreak(i) { text.unicodeScalars.append(chars[i]); advance() }
                            if text.unicodeScalars.last == "\r" { text.unicodeScalars.removeLast() }
                            if i < chars.count { advance() }
                            body.append(text)
                        }
                        if !closed {
                            throw CaddySyntaxError(message: "heredoc <<\(marker) is never closed", line: openLine, column: openColumn)
                        }
                        // Caddy removes the closing marker's indentation from every line of the body.
                        let text = body.map { $0.hasPrefix(indent) ? String($0.dropFirst(indent.count)) : $0 }.joined(separator: "\n")
                        tokens.append(CaddyToken(text: text, line: openLine, column: openColumn, logicalLine: start.logical, quoted: true))
                        // Tokens after the closing marker stay on the heredoc's logical line.
                        continue
                    }
                }
            }
            current.unicodeScalars.append(c)
            advance()
        }
        flush()
        return tokens
    }

    private static func isMarkerChar(_ c: Unicode.Scalar) -> Bool {
        (c >= "A" && c <= "Z") || (c >= "a" && c <= "z") || (c >= "0" && c <= "9") || c == "_" || c == "-"
    }
}
