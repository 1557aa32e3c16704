import Foundation

// libFuzzer entry points for the targets in FuzzTargets.swift (shared with the test suite's
// in-process harness through a symbolic link). Built only by scripts/fuzz.sh, with
// `-sanitize=fuzzer -DSELFHOST_LIBFUZZER`: libFuzzer then provides `main`.
#if SELFHOST_LIBFUZZER
nonisolated(unsafe) var selected: FuzzTargets.Target?

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    let env = ProcessInfo.processInfo.environment
    guard let name = env["SELFHOST_FUZZ_TARGET"], let target = FuzzTargets.named(name) else {
        FileHandle.standardError.write(Data("set SELFHOST_FUZZ_TARGET to one of: \(FuzzTargets.all.map(\.name).joined(separator: ", "))\n".utf8))
        exit(2)
    }
    selected = target
    // Seed corpus and dictionary, written once into the directories the script names.
    if let dir = env["SELFHOST_FUZZ_SEED_DIR"] {
        for (i, seed) in target.seeds().enumerated() {
            FileManager.default.createFile(atPath: "\(dir)/seed-\(i)", contents: Data(seed))
        }
    }
    if let dict = env["SELFHOST_FUZZ_DICT"] {
        let lines = target.dictionary.map { token in
            "\"" + token.utf8.map { b in (0x20...0x7E).contains(b) && b != 0x22 && b != 0x5C ? String(UnicodeScalar(b)) : String(format: "\\x%02X", b) }.joined() + "\""
        }
        FileManager.default.createFile(atPath: dict, contents: Data((lines.joined(separator: "\n") + "\n").utf8))
    }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let problems = selected!.run(bytes)
    if let first = problems.first { fatalError("\(selected!.name): \(first)") }
    return 0
}

// SwiftPM links an executable with `main` defined as `<module>_main`; here that is libFuzzer's
// driver, run with the entry point above (LLVMFuzzerRunDriver, libFuzzer since LLVM 13).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@_cdecl("selfhost_fuzz_main")
public func selfhostFuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var values = argv
    return LLVMFuzzerRunDriver(&count, &values, { data, size in fuzzerTestOneInput(data, size) })
}
#else
@main
struct FuzzMain {
    static func main() {
        FileHandle.standardError.write(Data("selfhost-fuzz is built by scripts/fuzz.sh (libFuzzer); the in-process harness is `swift test --filter FuzzHarness`\n".utf8))
        exit(2)
    }
}
#endif
