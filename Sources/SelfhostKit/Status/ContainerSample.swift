import Foundation

/// What the Docker Engine API says about one container at one moment: `GET /containers/json`,
/// `GET /containers/{id}/json` and a one-shot `GET /containers/{id}/stats`. Rates and CPU % come
/// from the difference between two samples (`ContainerRates`), never from a single reading.
public struct ContainerSample: Sendable {
    public var id: String
    public var name: String
    public var image: String
    public var state: String
    public var health: String?
    public var restarts: Int
    public var startedAt: Date?
    public var memoryLimit: Int64?
    public var labels: [String: String]
    public var stats: Counters?

    /// Cumulative counters of the stats endpoint.
    public struct Counters: Sendable, Equatable {
        public var cpuTotal: UInt64
        public var systemCPU: UInt64
        public var onlineCPUs: Int
        public var memoryUsed: Int64
        public var netRx: UInt64
        public var netTx: UInt64
        public var blockRead: UInt64
        public var blockWrite: UInt64
    }

    public var composeProject: String? { labels["com.docker.compose.project"] }
    public var composeService: String? { labels["com.docker.compose.service"] }
    public var composeWorkingDirectory: String? { labels["com.docker.compose.project.working_dir"] }
}

/// Per-second figures between two samples of the same container.
public struct ContainerRates: Sendable, Equatable {
    public var cpuPercent: Double?
    public var netRxPerSecond: Double?
    public var netTxPerSecond: Double?
    public var blockReadPerSecond: Double?
    public var blockWritePerSecond: Double?

    public static let unknown = ContainerRates()

    /// Docker's own formula (as `docker stats` computes it): the container's CPU time over the
    /// host's, times the online CPUs. Counters that went backwards (a restart) give no figure.
    public init(from old: ContainerSample.Counters?, to new: ContainerSample.Counters?, seconds: Double) {
        guard let old, let new, seconds > 0 else { return }
        if new.cpuTotal >= old.cpuTotal, new.systemCPU > old.systemCPU {
            let cpu = Double(new.cpuTotal - old.cpuTotal) / Double(new.systemCPU - old.systemCPU)
            cpuPercent = cpu * Double(max(1, new.onlineCPUs)) * 100
        }
        func rate(_ a: UInt64, _ b: UInt64) -> Double? { b >= a ? Double(b - a) / seconds : nil }
        netRxPerSecond = rate(old.netRx, new.netRx)
        netTxPerSecond = rate(old.netTx, new.netTx)
        blockReadPerSecond = rate(old.blockRead, new.blockRead)
        blockWritePerSecond = rate(old.blockWrite, new.blockWrite)
    }

    init() {}
}

// MARK: - Engine API shapes (only the fields read)

struct APIContainerSummary: Decodable {
    var id: String
    var names: [String]?
    var image: String
    var state: String
    var labels: [String: String]?
    enum CodingKeys: String, CodingKey { case id = "Id", names = "Names", image = "Image", state = "State", labels = "Labels" }
}

struct APIContainerDetail: Decodable {
    struct State: Decodable {
        struct Health: Decodable {
            var status: String
            enum CodingKeys: String, CodingKey { case status = "Status" }
        }
        var status: String
        var startedAt: String?
        var health: Health?
        enum CodingKeys: String, CodingKey { case status = "Status", startedAt = "StartedAt", health = "Health" }
    }
    struct HostConfig: Decodable {
        var memory: Int64?
        enum CodingKeys: String, CodingKey { case memory = "Memory" }
    }
    struct Config: Decodable {
        var image: String?
        enum CodingKeys: String, CodingKey { case image = "Image" }
    }
    var state: State
    var restartCount: Int?
    var hostConfig: HostConfig?
    var config: Config?
    enum CodingKeys: String, CodingKey { case state = "State", restartCount = "RestartCount", hostConfig = "HostConfig", config = "Config" }
}

struct APIStats: Decodable {
    struct CPU: Decodable {
        struct Usage: Decodable {
            var totalUsage: UInt64?
            var percpuUsage: [UInt64]?
            enum CodingKeys: String, CodingKey { case totalUsage = "total_usage", percpuUsage = "percpu_usage" }
        }
        var cpuUsage: Usage?
        var systemCPUUsage: UInt64?
        var onlineCPUs: Int?
        enum CodingKeys: String, CodingKey { case cpuUsage = "cpu_usage", systemCPUUsage = "system_cpu_usage", onlineCPUs = "online_cpus" }
    }
    struct Memory: Decodable {
        var usage: Int64?
        var stats: [String: Int64]?
    }
    struct Net: Decodable {
        var rxBytes: UInt64?
        var txBytes: UInt64?
        enum CodingKeys: String, CodingKey { case rxBytes = "rx_bytes", txBytes = "tx_bytes" }
    }
    struct Blkio: Decodable {
        struct Entry: Decodable { var op: String; var value: UInt64 }
        var ioServiceBytesRecursive: [Entry]?
        enum CodingKeys: String, CodingKey { case ioServiceBytesRecursive = "io_service_bytes_recursive" }
    }
    var cpuStats: CPU?
    var memoryStats: Memory?
    var networks: [String: Net]?
    var blkioStats: Blkio?
    enum CodingKeys: String, CodingKey { case cpuStats = "cpu_stats", memoryStats = "memory_stats", networks, blkioStats = "blkio_stats" }

    /// The counters, or nil for a stopped container (the engine answers zeros and no system CPU).
    var counters: ContainerSample.Counters? {
        guard let cpu = cpuStats, let system = cpu.systemCPUUsage, system > 0, let total = cpu.cpuUsage?.totalUsage else { return nil }
        // Memory as `docker stats` shows it: usage less the page cache that can be dropped
        // (cgroup v1: total_inactive_file; v2: inactive_file).
        var memory = memoryStats?.usage ?? 0
        if let s = memoryStats?.stats {
            let cache = s["total_inactive_file"] ?? s["inactive_file"] ?? 0
            if cache < memory { memory -= cache }
        }
        var rx: UInt64 = 0, tx: UInt64 = 0
        for net in (networks ?? [:]).values {
            rx &+= net.rxBytes ?? 0
            tx &+= net.txBytes ?? 0
        }
        var read: UInt64 = 0, write: UInt64 = 0
        for entry in blkioStats?.ioServiceBytesRecursive ?? [] {
            switch entry.op.lowercased() {
            case "read": read &+= entry.value
            case "write": write &+= entry.value
            default: break
            }
        }
        let cpus = cpu.onlineCPUs ?? cpu.cpuUsage?.percpuUsage?.count ?? 1
        return .init(cpuTotal: total, systemCPU: system, onlineCPUs: cpus, memoryUsed: memory,
                     netRx: rx, netTx: tx, blockRead: read, blockWrite: write)
    }
}
