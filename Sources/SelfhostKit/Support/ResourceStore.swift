import Foundation

/// The data files the tool ships (catalog/ and templates/, embedded at build time) plus any
/// directories a user adds with `--catalog DIR` or `SELFHOST_CATALOG`. Paths are relative,
/// e.g. `catalog/apps/umami.yaml`; a user file at the same relative path overrides the shipped one.
public struct ResourceStore: Sendable {
    /// One file: its relative path, where it came from (for messages), and its text.
    public struct File: Sendable, Hashable {
        public var path: String
        public var displayPath: String
        public var contents: String
    }

    /// Files this value holds itself: the user's and added ones, or all of them for `init(files:)`.
    private var held: [String: File]
    /// Whether the files compiled into the binary lie under `held` (`embedded` and what derives from it).
    private var embeddedBelow: Bool
    /// Relative paths a user directory added or replaced.
    public private(set) var overlaidPaths: Set<String> = []

    public init(files: [String: File]) {
        self.held = files
        self.embeddedBelow = false
    }

    /// Every file, by relative path. This reads every embedded file: prefer `file(_:)` and `files(under:)`.
    public var files: [String: File] {
        var all = held
        if embeddedBelow {
            for (i, path) in EmbeddedResources.paths.enumerated() where all[path] == nil {
                all[path] = File(path: path, displayPath: path, contents: EmbeddedResources.text(i))
            }
        }
        return all
    }

    /// The shipped file at `path` as a pre-parsed tree (built at compile time), unless a user
    /// directory overrides it. Nil for non-YAML files and for files that aren't valid YAML.
    public func prebuiltTree(_ path: String) -> TreeValue? {
        guard !overlaidPaths.contains(path), let i = Self.embeddedIndex(path) else { return nil }
        return EmbeddedResources.tree(i)
    }

    /// The files compiled into the binary. Nothing is read until asked for: a file's text is
    /// built when `file(_:)` or `files(under:)` reaches it.
    public static let embedded: ResourceStore = {
        var store = ResourceStore(files: [:])
        store.embeddedBelow = true
        return store
    }()

    /// Where `path` is in `EmbeddedResources.paths` (sorted), by binary search.
    static func embeddedIndex(_ path: String) -> Int? {
        let paths = EmbeddedResources.paths
        let i = lowerBound(path, in: paths)
        return i < paths.count && paths[i] == path ? i : nil
    }

