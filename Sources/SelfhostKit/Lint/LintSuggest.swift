/// Did-you-mean for names read from user files, bounded: edit distance is quadratic in memory and
/// time, so a hostile multi-megabyte "key" must not reach it.
enum LintSuggest {
    static let maxLength = 64

    static func didYouMean(_ input: String, in candidates: [String]) -> String? {
        guard input.utf8.count <= maxLength else { return nil }
        return Suggestions.didYouMean(input, in: candidates)
    }
}

extension String {
    /// The name as quoted in a message: long names are cut so a hostile file can't flood the output.
    var shownName: String { count > 80 ? String(prefix(60)) + "… (\(count) characters)" : self }
}
