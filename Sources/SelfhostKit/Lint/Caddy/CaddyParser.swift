/// A directive line inside a block: its name, arguments and optional sub-block.
public struct CaddyDirective: Sendable {
    public var name: CaddyToken
    public var args: [CaddyToken]
    public var block: [CaddyDirective]?
    /// The opening brace of `block`, for messages.
    public var openBrace: CaddyToken?
}

/// A top-level block: the global options block, a snippet `(name)`, or a site with its addresses.
public struct CaddyServerBlock: Sendable {
    public enum Kind: Sendable, Equatable { case globalOptions, snippet(String), site }
    public var kind: Kind
    public var keys: [CaddyToken]
    public var directives: [CaddyDirective]
    /// Where the block starts.
    public var line: Int
    public var column: Int
}

/// A parsed Caddyfile.
public struct CaddyFile: Sendable {
    public var source: LintSource
    public var tokens: [CaddyToken] = []
    public var blocks: [CaddyServerBlock] = []
    public var syntaxError: CaddySyntaxError?

    public init(source: LintSource) {
        self.source = source
        do {
            tokens = try CaddyLexer.tokenize(source.text)
            var parser = CaddyParser(tokens: tokens)
            blocks = try parser.parse()
        } catch {
            syntaxError = error
        }
    }

    public var sites: [CaddyServerBlock] { blocks.filter { $0.kind == .site } }

    public func snippet(_ name: String) -> CaddyServerBlock? {
        blocks.first { $0.kind == .snippet(name) }
    }

    /// A site's directives with `import snippet` lines replaced by the snippet's directives (one level of
    /// nesting per import, cycles cut), so rules see what Caddy would. Bounded: at most
    /// `InputBudget.caddyMaxImportDepth` imports deep and `maxExpandedDirectives` directives in all,
    /// so snippets importing each other several times never grow exponentially.
    public func expanded(_ directives: [CaddyDirective]) -> [CaddyDirective] {
        var budget = Self.maxExpandedDirectives
        return expanded(directives, depth: 0, chain: [], budget: &budget)
    }

    /// Directives one site may expand to through imports.
    public static let maxExpandedDirectives = 100_000

    private func expanded(_ directives: [CaddyDirective], depth: Int, chain: [String], budget: inout Int) -> [CaddyDirective] {
        var out: [CaddyDirective] = []
        for d in directives {
            // Every directive read counts, imports included (a skipped import is still a visit).
            guard budget > 0 else { break }
            budget -= 1
            if d.name.text == "import", let target = d.args.first?.text, let snip = snippet(target) {
                if depth < InputBudget.caddyMaxImportDepth, !chain.contains(target) {
                    out.append(contentsOf: expanded(snip.directives, depth: depth + 1, chain: chain + [target], budget: &budget))
                }
                continue
            }
            var copy = d
            if let block = d.block { copy.block = expanded(block, depth: depth, chain: chain, budget: &budget) }
            out.append(copy)
        }
        return out
    }

    /// Snippets that import themselves, directly or through others: each cycle once, at the
    /// import that closes it (`(a) { import a }`, or a → b → a). Caddy refuses these.
    public var importCycles: [(path: [String], at: CaddyToken)] {
        var out: [(path: [String], at: CaddyToken)] = []
        var reported = Set<String>()
        func imports(_ directives: [CaddyDirective]) -> [(String, CaddyToken)] {
            directives.flatMap { d -> [(String, CaddyToken)] in
                var here: [(String, CaddyToken)] = []
                if d.name.text == "import", let t = d.args.first, snippet(t.text) != nil { here.append((t.text, t)) }
                return here + imports(d.block ?? [])
            }
        }
        // Depth-first with colours: each snippet is explored once, so time is linear in the imports.
        var done = Set<String>()
        func visit(_ name: String, _ path: [String]) {
            guard !done.contains(name), let snip = snippet(name) else { return }
            for (target, token) in imports(snip.directives) {
                if let i = path.firstIndex(of: target) {
                    let cycle = Array(path[i...]) + [target]
                    if reported.insert(Set(cycle).sorted().joined(separator: ",")).inserted { out.append((cycle, token)) }
                } else {
                    visit(target, path + [target])
                }
            }
            done.insert(name)
        }
        for b in blocks { if case .snippet(let name) = b.kind, !done.contains(name) { visit(name, [name]) } }
        return out
    }

    public func location(_ token: CaddyToken) -> SourceLocation { source.location(token.line, token.column) }
}

/// Builds server blocks from tokens, checking braces.
struct CaddyParser {
    var tokens: [CaddyToken]
    var index = 0
    var depth = 0
    /// Blocks nested deeper than this are refused (real Caddyfiles nest three or four levels).
    static let maxDepth = InputBudget.caddyMaxNesting

    init(tokens: [CaddyToken]) { self.tokens = tokens }

