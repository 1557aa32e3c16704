import Foundation

/// A parsed systemd unit file: sections in order, each with its `Key=Value` assignments and positions.
public struct UnitFile: Sendable {
    public struct Assignment: Sendable {
        public var section: String
        public var key: String
        /// The value with continuation lines joined by a space, as systemd does.
        public var value: String
        public var line: Int
        public var column: Int
        public var valueColumn: Int
    }

    public struct Section: Sendable {
        public var name: String
        public var line: Int
        public var column: Int
    }

    public struct Problem: Sendable {
        public var message: String
        public var line: Int
        public var column: Int
    }

    public var source: LintSource
    public var sections: [Section] = []
    public var assignments: [Assignment] = []
    public var problems: [Problem] = []

    public init(source: LintSource) {
        self.source = source
        var current: String?
        let lines = source.lines
        var i = 0
        while i < lines.count {
            let lineNo = i + 1
            let raw = String(lines[i])
            i += 1
            let trimmed = raw.drop { $0 == " " || $0 == "\t" }
            let indent = raw.count - trimmed.count
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
            if trimmed.hasPrefix("[") {
                let t = trimmed.trimmingCharacters(in: .whitespaces)
                guard t.hasSuffix("]"), t.count > 2 else {
                    problems.append(Problem(message: "malformed section header '\(t)'", line: lineNo, column: indent + 1))
                    continue
                }
                let name = String(t.dropFirst().dropLast())
                sections.append(Section(name: name, line: lineNo, column: indent + 1))
                current = name
                continue
            }
            guard let eq = trimmed.firstIndex(of: "=") else {
                problems.append(Problem(message: "expected Key=Value, found '\(trimmed.prefix(40))'", line: lineNo, column: indent + 1))
                continue
            }
            let key = trimmed[..<eq].trimmingCharacters(in: .whitespaces)
            var valuePart = String(trimmed[trimmed.index(after: eq)...])
            let valueColumn = indent + trimmed.distance(from: trimmed.startIndex, to: eq) + 2
            // Continuation: a trailing backslash joins the next line; comment lines inside are skipped.
            var joined = 0
            while valuePart.hasSuffix("\\"), i < lines.count {
                joined += 1
                if joined > InputBudget.systemdMaxContinuationLines {
                    problems.append(Problem(message: "'\(key)=' continues over more than \(InputBudget.systemdMaxContinuationLines) lines; the rest is not joined",
                                            line: lineNo, column: indent + 1))
                    break
                }
                valuePart.removeLast()
                while i < lines.count {
                    let next = lines[i].drop { $0 == " " || $0 == "\t" }
                    if next.hasPrefix("#") || next.hasPrefix(";") { i += 1; continue }
                    break
                }
                guard i < lines.count else { break }
                valuePart += " " + String(lines[i]).trimmingCharacters(in: .whitespaces)
                i += 1
            }
            guard let section = current else {
                problems.append(Problem(message: "assignment '\(key)=' outside of any [Section]", line: lineNo, column: indent + 1))
                continue
            }
            assignments.append(Assignment(section: section, key: key, value: valuePart.trimmingCharacters(in: .whitespaces), line: lineNo, column: indent + 1, valueColumn: valueColumn))
        }
    }

    /// The unit type from the file name: `service`, `timer`, `socket`.
    public var unitType: String { source.url.pathExtension.lowercased() }

    /// The last assignment of a key in a section (systemd's "last one wins" for single-valued keys).
    public func value(_ section: String, _ key: String) -> Assignment? {
        assignments.last { $0.section == section && $0.key == key }
    }

    public func all(_ section: String, _ key: String) -> [Assignment] {
        assignments.filter { $0.section == section && $0.key == key }
    }

    public func location(_ a: Assignment, value: Bool = false) -> SourceLocation {
        source.location(a.line, value ? a.valueColumn : a.column)
    }

    /// ExecStart lines that run docker compose, split into words, with the index after `compose`.
    public var composeInvocations: [(assignment: Assignment, words: [String], args: [String])] {
        var out: [(Assignment, [String], [String])] = []
        for a in assignments where a.section == "Service" && a.key.hasPrefix("Exec") {
            let words = a.value.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            // Strip systemd's exec prefixes (@, -, :, +, !).
            guard var first = words.first else { continue }
            while let c = first.first, "@-:+!".contains(c) { first.removeFirst() }
            let base = first.split(separator: "/").last.map(String.init) ?? first
            if base == "docker-compose" || base == "podman-compose" {
                out.append((a, words, Array(words.dropFirst())))
            } else if base == "docker" || base == "podman", words.count > 1, words[1] == "compose" {
                out.append((a, words, Array(words.dropFirst(2))))
            }
        }
        return out
    }
}
