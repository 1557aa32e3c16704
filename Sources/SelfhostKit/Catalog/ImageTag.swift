/// Image tags that move: pinning to one of these means the next pull may upgrade silently.
public enum ImageTag {
    static let floatingWords: Set<String> = [
        "latest", "stable", "edge", "nightly", "dev", "develop", "beta", "canary", "lts", "main",
        "master", "production", "release", "current", "rolling", "next", "unstable",
    ]

    /// Whether `tag` is floating: empty, or any dash-separated part is a floating word
    /// (`latest`, `postgresql-latest`, `production-bookworm`).
    public static func isFloating(_ tag: String) -> Bool {
        let t = tag.lowercased()
        if t.isEmpty { return true }
        return t.split(whereSeparator: { $0 == "-" || $0 == "_" || $0 == "." }).contains { floatingWords.contains(String($0)) }
    }
}
