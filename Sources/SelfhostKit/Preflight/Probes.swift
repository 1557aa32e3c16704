import CResolv
import Foundation

/// How a TCP connect attempt ended.
public enum PortProbeResult: Sendable, Hashable {
    case open, refused, timeout
    case unreachable(String)
}

/// Opens TCP connections. Injected so tests and the library never touch other addresses.
public protocol PortProber: Sendable {
    func probe(_ ip: IPAddress, port: Int, timeout: Duration) async -> PortProbeResult
}

/// Real TCP connects (non-blocking connect + poll, bounded by the timeout), each on its own thread.
public struct LivePortProber: PortProber {
    public init() {}

    public func probe(_ ip: IPAddress, port: Int, timeout: Duration) async -> PortProbeResult {
        let ms = Int32(max(1, timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000))
        let text = ip.text
        return await DNSClient.onThread {
            var err: Int32 = 0
            switch cresolv_tcp_probe(text, Int32(port), ms, &err) {
            case 0: return .open
            case 1: return .refused
            case 2: return .timeout
            case -3: return .unreachable("not an IP address")
            default: return .unreachable(String(cString: strerror(err)))
            }
        }
    }
}

/// A listening socket found on this machine.
public struct ListeningSocket: Sendable, Hashable {
    public var port: Int
    /// The owning process's name and pid, when /proc lets us see it.
    public var process: String?
    public var pid: Int?
}

/// Docker engine facts, read from its API socket.
public struct DockerEngineInfo: Sendable, Hashable {
    public var reachable: Bool
    /// Engine version (`/version`), when reachable.
    public var version: String?
    /// Why it isn't reachable.
    public var problem: String?
}

/// Facts about the machine preflight runs on (`--local`). Injected so tests use a fake root.
public protocol HostProbe: Sendable {
    /// Whether the Docker engine answers on its API socket (not just whether the client exists).
    func dockerEngine(timeout: Duration) async -> DockerEngineInfo
    /// The Compose v2 plugin's version, or nil when missing.
    func composeVersion() async -> String?
    /// Free bytes on the filesystem holding Docker's data (or /).
    func freeDiskBytes() -> (path: String, bytes: Int64)?
    /// Total and available memory in bytes.
    func memory() -> (total: Int64, available: Int64)?
    /// TCP sockets in LISTEN state on `port` (any address).
    func listeners(on port: Int) -> [ListeningSocket]
}

/// The real host: Docker's Unix socket, the CLI plugin directories, statvfs, /proc.
public struct LiveHostProbe: HostProbe {
    /// Root for /proc and friends (tests point it at a fixture tree).
    public var procRoot: String
    /// Docker API socket path (`DOCKER_HOST=unix://…` or /var/run/docker.sock).
    public var dockerSocket: String
    /// Where Docker CLI plugins may live.
    public var pluginDirectories: [String]
    public var diskPaths: [String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        procRoot = "/proc"
        dockerSocket = DockerEngine.socketPath(environment: environment)
        var dirs: [String] = []
        if let cfg = environment["DOCKER_CONFIG"] { dirs.append(cfg + "/cli-plugins") }
        if let home = environment["HOME"] { dirs.append(home + "/.docker/cli-plugins") }
        dirs += ["/usr/local/lib/docker/cli-plugins", "/usr/local/libexec/docker/cli-plugins",
                 "/usr/lib/docker/cli-plugins", "/usr/libexec/docker/cli-plugins"]
        pluginDirectories = dirs
        diskPaths = ["/var/lib/docker", "/"]
    }

    public func dockerEngine(timeout: Duration) async -> DockerEngineInfo {
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        let engine = DockerEngine(socket: dockerSocket, timeout: max(0.001, seconds))
        let result = await DNSClient.onThread { engine.version() }
        switch result {
        case .success(let v):
            return DockerEngineInfo(reachable: true, version: v.version)
        case .failure(let failure):
            return DockerEngineInfo(reachable: false, problem: engine.explain(failure).message)
        }
    }

    public func composeVersion() async -> String? {
        await DNSClient.onThread { self.composeVersionNow() }
    }

