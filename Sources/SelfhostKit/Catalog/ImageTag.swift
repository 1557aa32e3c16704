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

/// The one check of an image reference, used by `catalog check` and by `render` alike, so that
/// the catalog never accepts what render refuses. The grammar is the OCI distribution spec's
/// (https://github.com/opencontainers/distribution-spec/blob/main/spec.md, "Pulling manifests",
/// checked 2026-12-01): a tag is `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`; a repository is path
/// components `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*` joined by `/`, optionally after a registry
/// host (`ghcr.io`, `registry.example.com:5000`).
public enum ImageReference {
    /// The longest name Docker accepts (reference.NameTotalLengthMax in distribution/reference).
    public static let maxNameLength = 255

    /// Nil when `tag` is a valid tag; otherwise why not.
    public static func tagProblem(_ tag: String) -> String? {
        let s = Array(tag.unicodeScalars)
        guard !s.isEmpty else { return "the tag is empty" }
        guard s.count <= 128 else { return "the tag is \(s.count) characters long (at most 128)" }
        func word(_ c: Unicode.Scalar) -> Bool { ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) || c == "_" }
        guard word(s[0]) else { return "the tag starts with '\(PlainText.visible(String(s[0])))' (it must start with a letter, digit or _)" }
        if let bad = s.first(where: { !(word($0) || $0 == "." || $0 == "-") }) {
            return "the tag contains \(bad == " " ? "a space" : "'\(PlainText.visible(String(bad)))'") (allowed: letters, digits, _ . -)"
        }
        return nil
    }

    /// Nil when `name` is a valid repository name (with optional registry host); otherwise why not.
    public static func nameProblem(_ name: String) -> String? {
        guard !name.isEmpty else { return "the image name is empty" }
        guard name.unicodeScalars.count <= maxNameLength else { return "the image name is longer than \(maxNameLength) characters" }
        var parts = name.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        // A first part with a dot or a port, or `localhost`, is a registry host.
        if parts.count > 1, let first = parts.first, first.contains(".") || first.contains(":") || first == "localhost" {
            parts.removeFirst()
            let hostPort = first.split(separator: ":", omittingEmptySubsequences: false)
            let labelsOK = hostPort[0].split(separator: ".", omittingEmptySubsequences: false).allSatisfy { l in
                !l.isEmpty && l.first != "-" && l.last != "-" && l.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-") }
            }
            let portOK = hostPort.count == 1 || (hostPort.count == 2 && !hostPort[1].isEmpty && hostPort[1].count <= 5 && hostPort[1].allSatisfy { $0.isASCII && $0.isNumber })
            guard labelsOK, portOK else { return "the registry host '\(PlainText.visible(first))' is not a host name[:port]" }
        }
        for part in parts where !isPathComponent(part) {
            return "'\(PlainText.visible(part))' is not a valid repository path component (lower-case letters and digits, separated by . _ __ or -)"
        }
        return nil
    }

    /// `name:tag` checked whole; nil when valid.
    public static func problem(name: String, tag: String) -> String? {
        nameProblem(name) ?? tagProblem(tag)
    }

    static func isPathComponent(_ s: String) -> Bool {
        let c = Array(s.unicodeScalars)
        func alnum(_ x: Unicode.Scalar) -> Bool { ("a"..."z").contains(x) || ("0"..."9").contains(x) }
        guard let f = c.first, let l = c.last, alnum(f), alnum(l) else { return false }
        var i = 0
        while i < c.count {
            if alnum(c[i]) { i += 1; continue }
            // A separator run: ".", "_", "__" or one or more "-".
            var j = i
            while j < c.count, !alnum(c[j]) { j += 1 }
            let sep = String(String.UnicodeScalarView(c[i..<j]))
            guard sep == "." || sep == "_" || sep == "__" || sep.allSatisfy({ $0 == "-" }) else { return false }
            i = j
        }
        return true
    }
}
