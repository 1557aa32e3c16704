import Foundation
@testable import SelfhostKit

/// Paths and helpers shared by the test suites.
enum TestSupport {
    /// Tests/SelfhostKitTests/Fixtures
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    /// The repository root.
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The built `selfhost` binary, next to the test bundle in the build folder.
    static var binary: URL {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = testBinary.deletingLastPathComponent()
        // swift test runs .build/<config>/selfhostPackageTests.xctest; on macOS the bundle is a directory.
        while !FileManager.default.isExecutableFile(atPath: dir.appendingPathComponent("selfhost").path), dir.path != "/" {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("selfhost")
    }

    /// A context whose output is captured.
    static func context(cwd: URL = FileManager.default.temporaryDirectory, env: [String: String] = [:]) -> (Context, BufferSink, BufferSink) {
        let out = BufferSink(), err = BufferSink()
        return (Context(stdout: out, stderr: err, color: false, environment: env, workingDirectory: cwd), out, err)
    }

    /// The shipped catalog, as compiled into the binary.
    /// Loaded leniently so that a broken entry fails `shippedCatalogIsClean` with every problem
    /// listed, instead of crashing the whole test run.
    static let catalog: Catalog = CatalogLoader.loadChecking(ResourceStore.embedded).catalog

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the real binary with `arguments`, in `cwd`, with a clean environment plus `env`.
    static func run(_ arguments: [String], binary: URL = TestSupport.binary, cwd: URL? = nil, env: [String: String] = [:]) throws -> Run {
        var environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": NSTemporaryDirectory()]
        environment.merge(env) { _, new in new }
        let r = ProcessRunner.run(ProcessRequest(binary.path, arguments, environment: environment, workingDirectory: cwd, timeout: 300))
        if let failure = r.launchFailure { throw NSError(domain: "test", code: 127, userInfo: [NSLocalizedDescriptionKey: failure]) }
        return Run(status: r.status, stdout: r.stdoutText, stderr: r.stderrText)
    }

    static func tempDirectory(_ name: String = "selfhost-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func json(_ text: String) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw NSError(domain: "test", code: 1, userInfo: [NSLocalizedDescriptionKey: "not a JSON object: \(text.prefix(200))"])
        }
        return object
    }
}