    mutating func parse() throws(CaddySyntaxError) -> [CaddyServerBlock] {
        var blocks: [CaddyServerBlock] = []
        while index < tokens.count {
            let first = tokens[index]
            if first.isCloseBrace {
                throw CaddySyntaxError(message: "unexpected '}' with no block open", line: first.line, column: first.column)
            }
            if first.isOpenBrace {
                // A block with no keys: only the first one, the global options block (Caddy drops empty ones).
                index += 1
                try expectLineEnd(after: first)
                let body = try parseBlockBody(open: first)
                if !blocks.isEmpty {
                    if body.isEmpty { continue }
                    throw CaddySyntaxError(message: "a block without a site address is the global options block and must come first", line: first.line, column: first.column)
                }
                blocks.append(CaddyServerBlock(kind: .globalOptions, keys: [], directives: body, line: first.line, column: first.column))
                continue
            }
            // Site addresses: tokens up to `{`, possibly over several lines when separated by commas.
            var keys: [CaddyToken] = []
            var open: CaddyToken?
            while index < tokens.count {
                let t = tokens[index]
                if t.isOpenBrace { open = t; index += 1; break }
                if t.isCloseBrace {
                    throw CaddySyntaxError(message: "unexpected '}' after site address", line: t.line, column: t.column)
                }
                keys.append(t)
                index += 1
                let continues = t.text.hasSuffix(",")
                if index < tokens.count, tokens[index].logicalLine != t.logicalLine, !continues, !tokens[index].isOpenBrace { break }
            }
            let name = keys.first?.text ?? ""
            let isSnippet = keys.count == 1 && name.hasPrefix("(") && name.hasSuffix(")") && name.count > 2
            if let open {
                try expectLineEnd(after: open)
                let body = try parseBlockBody(open: open)
                blocks.append(CaddyServerBlock(kind: isSnippet ? .snippet(String(name.dropFirst().dropLast())) : .site, keys: keys, directives: body, line: first.line, column: first.column))
            } else if blocks.isEmpty || (blocks.count == 1 && blocks[0].kind == .globalOptions) {
                // A single site without braces: the rest of the file is its directives.
                var body: [CaddyDirective] = []
                while index < tokens.count {
                    if tokens[index].isCloseBrace {
                        let t = tokens[index]
                        throw CaddySyntaxError(message: "unexpected '}' with no block open", line: t.line, column: t.column)
                    }
                    body.append(try parseDirective())
                }
                blocks.append(CaddyServerBlock(kind: .site, keys: keys, directives: body, line: first.line, column: first.column))
            } else {
                let t = keys.last ?? first
                throw CaddySyntaxError(message: "expected '{' after site address '\(keys.map(\.text).joined(separator: " "))'", line: t.line, column: t.column)
            }
        }
        return blocks
    }

    /// `{` must end its line, as in Caddy ("Unexpected next token after '{' on same line").
    func expectLineEnd(after open: CaddyToken) throws(CaddySyntaxError) {
        if index < tokens.count, tokens[index].logicalLine == open.logicalLine {
            let n = tokens[index]
            throw CaddySyntaxError(message: "unexpected '\(n.text)' after '{' on the same line; start a new line", line: n.line, column: n.column)
        }
    }

    /// Directives until the `}` matching `open`.
    mutating func parseBlockBody(open: CaddyToken) throws(CaddySyntaxError) -> [CaddyDirective] {
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maxDepth {
            throw CaddySyntaxError(message: "blocks nested deeper than \(Self.maxDepth) levels", line: open.line, column: open.column)
        }
        var body: [CaddyDirective] = []
        while true {
            guard index < tokens.count else {
                throw CaddySyntaxError(message: "'{' is never closed (unbalanced braces)", line: open.line, column: open.column)
            }
            if tokens[index].isCloseBrace {
                index += 1
                return body
            }
            body.append(try parseDirective())
            // A `}` after arguments on the same line is not a closing brace to Caddy.
            if index < tokens.count, tokens[index].isCloseBrace, let last = body.last,
               tokens[index].logicalLine == last.name.logicalLine && last.block == nil {
                let t = tokens[index]
                throw CaddySyntaxError(message: "'}' must be on its own line (Caddy reads it as an argument here, leaving the block unclosed)", line: t.line, column: t.column)
            }
        }
    }

    /// One logical line: name, arguments, and a block when the line ends with `{`.
    mutating func parseDirective() throws(CaddySyntaxError) -> CaddyDirective {
        let name = tokens[index]
        index += 1
        if name.isOpenBrace {
            throw CaddySyntaxError(message: "unexpected '{' where a directive was expected", line: name.line, column: name.column)
        }
        var args: [CaddyToken] = []
        while index < tokens.count, tokens[index].logicalLine == name.logicalLine {
            let t = tokens[index]
            if t.isOpenBrace {
                index += 1
                try expectLineEnd(after: t)
                let block = try parseBlockBody(open: t)
                return CaddyDirective(name: name, args: args, block: block, openBrace: t)
            }
            if t.isCloseBrace { return CaddyDirective(name: name, args: args, block: nil, openBrace: nil) }
            args.append(t)
            index += 1
        }
        return CaddyDirective(name: name, args: args, block: nil, openBrace: nil)
    }
}
