import Foundation

/// Waits, bounded, until every container of the box's Compose projects (apps and Caddy) is up:
/// running and healthy where it has a healthcheck, or a one-shot step that finished with 0.
struct InstallWait {
    struct Outcome {
        var healthy: Bool
        var seconds: Double
        /// Containers still not up when the time ran out (name: state/health), or projects with none.
        var waiting: [String]
    }

    var projects: Set<String>
    var machine: InstallMachine
    var timeout: Double
    /// Seconds between two looks at the engine.
    var every: Double = 2
    /// Seconds between two progress lines.
    var progressEvery: Double = 10

    /// Why a container is not up yet, or nil when it is.
    static func pending(_ c: ContainerSample) -> String? {
        if c.completedOneShot { return nil }
        if c.state != "running" { return c.state + (c.exitCode.map { " (exit \($0))" } ?? "") }
        if let h = c.health, h != "healthy" { return h }
        return nil
    }

    func run(progress: (String) -> Void) -> Outcome {
        let start = machine.monotonic()
        var lastProgress = start
        var waiting: [String] = []
        while true {
            let now = machine.monotonic()
            switch machine.containers() {
            case .success(let all):
                let mine = all.filter { projects.contains($0.composeProject ?? "") }
                let empty = projects.subtracting(mine.compactMap(\.composeProject)).sorted().map { "\($0): no containers" }
                waiting = empty + mine.compactMap { c in Self.pending(c).map { "\(c.name): \($0)" } }.sorted()
                if waiting.isEmpty { return Outcome(healthy: true, seconds: now - start, waiting: []) }
                if now - lastProgress >= progressEvery {
                    lastProgress = now
                    let up = mine.count - waiting.count + empty.count
                    progress("waiting: \(up)/\(mine.count) containers up after \(Int(now - start)) s; not yet: \(waiting.prefix(4).joined(separator: ", "))\(waiting.count > 4 ? ", …" : "")")
                }
            case .failure(let f):
                waiting = ["engine: \(machine.engine.explain(f).message)"]
            }
            if now - start >= timeout { return Outcome(healthy: false, seconds: now - start, waiting: waiting) }
            machine.sleep(every)
        }
    }
}
