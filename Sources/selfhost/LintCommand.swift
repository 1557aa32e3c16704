import ArgumentParser
import SelfhostKit

/// `selfhost lint`: checks compose files, Caddyfiles, systemd units and .env files, alone and across files.
struct LintCLI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Lint compose files, Caddyfiles, systemd units and .env files — each alone and across files.",
        discussion: """
            Reads compose files, Caddyfiles, systemd units (.service, .timer, .socket)
            and .env files under the given paths (default: the current directory).

            Examples:
              selfhost lint deploy/
              selfhost lint --format sarif . > lint.sarif
              selfhost lint --format github --fail-on error
              selfhost lint --with-external deploy/
              selfhost lint --list-rules
              selfhost lint --explain compose.unbound-port
              selfhost lint --profile third-party --baseline lint-baseline.json vendor/
              docker compose config | selfhost lint - --stdin-name compose.yaml

            Silence a rule on one line: # selfhost-lint disable=RULE
            Project settings: .selfhost-lint.yaml (disable, severity, env,
            public_ports, exclude). Reference: docs/LINT.md.

            Exit status: 0 nothing at or above --fail-on, 1 findings, 2 usage error
            or unreadable input (missing path, bad settings, a file not UTF-8).
            """
    )

    @Argument(help: "Files or directories to lint (default: .); `-` reads standard input.", completion: .file())
    var paths: [String] = []

    @Option(name: .long, help: "Output format: text, json, sarif (GitHub code scanning) or github (workflow annotations).")
    var format: LintFormat = .text

    @Option(name: .customLong("fail-on"), help: "Lowest severity that makes the exit status 1: error, warning or info.")
    var failOn: Severity = .warning

    @Flag(name: .customLong("list-rules"), help: "List every rule with its severity.")
    var listRules = false

    @Option(name: .long, help: ArgumentHelp("Explain one rule: why it matters, how to fix it, examples.", valueName: "rule-id"), completion: .custom(CompletionIDs.rules))
    var explain: String?

    @Flag(name: .customLong("with-external"), help: "Also run caddy validate, systemd-analyze verify and docker compose config when on PATH (skipped otherwise).")
    var withExternal = false

    @Option(name: .long, help: "Severity preset: box (default, a stack as selfhost render writes it) or third-party (mem-limit, log-rotation and no-new-privileges become info).")
    var profile: LintProfile = .box

    @Option(name: .long, help: ArgumentHelp("Record today's findings in FILE the first time; afterwards report only findings not in it.", valueName: "file"), completion: .file())
    var baseline: String?

    @Option(name: .long, help: ArgumentHelp("Settings file (default: .selfhost-lint.yaml in the working directory).", valueName: "file"), completion: .file())
    var config: String?

    @Option(name: .customLong("stdin-name"), help: ArgumentHelp("The file name standard input (`-`) stands for, which says what it is: compose.yaml, Caddyfile, NAME.service, .env (default: guessed from the content).", valueName: "name"))
    var stdinName: String?

    func run() throws {
        var options = LintCommand.Options()
        options.paths = paths.isEmpty ? ["."] : paths
        options.profile = profile
        options.baseline = baseline
        options.format = format
        options.failOn = failOn
        options.listRules = listRules
        options.explain = explain
        options.withExternal = withExternal
        options.configPath = config
        options.stdinName = stdinName
        let status = try LintCommand.run(options, context: .live())
        try CLI.finish(status)
    }
}

extension LintFormat: ExpressibleByArgument {}
extension LintProfile: ExpressibleByArgument {}
extension Severity: ExpressibleByArgument {}