    private static func lowerBound(_ key: String, in paths: [String]) -> Int {
        var low = 0, high = paths.count
        while low < high {
            let mid = (low + high) / 2
            if paths[mid] < key { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// Files under `prefix` (e.g. `catalog/apps/`), sorted by path.
    public func files(under prefix: String) -> [File] {
        var found = held.filter { $0.key.hasPrefix(prefix) }
        if embeddedBelow {
            let paths = EmbeddedResources.paths
            var i = Self.lowerBound(prefix, in: paths)
            while i < paths.count, paths[i].hasPrefix(prefix) {
                if found[paths[i]] == nil {
                    found[paths[i]] = File(path: paths[i], displayPath: paths[i], contents: EmbeddedResources.text(i))
                }
                i += 1
            }
        }
        return found.values.sorted { $0.path < $1.path }
    }

    /// Relative paths under `prefix`, sorted, without reading the files.
    public func paths(under prefix: String) -> [String] {
        var found = Set(held.keys.filter { $0.hasPrefix(prefix) })
        if embeddedBelow {
            let paths = EmbeddedResources.paths
            var i = Self.lowerBound(prefix, in: paths)
            while i < paths.count, paths[i].hasPrefix(prefix) {
                found.insert(paths[i])
                i += 1
            }
        }
        return found.sorted()
    }

    public func file(_ path: String) -> File? {
        if let f = held[path] { return f }
        guard embeddedBelow, let i = Self.embeddedIndex(path) else { return nil }
        return File(path: path, displayPath: path, contents: EmbeddedResources.text(i))
    }

    /// The store with `added` files at their paths (a render's own apps' templates: `OwnApp`).
    public func adding(_ added: [File]) -> ResourceStore {
        var copy = self
        for f in added { copy.held[f.path] = f }
        return copy
    }

    /// The catalog's sub-folders and top-level files; a user's YAML file elsewhere is misplaced.
    public static let catalogFolders = ["apps", "saas", "pricing", "email-providers"]
    public static let catalogTopLevelFiles = ["categories.yaml", "spdx.yaml"]

    /// User YAML files that are not where the catalog looks (e.g. an app entry at the top of the
    /// directory instead of under `apps/`), so that they are reported rather than ignored.
    public private(set) var misplaced: [String] = []

    /// Adds a user's catalog directory, or one catalog file. The directory mirrors `catalog/`
    /// (`apps/`, `saas/`, …; a directory that itself holds `catalog/` is accepted too). A directory
    /// named like one of the sub-folders (`my-catalog/apps`) or a file inside one is taken as that
    /// folder. Throws a usage error if the path is missing or unreadable.
    public func overlaying(catalogDirectory dir: URL) throws -> ResourceStore {
        var copy = self
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: dir.path, isDirectory: &isDir) else {
            throw SelfhostError.usage("catalog path \(dir.path) does not exist", remedy: "pass a directory holding apps/ and saas/ YAML files")
        }
        if !isDir.boolValue {
            // One file: it must sit in a folder that says what it is.
            let folder = dir.deletingLastPathComponent().lastPathComponent
            guard Self.catalogFolders.contains(folder) || Self.catalogTopLevelFiles.contains(dir.lastPathComponent) else {
                throw SelfhostError.usage("\(dir.path) is not in a catalog folder", at: SourceLocation(file: dir.path),
                                          remedy: "put app entries in apps/, SaaS entries in saas/ (or pass the directory that holds them)")
            }
            let key = "catalog/" + (Self.catalogFolders.contains(folder) ? "\(folder)/" : "") + dir.lastPathComponent
            try copy.add(url: dir, as: key)
            return copy
        }
        var base = dir
        var prefix = ""
        if fm.fileExists(atPath: dir.appendingPathComponent("catalog").path) {
            base = dir.appendingPathComponent("catalog")
        } else if Self.catalogFolders.contains(dir.lastPathComponent) {
            prefix = dir.lastPathComponent + "/"
        }
        guard let walker = fm.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey]) else { return copy }
        for case let url as URL in walker {
            let name = url.lastPathComponent
            guard name.hasSuffix(".yaml") || name.hasSuffix(".yml"), !name.hasPrefix(".") else { continue }
            let rel = prefix + String(url.standardizedFileURL.path.dropFirst(base.standardizedFileURL.path.count + 1))
            let parts = rel.split(separator: "/").map(String.init)
            let placed = (parts.count == 2 && Self.catalogFolders.contains(parts[0]))
                || (parts.count == 1 && Self.catalogTopLevelFiles.contains(parts[0]))
            if !placed {
                copy.misplaced.append(url.path)
                continue
            }
            try copy.add(url: url, as: "catalog/" + rel)
        }
        return copy
    }

    private mutating func add(url: URL, as key: String) throws {
        if let size = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? Int, size > InputBudget.maxFileBytes {
            throw SelfhostError.usage("\(url.path) is \(size) bytes, more than the \(InputBudget.maxFileBytes / 1024 / 1024) MiB a catalog file may have",
                                      at: SourceLocation(file: url.path), remedy: "no catalog entry needs this much; check that it is the right file")
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw SelfhostError.usage("cannot read \(url.path)", remedy: "check its permissions")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SelfhostError.usage("\(url.path) is not UTF-8 text", at: SourceLocation(file: url.path), remedy: "save it as UTF-8")
        }
        held[key] = File(path: key, displayPath: url.path, contents: text)
        overlaidPaths.insert(key)
    }
}
