/// Compose variable interpolation: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
/// `${VAR:?error}`, `${VAR?error}`, `${VAR:+alt}`, `${VAR+alt}`, and `$$` for a literal dollar.
///
/// A value is parsed once into a tree (each character read once) and evaluated from it, so time
/// is linear in the value's length. Defaults nested deeper than `InputBudget.interpolationMaxDepth`
/// are not read: references below that depth are not reported, and the value does not resolve.
public enum Interpolation {
    public struct Reference: Sendable, Hashable {
        public var name: String
        /// Character offset of the `$` in the string.
        public var offset: Int
        /// The operator after the name (`:-`, `-`, `:?`, `?`, `:+`, `+`) or nil for a bare reference.
        public var op: String?
        public var argument: String?

        /// Whether compose supplies a value when the variable is unset.
        public var hasDefault: Bool { op == ":-" || op == "-" || op == ":+" || op == "+" }
    }

    /// One parsed piece of a value.
    indirect enum Part {
        case literal(String)
        case reference(Parsed)
    }

    struct Parsed {
        var reference: Reference
        /// The operator's argument, parsed (nil without an operator, or past the depth budget).
        var argument: [Part]?
        /// Whether the closing `}` was found (always true for `$VAR`).
        var closed: Bool
        /// Nested past the depth budget: never resolves.
        var tooDeep: Bool
    }

    /// Every reference in `s`, in order. Nested defaults (`${A:-${B}}`) report both.
    public static func references(in s: String) -> [Reference] {
        var out: [Reference] = []
        func walk(_ parts: [Part]) {
            for case let .reference(p) in parts {
                if !p.reference.name.isEmpty, !p.tooDeep { out.append(p.reference) }
                if let arg = p.argument { walk(arg) }
            }
        }
        walk(parse(s))
        return out
    }

    /// Whether `s` nests defaults deeper than the budget.
    public static func exceedsDepth(_ s: String) -> Bool {
        s.contains("$") && tooDeep(parse(s))
    }

    static func tooDeep(_ parts: [Part]) -> Bool {
        for case let .reference(p) in parts {
            if p.tooDeep || (p.argument.map(tooDeep) ?? false) { return true }
        }
        return false
    }

    /// `s` with every reference replaced from `env` (or its default); nil when a variable has no value.
    public static func resolve(_ s: String, env: [String: String]) -> String? {
        guard s.contains("$") else { return s }
        let parts = parse(s)
        // Past the depth budget the value is not read at all, whatever the environment holds.
        if tooDeep(parts) { return nil }
        return evaluate(parts, env: env)
    }

    static func evaluate(_ parts: [Part], env: [String: String]) -> String? {
        var out = ""
        for part in parts {
            switch part {
            case .literal(let text):
                out += text
            case .reference(let p):
                guard p.closed, !p.tooDeep else { return nil }
                let value = env[p.reference.name]
                // The argument is evaluated only when it is used.
                func arg() -> String { p.argument.flatMap { evaluate($0, env: env) } ?? "" }
                switch p.reference.op {
                case nil: guard let value else { return nil }; out += value
                case ":-": out += (value?.isEmpty == false ? value! : arg())
                case "-": out += value ?? arg()
                case ":+": out += (value?.isEmpty == false ? arg() : "")
                case "+": out += (value != nil ? arg() : "")
                default: guard let value else { return nil }; out += value
                }
            }
        }
        return out
    }

    static func parse(_ s: String) -> [Part] {
        var parser = Parser(chars: Array(s))
        return parser.sequence(depth: 0, inArgument: false)
    }

    private struct Parser {
        let chars: [Character]
        var i = 0

        static func isNameStart(_ c: Character) -> Bool { c == "_" || c.isLetter }
        static func isName(_ c: Character) -> Bool { c == "_" || c.isLetter || c.isNumber }

        /// Parts up to the end, or (in an argument) up to the unmatched `}`, which is left unread.
        mutating func sequence(depth: Int, inArgument: Bool) -> [Part] {
            var parts: [Part] = []
            var literal = ""
            var braces = 0
            func flush() { if !literal.isEmpty { parts.append(.literal(literal)); literal = "" } }
            while i < chars.count {
                let c = chars[i]
                if inArgument {
                    if c == "{" { braces += 1 } else if c == "}" { if braces == 0 { break }; braces -= 1 }
                }
                if c == "$", i + 1 < chars.count {
                    let next = chars[i + 1]
                    if next == "$" { literal.append("$"); i += 2; continue }
                    if next == "{" {
                        flush()
                        parts.append(.reference(braced(depth: depth)))
                        continue
                    }
                    if Self.isNameStart(next) {
                        flush()
                        let start = i
                        i += 1
                        var name = ""
                        while i < chars.count, Self.isName(chars[i]) { name.append(chars[i]); i += 1 }
                        parts.append(.reference(Parsed(reference: Reference(name: name, offset: start, op: nil, argument: nil),
                                                       argument: nil, closed: true, tooDeep: false)))
                        continue
                    }
                }
                literal.append(c)
                i += 1
            }
            flush()
            return parts
        }

        /// `${…}` at `i`. Without a name (`${}`, `${:-x}`) it is invalid: it never resolves and
        /// is not reported as a reference.
        mutating func braced(depth: Int) -> Parsed {
            let start = i
            i += 2
            var name = ""
            while i < chars.count, Self.isName(chars[i]) { name.append(chars[i]); i += 1 }
            var op: String?
            if i < chars.count, chars[i] != "}" {
                if chars[i] == ":", i + 1 < chars.count, "-?+".contains(chars[i + 1]) { op = String(chars[i...i + 1]); i += 2 }
                else if "-?+".contains(chars[i]) { op = String(chars[i]); i += 1 }
            }
            let argStart = i
            var argument: [Part]?
            var tooDeep = false
            if op != nil && depth + 1 <= InputBudget.interpolationMaxDepth {
                argument = sequence(depth: depth + 1, inArgument: true)
            } else {
                // No operator (`${A}`, or junk after the name) or past the budget: skip to the matching brace.
                tooDeep = op != nil
                var braces = 1
                while i < chars.count {
                    if chars[i] == "{" { braces += 1 } else if chars[i] == "}" { braces -= 1; if braces == 0 { break } }
                    i += 1
                }
            }
            let argEnd = i
            let closed = i < chars.count && chars[i] == "}"
            if closed { i += 1 }
            let text = op != nil ? String(chars[argStart..<argEnd]) : nil
            return Parsed(reference: Reference(name: name, offset: start, op: op, argument: text),
                          argument: argument, closed: closed && !name.isEmpty, tooDeep: tooDeep)
        }
    }
}
