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
        // The step that failed decides the hint: a failed write or fsync is space or the device;
        // a failed rename is what sits at the target (a directory, a mount point) or permissions.
        var failure: (step: String, errno: Int32)?
        let bytes = Array(contents.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n <= 0 { failure = ("write", n < 0 ? errno : ENOSPC); break }
            offset += n
        }
        fchmod(fd, mode_t(permissions))  // umask may have trimmed the mode at open
        if failure == nil, fsync(fd) != 0 { failure = ("write", errno) }
        close(fd)
        if failure == nil, rename(tmp.path, url.path) != 0 { failure = ("rename", errno) }
        if let failure {
            unlink(tmp.path)
            throw SelfhostError.usage("cannot write \(url.path): \(String(cString: strerror(failure.errno)))", remedy: hint(failure.errno, step: failure.step, path: url.path))
        }
    }

    /// What to do about a failed write, by its errno.
    static func hint(_ code: Int32, step: String, path: String) -> String {
        switch code {
        case EISDIR, ENOTEMPTY, EEXIST: return "\(path) is a directory where a file belongs: move it out of the way"
        case ENOTDIR: return "a file sits where a directory of \(path) belongs: move it out of the way"
        case EACCES, EPERM: return "check the permissions of \(path) and of its directory"
        case EROFS: return "the file system is read-only: write somewhere else"
        case ENOSPC, EDQUOT: return "the disk (or your quota) is full: free some space"
        case EBUSY: return "\(path) is in use (a mount point?): write somewhere else"
        default: return step == "write" ? "check free disk space and the device" : "check what is at \(path) and the directory's permissions"
        }
    }
}
