import Foundation

/// "Did you mean …?" support: edit distance and nearest candidates.
public enum Suggestions {
    /// Optimal string alignment distance (Levenshtein plus adjacent transpositions), case-insensitive.
    public static func distance(_ a: String, _ b: String) -> Int {
        let s = Array(a.lowercased()), t = Array(b.lowercased())
        if s.isEmpty { return t.count }
        if t.isEmpty { return s.count }
        var d = Array(repeating: Array(repeating: 0, count: t.count + 1), count: s.count + 1)
        for i in 0...s.count { d[i][0] = i }
        for j in 0...t.count { d[0][j] = j }
        for i in 1...s.count {
            for j in 1...t.count {
                let cost = s[i - 1] == t[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, s[i - 1] == t[j - 2], s[i - 2] == t[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[s.count][t.count]
    }

    /// Candidates close to `input`, best first: within a distance that grows with length,
    /// or sharing a prefix of at least four characters.
    public static func nearest(to input: String, in candidates: [String], limit: Int = 3) -> [String] {
        let needle = input.lowercased().trimmingCharacters(in: .whitespaces)
        // Nothing is near an empty name; a short name allows one edit ("gmail" is not "mail chimp").
        guard !needle.isEmpty, needle.utf8.count <= 256 else { return [] }
        let threshold = needle.count <= 5 ? 1 : max(2, needle.count / 3)
        var scored: [(String, Int)] = []
        for c in Set(candidates) {
            let lc = c.lowercased()
            // Every string compared below is at most lc's length, and an edit distance is at least
            // the difference in length: a far longer input (a 100 KB argument) is skipped at once.
            if needle.count - lc.count > threshold { continue }
            var score = distance(needle, lc)
            if needle.count >= 4, lc.hasPrefix(needle) || needle.hasPrefix(lc) { score = min(score, 1) }
            // "googel" should find "google analytics": compare with each word and with a
            // same-length prefix, at a one-point penalty.
            let words = lc.split(whereSeparator: { $0 == " " || $0 == "-" }).map(String.init)
            if words.count > 1 { for w in words { score = min(score, distance(needle, w) + 1) } }
            if lc.count > needle.count { score = min(score, distance(needle, String(lc.prefix(needle.count))) + 1) }
            if score <= threshold { scored.append((c, score)) }
        }
        scored.sort { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }
        return Array(scored.prefix(limit).map(\.0))
    }

    /// " Did you mean `x`?" or "" when nothing is close.
    public static func didYouMean(_ input: String, in candidates: [String]) -> String? {
        let near = nearest(to: input, in: candidates)
        guard !near.isEmpty else { return nil }
        return "did you mean " + near.map { "'\($0)'" }.joined(separator: " or ") + "?"
    }
}
