import Foundation

/// One program run, described as a value: what to start, where, with which environment and input,
/// and the bounds it must keep (a time limit and a cap on what it prints).
public struct ProcessRequest: Sendable {
    public enum Output: Sendable {
        /// stdout and stderr kept apart.
        case separate
        /// stderr written into stdout's stream, in the order the program wrote them.
        case merged
        /// Neither kept.
        case discard
        /// stdout left to the caller to read while the program runs (`RunningProcess.output`, a
        /// server that says where it listens); stderr kept.
        case stream
    }

    /// An absolute path, or a name looked up on the `PATH` of `environment` (or of this process).
    public var executable: String
    public var arguments: [String]
    /// The whole environment of the child; nil inherits this process's.
    public var environment: [String: String]?
    public var workingDirectory: URL?
    public var input: Data?
    /// stdin left open for the caller (`RunningProcess.input`): a server that stops when it closes.
    public var keepInputOpen: Bool = false
    /// Seconds before the program is sent SIGTERM (then SIGKILL two seconds later); nil: no limit.
    public var timeout: Double?
    public var output: Output
    /// Bytes kept per stream; the rest is read and dropped, so the program never blocks on a full pipe.
    public var outputLimit: Int

    public init(_ executable: String, _ arguments: [String] = [], environment: [String: String]? = nil,
                workingDirectory: URL? = nil, input: Data? = nil, timeout: Double? = nil,
                output: Output = .separate, outputLimit: Int = 16 << 20, keepInputOpen: Bool = false) {
        self.executable = executable
        self.keepInputOpen = keepInputOpen
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.input = input
        self.timeout = timeout
        self.output = output
        self.outputLimit = outputLimit
    }
}

public struct ProcessResult: Sendable {
    /// The exit status; for a program ended by a signal, 128 + the signal (as shells report it);
    /// 127 when it could not be started.
    public var status: Int32
    public var stdout: Data
    public var stderr: Data
    public var timedOut: Bool
    /// Some output went past `outputLimit` and was dropped.
    public var truncated: Bool
    /// Why the program could not be started, when it couldn't.
    public var launchFailure: String?

    public var succeeded: Bool { status == 0 && !timedOut && launchFailure == nil }
    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}

/// The library's one way to run a program (validators, Docker, probes; the tests use it too).
/// Blocking, with its reads and its watchdog on threads of their own: a run never waits on
/// Swift's cooperative pool or Dispatch's global queues, which a busy test run can exhaust.
public enum ProcessRunner {
    public static func run(_ request: ProcessRequest) -> ProcessResult {
        start(request).wait()
    }

