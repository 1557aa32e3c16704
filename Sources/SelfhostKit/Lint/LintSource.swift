import Foundation

/// The kinds of file `selfhost lint` understands.
public enum LintFileKind: String, Sendable, Codable, CaseIterable {
    case compose, caddyfile, systemd, env

    /// Detects a kind from the file name alone, as `selfhost lint DIR` does.
    public static func detect(fileName name: String) -> LintFileKind? {
        let lower = name.lowercased()
        if ["compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"].contains(lower)
            || lower.hasSuffix(".compose.yaml") || lower.hasSuffix(".compose.yml")
            || (lower.hasPrefix("docker-compose.") && (lower.hasSuffix(".yml") || lower.hasSuffix(".yaml")))
            || (lower.hasPrefix("compose.") && (lower.hasSuffix(".yml") || lower.hasSuffix(".yaml"))) {
            return .compose
        }
        if lower == "caddyfile" || lower.hasPrefix("caddyfile.") || lower.hasSuffix(".caddyfile") { return .caddyfile }
        if lower.hasSuffix(".service") || lower.hasSuffix(".timer") || lower.hasSuffix(".socket") { return .systemd }
        if lower == ".env" || lower.hasPrefix(".env.") || lower.hasSuffix(".env") { return .env }
        return nil
    }
}

/// One file's text with a line index, so parsers and rules can turn offsets into positions.
public struct LintSource: Sendable {
    /// As shown in findings: relative to the working directory when inside it.
    public var path: String
    /// Absolute file URL.
    public var url: URL
    public var kind: LintFileKind
    public var text: String
    /// Lines without their terminators.
    public var lines: [Substring]
    /// POSIX permission bits, when known.
    public var mode: Int?
    /// Read from standard input (`selfhost lint -`): `url` names no file on disk, so external tools get
    /// the text in a scratch file of the same name.
    public var fromStandardInput: Bool

    public init(path: String, url: URL, kind: LintFileKind, text: String, mode: Int? = nil, fromStandardInput: Bool = false) {
        self.path = path
        self.url = url
        self.kind = kind
        self.text = text
        self.mode = mode
        self.fromStandardInput = fromStandardInput
        // \n, \r\n and a lone \r each end a line, in every format (see TextLines).
        self.lines = TextLines.split(text, yaml: kind == .compose)
    }

    /// The directory holding the file.
    public var directory: URL { url.deletingLastPathComponent() }

    /// The text of a 1-based line, or "" past the end.
    public func line(_ n: Int) -> Substring {
        n >= 1 && n <= lines.count ? lines[n - 1] : ""
    }

    public func location(_ line: Int, _ column: Int) -> SourceLocation {
        SourceLocation(file: path, line: line, column: max(1, column))
    }
}

/// A file that was found but not linted, and why.
public struct SkippedFile: Sendable, Codable, Hashable {
    public var file: String
    public var reason: String
}

/// Finds lintable files under the given paths and reads them safely.
public enum LintDiscovery {
    /// Files above this size are skipped with a reason: no real config is this large, and time and memory stay bounded.
    public static let maxFileSize = 4 * 1024 * 1024
    /// Directories never descended into.
    static let ignoredDirectories: Set<String> = [".git", ".hg", ".svn", "node_modules", ".build", ".venv", "vendor"]

    public struct Result: Sendable {
        public var sources: [LintSource] = []
        public var skipped: [SkippedFile] = []
        /// Located problems found while reading, such as invalid UTF-8.
        public var diagnostics: [Diagnostic] = []
    }

