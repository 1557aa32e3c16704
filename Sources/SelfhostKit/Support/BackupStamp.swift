import Foundation

/// The rendered backup.sh names each finished backup directory by the UTC time it started,
/// `20261202T031500Z` (a run in progress, or one that failed, is `<stamp>.partial`). Read the same
/// way by `render --remove` and `upgrade` (the backup a purge or an upgrade needs), `status`
/// (the last backup's age and size) and `backup verify` (the backup it restores).
enum BackupStamp {
    /// The names in `directory` that look like finished backups, oldest first (stamps sort as times).
    static func names(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix("Z") && $0.first?.isNumber == true }
            .sorted()
    }

    /// The time `stamp` names, or nil when it isn't one.
    static func date(_ stamp: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.date(from: stamp)
    }
}
