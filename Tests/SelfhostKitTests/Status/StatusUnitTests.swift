import Foundation
import Testing
@testable import SelfhostKit

/// The pieces of `status` that need no engine: rates from two samples, /proc, backups, the table.
@Suite("Status: joins and figures")
struct StatusUnitTests {
    static func counters(cpu: UInt64, system: UInt64, rx: UInt64 = 0, read: UInt64 = 0) -> ContainerSample.Counters {
        .init(cpuTotal: cpu, systemCPU: system, onlineCPUs: 2, memoryUsed: 100 << 20, netRx: rx, netTx: 0, blockRead: read, blockWrite: 0)
    }

    @Test func cpuPercentAsDockerComputesIt() {
        // 0.5 s of CPU while the host's 2 CPUs ran 2 s in all: a quarter of the machine, i.e. 50% of one CPU.
        let rates = ContainerRates(from: Self.counters(cpu: 1_000_000_000, system: 10_000_000_000, rx: 1000, read: 0),
                                   to: Self.counters(cpu: 1_500_000_000, system: 12_000_000_000, rx: 3000, read: 4096),
                                   seconds: 2)
        #expect(rates.cpuPercent == 50)
        #expect(rates.netRxPerSecond == 1000)
        #expect(rates.blockReadPerSecond == 2048)
    }

    @Test func countersThatWentBackwardsGiveNoFigure() {
        // A restarted container starts its counters again: no negative rate.
        let rates = ContainerRates(from: Self.counters(cpu: 5_000, system: 10_000, rx: 9000),
                                   to: Self.counters(cpu: 100, system: 20_000, rx: 10), seconds: 1)
        #expect(rates.cpuPercent == nil)
        #expect(rates.netRxPerSecond == nil)
        #expect(ContainerRates(from: nil, to: Self.counters(cpu: 1, system: 1), seconds: 1) == .unknown)
    }

