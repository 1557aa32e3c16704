/// A text table that fits a width: first the least useful columns are dropped (lowest `keep`
/// first), then columns that may shrink are cut with "…" (widest first, never below their
/// `minWidth`). With no width it is an ordinary aligned table. Used by status, recommend,
/// catalog and cost.
public struct FittedTable: Sendable {
    public struct Column: Sendable {
        public var header: String
        /// 0: always kept; higher numbers are dropped later (1 first).
        public var keep: Int
        public var right: Bool
        /// When set, cells may be cut down to this many columns.
        public var minWidth: Int?
        /// On a width-limited screen, longer cells are cut to this first, before any column is
        /// dropped (a long image reference shouldn't cost the CPU column; JSON has it whole).
        public var maxWidth: Int?
        public init(_ header: String, keep: Int = 0, right: Bool = false, minWidth: Int? = nil, maxWidth: Int? = nil) {
            self.header = header
            self.keep = keep
            self.right = right
            self.minWidth = minWidth
            self.maxWidth = maxWidth
        }
    }

    public enum Row: Sendable {
        case cells([String])
        /// A line of its own (an app's name and URL), not aligned to the columns.
        case banner(String)
    }

    public var columns: [Column]
    public var rows: [Row] = []
    /// Spaces before every line.
    public var indent: Int

    public init(columns: [Column], indent: Int = 0) {
        self.columns = columns
        self.indent = indent
    }

    public mutating func add(_ cells: [String]) { rows.append(.cells(cells)) }

    /// The lines, each without a trailing newline.
    public func render(width: Int?, headerStyle: (String) -> String = { $0 }) -> [String] {
        var visible = Array(columns.indices)
        func natural(_ i: Int) -> Int {
            rows.reduce(columns[i].header.displayWidth) { w, row in
                if case .cells(let cells) = row, i < cells.count { return max(w, cells[i].displayWidth) }
                return w
            }
        }
        var widths = columns.indices.map(natural)
        if width != nil {
            for i in columns.indices { if let max = columns[i].maxWidth { widths[i] = min(widths[i], max) } }
        }
        func total() -> Int { indent + visible.map { widths[$0] }.reduce(0, +) + 2 * max(0, visible.count - 1) }
        if let width {
            let order = columns.indices.filter { columns[$0].keep > 0 }.sorted { columns[$0].keep < columns[$1].keep }
            for drop in order where total() > width {
                visible.removeAll { $0 == drop }
            }
            // Still too wide: take columns from the widest shrinkable column, one at a time.
            while total() > width {
                let candidates = visible.filter { i in columns[i].minWidth.map { widths[i] > $0 } ?? false }
                guard let widest = candidates.max(by: { widths[$0] < widths[$1] }) else { break }
                widths[widest] -= 1
            }
        }
        func line(_ cells: [String], style: (String) -> String) -> String {
            var parts: [String] = []
            for (k, i) in visible.enumerated() {
                var cell = i < cells.count ? cells[i] : ""
                if cell.displayWidth > widths[i] { cell = TextFit.cut(cell, to: widths[i]) }
                let pad = String(repeating: " ", count: max(0, widths[i] - cell.displayWidth))
                parts.append(columns[i].right ? pad + style(cell) : style(cell) + (k == visible.count - 1 ? "" : pad))
            }
            var s = String(repeating: " ", count: indent) + parts.joined(separator: "  ")
            while s.hasSuffix(" ") { s.removeLast() }
            return s
        }
        var out = [line(columns.map(\.header), style: headerStyle)]
        for row in rows {
            switch row {
            case .cells(let cells): out.append(line(cells, style: { $0 }))
            case .banner(let text): out.append(width.map { TextFit.cut(text, to: $0) } ?? text)
            }
        }
        return out
    }

    /// The table as text, one line each, ending with a newline.
    public func text(width: Int?, headerStyle: (String) -> String = { $0 }) -> String {
        render(width: width, headerStyle: headerStyle).joined(separator: "\n") + "\n"
    }
}
