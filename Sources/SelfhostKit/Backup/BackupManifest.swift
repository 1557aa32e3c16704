import Foundation

/// `manifest.json` in each backup directory, written by the rendered backup.sh when the backup is
/// made: every file's size and SHA-256, and each PostgreSQL dump's tables with their row counts
/// (read back from the dump with pg_restore). `selfhost backup verify` compares a restore with it.
public struct BackupManifest: Codable, Sendable, Equatable {
    public struct File: Codable, Sendable, Equatable {
        public var name: String
        public var bytes: Int64
        public var sha256: String
    }

    public struct Database: Codable, Sendable, Equatable {
        public var service: String
        public var database: String
        /// `postgres`, `mysql`, `mongodb`, `redis`, `clickhouse`.
        public var kind: String
        public var file: String
        /// `schema.table` → rows in the dump; nil for kinds whose dumps aren't counted (all but postgres).
        public var tables: [String: Int]?
    }

    public var version: Int
    public var app: String
    /// The backup's UTC stamp, e.g. `20261202T031500Z`.
    public var createdAt: String
    public var files: [File]
    public var databases: [Database]

    enum CodingKeys: String, CodingKey {
        case version, app, createdAt = "created_at", files, databases
    }

    static let fileName = "manifest.json"

    /// Why a backup has no usable manifest.
    struct Problem: Error { var message: String }

    /// The manifest of the backup in `directory`; a problem (exit 1 later) when absent or unreadable.
    static func read(in directory: String) -> Result<BackupManifest, Problem> {
        let path = (directory as NSString).appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(Problem(message: "no \(fileName) in \(directory): the backup was made before backups wrote one, or is incomplete"))
        }
        guard data.count <= InputBudget.backupManifestBytes else {
            return .failure(Problem(message: "\(path) is larger than \(InputBudget.backupManifestBytes) bytes: not a backup manifest"))
        }
        do {
            return .success(try JSONDecoder().decode(BackupManifest.self, from: data))
        } catch {
            return .failure(Problem(message: "\(path) is not a backup manifest: \(error)"))
        }
    }
}

/// `<backup-dir>/<app>/.verified.json`: the last `selfhost backup verify` of the app, which
/// `selfhost status` shows.
public struct BackupVerifyRecord: Codable, Sendable, Equatable {
    /// The backup it restored (its directory name).
    public var backup: String?
    public var verifiedAt: Date
    public var ok: Bool
    public var problems: [String]

    enum CodingKeys: String, CodingKey { case backup, verifiedAt = "verified_at", ok, problems }

    static let fileName = ".verified.json"

    static func read(in appBackupDir: String) -> BackupVerifyRecord? {
        let path = (appBackupDir as NSString).appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: path), data.count <= InputBudget.backupManifestBytes else { return nil }
        return try? JSONFile.decode(BackupVerifyRecord.self, from: data)
    }

    func write(in appBackupDir: String) throws {
        try AtomicFile.write(JSONFile.encode(self), to: URL(fileURLWithPath: appBackupDir).appendingPathComponent(Self.fileName), permissions: 0o600)
    }
}
