import Foundation

/// How a unit runs docker compose, and which compose files that means.
struct ComposeUnitTarget {
    var directory: String?
    var fileArgument: String?
    var detached: Bool
    var command: String?
    var invocation: UnitFile.Assignment

    /// Reads `docker compose [-f F] [--project-directory D] up -d` from the unit.
    static func all(in unit: UnitFile) -> [ComposeUnitTarget] {
        var wd = unit.value("Service", "WorkingDirectory")?.value
        if wd?.hasPrefix("-") == true { wd?.removeFirst() }
        return unit.composeInvocations.map { a, _, args in
            var t = ComposeUnitTarget(directory: wd, fileArgument: nil, detached: false, command: nil, invocation: a)
            var i = 0
            while i < args.count {
                let w = args[i]
                if w == "-f" || w == "--file", i + 1 < args.count { t.fileArgument = args[i + 1]; i += 2; continue }
                if w.hasPrefix("--file=") { t.fileArgument = String(w.dropFirst(7)) }
                if w == "--project-directory", i + 1 < args.count { t.directory = args[i + 1]; i += 2; continue }
                if w.hasPrefix("--project-directory=") { t.directory = String(w.dropFirst(20)) }
                if t.command == nil, !w.hasPrefix("-") { t.command = w }
                if t.command == "up", w == "-d" || w == "--detach" || w == "--wait" || (w.hasPrefix("-") && !w.hasPrefix("--") && w.contains("d")) { t.detached = true }
                i += 1
            }
            return t
        }
    }

    /// Linted or on-disk compose files this invocation uses; `found` is false when none can be located.
    func composeFiles(in project: LintProject) -> (files: [ComposeFile], checkedOnDisk: Bool, found: Bool) {
        let defaults = ["compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"]
        if let file = fileArgument, file.hasPrefix("/") {
            let url = URL(fileURLWithPath: file)
            if FileManager.default.fileExists(atPath: file) {
                return (project.composeFiles.filter { $0.source.url.standardizedFileURL.path == url.standardizedFileURL.path }, true, true)
            }
            let matches = project.composeFiles(forWorkingDirectory: url.deletingLastPathComponent().path).filter { $0.source.url.lastPathComponent == url.lastPathComponent }
            return (matches, false, !matches.isEmpty)
        }
        guard let dir = directory else { return ([], false, false) }
        let names = fileArgument.map { [$0] } ?? defaults
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue {
            let present = names.filter { FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent($0)) }
            let linted = project.composeFiles.filter { $0.source.directory.standardizedFileURL.path == URL(fileURLWithPath: dir).standardizedFileURL.path }
            return (linted, true, !present.isEmpty)
        }
        let matches = project.composeFiles(forWorkingDirectory: dir).filter { names.contains($0.source.url.lastPathComponent) }
        return (matches, false, !matches.isEmpty)
    }
}
