import Foundation
import Testing
@testable import SelfhostKit

/// The JSON files selfhost writes and reads back: one layout for all of them.
@Suite("JSON files")
struct JSONFileTests {
    struct Sample: Codable, Equatable {
        var path: String
        var at: Date
        var files: [String: Int]
    }

    @Test func sortedPrettySlashesAsWrittenISODatesAndANewline() throws {
        let sample = Sample(path: "/srv/selfhost/umami", at: Date(timeIntervalSince1970: 1_796_000_000), files: ["b/c.yaml": 2, "a.env": 1])
        let text = try JSONFile.encode(sample)
        #expect(text == """
            {
              "at" : "2026-11-30T00:53:20Z",
              "files" : {
                "a.env" : 1,
                "b/c.yaml" : 2
              },
              "path" : "/srv/selfhost/umami"
            }

            """)
        #expect(try JSONFile.decode(Sample.self, from: Data(text.utf8)) == sample)
    }

    @Test func theRecordsRoundTrip() throws {
        let dir = try TestSupport.tempDirectory("selfhost-jsonfile")
        let record = BackupVerifyRecord(backup: "20261202T031500Z", verifiedAt: Date(timeIntervalSince1970: 1_796_000_000), ok: true, problems: [])
        try record.write(in: dir.path)
        let written = try String(contentsOf: dir.appendingPathComponent(BackupVerifyRecord.fileName), encoding: .utf8)
        #expect(written.contains("\"verified_at\" : \"2026-11-30T00:53:20Z\""))
        #expect(written.hasSuffix("}\n"))
        #expect(BackupVerifyRecord.read(in: dir.path) == record)
    }

    @Test func aMissingFileIsNoneAndABrokenOneIsRefusedAtItsPath() throws {
        let box = try TestSupport.tempDirectory("selfhost-jsonfile-box")
        #expect(try RenderManifest.read(in: box) == nil)
        let url = box.appendingPathComponent(RenderManifest.relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("{\"version\": ".utf8).write(to: url)
        do {
            _ = try RenderManifest.read(in: box)
            Issue.record("expected a broken manifest to be refused")
        } catch let e as SelfhostError {
            #expect(e.status == .usage)
            #expect(e.message.hasPrefix("\(url.path) is not a selfhost render manifest: "))
            #expect(e.location?.file == url.path)
            #expect(e.remedy == "restore it, or render into a new --out directory")
        }
    }
}
