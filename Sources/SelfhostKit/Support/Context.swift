import Foundation

/// Where a command writes. Injected so tests capture output instead of printing it.
public protocol OutputSink: Sendable {
    func write(_ text: String)
}

/// Writes to a file descriptor (stdout or stderr) unbuffered, in one `write(2)` per call.
public struct FileDescriptorSink: OutputSink {
    public let fd: Int32
    public init(fd: Int32) { self.fd = fd }

    public func write(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { buf in
                Foundation.write(fd, buf.baseAddress! + offset, buf.count - offset)
            }
            if n <= 0 { return }
            offset += n
        }
        bytes.removeAll()
    }
}

/// Collects output in memory; for tests.
public final class BufferSink: OutputSink, @unchecked Sendable {
    private let lock = NSLock()
    private var storage = ""
    public init() {}
    public func write(_ text: String) { lock.withLock { storage += text } }
    /// Everything written so far.
    public var text: String { lock.withLock { storage } }
}

/// Everything a command may touch on the machine, injected so the library runs in tests
/// without it: output, colour, environment, working directory and clock.
public struct Context: Sendable {
    public var stdout: any OutputSink
    public var stderr: any OutputSink
    /// Whether ANSI colour may be used on stdout (a TTY and `NO_COLOR` unset).
    public var color: Bool
    public var environment: [String: String]
    public var workingDirectory: URL
    public var now: @Sendable () -> Date
    /// Whether stdout is a terminal (its width is then the fallback when `COLUMNS` is unset).
    public var isTerminal: Bool
    /// Reads standard input to its end, or to `limit + 1` bytes so a caller can tell "over the limit"
    /// (`selfhost lint -`). Tests inject the bytes; the default is an empty input.
    public var readStandardInput: @Sendable (_ limit: Int) -> Data
    /// Asks the person at the terminal for a secret, without echo; nil when there is no terminal
    /// (then secrets must come from a file or the environment). Tests inject answers.
    public var promptSecret: @Sendable (_ prompt: String) -> String? = { _ in nil }

    public init(
        stdout: any OutputSink, stderr: any OutputSink, color: Bool = false,
        environment: [String: String] = [:], workingDirectory: URL,
        now: @escaping @Sendable () -> Date = { Date() }, isTerminal: Bool = false,
        readStandardInput: @escaping @Sendable (_ limit: Int) -> Data = { _ in Data() }
    ) {
        self.isTerminal = isTerminal
        self.readStandardInput = readStandardInput
        self.stdout = stdout
        self.stderr = stderr
        self.color = color
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.now = now
    }

    /// The real process: stdout/stderr, colour when stdout is a TTY and `NO_COLOR` is unset.
    public static func live() -> Context {
        let env = ProcessInfo.processInfo.environment
        let noColor = (env["NO_COLOR"].map { !$0.isEmpty } ?? false) || env["TERM"] == "dumb"
        return Context(
            stdout: FileDescriptorSink(fd: 1), stderr: FileDescriptorSink(fd: 2),
            color: isatty(1) == 1 && !noColor,
            environment: env,
            workingDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
            isTerminal: isatty(1) == 1,
            readStandardInput: { limit in
                var data = Data()
                while data.count <= limit, let chunk = try? FileHandle.standardInput.read(upToCount: min(65_536, limit + 1 - data.count)), !chunk.isEmpty {
                    data.append(chunk)
                }
                return data
            }
        )
        .withTerminalPrompt()
    }

    /// `promptSecret` reading from the controlling terminal (`/dev/tty`) with echo off.
    func withTerminalPrompt() -> Context {
        var c = self
        c.promptSecret = { prompt in TerminalSecret.ask(prompt: prompt) }
        return c
    }

    /// Resolves a user-given path against the working directory.
    public func url(for path: String) -> URL {
        if path.hasPrefix("/") { return URL(fileURLWithPath: path).standardizedFileURL }
        return workingDirectory.appendingPathComponent(path).standardizedFileURL
    }

    /// The width text output must fit: `COLUMNS`, else the terminal's, else nil (a pipe: tables
    /// keep every column, prose wraps at `TextFit.defaultWidth`).
    public var width: Int? { TerminalControl.width(environment: environment, isTTY: isTerminal) }

    /// Text for people, fitted to `width` (see `TextFit.fit`).
    public func fitted(_ text: String) -> String { TextFit.fit(text, width: width) }

    /// A styler for stdout, honouring `color`.
    public var style: Style { Style(enabled: color) }
}