    /// Starts the program and returns at once: for a program that runs beside the caller (a test's
    /// server). `wait()` gives the same result `run` would have.
    public static func start(_ request: ProcessRequest) -> RunningProcess {
        guard let path = resolve(request.executable, environment: request.environment) else {
            return RunningProcess(failure: "\(request.executable): not found on PATH")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = request.arguments
        if let env = request.environment { process.environment = env }
        if let cwd = request.workingDirectory { process.currentDirectoryURL = cwd }

        let outPipe = Pipe(), errPipe = Pipe(), inPipe = Pipe()
        switch request.output {
        case .separate, .stream:
            process.standardOutput = outPipe
            process.standardError = errPipe
        case .merged:
            process.standardOutput = outPipe
            process.standardError = outPipe
        case .discard:
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
        }
        process.standardInput = request.input == nil && !request.keepInputOpen ? FileHandle.nullDevice : inPipe

        do {
            try process.run()
        } catch {
            return RunningProcess(failure: "\(path): \(error.localizedDescription)")
        }
        // The parent's copies of the write ends must go, or the readers never see end-of-file.
        if request.output != .discard { try? outPipe.fileHandleForWriting.close() }
        if request.output == .separate || request.output == .stream { try? errPipe.fileHandleForWriting.close() }

        let outReader = request.output == .discard || request.output == .stream ? nil : PipeReader(outPipe.fileHandleForReading, limit: request.outputLimit)
        let errReader = request.output == .separate || request.output == .stream ? PipeReader(errPipe.fileHandleForReading, limit: request.outputLimit) : nil
        if let input = request.input, !request.keepInputOpen {
            let writer = inPipe.fileHandleForWriting
            let box = UncheckedBox(writer)
            Thread {
                // A program that exits without reading its input closes the pipe: ignore EPIPE.
                signal(SIGPIPE, SIG_IGN)
                try? box.value.write(contentsOf: input)
                try? box.value.close()
            }.start()
        }

        let running = RunningProcess(process: process, outReader: outReader, errReader: errReader,
                                     output: request.output == .stream ? outPipe.fileHandleForReading : nil,
                                     input: request.keepInputOpen ? inPipe.fileHandleForWriting : nil)
        if let timeout = request.timeout {
            let watched = UncheckedBox(process)
            let finished = running.finished, timedOut = running.timedOut
            Thread {
                guard finished.wait(timeout: .now() + timeout) == .timedOut, watched.value.isRunning else { return }
                timedOut.set()
                kill(watched.value.processIdentifier, SIGTERM)
                if finished.wait(timeout: .now() + 2) == .timedOut, watched.value.isRunning {
                    kill(watched.value.processIdentifier, SIGKILL)
                }
            }.start()
        }
        return running
    }

    /// `name` as an executable path: itself when it contains a slash, else the first match on PATH.
    public static func resolve(_ name: String, environment: [String: String]? = nil) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = (environment ?? ProcessInfo.processInfo.environment)["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// A program `ProcessRunner.start` left running.
public final class RunningProcess: @unchecked Sendable {
    private let process: Process?
    private let outReader: PipeReader?
    private let errReader: PipeReader?
    fileprivate let finished = DispatchSemaphore(value: 0)
    fileprivate let timedOut = Flag()
    private let failure: String?
    private let lock = NSLock()
    private var result: ProcessResult?
    /// stdout, for `.stream` requests: read it while the program runs.
    public let output: FileHandle?
    /// stdin, for `keepInputOpen` requests: write to it, close it.
    public let input: FileHandle?

    fileprivate init(process: Process, outReader: PipeReader?, errReader: PipeReader?, output: FileHandle?, input: FileHandle?) {
        self.process = process
        self.outReader = outReader
        self.errReader = errReader
        self.output = output
        self.input = input
        failure = nil
    }

    fileprivate init(failure: String) {
        process = nil
        outReader = nil
        errReader = nil
        output = nil
        input = nil
        self.failure = failure
    }

    /// Why it could not be started; nil when it was.
    public var launchFailure: String? { failure }
    public var processIdentifier: Int32 { process?.processIdentifier ?? 0 }
    public var isRunning: Bool { process?.isRunning ?? false }

    /// Sends `signal` (SIGTERM by default) if the program still runs.
    public func terminate(_ signal: Int32 = SIGTERM) {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, signal)
    }

    /// Waits for the program to end and for its output; the same result every call.
    public func wait() -> ProcessResult {
        lock.withLock {
            if let result { return result }
            let r = finish()
            result = r
            return r
        }
    }

    private func finish() -> ProcessResult {
        guard let process else {
            return ProcessResult(status: 127, stdout: Data(), stderr: Data(), timedOut: false, truncated: false,
                                 launchFailure: failure)
        }
        let out = outReader?.finish() ?? (Data(), false)
        let err = errReader?.finish() ?? (Data(), false)
        process.waitUntilExit()
        finished.signal()
        finished.signal()
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return ProcessResult(status: status, stdout: out.0, stderr: err.0, timedOut: timedOut.isSet,
                             truncated: out.1 || err.1, launchFailure: nil)
    }
}

/// Drains a pipe on a thread of its own until end-of-file, keeping at most `limit` bytes.
private final class PipeReader: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var data = Data()
    private var truncated = false

    init(_ handle: FileHandle, limit: Int) {
        Thread { [self] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                let room = limit - data.count
                if room >= chunk.count {
                    data.append(chunk)
                } else {
                    if room > 0 { data.append(chunk.prefix(room)) }
                    truncated = true
                }
            }
            done.signal()
        }.start()
    }

    /// Waits for end-of-file; the bytes kept and whether any were dropped.
    func finish() -> (Data, Bool) {
        done.wait()
        return (data, truncated)
    }
}

fileprivate final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
