/// An image reference as the catalog pins it (`postgres:17-alpine`, `ghcr.io/org/app:1.2.3`),
/// split the way a registry needs it: registry host, repository path, tag.
public struct RegistryImage: Sendable, Hashable {
    public var registry: String
    public var repository: String
    public var tag: String

    /// Docker's rules: a first path component with a dot or a colon (or `localhost`) is a
    /// registry; otherwise Docker Hub, where one-component names live under `library/`.
    public init(name: String, tag: String) {
        let parts = name.split(separator: "/", maxSplits: 1).map(String.init)
        if parts.count == 2, parts[0].contains(".") || parts[0].contains(":") || parts[0] == "localhost" {
            registry = parts[0]
            repository = parts[1]
        } else {
            registry = "registry-1.docker.io"
            repository = parts.count == 1 ? "library/\(name)" : name
        }
        self.tag = tag
    }

    /// How people write it (Docker Hub without its host and `library/`).
    public var display: String {
        if registry == "registry-1.docker.io" {
            return repository.hasPrefix("library/") ? String(repository.dropFirst("library/".count)) : repository
        }
        return "\(registry)/\(repository)"
    }
}

/// A tag read as a version: a prefix, dotted numbers, a suffix (`v6.2.0` → `v`, [6, 2, 0], ``;
/// `17-alpine` → ``, [17], `-alpine`; `35.0.1-apache` → ``, [35, 0, 1], `-apache`). Only tags of
/// the same shape — same prefix, suffix and count of numbers — are compared, so `17-alpine` moves
/// to `18-alpine`, never to `18-bookworm`, `latest` or a `-rc1`.
public struct TagVersion: Sendable, Hashable, Comparable {
    public var prefix: String
    public var numbers: [Int]
    public var suffix: String

    public init?(_ tag: String) {
        guard let start = tag.firstIndex(where: \.isNumber) else { return nil }
        prefix = String(tag[..<start])
        guard prefix.allSatisfy({ $0.isLetter }), prefix.count <= 3 else { return nil }
        var numbers: [Int] = []
        var i = start
        while i < tag.endIndex {
            let digits = tag[i...].prefix(while: \.isNumber)
            guard !digits.isEmpty, digits.count <= 9, let n = Int(digits) else { return nil }
            numbers.append(n)
            i = digits.endIndex
            if i < tag.endIndex, tag[i] == ".", tag.index(after: i) < tag.endIndex, tag[tag.index(after: i)].isNumber {
                i = tag.index(after: i)
            } else {
                break
            }
        }
        self.numbers = numbers
        suffix = String(tag[i...])
    }

    public func sameShape(as other: TagVersion) -> Bool {
        prefix == other.prefix && suffix == other.suffix && numbers.count == other.numbers.count
    }

    public static func < (a: TagVersion, b: TagVersion) -> Bool { a.numbers.lexicographicallyPrecedes(b.numbers) }

    /// The newest tag of the same shape as `pinned` among `tags` (the pinned one if none is newer).
    public static func newest(of tags: [String], like pinned: String) -> String? {
        guard let base = TagVersion(pinned) else { return nil }
        var best: (TagVersion, String)?
        for tag in tags {
            guard let v = TagVersion(tag), v.sameShape(as: base) else { continue }
            if best == nil || best!.0 < v { best = (v, tag) }
        }
        return best?.1
    }
}