    @Test func statsDecodedFromTheEngineShape() throws {
        // cgroup v1 shape, as Engine 20.10 answers a one-shot stats call.
        let json = """
        {"cpu_stats":{"cpu_usage":{"total_usage":2000,"percpu_usage":[1000,1000]},"system_cpu_usage":90000,"online_cpus":2},
         "memory_stats":{"usage":1048576,"stats":{"total_inactive_file":524288}},
         "networks":{"eth0":{"rx_bytes":10,"tx_bytes":20},"eth1":{"rx_bytes":1,"tx_bytes":2}},
         "blkio_stats":{"io_service_bytes_recursive":[{"major":8,"minor":0,"op":"Read","value":4096},{"op":"Write","value":512},{"op":"Total","value":4608}]}}
        """
        let stats = try JSONDecoder().decode(APIStats.self, from: Data(json.utf8))
        let c = try #require(stats.counters)
        #expect(c.memoryUsed == 524288)
        #expect(c.netRx == 11 && c.netTx == 22)
        #expect(c.blockRead == 4096 && c.blockWrite == 512)
        // A stopped container: zeros and no system CPU.
        let stopped = try JSONDecoder().decode(APIStats.self, from: Data(#"{"cpu_stats":{"cpu_usage":{"total_usage":0}},"memory_stats":{}}"#.utf8))
        #expect(stopped.counters == nil)
    }

    @Test func hostFromProc() throws {
        let root = try TestSupport.tempDirectory("proc")
        defer { try? FileManager.default.removeItem(at: root) }
        try "0.52 0.40 0.31 1/234 5678\n".write(to: root.appendingPathComponent("loadavg"), atomically: true, encoding: .utf8)
        try "cpu  100 0 100 700 100 0 0 0 0 0\ncpu0 50 0 50 350 50 0 0 0 0 0\n".write(to: root.appendingPathComponent("stat"), atomically: true, encoding: .utf8)
        try "MemTotal:       16000000 kB\nMemFree:  1000 kB\nMemAvailable:   12000000 kB\nSwapTotal: 2000 kB\nSwapFree: 500 kB\n"
            .write(to: root.appendingPathComponent("meminfo"), atomically: true, encoding: .utf8)
        let a = HostSample.read(procRoot: root.path, disks: [("docker", root.path), ("backups", "/nonexistent/dir")])
        #expect(a.load == [0.52, 0.40, 0.31])
        #expect(a.cpuTotal == 1000 && a.cpuBusy == 200)
        #expect(a.memoryTotal == 16_000_000 * 1024)
        #expect(a.swapTotal - a.swapFree == 1500 * 1024)
        #expect(a.disks.map(\.purpose) == ["docker"], "a path that can't be measured is left out")
        var b = a
        b.cpuTotal += 1000
        b.cpuBusy += 250
        #expect(HostSample.cpuPercent(from: a, to: b) == 25)
        #expect(HostSample.cpuPercent(from: nil, to: b) == nil)
    }

    @Test func newestFinishedBackup() throws {
        let dir = try TestSupport.tempDirectory("backups")
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["20261130T030000Z", "20261201T030000Z", "20261201T040000Z.partial"] {
            try FileManager.default.createDirectory(at: dir.appendingPathComponent(name), withIntermediateDirectories: true)
        }
        try Data(count: 1000).write(to: dir.appendingPathComponent("20261201T030000Z/db.pgdump"))
        try Data(count: 24).write(to: dir.appendingPathComponent("20261201T030000Z/.env"))
        let state = BackupState.newest(in: dir.path)
        #expect(state.sizeBytes == 1024)
        #expect(state.lastAt == ISO8601DateFormatter().date(from: "2026-12-01T03:00:00Z"))
        #expect(BackupState.newest(in: "/nonexistent").lastAt == nil)
    }

    @Test func timerPeriods() {
        #expect(BoxInventory.calendarPeriod("daily") == 86_400)
        #expect(BoxInventory.calendarPeriod("weekly") == 604_800)
        #expect(BoxInventory.calendarPeriod("*-*-* 03:00:00") == 86_400)
        #expect(BoxInventory.calendarPeriod("Mon..Fri 1:00") == nil)
        #expect(BoxInventory.seconds("1h") == 3600)
        #expect(BoxInventory.seconds("30min") == 1800)
        #expect(BoxInventory.seconds("90") == 90)
    }

    static func sample(_ id: String, project: String, service: String, state: String = "running", health: String? = "healthy",
                       started: Date, stats: ContainerSample.Counters? = nil) -> ContainerSample {
        ContainerSample(id: id, name: "\(project)-\(service)-1", image: "ghcr.io/org/\(service):1.2.3", state: state, health: health,
                        restarts: 0, startedAt: started, memoryLimit: 512 << 20,
                        labels: ["com.docker.compose.project": project, "com.docker.compose.service": service], stats: stats)
    }

    static func box(backupRoot: String) throws -> BoxInventory {
        BoxInventory(directory: URL(fileURLWithPath: "/srv/box"), domain: "example.com", apps: [
            .init(id: "umami", host: "umami.example.com", project: "selfhost-umami", backupDirectory: backupRoot + "/umami", backupPeriod: 86_400, backupDelay: 3600),
        ], caddyProjects: ["selfhost-caddy"], backupRoot: backupRoot)
    }

    @Test func joinsContainersToApps() throws {
        let now = Date(timeIntervalSince1970: 2_000_000_000)
        let host = HostSample(load: [0, 0, 0], cpuBusy: 0, cpuTotal: 0, memoryTotal: 1, memoryAvailable: 1, swapTotal: 0, swapFree: 0,
                              disks: [.init(purpose: "docker", path: "/var/lib/docker", totalBytes: 100, freeBytes: 5)])
        let samples = [
            Self.sample("a", project: "selfhost-umami", service: "app", started: now - 7200),
            Self.sample("b", project: "selfhost-umami", service: "db", health: "unhealthy", started: now - 7200),
            Self.sample("c", project: "selfhost-caddy", service: "caddy", health: nil, started: now - 60),
            Self.sample("d", project: "someone-else", service: "web", state: "exited", started: now - 60),
        ]
        let report = StatusReport.build(box: try Self.box(backupRoot: "/nonexistent-backups"), engine: .init(version: "20.10.24", apiVersion: "1.41", rootDir: "/var/lib/docker"),
                                        old: nil, new: samples, oldHost: nil, newHost: host, seconds: 0, now: now, thresholds: .init())
        #expect(report.apps.map(\.id) == ["umami"])
        #expect(report.apps[0].containers.map { $0.service.value } == ["app", "db"])
        #expect(report.caddy.count == 1)
        #expect(report.otherContainers.map(\.name) == ["someone-else-web-1"])
        #expect(report.apps[0].containers[0].tag.value == "1.2.3")
        // Problems: the unhealthy db, the overdue backup (running 2 h, none yet: not overdue), the 95% disk.
        // The stopped container of another project is not this box's problem.
        #expect(report.problems.map(\.kind).sorted() == ["container", "disk"])
        let json = JSONOutput.encode(report)
        #expect(json.contains("\"cpu_percent\" : null"), "unknown figures are null, not missing")
        #expect(json.contains("\"other_containers\""))
    }

    @Test func backupOverdueAfterItsPeriod() throws {
        let dir = try TestSupport.tempDirectory("backups-overdue")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("umami/20261201T030000Z"), withIntermediateDirectories: true)
        let last = ISO8601DateFormatter().date(from: "2026-12-01T03:00:00Z")!
        let host = HostSample(load: [], cpuBusy: 0, cpuTotal: 0, memoryTotal: 0, memoryAvailable: 0, swapTotal: 0, swapFree: 0, disks: [])
        func report(hoursLater: Double) throws -> StatusReport {
            let now = last + hoursLater * 3600
            return StatusReport.build(box: try Self.box(backupRoot: dir.path), engine: .init(version: "x", apiVersion: "x", rootDir: "/"),
                                      old: nil, new: [Self.sample("a", project: "selfhost-umami", service: "app", started: last - 86_400 * 3),
                                                      Self.sample("c", project: "selfhost-caddy", service: "caddy", started: last)],
                                      oldHost: nil, newHost: host, seconds: 0, now: now, thresholds: .init())
        }
        // Daily timer + 1 h random delay + 1 h margin: fine at 25 h, overdue at 27 h.
        #expect(try report(hoursLater: 25).problems.isEmpty)
        let late = try report(hoursLater: 27)
        #expect(late.problems.map(\.kind) == ["backup"])
        #expect(late.apps[0].backup.value?.overdue == true)
    }

    @Test func tableFitsTheWidth() throws {
        let now = Date(timeIntervalSince1970: 2_000_000_000)
        let host = HostSample(load: [0.1, 0.2, 0.3], cpuBusy: 0, cpuTotal: 0, memoryTotal: 8 << 30, memoryAvailable: 4 << 30, swapTotal: 0, swapFree: 0, disks: [])
        let samples = [Self.sample("a", project: "selfhost-umami", service: "app", started: now - 7200,
                                   stats: Self.counters(cpu: 1, system: 1))]
        let report = StatusReport.build(box: try Self.box(backupRoot: "/nonexistent"), engine: .init(version: "20.10.24", apiVersion: "1.41", rootDir: "/"),
                                        old: nil, new: samples, oldHost: nil, newHost: host, seconds: 0, now: now, thresholds: .init())
        for width in [60, 80, 100, 140] {
            let lines = StatusText.render(report, width: width, style: Style(enabled: false))
            #expect(lines.allSatisfy { $0.displayWidth <= width }, "\(width): \(lines.filter { $0.displayWidth > width })")
        }
        let wide = StatusText.render(report, width: 200, style: Style(enabled: false)).joined(separator: "\n")
        #expect(wide.contains("ghcr.io/org/app:1.2.3"))
        #expect(wide.contains("https://umami.example.com"))
        let narrow = StatusText.render(report, width: 80, style: Style(enabled: false)).joined(separator: "\n")
        #expect(narrow.contains("CPU") && narrow.contains("MEM / LIMIT"), "the essential columns stay")
        #expect(!narrow.contains("DISK r/w"), "the least useful go first")
    }

    @Test func imageReferences() {
        #expect(StatusReport.splitImage("postgres:17-alpine") == ("postgres", "17-alpine"))
        #expect(StatusReport.splitImage("registry:5000/app") == ("registry:5000/app", nil))
        #expect(StatusReport.splitImage("ghcr.io/a/b:1.0@sha256:abc") == ("ghcr.io/a/b", "1.0"))
    }

    @Test func engineDates() {
        #expect(EngineSampler.parseDate("2026-12-01T03:00:00.123456789Z") != nil)
        #expect(EngineSampler.parseDate("0001-01-01T00:00:00Z") == nil)
    }
}
