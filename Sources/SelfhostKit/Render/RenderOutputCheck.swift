import Foundation

/// Checks, before `render` writes anything, that the output directory and every directory the
/// render will create in it can be directories we write to: no file in the way (`--out afile`,
/// `--out /dev/null`, a file named `systemd` in the box), no over-long name, no read-only place.
/// A render that failed half-way would leave files but no manifest, which the next render then
/// refuses as "not written by selfhost render".
enum RenderOutputCheck {
    /// Longest file name most Linux file systems take (NAME_MAX), in bytes.
    static let nameMax = 255
    /// Room kept below PATH_MAX for the box's own paths (`<app>/.compose.yaml.tmp-<pid>-<n>`).
    static let pathMax = 4096 - 200

    /// `out` is absolute; `directories` and `files` are relative to it (`umami`, `systemd`,
    /// `.selfhost`; `umami/compose.yaml`).
    /// With `probe`, creates and removes a directory in each existing place the render writes
    /// into, which is the only test that tells a read-only mount or a full inode table apart.
    static func check(out: String, flag: String, directories: [String], files: [String] = [], probe: Bool) throws {
        func fail(_ why: String, remedy: String = "pass --out a directory you can write to (it is created if missing)") -> SelfhostError {
            .usage("\(flag) \(out) is not a writable directory: \(why)", remedy: remedy)
        }
        let components = out.split(separator: "/").map(String.init)
        if let long = components.first(where: { $0.utf8.count > nameMax }) {
            throw fail("the name '\(long.prefix(40))…' is \(long.utf8.count) bytes long; file systems take at most \(nameMax)")
        }
        if out.utf8.count > pathMax { throw fail("the path is \(out.utf8.count) bytes long, too long for the files inside it") }

        // Out and its ancestors: every existing one must be a directory.
        var existingBase: String?
        var path = ""
        for c in [""] + components {
            path = c.isEmpty ? "/" : (path == "/" ? "/\(c)" : "\(path)/\(c)")
            switch kind(path) {
            case nil: break
            case "directory"?: existingBase = path; continue
            case let k?: throw fail(path == out ? "it is \(k)" : "\(path) is \(k)")
            }
            break
        }
        // Directories inside the box: an existing non-directory in the way is refused.
        var writeInto: [String] = [existingBase ?? "/"]
        for rel in directories {
            var p = out
            for c in rel.split(separator: "/") {
                p += "/\(c)"
                switch kind(p) {
                case nil: break
                case "directory"?: if p == "\(out)/\(rel)" { writeInto.append(p) }; continue
                case let k?:
                    throw fail("\(p) is \(k), where the render puts a directory",
                               remedy: "move \(p) out of the way, or render into another --out")
                }
                break
            }
        }
        // Files the render writes: each must be absent or a regular file, so that exit 2 is
        // reached before the first write, never half-way through the box.
        for rel in files {
            let p = "\(out)/\(rel)"
            switch kind(p) {
            case nil, "a regular file"?: continue
            case let k?:
                throw fail("\(p) is \(k), where the render writes a file",
                           remedy: "move \(p) out of the way, or render into another --out")
            }
        }
        guard probe else { return }
        for dir in Set(writeInto).sorted() {
            let name = "\(dir == "/" ? "" : dir)/.selfhost-probe-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            if mkdir(name, 0o700) != 0 {
                let reason = String(cString: strerror(errno))
                throw fail(dir == out ? reason : "cannot create anything in \(dir) (\(reason))")
            }
            rmdir(name)
        }
    }

    /// What is at `path` (following symlinks): nil when nothing, "directory", or a description.
    static func kind(_ path: String) -> String? {
        var st = stat()
        guard stat(path, &st) == 0 else {
            // A dangling symlink, or a component we may not search: not a directory to write into.
            let err = errno
            if err == ENOENT { return lstat(path, &st) == 0 ? "a symbolic link to nothing" : nil }
            return "not accessible (\(String(cString: strerror(err))))"
        }
        switch st.st_mode & S_IFMT {
        case S_IFDIR: return "directory"
        case S_IFREG: return "a regular file"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFIFO: return "a named pipe"
        case S_IFSOCK: return "a socket"
        default: return "not a directory"
        }
    }

    /// A file-system error as one line, never `Error Domain=… Code=…`.
    static func describe(_ error: any Error) -> String {
        if let e = error as? SelfhostError { return e.message }
        let ns = error as NSError
        if let u = ns.userInfo[NSUnderlyingErrorKey] as? NSError, u.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(u.code)))
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        let path = ns.userInfo[NSFilePathErrorKey] as? String
        return ns.localizedDescription + (path.map { " (\($0))" } ?? "")
    }
}
