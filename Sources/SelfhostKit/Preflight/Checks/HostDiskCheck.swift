import Foundation

/// `host.disk` (`--local`): enough free disk for images and data (error under 5 GB, warning under 20 GB).
public enum HostDiskCheck {
    public static let definition: CheckDefinition = CheckDefinition(
        id: "host.disk",
        summary: "With --local: the filesystem holding /var/lib/docker has at least 20 GB free (error below 5 GB).",
        fix: "Free space (docker system prune) or grow the disk.",
        localOnly: true
    ) { env in
        guard env.local, let host = env.host else { return [definition.result(.skipped, "localhost", "run on the server with --local to check")] }
        guard let (path, free) = host.freeDiskBytes() else { return [definition.result(.error, "disk", "cannot read free space")] }
        let gb = Double(free) / 1e9
        let text = String(format: "%.1f GB free on %@", gb, path)
        if gb < 5 { return [definition.result(.error, path, text + ": images and databases won't fit", fix: "; run: docker system prune -a (or grow the disk)")] }
        if gb < 20 { return [definition.result(.warning, path, text + ": tight for images, logs and backups", fix: "; run: docker system prune -a (or grow the disk)")] }
        return [definition.result(.ok, path, text)]
    }
}
