import Foundation

/// `--format` values of `selfhost lint`.
public enum LintFormat: String, Sendable, CaseIterable {
    case text, json, sarif, github
}

/// The outcome of one lint run, before formatting.
public struct LintReport: Sendable {
    public var findings: [Diagnostic]
    /// Files linted, with their kind.
    public var files: [(path: String, kind: LintFileKind)]
    public var skipped: [SkippedFile]
    public var external: [ExternalValidators.Run]
    /// Rules that ran, for SARIF's rule table.
    public var rules: [RuleInfo]
    public var config: LintConfig
    /// Source lines by shown path, for fingerprints.
    public var lines: [String: [Substring]] = [:]
    /// The directory relative paths are relative to.
    public var root: URL = URL(fileURLWithPath: "/")

    public func count(_ s: Severity) -> Int { findings.filter { $0.severity == s }.count }

    /// True when a finding reaches `failOn`.
    public func fails(at failOn: Severity) -> Bool { findings.contains { $0.severity >= failOn } }
}

/// Runs discovery, parsing and every enabled rule.
public enum LintEngine {
    public static func lint(paths: [String], context: Context, configPath: String? = nil, withExternal: Bool = false, stdinName: String? = nil) throws -> LintReport {
        let config = try loadConfig(paths: paths, context: context, explicit: configPath)
        let discovered = try LintDiscovery.discover(paths: paths.isEmpty ? ["."] : paths, context: context, exclude: config.exclude, stdinName: stdinName)
        let project = LintProject(sources: discovered.sources, config: config)
        return lint(project: project, discovered: discovered, context: context, withExternal: withExternal)
    }

    /// Lints an already-parsed project (tests and benchmarks enter here too).
    public static func lint(project: LintProject, discovered: LintDiscovery.Result, context: Context, withExternal: Bool = false) -> LintReport {
        let config = project.config
        let active = RuleRegistry.rules.filter { !config.disabled.contains($0.info.id) }
        var findings = discovered.diagnostics
        for rule in active { findings += rule.check(project) }
        var runs: [ExternalValidators.Run] = []
        if withExternal {
            let (ext, r) = ExternalValidators.run(project, context: context)
            findings += ext
            runs = r
        }
        var suppressions: [String: Suppressions] = [:]
        for s in discovered.sources { suppressions[s.path] = Suppressions(s) }
        findings = findings.compactMap { d in
            var d = d
            guard let rule = d.ruleID else { return d }
            if config.disabled.contains(rule) { return nil }
            if let file = d.location?.file, suppressions[file]?.suppresses(rule, line: d.location?.line) == true { return nil }
            if let sev = config.severity[rule] { d.severity = sev }
            return d
        }
        // Identical findings (a rule reaching one node twice through merges) are reported once.
        var seen = Set<Diagnostic>()
        findings = findings.sortedByLocation().filter { seen.insert($0).inserted }
        if withExternal {
            let (kept, echoes) = ExternalRules.withoutEchoes(findings)
            findings = kept
            for (rule, count) in echoes {
                if let i = runs.firstIndex(where: { ExternalRules.tool(of: rule, in: $0) }) {
                    runs[i].detail += "; \(count) repeated a finding of selfhost's own rules on the same line (shown once)"
                }
            }
        }
        let ids = Set(active.map(\.info.id)).union(withExternal ? ExternalRules.all.map(\.id) : [])
        return LintReport(findings: findings, files: discovered.sources.map { ($0.path, $0.kind) }, skipped: discovered.skipped,
                          external: runs, rules: RuleRegistry.infos.filter { ids.contains($0.id) }, config: config,
                          lines: Dictionary(discovered.sources.map { ($0.path, $0.lines) }, uniquingKeysWith: { a, _ in a }),
                          root: context.workingDirectory)
    }

