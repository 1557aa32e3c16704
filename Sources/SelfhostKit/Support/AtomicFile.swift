import Foundation

/// Writes files so that a reader never sees half of one: temp file in the same directory,
/// fsync, then rename over the target.
public enum AtomicFile {
    /// Writes `contents` to `url` atomically, creating parent directories, with `permissions`
    /// (e.g. 0o600 for secrets) set before the file becomes visible.
    public static func write(_ contents: String, to url: URL, permissions: Int16 = 0o644) throws {
        let fm = FileManager.default
        let dir = url.deletingLastPathComponent()
        do {
            try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        } catch {
            // Report it as a message, never as a raw NSError.
            let ns = error as NSError
            let underlying = (ns.userInfo[NSUnderlyingErrorKey] as? NSError).map { String(cString: strerror(Int32($0.code))) }
            throw SelfhostError.usage("cannot create the directory \(dir.path): \(underlying ?? ns.localizedDescription)",
                                      remedy: "check that no file is in the way and that the parent directory is writable")
        }
        let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let fd = open(tmp.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(permissions))
        guard fd >= 0 else {
            throw SelfhostError.usage("cannot write \(url.path): \(String(cString: strerror(errno)))", remedy: "check that the directory is writable")
        }
        var ok = true
        let bytes = Array(contents.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n <= 0 { ok = false; break }
            offset += n
        }
        fchmod(fd, mode_t(permissions))  // umask may have trimmed the mode at open
        if fsync(fd) != 0 { ok = false }
        close(fd)
        guard ok, rename(tmp.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(tmp.path)
            throw SelfhostError.usage("cannot write \(url.path): \(reason)", remedy: "check free disk space and permissions")
        }
    }
}
