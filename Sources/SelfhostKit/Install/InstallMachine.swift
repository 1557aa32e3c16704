import Foundation

/// What `selfhost install` touches on the server, injected so the tests plan and run it against a
/// fake: the unit directory, whether systemd and root are there, the Docker engine, Compose and
/// the ports (preflight's probes), and how commands run.
public struct InstallMachine: Sendable {
    /// Where unit files go (`/etc/systemd/system`).
    public var unitDirectory: String
    /// Exists only when systemd is PID 1 (what sd_booted(3) tests).
    public var systemdRuntimeDirectory: String
    public var isRoot: @Sendable () -> Bool
    /// The Compose v2 plugin's version, or nil when missing (preflight's probe, blocking).
    public var composeVersion: @Sendable () -> String?
    /// Sockets listening on a TCP port (preflight's probe).
    public var listeners: @Sendable (Int) -> [ListeningSocket]
    public var engine: DockerEngine
    public var run: @Sendable (ProcessRequest) -> ProcessResult
    /// Every container the engine has (for the wait until healthy).
    public var containers: @Sendable () -> Result<[ContainerSample], DockerEngine.Failure>
    public var sleep: @Sendable (Double) -> Void
    public var monotonic: @Sendable () -> Double

    public init(unitDirectory: String = "/etc/systemd/system", systemdRuntimeDirectory: String = "/run/systemd/system",
                isRoot: @escaping @Sendable () -> Bool, composeVersion: @escaping @Sendable () -> String?,
                listeners: @escaping @Sendable (Int) -> [ListeningSocket], engine: DockerEngine,
                run: @escaping @Sendable (ProcessRequest) -> ProcessResult,
                containers: @escaping @Sendable () -> Result<[ContainerSample], DockerEngine.Failure>,
                sleep: @escaping @Sendable (Double) -> Void = { Thread.sleep(forTimeInterval: $0) },
                monotonic: @escaping @Sendable () -> Double = { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }) {
        self.unitDirectory = unitDirectory
        self.systemdRuntimeDirectory = systemdRuntimeDirectory
        self.isRoot = isRoot
        self.composeVersion = composeVersion
        self.listeners = listeners
        self.engine = engine
        self.run = run
        self.containers = containers
        self.sleep = sleep
        self.monotonic = monotonic
    }

    public static func live(_ context: Context) -> InstallMachine {
        let engine = DockerEngine(socket: DockerEngine.socketPath(environment: context.environment))
        let probe = LiveHostProbe(environment: context.environment)
        return InstallMachine(isRoot: { geteuid() == 0 }, composeVersion: { probe.composeVersionNow() },
                              listeners: { probe.listeners(on: $0) }, engine: engine,
                              run: { ProcessRunner.run($0) }, containers: { EngineSampler(engine: engine).sample() })
    }
}
