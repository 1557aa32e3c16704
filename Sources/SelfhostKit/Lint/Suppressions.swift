/// Inline suppressions: `# selfhost-lint disable=ID[,ID…]` at the end of a line (or alone on the line
/// before) silences those rules there; `# selfhost-lint disable-file=ID[,ID…]` anywhere silences them
/// for the whole file. `all` matches every rule.
struct Suppressions {
    private var byLine: [Int: Set<String>] = [:]
    private var file: Set<String> = []

    init(_ source: LintSource) {
        guard source.text.contains("selfhost-lint") else { return }
        for (i, line) in source.lines.enumerated() {
            guard let r = line.range(of: "selfhost-lint ") ?? line.range(of: "selfhost-lint:") else { continue }
            let rest = line[r.upperBound...].drop { $0 == " " }
            let wholeFile = rest.hasPrefix("disable-file=")
            guard wholeFile || rest.hasPrefix("disable=") else { continue }
            let list = rest.drop { $0 != "=" }.dropFirst().prefix { !$0.isWhitespace }
            let ids = Set(list.split(separator: ",").map(String.init))
            if wholeFile { file.formUnion(ids); continue }
            byLine[i + 1, default: []].formUnion(ids)
            // A comment alone on its line covers the next line.
            let before = line[..<r.lowerBound].trimmingCharacters(in: .whitespaces)
            if before == "#" || before == ";" || before == "//" {
                byLine[i + 2, default: []].formUnion(ids)
            }
        }
    }

    func suppresses(_ rule: String, line: Int?) -> Bool {
        if file.contains(rule) || file.contains("all") { return true }
        guard let line, let ids = byLine[line] else { return false }
        return ids.contains(rule) || ids.contains("all")
    }
}
