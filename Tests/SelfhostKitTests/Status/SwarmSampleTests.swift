import Foundation
import Testing
@testable import SelfhostKit

/// `selfhost status` on a swarm manager: the Engine API's /nodes, /services and /tasks joined.
/// (e2e/test_swarm.py checks the same against a real three-node swarm.)
@Suite("Status: swarm")
struct SwarmSampleTests {
    // Shapes as Engine 20.10 (API 1.41) answers, trimmed to the fields read.
    static let nodes = """
    [{"ID":"n1id","Spec":{"Labels":{"selfhost.edge":"true"},"Role":"manager","Availability":"active"},
      "Description":{"Hostname":"edge-1"},"Status":{"State":"ready","Addr":"10.0.0.1"},"ManagerStatus":{"Leader":true}},
     {"ID":"n2id","Spec":{"Labels":{"selfhost.data.umami":"true"},"Role":"worker","Availability":"drain"},
      "Description":{"Hostname":"data-1"},"Status":{"State":"ready","Addr":"10.0.0.2"}}]
    """
    static let services = """
    [{"ID":"s1","Spec":{"Name":"selfhost-umami_app","Labels":{"com.docker.stack.namespace":"selfhost-umami"},"Mode":{"Replicated":{"Replicas":2}}}},
     {"ID":"s2","Spec":{"Name":"selfhost-umami_db","Labels":{"com.docker.stack.namespace":"selfhost-umami"},"Mode":{"Replicated":{"Replicas":1}}}},
     {"ID":"s3","Spec":{"Name":"monitor","Mode":{"Global":{}}}}]
    """
    static let tasks = """
    [{"ServiceID":"s1","NodeID":"n1id","Slot":1,"DesiredState":"running","Status":{"State":"running"}},
     {"ServiceID":"s1","NodeID":"n2id","Slot":2,"DesiredState":"running","Status":{"State":"starting"}},
     {"ServiceID":"s2","NodeID":"n2id","Slot":1,"DesiredState":"running","Status":{"State":"running","Err":""}},
     {"ServiceID":"s3","NodeID":"n1id","DesiredState":"running","Status":{"State":"pending","Err":"no suitable node"}}]
    """

    static func sample() throws -> SwarmSample {
        let d = JSONDecoder()
        return SwarmSample(nodes: try d.decode([SwarmSample.Node].self, from: Data(nodes.utf8)),
                           services: try d.decode([SwarmSample.Service].self, from: Data(services.utf8)),
                           tasks: try d.decode([SwarmSample.Task].self, from: Data(tasks.utf8)))
    }

    @Test("nodes by host name; services with wanted and running tasks, per node")
    func report() throws {
        let r = try Self.sample().report
        #expect(r.nodes.map(\.hostname) == ["data-1", "edge-1"])
        #expect(r.nodes[1].leader && r.nodes[1].role == "manager" && r.nodes[1].labels == ["selfhost.edge": "true"])
        #expect(r.nodes[0].availability == "drain")
        let web = try #require(r.services.first { $0.name == "selfhost-umami_app" })
        #expect(web.replicas.value == 2 && web.running == 1 && web.stack.value == "selfhost-umami")
        #expect(web.tasks.map { "\($0.node) \($0.state)" } == ["data-1 starting", "edge-1 running"])
        let global = try #require(r.services.first { $0.name == "monitor" })
        #expect(global.mode == "global" && global.replicas.value == nil)
        #expect(global.tasks.first?.error.value == "no suitable node")
        let db = try #require(r.services.first { $0.name == "selfhost-umami_db" })
        #expect(db.tasks.first?.error.value == nil)
    }

    @Test("the text shows the nodes and each service's tasks per node")
    func text() throws {
        let swarm = try Self.sample().report
        let lines = StatusText.swarmLines(swarm, width: 200, style: Style(enabled: false))
        let text = lines.joined(separator: "\n")
        #expect(text.contains("swarm · 2 nodes · 3 services"))
        #expect(lines.contains { $0.contains("selfhost-umami_app") && $0.contains("1/2") && $0.contains("data-1 0 (starting)") && $0.contains("edge-1 1") })
        #expect(lines.contains { $0.contains("edge-1") && $0.contains("manager (leader)") && $0.contains("selfhost.edge=true") })
    }
}
