import Foundation

/// `status --watch`: redraws the report in place every few seconds, like btop or Rich's `Live`.
/// CPU % and rates come from the difference between one refresh and the next. Keys: q quits,
/// s cycles the sort (name, cpu, memory). Ctrl-C, SIGTERM and SIGHUP end it with the terminal
/// restored; a window resize redraws at once.
struct StatusWatch {
    var options: StatusCommand.Options
    var box: BoxInventory?
    var machine: StatusCommand.Machine
    var terminal: TerminalControl
    var context: Context

    enum Event { case tick, resize, quit, sort }

    func run() throws -> ExitStatus {
        let sampler = StatusSampler(box: box, machine: machine, thresholds: options.thresholds, now: context.now)
        let engine = try sampler.engineInfo()
        let events = EventQueue()
        var sources: [DispatchSourceSignal] = []
        let signalQueue = DispatchQueue(label: "selfhost.status.signals")
        for (sig, event) in [(SIGINT, Event.quit), (SIGTERM, .quit), (SIGHUP, .quit), (SIGWINCH, .resize)] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: signalQueue)
            source.setEventHandler { events.post(event) }
            source.resume()
            sources.append(source)
        }
        defer {
            sources.forEach { $0.cancel() }
            for sig in [SIGINT, SIGTERM, SIGHUP, SIGWINCH] { signal(sig, SIG_DFL) }
        }
        let input = terminal.inputFD
        Thread {
            var byte: UInt8 = 0
            while read(input, &byte, 1) == 1 {
                switch byte {
                case UInt8(ascii: "q"), UInt8(ascii: "Q"): events.post(.quit); return
                case UInt8(ascii: "s"), UInt8(ascii: "S"): events.post(.sort)
                default: continue
                }
            }
        }.start()

        terminal.enter()
        defer { terminal.leave() }
        var sort = options.sort
        var previous = try sampler.sample(rootDir: engine.rootDir)
        var report = sampler.report(engine: engine, old: nil, new: previous)
        while true {
            frame(report.sorted(by: sort), sort: sort)
            switch events.wait(seconds: options.watch ?? 2) {
            case .quit:
                return .success
            case .resize:
                continue
            case .sort:
                sort = sort.next
                continue
            case .tick:
                let next = try sampler.sample(rootDir: engine.rootDir)
                report = sampler.report(engine: engine, old: previous, new: next)
                previous = next
            }
        }
    }

    private func frame(_ report: StatusReport, sort: StatusSort) {
        let size = terminal.size
        var lines = StatusText.render(report, width: size?.columns, style: context.style)
        let help = "every \(StatusText.duration(options.watch ?? 2)) · sort: \(sort.rawValue) · s sort · q quit"
        lines.append(context.style.dim(size.map { StatusText.cut(help, to: $0.columns) } ?? help))
        terminal.draw(lines)
    }
}

/// Events from signal handlers and the key reader, waited for with a timeout (the refresh tick).
final class EventQueue: @unchecked Sendable {
    private let lock = NSLock()
    private let semaphore = DispatchSemaphore(value: 0)
    private var pending: [StatusWatch.Event] = []

    func post(_ event: StatusWatch.Event) {
        lock.withLock { pending.append(event) }
        semaphore.signal()
    }

    /// The next event, or `.tick` when none arrives within `seconds`.
    func wait(seconds: Double) -> StatusWatch.Event {
        guard semaphore.wait(timeout: .now() + seconds) == .success else { return .tick }
        return lock.withLock { pending.isEmpty ? .tick : pending.removeFirst() }
    }
}
