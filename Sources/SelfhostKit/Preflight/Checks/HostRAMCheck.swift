import Foundation

/// `host.ram` (`--local`): RAM covers the apps' catalog figures (minimum: error; recommended: warning).
public enum HostRAMCheck {
    public static let definition: CheckDefinition = CheckDefinition(
        id: "host.ram",
        summary: "With --local: total RAM covers the sum of the apps' catalog RAM figures plus 512 MB for the OS and Caddy.",
        fix: "Choose a larger server, or fewer apps on this one.",
        localOnly: true
    ) { env in
        guard env.local, let host = env.host else { return [definition.result(.skipped, "localhost", "run on the server with --local to check")] }
        guard let mem = host.memory() else { return [definition.result(.error, "memory", "cannot read /proc/meminfo")] }
        let overhead = 512
        let minSum = env.apps.compactMap { $0.ramMinMB ?? $0.ramRecommendedMB }.reduce(overhead, +)
        let recSum = env.apps.compactMap { $0.ramRecommendedMB ?? $0.ramMinMB }.reduce(overhead, +)
        let unknown = env.apps.filter { $0.ramMinMB == nil && $0.ramRecommendedMB == nil }.map(\.id)
        let totalMB = Int(mem.total / 1_000_000)
        let note = unknown.isEmpty ? "" : "; no published figure for \(unknown.joined(separator: ", "))"
        let subject = "memory"
        if totalMB < minSum {
            return [definition.result(.error, subject, "\(totalMB) MB RAM, the apps need at least \(minSum) MB (incl. 512 MB for OS and Caddy)\(note)",
                                      fix: "; pick a server with at least \(minSum) MB RAM, or add swap as a stopgap: fallocate -l 2G /swapfile && mkswap /swapfile && swapon /swapfile")]
        }
        if totalMB < recSum {
            return [definition.result(.warning, subject, "\(totalMB) MB RAM, below the recommended \(recSum) MB for these apps\(note)",
                                      fix: "; plan for \(recSum) MB RAM")]
        }
        return [definition.result(unknown.isEmpty ? .ok : .warning, subject, "\(totalMB) MB RAM for \(recSum) MB recommended\(note)")]
    }
}
