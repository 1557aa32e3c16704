import Foundation

/// The status report for people: a header about the host, then one table with a line per app
/// (its URL and last backup) followed by a line per container. Fits `width` columns: the least
/// useful columns go first (block I/O, network, restarts, uptime, image), then cells are cut with "…".
public enum StatusText {
    public static func render(_ report: StatusReport, width: Int?, style: Style) -> [String] {
        var lines: [String] = []
        let engine = "Docker \(report.engine.version)"
        var title = "selfhost status"
        if let box = report.box.value { title += " · \(box)" }
        if let domain = report.domain.value { title += " · \(domain)" }
        lines.append(style.bold(title) + " · " + engine + " · " + timestamp(report.generatedAt))
        let h = report.host
        var host = "load " + h.load.map { String(format: "%.2f", $0) }.joined(separator: " ")
        if let cpu = h.cpuPercent.value { host += " · cpu " + percent(cpu) }
        host += " · mem \(HumanBytes.format(h.memoryUsedBytes)) / \(HumanBytes.format(h.memoryTotalBytes))"
        host += " · swap \(HumanBytes.format(h.swapUsedBytes)) / \(HumanBytes.format(h.swapTotalBytes))"
        lines.append(host)
        if !h.disks.isEmpty {
            lines.append(h.disks.map { "\($0.purpose) \($0.path): \(HumanBytes.format($0.freeBytes)) free (\(Int($0.usedPercent.rounded()))% used)" }
                .joined(separator: " · "))
        }
        lines.append("")

        var table = FittedTable(columns: [
            .init("APP / SERVICE", keep: 0), .init("STATE", keep: 0), .init("RESTARTS", keep: 3, right: true),
            .init("UP", keep: 4, right: true), .init("CPU", keep: 0, right: true), .init("MEM / LIMIT", keep: 0, right: true),
            .init("NET ↓/↑ /s", keep: 2, right: true), .init("DISK r/w /s", keep: 1, right: true), .init("IMAGE", keep: 5, maxWidth: 32),
        ])
        func add(_ c: StatusReport.Container, indent: String = "  ") {
            table.rows.append(.cells([
                indent + (c.service.value ?? c.name), state(c, style: style), "\(c.restarts)",
                c.uptimeSeconds.value.map(duration) ?? "—", c.cpuPercent.value.map(percent) ?? "—", memory(c),
                pair(c.netRxBytesPerSecond.value, c.netTxBytesPerSecond.value),
                pair(c.blockReadBytesPerSecond.value, c.blockWriteBytesPerSecond.value),
                c.tag.value.map { "\(c.image):\($0)" } ?? c.image,
            ]))
        }
        for app in report.apps {
            var note = app.url
            if let b = app.backup.value {
                if let age = b.ageSeconds.value {
                    note += " · backup \(duration(age)) ago" + (b.sizeBytes.value.map { ", \(HumanBytes.format($0))" } ?? "")
                } else {
                    note += " · no backup yet"
                }
                if b.overdue { note += " " + style.red("OVERDUE") }
                if let at = b.lastVerifiedAt.value {
                    let ok = b.lastVerifyOk.value ?? false
                    note += " · restore drill \(duration(max(0, report.generatedAt.timeIntervalSince(at)))) ago " + (ok ? style.green("ok") : style.red("FAILED"))
                }
            }
            table.rows.append(.banner(style.bold(app.id) + "  " + note))
            if app.containers.isEmpty { table.rows.append(.banner("  " + style.yellow("not started"))) }
            app.containers.forEach { add($0) }
        }
        if !report.caddy.isEmpty || report.box.value != nil {
            table.rows.append(.banner(style.bold("caddy") + "  reverse proxy for every app"))
            report.caddy.forEach { add($0) }
        }
        if !report.otherContainers.isEmpty {
            table.rows.append(.banner(style.bold(report.box.value == nil ? "containers" : "not in this box")))
            report.otherContainers.forEach { c in
                var copy = c
                copy.service = .init((c.project.value.map { "\($0)/" } ?? "") + (c.service.value ?? c.name))
                add(copy)
            }
        }
        lines += table.render(width: width, headerStyle: style.dim)
        if let swarm = report.swarm.value {
            lines += swarmLines(swarm, width: width, style: style)
        }
        if !report.problems.isEmpty {
            lines.append("")
            for p in report.problems {
                lines.append(style.red("✖") + " \(p.subject): \(p.message)")
            }
        }
        return lines.map { line in width.map { cut(line, to: $0) } ?? line }
    }

