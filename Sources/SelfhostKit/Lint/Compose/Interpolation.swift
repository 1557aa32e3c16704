/// Compose variable interpolation: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
/// `${VAR:?error}`, `${VAR?error}`, `${VAR:+alt}`, `${VAR+alt}`, and `$$` for a literal dollar.
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

    /// Every reference in `s`, in order. Nested defaults (`${A:-${B}}`) report both.
    public static func references(in s: String) -> [Reference] {
        var refs: [Reference] = []
        let chars = Array(s)
        var i = 0
        while i < chars.count {
            guard chars[i] == "$", i + 1 < chars.count else { i += 1; continue }
            let next = chars[i + 1]
            if next == "$" { i += 2; continue }
            if next == "{" {
                var j = i + 2
                var name = ""
                while j < chars.count, chars[j] == "_" || chars[j].isLetter || chars[j].isNumber { name.append(chars[j]); j += 1 }
                var op: String?
                var depth = 1
                var argStart = j
                if j < chars.count, chars[j] != "}" {
                    if chars[j] == ":", j + 1 < chars.count, "-?+".contains(chars[j + 1]) {
                        op = String(chars[j...j + 1]); argStart = j + 2
                    } else if "-?+".contains(chars[j]) {
                        op = String(chars[j]); argStart = j + 1
                    }
                }
                var k = argStart
                while k < chars.count {
                    if chars[k] == "{" { depth += 1 } else if chars[k] == "}" { depth -= 1; if depth == 0 { break } }
                    k += 1
                }
                if !name.isEmpty {
                    let arg = op != nil && k <= chars.count ? String(chars[argStart..<min(k, chars.count)]) : nil
                    refs.append(Reference(name: name, offset: i, op: op, argument: arg))
                    if let arg {
                        for inner in references(in: arg) {
                            var shifted = inner
                            shifted.offset += argStart
                            refs.append(shifted)
                        }
                    }
                }
                i = k + 1
                continue
            }
            if next == "_" || next.isLetter {
                var j = i + 1
                var name = ""
                while j < chars.count, chars[j] == "_" || chars[j].isLetter || chars[j].isNumber { name.append(chars[j]); j += 1 }
                refs.append(Reference(name: name, offset: i, op: nil, argument: nil))
                i = j
                continue
            }
            i += 1
        }
        return refs
    }

    /// `s` with every reference replaced from `env` (or its default); nil when a variable has no value.
    public static func resolve(_ s: String, env: [String: String]) -> String? {
        guard s.contains("$") else { return s }
        var out = ""
        let chars = Array(s)
        var i = 0
        while i < chars.count {
            guard chars[i] == "$", i + 1 < chars.count else { out.append(chars[i]); i += 1; continue }
            if chars[i + 1] == "$" { out.append("$"); i += 2; continue }
            if chars[i + 1] == "{" {
                var depth = 1, k = i + 2
                while k < chars.count {
                    if chars[k] == "{" { depth += 1 } else if chars[k] == "}" { depth -= 1; if depth == 0 { break } }
                    k += 1
                }
                guard k < chars.count else { return nil }
                let body = String(chars[(i + 2)..<k])
                guard let ref = references(in: "${\(body)}").first else { return nil }
                let value = env[ref.name]
                let arg = ref.argument.flatMap { resolve($0, env: env) }
                switch ref.op {
                case nil: guard let value else { return nil }; out += value
                case ":-": out += (value?.isEmpty == false ? value! : (arg ?? ""))
                case "-": out += value ?? (arg ?? "")
                case ":+": out += (value?.isEmpty == false ? (arg ?? "") : "")
                case "+": out += (value != nil ? (arg ?? "") : "")
                default: guard let value else { return nil }; out += value
                }
                i = k + 1
                continue
            }
            if chars[i + 1] == "_" || chars[i + 1].isLetter {
                var j = i + 1, name = ""
                while j < chars.count, chars[j] == "_" || chars[j].isLetter || chars[j].isNumber { name.append(chars[j]); j += 1 }
                guard let value = env[name] else { return nil }
                out += value
                i = j
                continue
            }
            out.append(chars[i]); i += 1
        }
        return out
    }
}
