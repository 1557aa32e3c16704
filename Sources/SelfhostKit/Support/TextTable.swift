/// A plain, aligned text table for people (not for machines: use JSON for that).
public struct TextTable: Sendable {
    public enum Alignment: Sendable { case left, right }

    public var headers: [String]
    public var alignments: [Alignment]
    public var rows: [[String]] = []

    public init(headers: [String], alignments: [Alignment]? = nil) {
        self.headers = headers
        self.alignments = alignments ?? headers.map { _ in .left }
    }

    public mutating func add(_ row: [String]) { rows.append(row) }

    /// Renders with two spaces between columns; `headerStyle` styles the header row.
    public func render(headerStyle: (String) -> String = { $0 }) -> String {
        let all = [headers] + rows
        let columns = headers.count
        var widths = Array(repeating: 0, count: columns)
        for row in all {
            for (i, cell) in row.prefix(columns).enumerated() { widths[i] = max(widths[i], cell.displayWidth) }
        }
        func line(_ row: [String], style: (String) -> String) -> String {
            var parts: [String] = []
            for i in 0..<columns {
                let cell = i < row.count ? row[i] : ""
                let isLast = i == columns - 1
                let pad = widths[i] - cell.displayWidth
                switch alignments[i] {
                case .left: parts.append(isLast ? style(cell) : style(cell) + String(repeating: " ", count: max(0, pad)))
                case .right: parts.append(String(repeating: " ", count: max(0, pad)) + style(cell))
                }
            }
            var s = parts.joined(separator: "  ")
            while s.hasSuffix(" ") { s.removeLast() }
            return s
        }
        var out = line(headers, style: headerStyle) + "\n"
        for row in rows { out += line(row, style: { $0 }) + "\n" }
        return out
    }
}
