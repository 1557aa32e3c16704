import Foundation

/// The bounded wait after `docker compose up`: polls one Compose project's containers through the
/// Docker Engine API until each is healthy (or, without a healthcheck, running for `stableSeconds`
/// without a restart; a one-shot that exited 0 counts too) and runs the images asked for.
struct HealthWait {
    var engine: DockerEngine
    var project: String
    /// Image references the project's services must run now (service → reference).
    var images: [String: String]
    var timeout: Double
    var interval: Double = 2
    var stableSeconds: Double = 10

    struct Container: Encodable, Sendable {
        var service: String
        var image: String
        var state: String
        /// `healthy`, `unhealthy`, `starting`, or null without a healthcheck.
        var health: Nullable<String>
        var restarts: Int
        var ok: Bool
    }

    struct Outcome: Encodable, Sendable {
        var healthy: Bool
        var seconds: Double
        var containers: [Container]
        /// Why it failed (the engine, or what wasn't healthy at the bound).
        var problem: Nullable<String>
    }

    func wait(now: () -> Date = Date.init) -> Outcome {
        let start = now()
        var last: [Container] = []
        while true {
            let elapsed = now().timeIntervalSince(start)
            switch poll(now: now()) {
            case .failure(let f):
                return Outcome(healthy: false, seconds: elapsed, containers: last, problem: .init(engine.explain(f).message))
            case .success(let containers):
                last = containers
                let running = Set(containers.map(\.service))
                let missing = images.keys.filter { !running.contains($0) }.sorted()
                if !containers.isEmpty, missing.isEmpty, containers.allSatisfy(\.ok) {
                    return Outcome(healthy: true, seconds: elapsed, containers: containers, problem: .init(nil))
                }
                if elapsed >= timeout {
                    let bad = containers.filter { !$0.ok }.map { c in
                        "\(c.service) (\(c.image)): \(c.state)" + (c.health.value.map { ", \($0)" } ?? "") + (c.restarts > 0 ? ", \(c.restarts) restarts" : "")
                    }
                    let problem = (bad + missing.map { "\($0): no container" }).joined(separator: "; ")
                    return Outcome(healthy: false, seconds: elapsed, containers: containers,
                                   problem: .init("not healthy within \(Int(timeout)) s: " + (problem.isEmpty ? "no container of \(project)" : problem)))
                }
            }
            Thread.sleep(forTimeInterval: interval)
        }
    }

    func poll(now: Date) -> Result<[Container], DockerEngine.Failure> {
        let filter = #"{"label":["com.docker.compose.project=\#(project)"]}"#
        let query = filter.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let summaries: [APIContainerSummary]
        switch engine.get("/containers/json?all=1&filters=\(query)", as: [APIContainerSummary].self) {
        case .success(let s): summaries = s
        case .failure(let f): return .failure(f)
        }
        var result: [Container] = []
        for s in summaries {
            // A one-off `compose run` container is not one of the project's services.
            if s.labels?["com.docker.compose.oneoff"] == "True" { continue }
            let detail: APIContainerDetail
            switch engine.get("/containers/\(s.id)/json", as: APIContainerDetail.self) {
            case .success(let d): detail = d
            case .failure(.status(404, _)): continue
            case .failure(let f): return .failure(f)
            }
            let service = s.labels?["com.docker.compose.service"] ?? s.id
            let image = detail.config?.image ?? s.image
            let policy = detail.hostConfig?.restartPolicy?.name ?? ""
            let restarts = detail.restartCount ?? 0
            var ok: Bool
            if detail.state.status == "exited", ["no", "", "on-failure"].contains(policy) {
                ok = detail.state.exitCode == 0
            } else if detail.state.status != "running" {
                ok = false
            } else if let h = detail.state.health?.status {
                ok = h == "healthy"
            } else {
                let started = detail.state.startedAt.flatMap(EngineSampler.parseDate)
                ok = restarts == 0 && started.map { now.timeIntervalSince($0) >= stableSeconds } == true
            }
            if let wanted = images[service], wanted != image { ok = false }
            result.append(Container(service: service, image: image, state: detail.state.status,
                                    health: .init(detail.state.health?.status), restarts: restarts, ok: ok))
        }
        return .success(result.sorted { $0.service < $1.service })
    }
}
