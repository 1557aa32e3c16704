import Foundation
import Testing
@testable import SelfhostKit

/// Finished backups are directories named by backup.sh's UTC stamp; render, upgrade, status and
/// backup verify find them the same way.
@Suite("backup stamps")
struct BackupStampTests {
    func directory(_ dirs: [String], files: [String] = []) throws -> String {
        let root = try TestSupport.tempDirectory("selfhost-backup-stamps")
        for d in dirs { try FileManager.default.createDirectory(at: root.appendingPathComponent(d), withIntermediateDirectories: true) }
        for f in files { try Data("x".utf8).write(to: root.appendingPathComponent(f)) }
        return root.path
    }

    @Test func finishedBackupsOldestFirst() throws {
        let dir = try directory(["20261202T031500Z", "20261130T031500Z", "20261203T031500Z.partial", "notes"])
        #expect(BackupStamp.names(in: dir) == ["20261130T031500Z", "20261202T031500Z"])
        #expect(BackupStamp.names(in: dir + "/missing").isEmpty)
    }

    @Test func aStampIsAUTCTime() {
        #expect(BackupStamp.date("20261202T031500Z") == Date(timeIntervalSince1970: 1_796_181_300))
        #expect(BackupStamp.date("20261302T031500Z") == nil)
        #expect(BackupStamp.date("latest") == nil)
    }

    @Test func theNewestBackupEachCommandSees() throws {
        // A file named like a stamp is not a backup for render/upgrade; status and verify take the newest name.
        let dir = try directory(["20261130T031500Z", "20261202T031500Z"], files: ["20261204T031500Z"])
        #expect(RenderRemoval.newestBackup(in: dir)?.name == "20261202T031500Z")
        #expect(BackupState.newest(in: dir).lastAt == BackupStamp.date("20261204T031500Z"))
    }
}
