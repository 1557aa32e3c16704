import Foundation

/// The threads a preflight run executes on, instead of Swift's shared cooperative pool.
///
/// Why: the run is bounded in time (no DNS query outlives two timeouts). Blocking socket work
/// already runs on threads of its own (`DNSClient.onThread`), but the checks themselves, and
/// every resumption after a query, need an executor thread. The cooperative pool has one
/// thread per core and is shared with the rest of the process: when other code blocks it (a
/// test waiting for a child process, a library doing blocking I/O), a run against a silent
/// resolver took 42 s instead of 2. With its own executor, preflight's timing no longer
/// depends on what else the process does.
///
/// `PreflightCommand.run` installs it with `withTaskExecutorPreference`; child tasks (task
/// groups, `async let`) inherit the preference, and the few unstructured tasks (the DNS
/// client's shared queries, the run's memo) ask for it explicitly.
public final class PreflightExecutor: TaskExecutor, @unchecked Sendable {
    /// The process-wide executor; its threads start on first use and live as long as the process.
    public static let shared = PreflightExecutor(threads: max(4, ProcessInfo.processInfo.activeProcessorCount))

    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var head = 0

    init(threads: Int) {
        for i in 0..<threads {
            let t = Thread { [self] in work() }
            t.name = "preflight-\(i)"
            t.start()
        }
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func work() {
        let me = asUnownedTaskExecutor()
        while true {
            condition.lock()
            while head == jobs.count { condition.wait() }
            let job = jobs[head]
            head += 1
            if head == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                head = 0
            }
            condition.unlock()
            job.runSynchronously(on: me)
        }
    }
}
