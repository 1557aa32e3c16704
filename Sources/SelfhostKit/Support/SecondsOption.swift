/// A number of seconds given on the command line (`--timeout`, `--interval`, `--watch`), checked
/// the same way by every command: a finite number within the command's bounds, else a usage error
/// (exit 2) that names the option and its bounds, e.g. `--timeout takes 1 to 86400 seconds, not 0.0`.
enum SecondsOption {
    /// `example` is a good value, given as the remedy (`e.g. --timeout 900`).
    static func check(_ value: Double, _ option: String, _ bounds: ClosedRange<Double>, example: String? = nil) throws(SelfhostError) {
        guard value.isFinite, bounds.contains(value) else {
            throw SelfhostError.usage("\(option) takes \(text(bounds.lowerBound)) to \(text(bounds.upperBound)) seconds, not \(value)",
                                      remedy: example.map { "e.g. \(option) \($0)" })
        }
    }

    /// A bound as people write it: `0.1`, `60`, `86400`.
    static func text(_ bound: Double) -> String {
        bound == bound.rounded() && abs(bound) < 1e15 ? String(Int(bound)) : String(bound)
    }
}