    /// The same, blocking (for synchronous commands such as `selfhost install`).
    public func composeVersionNow() -> String? {
        let fm = FileManager.default
        for dir in pluginDirectories {
            let bin = dir + "/docker-compose"
            guard fm.isExecutableFile(atPath: bin) else { continue }
            // Every CLI plugin answers this subcommand with JSON metadata (Version, Vendor…). On a
            // loaded server the plugin took 16.7 s to answer (e2e/test_install.py, load average 137):
            // 5 s made install refuse a server whose Compose was there all along.
            let result = ProcessRunner.run(ProcessRequest(bin, ["docker-cli-plugin-metadata"], timeout: 60, outputLimit: 1 << 20))
            if result.succeeded,
               let obj = try? JSONSerialization.jsonObject(with: result.stdout) as? [String: Any],
               let v = obj["Version"] as? String {
                return v
            }
        }
        return nil
    }

    public func freeDiskBytes() -> (path: String, bytes: Int64)? {
        for path in diskPaths {
            var st = statvfs()
            if statvfs(path, &st) == 0 { return (path, Int64(st.f_bavail) * Int64(st.f_frsize)) }
        }
        return nil
    }

    public func memory() -> (total: Int64, available: Int64)? {
        guard let text = try? String(contentsOfFile: procRoot + "/meminfo", encoding: .utf8) else { return nil }
        var total: Int64?, avail: Int64?
        for line in text.split(separator: "\n") {
            let f = line.split(whereSeparator: { $0 == " " || $0 == ":" })
            guard f.count >= 2, let kb = Int64(f[1]) else { continue }
            if f[0] == "MemTotal" { total = kb * 1024 }
            if f[0] == "MemAvailable" { avail = kb * 1024 }
        }
        guard let total else { return nil }
        return (total, avail ?? total)
    }

    public func listeners(on port: Int) -> [ListeningSocket] {
        var inodes: [String] = []
        for file in ["net/tcp", "net/tcp6"] {
            guard let text = try? String(contentsOfFile: procRoot + "/" + file, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                let f = line.split(separator: " ")
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                guard f.count >= 10, f[3] == "0A" else { continue }  // 0A = LISTEN
                guard let colon = f[1].lastIndex(of: ":"), let p = Int(f[1][f[1].index(after: colon)...], radix: 16), p == port else { continue }
                inodes.append(String(f[9]))
            }
        }
        guard !inodes.isEmpty else { return [] }
        let owners = socketOwners(Set(inodes))
        return inodes.map { ino in
            let owner = owners[ino]
            return ListeningSocket(port: port, process: owner?.0, pid: owner?.1)
        }
    }

    /// Maps socket inodes to (process name, pid) by scanning /proc/<pid>/fd (needs permission).
    func socketOwners(_ inodes: Set<String>) -> [String: (String, Int)] {
        var out: [String: (String, Int)] = [:]
        let fm = FileManager.default
        guard let pids = try? fm.contentsOfDirectory(atPath: procRoot) else { return out }
        for pid in pids where pid.allSatisfy(\.isNumber) {
            guard let fds = try? fm.contentsOfDirectory(atPath: "\(procRoot)/\(pid)/fd") else { continue }
            for fd in fds {
                guard let dest = try? fm.destinationOfSymbolicLink(atPath: "\(procRoot)/\(pid)/fd/\(fd)"),
                      dest.hasPrefix("socket:[") else { continue }
                let ino = String(dest.dropFirst(8).dropLast())
                if inodes.contains(ino) {
                    let comm = (try? String(contentsOfFile: "\(procRoot)/\(pid)/comm", encoding: .utf8))?
                        .trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
                    out[ino] = (comm, Int(pid) ?? 0)
                }
            }
        }
        return out
    }

    /// Runs a program with a 5-second bound; its stdout, or nil on failure.
    static func run(_ path: String, _ args: [String]) async -> String? {
        await DNSClient.onThread {
            let result = ProcessRunner.run(ProcessRequest(path, args, timeout: 5, outputLimit: 1 << 20))
            return result.succeeded ? result.stdoutText : nil
        }
    }
}
