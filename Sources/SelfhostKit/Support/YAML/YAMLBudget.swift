import CYaml
import Yams

/// The one budget every YAML reader applies before building a tree (compose files in lint, every
/// catalog file, pricing and e-mail-provider files): nesting depth, and the number of nodes the
/// document expands to through aliases, counted in one linear pass over libyaml's events, so an
/// alias bomb is refused before anything walks it.
public enum YAMLBudget {
    public struct Failure: Error, Sendable, Equatable {
        public var message: String
        public var line: Int
        public var column: Int
    }

    /// Nil when `text` is within the budget (or has a syntax error, which the composer reports).
    public static func check(_ text: String) -> Failure? {
        precheck(text, budget: InputBudget.yamlNodeBudget(forByteCount: text.utf8.count))
    }

    /// Streams libyaml events once: refuses nesting deeper than `InputBudget.yamlMaxDepth` and documents whose
    /// aliases expand past `budget` nodes, counting each anchor's expanded size as it closes.
    static func precheck(_ text: String, budget: Int) -> Failure? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        var bytes = Array(text.utf8)
        var failure: Failure?
        bytes.withUnsafeMutableBufferPointer { buf in
            yaml_parser_set_input_string(&parser, buf.baseAddress, buf.count)
            var sizes: [String: Int] = [:]
            // One frame per open collection: its anchor, start mark and expanded size so far.
            var stack: [(anchor: String?, size: Int, line: Int, column: Int)] = [(nil, 0, 1, 1)]
            var total = 0
            func add(_ n: Int, line: Int, column: Int) -> Bool {
                total += n
                stack[stack.count - 1].size += n
                if total > budget {
                    failure = Failure(
                        message: "document expands to more than \(budget) nodes through aliases (an alias bomb?)",
                        line: line, column: column)
                    return false
                }
                return true
            }
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    // Syntax errors are reported by the composer with the same mark.
                    return
                }
                defer { yaml_event_delete(&event) }
                let line = Int(event.start_mark.line) + 1, column = Int(event.start_mark.column) + 1
                func anchorName(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? {
                    p.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
                }
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return
                case YAML_SCALAR_EVENT:
                    guard add(1, line: line, column: column) else { return }
                    if let a = anchorName(event.data.scalar.anchor) { sizes[a] = 1 }
                case YAML_ALIAS_EVENT:
                    let size = anchorName(event.data.alias.anchor).flatMap { sizes[$0] } ?? 1
                    guard add(size, line: line, column: column) else { return }
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    let anchor = event.type == YAML_SEQUENCE_START_EVENT
                        ? anchorName(event.data.sequence_start.anchor) : anchorName(event.data.mapping_start.anchor)
                    if stack.count > InputBudget.yamlMaxDepth {
                        failure = Failure(message: "nesting deeper than \(InputBudget.yamlMaxDepth) levels", line: line, column: column)
                        return
                    }
                    stack.append((anchor, 1, line, column))
                    guard add(0, line: line, column: column) else { return }
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    guard stack.count > 1 else { return }
                    let frame = stack.removeLast()
                    if let a = frame.anchor { sizes[a] = frame.size }
                    stack[stack.count - 1].size += frame.size
                    total += 1
                default:
                    break
                }
            }
        }
        return failure
    }
}
