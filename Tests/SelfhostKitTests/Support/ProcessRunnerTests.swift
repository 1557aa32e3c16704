import Foundation
import Testing
@testable import SelfhostKit

@Suite("Process runner")
struct ProcessRunnerTests {
    @Test func separateStreamsAndStatus() {
        let r = ProcessRunner.run(ProcessRequest("/bin/sh", ["-c", "echo out; echo err >&2; exit 3"]))
        #expect(r.status == 3)
        #expect(r.stdoutText == "out\n")
        #expect(r.stderrText == "err\n")
        #expect(!r.succeeded)
    }

    @Test func mergedKeepsOrder() {
        let r = ProcessRunner.run(ProcessRequest("/bin/sh", ["-c", "echo a; echo b >&2; echo c"], output: .merged))
        #expect(r.stdoutText == "a\nb\nc\n")
        #expect(r.stderr.isEmpty)
    }

    @Test func inputEnvironmentAndDirectory() throws {
        let dir = try TestSupport.tempDirectory("runner")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = ProcessRunner.run(ProcessRequest("sh", ["-c", "cat; echo \"$X\"; pwd"], environment: ["PATH": "/usr/bin:/bin", "X": "y"],
                                                 workingDirectory: dir, input: Data("in\n".utf8)))
        #expect(r.stdoutText == "in\ny\n\(dir.resolvingSymlinksInPath().path)\n")
    }

    @Test func timeoutKillsAndSays() {
        let started = Date()
        let r = ProcessRunner.run(ProcessRequest("/bin/sleep", ["30"], timeout: 0.3))
        #expect(r.timedOut)
        // SIGTERM, or SIGKILL two seconds later when the child inherited a mask that blocks SIGTERM
        // (children of the test runner's threads do).
        #expect([128 + SIGTERM, 128 + SIGKILL].contains(r.status))
        #expect(Date().timeIntervalSince(started) < 5)
    }

    @Test func ignoringSIGTERMGetsSIGKILL() {
        let r = ProcessRunner.run(ProcessRequest("/bin/sh", ["-c", "trap '' TERM; exec sleep 30"], timeout: 0.2))
        #expect(r.timedOut)
        #expect(r.status == 128 + SIGKILL)
    }

    @Test func outputIsCappedWithoutBlockingTheProgram() {
        // 4 MB through a 1 KB cap: the program still finishes (the rest is read and dropped).
        let r = ProcessRunner.run(ProcessRequest("/bin/sh", ["-c", "head -c 4000000 /dev/zero; echo done >&2"], outputLimit: 1024))
        #expect(r.status == 0)
        #expect(r.stdout.count == 1024)
        #expect(r.truncated)
        #expect(r.stderrText == "done\n")
    }

    @Test func missingProgram() {
        let r = ProcessRunner.run(ProcessRequest("no-such-program-here", environment: ["PATH": "/nonexistent"]))
        #expect(r.status == 127)
        #expect(r.launchFailure?.contains("not found") == true)
    }

    @Test func inputIgnoredByTheProgram() {
        let big = Data(repeating: 65, count: 1 << 20)
        let r = ProcessRunner.run(ProcessRequest("/bin/true", input: big, timeout: 10))
        #expect(r.status == 0)
        #expect(!r.timedOut)
    }

    @Test func startStreamsOutputAndTakesInputWhileRunning() throws {
        // A server-like program: says it is ready, then echoes what it reads until its stdin closes.
        let p = ProcessRunner.start(ProcessRequest("/bin/sh", ["-c", "echo ready; while read l; do echo \"got $l\" >&2; done; exit 4"],
                                                   output: .stream, keepInputOpen: true))
        #expect(p.launchFailure == nil)
        #expect(p.output?.availableLine() == "ready")
        #expect(p.isRunning)
        try p.input?.write(contentsOf: Data("one\n".utf8))
        try p.input?.close()
        let r = p.wait()
        #expect(r.status == 4)
        #expect(r.stderrText == "got one\n")
        #expect(!p.isRunning)
        #expect(p.wait().status == 4)
    }

    @Test func startedProgramIsTerminated() {
        let p = ProcessRunner.start(ProcessRequest("/bin/sleep", ["30"], output: .discard))
        #expect(p.isRunning)
        p.terminate(SIGKILL)
        #expect(p.wait().status == 128 + SIGKILL)
    }

    @Test func startOfAMissingProgramSaysWhy() {
        let p = ProcessRunner.start(ProcessRequest("no-such-program-here", environment: ["PATH": "/nonexistent"]))
        #expect(p.launchFailure?.contains("not found on PATH") == true)
        #expect(!p.isRunning)
        #expect(p.wait().status == 127)
    }
}
