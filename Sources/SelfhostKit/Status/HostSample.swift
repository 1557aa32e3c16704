import Foundation

/// What Linux says about the host at one moment: /proc/loadavg, /proc/stat, /proc/meminfo and
/// statvfs of the directories that fill up (Docker's root, the backups). `procRoot` is injected
/// so tests read a fixture tree.
public struct HostSample: Sendable {
    public var load: [Double]
    /// Cumulative CPU jiffies: busy and total (all fields of the `cpu` line).
    public var cpuBusy: UInt64
    public var cpuTotal: UInt64
    public var memoryTotal: Int64
    public var memoryAvailable: Int64
    public var swapTotal: Int64
    public var swapFree: Int64
    public var disks: [Disk]

    public struct Disk: Sendable, Equatable {
        /// `docker` or `backups`.
        public var purpose: String
        public var path: String
        public var totalBytes: Int64
        public var freeBytes: Int64
        public var usedPercent: Double { totalBytes > 0 ? Double(totalBytes - freeBytes) / Double(totalBytes) * 100 : 0 }
    }

    public static func read(procRoot: String = "/proc", disks: [(purpose: String, path: String)]) -> HostSample {
        func file(_ name: String) -> String { (try? String(contentsOfFile: "\(procRoot)/\(name)", encoding: .utf8)) ?? "" }
        let load = file("loadavg").split(separator: " ").prefix(3).compactMap { Double($0) }
        var busy: UInt64 = 0, total: UInt64 = 0
        if let cpuLine = file("stat").split(separator: "\n").first(where: { $0.hasPrefix("cpu ") }) {
            let fields = cpuLine.split(separator: " ").dropFirst().compactMap { UInt64($0) }
            // user nice system idle iowait irq softirq steal (guest time is already in user).
            total = fields.prefix(8).reduce(0, &+)
            let idle = (fields.count > 3 ? fields[3] : 0) &+ (fields.count > 4 ? fields[4] : 0)
            busy = total >= idle ? total - idle : 0
        }
        var mem: [String: Int64] = [:]
        for line in file("meminfo").split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count >= 2, let kb = Int64(parts[1]) else { continue }
            mem[String(parts[0].dropLast())] = kb.multipliedReportingOverflow(by: 1024).overflow ? Int64.max : kb * 1024
        }
        var seen = Set<String>()
        var measured: [Disk] = []
        for (purpose, path) in disks where !seen.contains(purpose) {
            var s = statvfs()
            guard statvfs(path, &s) == 0 else { continue }
            seen.insert(purpose)
            let block = Int64(s.f_frsize)
            measured.append(Disk(purpose: purpose, path: path, totalBytes: Int64(s.f_blocks) * block, freeBytes: Int64(s.f_bavail) * block))
        }
        return HostSample(load: load, cpuBusy: busy, cpuTotal: total,
                          memoryTotal: mem["MemTotal"] ?? 0, memoryAvailable: mem["MemAvailable"] ?? 0,
                          swapTotal: mem["SwapTotal"] ?? 0, swapFree: mem["SwapFree"] ?? 0, disks: measured)
    }

    /// Host CPU use between two samples, in percent of all CPUs.
    public static func cpuPercent(from old: HostSample?, to new: HostSample) -> Double? {
        guard let old, new.cpuTotal > old.cpuTotal, new.cpuBusy >= old.cpuBusy else { return nil }
        return Double(new.cpuBusy - old.cpuBusy) / Double(new.cpuTotal - old.cpuTotal) * 100
    }
}
