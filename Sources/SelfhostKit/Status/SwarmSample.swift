import Foundation

/// The swarm as a manager sees it (`GET /nodes`, `/services`, `/tasks` of the Engine API): its nodes
/// and, per service, where its tasks run. Read only when the engine is a swarm manager
/// (`/info` `Swarm.ControlAvailable`); a worker can't list them.
struct SwarmSample {
    struct Node: Decodable {
        struct Spec: Decodable {
            var role: String?
            var availability: String?
            var labels: [String: String]?
            enum CodingKeys: String, CodingKey { case role = "Role", availability = "Availability", labels = "Labels" }
        }
        struct Description: Decodable {
            var hostname: String?
            enum CodingKeys: String, CodingKey { case hostname = "Hostname" }
        }
        struct Status: Decodable {
            var state: String?
            var addr: String?
            enum CodingKeys: String, CodingKey { case state = "State", addr = "Addr" }
        }
        struct ManagerStatus: Decodable {
            var leader: Bool?
            enum CodingKeys: String, CodingKey { case leader = "Leader" }
        }
        var id: String
        var spec: Spec?
        var description: Description?
        var status: Status?
        var managerStatus: ManagerStatus?
        enum CodingKeys: String, CodingKey { case id = "ID", spec = "Spec", description = "Description", status = "Status", managerStatus = "ManagerStatus" }
    }

    struct Service: Decodable {
        struct Spec: Decodable {
            struct Mode: Decodable {
                struct Replicated: Decodable {
                    var replicas: Int?
                    enum CodingKeys: String, CodingKey { case replicas = "Replicas" }
                }
                var replicated: Replicated?
                var global: [String: String]?
                enum CodingKeys: String, CodingKey { case replicated = "Replicated", global = "Global" }
            }
            var name: String
            var mode: Mode?
            var labels: [String: String]?
            enum CodingKeys: String, CodingKey { case name = "Name", mode = "Mode", labels = "Labels" }
        }
        var id: String
        var spec: Spec
        enum CodingKeys: String, CodingKey { case id = "ID", spec = "Spec" }
    }

    struct Task: Decodable {
        struct Status: Decodable {
            var state: String?
            var err: String?
            enum CodingKeys: String, CodingKey { case state = "State", err = "Err" }
        }
        var serviceID: String
        var nodeID: String?
        var slot: Int?
        var desiredState: String?
        var status: Status?
        enum CodingKeys: String, CodingKey { case serviceID = "ServiceID", nodeID = "NodeID", slot = "Slot", desiredState = "DesiredState", status = "Status" }
    }

    var nodes: [Node]
    var services: [Service]
    var tasks: [Task]

    /// The three lists, or the engine's failure.
    static func read(_ engine: DockerEngine) -> Result<SwarmSample, DockerEngine.Failure> {
        let nodes = engine.get("/nodes", as: [Node].self)
        let services = engine.get("/services", as: [Service].self)
        // Only tasks meant to run: a service's history (shut down, replaced) is not its state.
        let tasks = engine.get("/tasks?filters=%7B%22desired-state%22%3A%5B%22running%22%5D%7D", as: [Task].self)
        switch (nodes, services, tasks) {
        case let (.success(n), .success(s), .success(t)): return .success(SwarmSample(nodes: n, services: s, tasks: t))
        case let (.failure(f), _, _), let (_, .failure(f), _), let (_, _, .failure(f)): return .failure(f)
        }
    }

    /// The report's view: nodes by host name, services by name with their tasks per node.
    var report: StatusReport.Swarm {
        let names = Dictionary(nodes.map { ($0.id, $0.description?.hostname ?? String($0.id.prefix(12))) }, uniquingKeysWith: { a, _ in a })
        let nodeViews = nodes.map { n in
            StatusReport.SwarmNode(
                hostname: names[n.id] ?? n.id, role: n.spec?.role ?? "unknown", leader: n.managerStatus?.leader ?? false,
                availability: n.spec?.availability ?? "unknown", state: n.status?.state ?? "unknown",
                address: Nullable(n.status?.addr), labels: n.spec?.labels ?? [:])
        }.sorted { $0.hostname < $1.hostname }
        let serviceViews = services.map { s -> StatusReport.SwarmService in
            let mine = tasks.filter { $0.serviceID == s.id }
            let wanted: Int? = s.spec.mode?.global != nil ? nil : (s.spec.mode?.replicated?.replicas ?? 1)
            let taskViews = mine.map { t in
                StatusReport.SwarmTask(node: t.nodeID.flatMap { names[$0] ?? $0 } ?? "unassigned", state: t.status?.state ?? "unknown",
                                       error: Nullable(t.status?.err.flatMap { $0.isEmpty ? nil : $0 }))
            }.sorted { ($0.node, $0.state) < ($1.node, $1.state) }
            return StatusReport.SwarmService(
                name: s.spec.name, stack: Nullable(s.spec.labels?["com.docker.stack.namespace"]),
                mode: wanted == nil ? "global" : "replicated", replicas: Nullable(wanted),
                running: mine.filter { $0.status?.state == "running" }.count, tasks: taskViews)
        }.sorted { $0.name < $1.name }
        return StatusReport.Swarm(nodes: nodeViews, services: serviceViews)
    }
}

extension StatusReport {
    /// `swarm` (JSON): present when the engine is a swarm manager.
    public struct Swarm: Encodable, Sendable {
        public var nodes: [SwarmNode]
        public var services: [SwarmService]
    }

    public struct SwarmNode: Encodable, Sendable {
        public var hostname: String
        /// `manager` or `worker`.
        public var role: String
        public var leader: Bool
        /// `active`, `pause` or `drain`.
        public var availability: String
        /// `ready`, `down`, `disconnected`, `unknown`.
        public var state: String
        public var address: Nullable<String>
        public var labels: [String: String]
    }

    public struct SwarmService: Encodable, Sendable {
        public var name: String
        /// The stack it belongs to (`docker stack deploy`), when it does.
        public var stack: Nullable<String>
        /// `replicated` or `global`.
        public var mode: String
        /// Tasks wanted (null for global services: one per eligible node).
        public var replicas: Nullable<Int>
        /// Tasks in state `running`.
        public var running: Int
        /// Every task meant to run, with its node and current state.
        public var tasks: [SwarmTask]
    }

    public struct SwarmTask: Encodable, Sendable {
        public var node: String
        /// `running`, `starting`, `pending`, `preparing`, `failed`, …
        public var state: String
        public var error: Nullable<String>
    }
}