    /// The swarm (on a manager): its nodes, then each service with its tasks per node.
    static func swarmLines(_ swarm: StatusReport.Swarm, width: Int?, style: Style) -> [String] {
        var lines = ["", style.bold("swarm") + " · \(swarm.nodes.count) nodes · \(swarm.services.count) services"]
        var nodes = FittedTable(columns: [
            .init("NODE", keep: 0), .init("ROLE", keep: 0), .init("AVAILABILITY", keep: 0), .init("STATE", keep: 0),
            .init("ADDRESS", keep: 2), .init("LABELS", keep: 1, maxWidth: 60),
        ])
        for n in swarm.nodes {
            let labels = n.labels.keys.sorted().map { "\($0)=\(n.labels[$0]!)" }.joined(separator: " ")
            nodes.rows.append(.cells([
                n.hostname, n.role + (n.leader ? " (leader)" : ""),
                n.availability == "active" ? n.availability : style.yellow(n.availability),
                n.state == "ready" ? style.green(n.state) : style.red(n.state), n.address.value ?? "—", labels.isEmpty ? "—" : labels,
            ]))
        }
        lines += nodes.render(width: width, headerStyle: style.dim)
        lines.append("")
        var services = FittedTable(columns: [
            .init("SERVICE", keep: 0), .init("TASKS", keep: 0, right: true), .init("ON NODES", keep: 1, maxWidth: 80),
        ])
        for s in swarm.services {
            let wanted = s.replicas.value.map(String.init) ?? "global"
            let count = "\(s.running)/\(wanted)"
            var perNode: [String: [String]] = [:]
            for t in s.tasks { perNode[t.node, default: []].append(t.state) }
            let placement = perNode.keys.sorted().map { node in
                let states = perNode[node]!
                let running = states.filter { $0 == "running" }.count
                let other = states.filter { $0 != "running" }
                return "\(node) \(running)" + (other.isEmpty ? "" : " (" + other.joined(separator: ", ") + ")")
            }.joined(separator: " · ")
            let ok = s.running >= (s.replicas.value ?? s.tasks.count)
            services.rows.append(.cells([s.name, ok ? count : style.red(count), placement.isEmpty ? "—" : placement]))
        }
        lines += services.render(width: width, headerStyle: style.dim)
        return lines
    }

    static func state(_ c: StatusReport.Container, style: Style) -> String {
        if c.completed { return style.dim("done") }
        if c.state != "running" { return style.red(c.state + (c.exitCode.value.map { " (\($0))" } ?? "")) }
        switch c.health.value {
        case "healthy": return style.green("healthy")
        case "unhealthy": return style.red("unhealthy")
        case "starting": return style.yellow("starting")
        default: return "running"
        }
    }

    static func memory(_ c: StatusReport.Container) -> String {
        guard let used = c.memoryBytes.value else { return "—" }
        guard let limit = c.memoryLimitBytes.value else { return HumanBytes.format(used) + " / —" }
        return "\(HumanBytes.format(used)) / \(HumanBytes.format(limit))"
    }

    static func pair(_ a: Double?, _ b: Double?) -> String {
        guard let a, let b else { return "—" }
        return "\(HumanBytes.format(a)) / \(HumanBytes.format(b))"
    }

    static func percent(_ value: Double) -> String { String(format: value < 10 ? "%.1f%%" : "%.0f%%", value) }

    /// `45s`, `12m`, `3h`, `2d 4h`.
    public static func duration(_ seconds: Double) -> String {
        let s = Int(max(0, seconds))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m" }
        if s < 86_400 { return "\(s / 3600)h" + (s % 3600 >= 60 ? " \((s % 3600) / 60)m" : "") }
        return "\(s / 86_400)d" + (s % 86_400 >= 3600 ? " \((s % 86_400) / 3600)h" : "")
    }

    static func timestamp(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm:ss 'UTC'"
        return f.string(from: date)
    }

    static func cut(_ line: String, to width: Int) -> String { TextFit.cut(line, to: width) }
}