    /// `--config FILE`, else `.selfhost-lint.yaml` in the working directory, else in the first directory linted.
    static func loadConfig(paths: [String], context: Context, explicit: String?) throws -> LintConfig {
        let known = Set(RuleRegistry.infos.map(\.id))
        if let explicit {
            let url = context.url(for: explicit)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw SelfhostError.usage("no such config file: \(explicit)")
            }
            return try LintConfig.load(url, shownAs: explicit, knownRules: known)
        }
        var candidates = [context.workingDirectory]
        for p in paths {
            let url = context.url(for: p)
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), isDir.boolValue { candidates.append(url) }
        }
        for dir in candidates {
            let url = dir.appendingPathComponent(LintConfig.fileName)
            if FileManager.default.fileExists(atPath: url.path) {
                return try LintConfig.load(url, shownAs: LintDiscovery.display(url, context), knownRules: known)
            }
        }
        return LintConfig()
    }
}

/// Library entry point of `selfhost lint`.
public enum LintCommand {
    public struct Options: Sendable {
        public var paths: [String] = ["."]
        public var format: LintFormat = .text
        public var failOn: Severity = .warning
        public var listRules = false
        public var explain: String?
        public var withExternal = false
        /// The name standard input (`-`) is linted as; its kind follows from it (`compose.yaml`, `Caddyfile`…).
        public var stdinName: String?
        public var configPath: String?
        /// Severity preset (`third-party` lowers the box-only rules to info).
        public var profile: LintProfile = .box
        /// Record today's findings here the first time; afterwards report only new ones.
        public var baseline: String?

        public init() {}
    }

    public static func run(_ options: Options, context: Context) throws -> ExitStatus {
        if options.listRules {
            context.stdout.write(RuleDocs.list(format: options.format, style: context.style))
            return .success
        }
        if let id = options.explain {
            guard let info = RuleRegistry.info(id) else {
                let hint = LintSuggest.didYouMean(id, in: RuleRegistry.infos.map(\.id)) ?? "run `selfhost lint --list-rules`"
                throw SelfhostError.usage("unknown rule '\(id)'", remedy: hint)
            }
            context.stdout.write(options.format == .json ? JSONOutput.encode(RuleDocs.JSONRule(info)) : RuleDocs.explain(info, style: context.style))
            return .success
        }
        if options.paths.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            // An unset $DIR in CI must not lint whatever the working directory happens to be.
            throw SelfhostError.usage("an empty path was given (an unset variable?)",
                                      remedy: "name the files or directories to lint, e.g. `selfhost lint deploy/`; no path lints the current directory")
        }
        if options.stdinName != nil, !options.paths.contains("-") {
            throw SelfhostError.usage("--stdin-name names standard input, but no `-` path was given",
                                      remedy: "read standard input with `-`: `cat compose.yaml | selfhost lint - --stdin-name compose.yaml`")
        }
        var report = try LintEngine.lint(paths: options.paths, context: context, configPath: options.configPath, withExternal: options.withExternal, stdinName: options.stdinName)
        options.profile.apply(&report)
        if let path = options.baseline {
            let url = context.url(for: path)
            if let baseline = try LintBaseline.load(url, shownAs: path) {
                let before = report.findings.count
                report.findings = baseline.new(report.findings)
                context.stderr.write("baseline \(path): \(before - report.findings.count) known finding(s) hidden, \(report.findings.count) new\n")
            } else {
                try LintBaseline(findings: report.findings.map(LintBaseline.entry)).save(url)
                context.stderr.write("baseline \(path): recorded \(report.findings.count) finding(s); later runs report only new ones\n")
                report.findings = []
            }
        }
        switch options.format {
        case .text: context.stdout.write(context.fitted(TextFormatter.format(report, style: context.style)))
        case .json: context.stdout.write(JSONFormatter.format(report))
        case .sarif: context.stdout.write(SARIFFormatter.format(report))
        case .github: context.stdout.write(GitHubFormatter.format(report))
        }
        if options.format != .text {
            // Machine formats keep stdout clean; skipped files and tools go to stderr.
            for s in report.skipped { context.stderr.write("skipped: \(s.file): \(s.reason)\n") }
            for r in report.external where r.status == "skipped" { context.stderr.write("skipped: \(r.tool): \(r.detail)\n") }
        }
        // A file that could not be read was not linted at all: that is an input error, not a finding.
        if report.findings.contains(where: { $0.ruleID == "lint.unreadable" }) { return .usage }
        return report.fails(at: options.failOn) ? .problems : .success
    }
}
