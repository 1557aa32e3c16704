import Foundation

/// Takes one sample of every container from the Docker Engine API: the list, then each container's
/// details and one-shot stats, several at a time (each call bounded by the engine's timeout).
public struct EngineSampler: Sendable {
    public var engine: DockerEngine
    /// Requests in flight at once.
    public var parallelism: Int

    public init(engine: DockerEngine, parallelism: Int = 8) {
        self.engine = engine
        self.parallelism = parallelism
    }

    public func sample() -> Result<[ContainerSample], DockerEngine.Failure> {
        let list: [APIContainerSummary]
        switch engine.get("/containers/json?all=1", as: [APIContainerSummary].self) {
        case .success(let l): list = l
        case .failure(let f): return .failure(f)
        }
        let slots = Slots<Result<ContainerSample, DockerEngine.Failure>>(count: list.count)
        let queue = DispatchQueue(label: "selfhost.status.sample", attributes: .concurrent)
        let gate = DispatchSemaphore(value: max(1, parallelism))
        let group = DispatchGroup()
        for (i, summary) in list.enumerated() {
            gate.wait()
            group.enter()
            queue.async {
                defer { gate.signal(); group.leave() }
                slots.set(i, self.detail(summary))
            }
        }
        group.wait()
        var samples: [ContainerSample] = []
        for result in slots.all {
            switch result {
            case .success(let s): samples.append(s)
            // A container removed between the list and its details is simply gone.
            case .failure(.status(404, _)): continue
            case .failure(let f): return .failure(f)
            case nil: continue
            }
        }
        return .success(samples)
    }

    private func detail(_ summary: APIContainerSummary) -> Result<ContainerSample, DockerEngine.Failure> {
        let detail: APIContainerDetail
        switch engine.get("/containers/\(summary.id)/json", as: APIContainerDetail.self) {
        case .success(let d): detail = d
        case .failure(let f): return .failure(f)
        }
        var counters: ContainerSample.Counters?
        if detail.state.status == "running" {
            // one-shot: the engine answers at once, without waiting a second to fill precpu_stats.
            switch engine.get("/containers/\(summary.id)/stats?stream=false&one-shot=true", as: APIStats.self) {
            case .success(let stats): counters = stats.counters
            case .failure(.status(404, _)), .failure(.status(409, _)): counters = nil
            case .failure(let f): return .failure(f)
            }
        }
        let name = (summary.names?.first ?? summary.id).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        let limit = detail.hostConfig?.memory ?? 0
        return .success(ContainerSample(
            id: summary.id, name: name, image: detail.config?.image ?? summary.image,
            state: detail.state.status, health: detail.state.health?.status,
            restarts: detail.restartCount ?? 0, startedAt: detail.state.startedAt.flatMap(Self.parseDate),
            memoryLimit: limit > 0 ? limit : nil, labels: summary.labels ?? [:], stats: counters))
    }

    /// RFC 3339 with nanoseconds, as the engine writes it; the zero time means "never started".
    static func parseDate(_ text: String) -> Date? {
        guard !text.hasPrefix("0001-") else { return nil }
        var s = text
        if let dot = s.firstIndex(of: "."), let end = s[dot...].firstIndex(where: { $0 == "Z" || $0 == "+" || $0 == "-" }) {
            // Keep milliseconds: ISO8601DateFormatter's fractional seconds take at most three digits.
            let fraction = s[s.index(after: dot)..<end].prefix(3)
            s = String(s[..<dot]) + "." + fraction + String(s[end...])
        }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = f.date(from: s) { return d }
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: s)
    }
}

/// Results written by several threads into fixed slots.
final class Slots<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [T?]
    init(count: Int) { values = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: T) { lock.withLock { values[i] = value } }
    var all: [T?] { lock.withLock { values } }
}
