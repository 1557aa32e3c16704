import Foundation

/// `--baseline FILE`: today's findings recorded once, then only new ones reported. A finding is
/// known by its rule, file and message — not its line, so edits above it don't make it new;
/// counts are kept, so a second copy of a known problem is new.
public struct LintBaseline: Codable, Sendable, Equatable {
    public struct Entry: Codable, Sendable, Hashable {
        public var rule: String
        public var file: String
        public var message: String
    }

    public var version = 1
    public var findings: [Entry]

    static func entry(_ d: Diagnostic) -> Entry {
        Entry(rule: d.ruleID ?? "", file: d.location?.file ?? "", message: d.message)
    }

    /// The findings not in the baseline.
    func new(_ findings: [Diagnostic]) -> [Diagnostic] {
        var remaining: [Entry: Int] = [:]
        for e in self.findings { remaining[e, default: 0] += 1 }
        return findings.filter { d in
            let e = Self.entry(d)
            if let n = remaining[e], n > 0 {
                remaining[e] = n - 1
                return false
            }
            return true
        }
    }

    /// Reads FILE, or nil when it does not exist yet.
    static func load(_ url: URL, shownAs: String) throws -> LintBaseline? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do {
            return try JSONFile.decode(LintBaseline.self, from: Data(contentsOf: url))
        } catch {
            throw SelfhostError.usage("\(shownAs) is not a lint baseline: \(error.localizedDescription)",
                                      remedy: "delete it and run with --baseline again to record today's findings")
        }
    }

    func save(_ url: URL) throws {
        try AtomicFile.write(JSONFile.encode(self), to: url)
    }
}
