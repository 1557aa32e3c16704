/// `--profile`: severity presets for what is being linted. `box` (the default) holds a stack to
/// the standard `selfhost render` writes; `third-party` is for someone else's compose files,
/// where the box-only hardening rules would fire on every service and bury the real problems.
public enum LintProfile: String, Sendable, CaseIterable {
    case box
    case thirdParty = "third-party"

    /// Rule ids turned into `info` by the profile (a `severity:` in .selfhost-lint.yaml still wins).
    public var lowered: [String] {
        switch self {
        case .box: []
        case .thirdParty: ["compose.mem-limit", "compose.log-rotation", "compose.no-new-privileges"]
        }
    }

    /// Applies the profile to a report's findings.
    func apply(_ report: inout LintReport) {
        let lowered = Set(lowered)
        for i in report.findings.indices {
            guard let rule = report.findings[i].ruleID, lowered.contains(rule), report.config.severity[rule] == nil else { continue }
            report.findings[i].severity = .info
        }
    }
}