    /// Walks `paths` (files or directories). A path given explicitly is linted even when its name is
    /// not recognised, if its content says what it is; an unreadable or missing path is a usage error.
    /// `-` reads standard input once: its kind comes from `stdinName` (`compose.yaml`, `Caddyfile`,
    /// `app.service`, `.env`), else from its content.
    public static func discover(paths: [String], context: Context, exclude: [String] = [], stdinName: String? = nil) throws -> Result {
        var result = Result()
        var seen = Set<String>()
        let fm = FileManager.default
        for raw in paths {
            if raw == "-" {
                guard seen.insert("-").inserted else { continue }
                try readStandardInput(name: stdinName, context: context, into: &result)
                continue
            }
            let url = context.url(for: raw)
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: url.path, isDirectory: &isDir) else {
                throw SelfhostError.usage("no such file or directory: \(raw)", remedy: "pass existing files or directories (default: .)")
            }
            if isDir.boolValue {
                guard let walker = fm.enumerator(at: url, includingPropertiesForKeys: [.isDirectoryKey, .isSymbolicLinkKey], options: []) else {
                    throw SelfhostError.usage("cannot read directory \(raw)")
                }
                var found: [URL] = []
                while let next = walker.nextObject() as? URL {
                    let values = try? next.resourceValues(forKeys: [.isDirectoryKey, .isSymbolicLinkKey])
                    if values?.isDirectory == true {
                        if ignoredDirectories.contains(next.lastPathComponent) { walker.skipDescendants() }
                        continue
                    }
                    if values?.isSymbolicLink == true, (try? next.resolvingSymlinksInPath().resourceValues(forKeys: [.isDirectoryKey]))?.isDirectory == true {
                        continue
                    }
                    if LintFileKind.detect(fileName: next.lastPathComponent) != nil { found.append(next) }
                }
                for file in found.sorted(by: { $0.path < $1.path }) {
                    let shown = display(file, context)
                    if excluded(shown, exclude) { continue }
                    guard seen.insert(file.standardizedFileURL.path).inserted else { continue }
                    read(file, kind: LintFileKind.detect(fileName: file.lastPathComponent)!, shown: shown, into: &result, explicit: false)
                }
            } else {
                guard seen.insert(url.path).inserted else { continue }
                let shown = display(url, context)
                guard let kind = LintFileKind.detect(fileName: url.lastPathComponent) ?? sniff(url) else {
                    result.skipped.append(SkippedFile(file: shown, reason: "not a compose file, Caddyfile, systemd unit or .env file by its name"))
                    continue
                }
                read(url, kind: kind, shown: shown, into: &result, explicit: true)
            }
        }
        return result
    }

    /// Reads one file: refuses huge and binary files with a reason, locates invalid UTF-8.
    static func read(_ url: URL, kind: LintFileKind, shown: String, into result: inout Result, explicit: Bool) {
        // Follow symlinks, then insist on a regular file: a FIFO would block the open forever and
        // /dev/zero would never end.
        let resolved = url.resolvingSymlinksInPath()
        let attrs = try? FileManager.default.attributesOfItem(atPath: resolved.path)
        if let type = attrs?[.type] as? FileAttributeType, type != .typeRegular {
            result.skipped.append(SkippedFile(file: shown, reason: "not a regular file (\(fileKind(resolved.path)))"))
            return
        }
        let size = (attrs?[.size] as? NSNumber)?.intValue ?? 0
        if size > maxFileSize {
            result.skipped.append(SkippedFile(file: shown, reason: "\(mebibytes(size, above: maxFileSize)) is over the \(mebibytes(maxFileSize)) limit"))
            return
        }
        guard let handle = FileHandle(forReadingAtPath: resolved.path) else {
            result.diagnostics.append(Diagnostic(.error, "cannot read file (permission denied?)", at: SourceLocation(file: shown), rule: "lint.unreadable", fix: "make the file readable by the user running the linter"))
            return
        }
        // Never more than the limit, even if the file grew since it was measured.
        let data = (try? handle.read(upToCount: maxFileSize + 1)) ?? Data()
        try? handle.close()
        let mode = (attrs?[.posixPermissions] as? NSNumber)?.intValue
        accept(data, kind: kind, shown: shown, url: url, mode: mode, into: &result)
    }

    /// `selfhost lint -`: the text on standard input, named `name` (which also gives its kind) or `<stdin>`.
    static func readStandardInput(name: String?, context: Context, into result: inout Result) throws {
        let shown = name ?? "<stdin>"
        let kind: LintFileKind
        let data = context.readStandardInput(maxFileSize)
        if let name {
            guard let k = LintFileKind.detect(fileName: (name as NSString).lastPathComponent) else {
                throw SelfhostError.usage("--stdin-name \(name) does not say what the input is",
                                          remedy: "give --stdin-name a name lint recognises: compose.yaml, Caddyfile, NAME.service, NAME.timer or .env")
            }
            kind = k
        } else if let k = sniff(text: String(decoding: data.prefix(4096), as: UTF8.self), pathExtension: "") {
            kind = k
        } else {
            throw SelfhostError.usage("cannot tell what standard input is (no `services:` or [Unit]/[Service] section at the start)",
                                      remedy: "name it: `selfhost lint - --stdin-name compose.yaml` (or Caddyfile, NAME.service, .env)")
        }
        // Relative files the input names (env_file, .env beside a compose file) resolve from the working directory.
        let url = context.workingDirectory.appendingPathComponent((shown as NSString).lastPathComponent == "<stdin>" ? "stdin" : (shown as NSString).lastPathComponent)
        accept(data, kind: kind, shown: shown, url: url, mode: nil, fromStandardInput: true, into: &result)
    }

    /// Checks bytes read from a file or standard input and keeps them as a source: refuses oversized and
    /// binary input with a reason, locates invalid UTF-8.
    static func accept(_ data: Data, kind: LintFileKind, shown: String, url: URL, mode: Int?, fromStandardInput: Bool = false, into result: inout Result) {
        if data.count > maxFileSize {
            result.skipped.append(SkippedFile(file: shown, reason: "over the \(mebibytes(maxFileSize)) limit"))
            return
        }
        let bytes = [UInt8](data)
        if bytes.prefix(8192).contains(0) {
            result.skipped.append(SkippedFile(file: shown, reason: "binary file (contains NUL bytes)"))
            return
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let (line, column) = firstInvalidUTF8(bytes)
            result.diagnostics.append(Diagnostic(.error, "file is not valid UTF-8; the linter read nothing further", at: SourceLocation(file: shown, line: line, column: column), rule: "lint.unreadable", fix: "save the file as UTF-8"))
            return
        }
        var body = text
        if body.hasPrefix("\u{FEFF}") { body.removeFirst() }
        if kind == .systemd, let reason = notASystemdUnit(body) {
            result.skipped.append(SkippedFile(file: shown, reason: reason))
            return
        }
        result.sources.append(LintSource(path: shown, url: url, kind: kind, text: body, mode: mode, fromStandardInput: fromStandardInput))
    }

    /// Why a `*.service` file is not a systemd unit, or nil when it may be one: a shebang script
    /// (`#!/bin/sh`), or a D-Bus activation file (first section `[D-BUS Service]`).
    static func notASystemdUnit(_ text: String) -> String? {
        if text.hasPrefix("#!") { return "a script (starts with #!), not a systemd unit" }
        for line in text.split(whereSeparator: \.isNewline) {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.isEmpty || t.hasPrefix("#") || t.hasPrefix(";") { continue }
            if t.lowercased() == "[d-bus service]" { return "a D-Bus activation file ([D-BUS Service]), not a systemd unit" }
            return nil
        }
        return nil
    }

    /// A size in MiB with one decimal (`4.6 MiB`), whole numbers without it (`4 MiB`). With `above`, a size
    /// over that many bytes is rounded up, so it never prints as the limit it exceeds (`4.0 MiB`).
    static func mebibytes(_ bytes: Int, above limit: Int? = nil) -> String {
        if bytes % 1_048_576 == 0 { return "\(bytes / 1_048_576) MiB" }
        var tenths = (bytes * 10 + 524_288) / 1_048_576
        if let limit, bytes > limit, tenths * 1_048_576 <= limit * 10 { tenths = (bytes * 10 + 1_048_575) / 1_048_576 }
        return "\(tenths / 10).\(tenths % 10) MiB"
    }

    /// What a non-regular file is, in words: FIFO, socket, character device, block device, directory.
    static func fileKind(_ path: String) -> String {
        var st = stat()
        guard stat(path, &st) == 0 else { return "socket, device, FIFO or other special file" }
        switch st.st_mode & S_IFMT {
        case S_IFIFO: return "a FIFO"
        case S_IFSOCK: return "a socket"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFDIR: return "a directory"
        case S_IFLNK: return "a symbolic link"
        default: return "socket, device, FIFO or other special file"
        }
    }

    /// Line and column (in characters) of the first byte sequence that is not UTF-8.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> (Int, Int) {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var line = 1, column = 1
        while true {
            switch decoder.decode(&iterator) {
            case let .scalarValue(ch):
                if ch == "\n" { line += 1; column = 1 } else { column += 1 }
            case .emptyInput, .error:
                return (line, column)
            }
        }
    }

    /// Content sniffing for explicitly named files with unusual names.
    static func sniff(_ url: URL) -> LintFileKind? {
        let resolved = url.resolvingSymlinksInPath()
        guard (try? FileManager.default.attributesOfItem(atPath: resolved.path))?[.type] as? FileAttributeType == .typeRegular,
              let handle = FileHandle(forReadingAtPath: resolved.path) else { return nil }
        defer { try? handle.close() }
        let head = String(decoding: (try? handle.read(upToCount: 4096)) ?? Data(), as: UTF8.self)
        return sniff(text: head, pathExtension: url.pathExtension)
    }

    /// What the first 4 KiB of a file say it is: a top-level `services:` is a compose file, a
    /// `[Unit]`-style section a systemd unit; a `.yaml`/`.yml` name a compose file.
    static func sniff(text head: String, pathExtension: String) -> LintFileKind? {
        if head.range(of: #"(?m)^services:\s*$"#, options: .regularExpression) != nil { return .compose }
        if head.range(of: #"(?m)^\[(Unit|Service|Install|Timer|Socket)\]\s*$"#, options: .regularExpression) != nil { return .systemd }
        if pathExtension == "yaml" || pathExtension == "yml" { return .compose }
        return nil
    }

    static func display(_ url: URL, _ context: Context) -> String {
        let base = context.workingDirectory.standardizedFileURL.path
        let p = url.standardizedFileURL.path
        if p.hasPrefix(base + "/") { return String(p.dropFirst(base.count + 1)) }
        return p
    }

    static func excluded(_ path: String, _ patterns: [String]) -> Bool {
        patterns.contains { fnmatch($0, path, 0) == 0 || path.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }
    }
}
