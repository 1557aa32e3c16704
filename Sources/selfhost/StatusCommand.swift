import ArgumentParser
import Foundation
import SelfhostKit

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the running box live: each app's containers, health, CPU, memory, I/O and backups, and the host.",
        discussion: """
            Reads the box's manifest (--box DIR, or the current directory when it is a box)
            and joins, per app, what the Docker Engine API reports for its containers
            (state, health, restarts, uptime, CPU, memory against mem_limit, network and
            disk rates) with its host, URL and last backup. The header shows the host's
            load, CPU, memory, swap and free disk for Docker's root and the backups.
            Without a box, every container is listed by Compose project.

            CPU % and rates are differences between two samples --interval apart (or
            between two refreshes with --watch), as `docker stats` computes them.

            Examples:
              selfhost status --box /srv/selfhost
              selfhost status --watch            # redraw every 2 s; s sorts, q quits
              selfhost status --watch 5 --sort cpu
              selfhost status --check            # exit 1 on a problem: for cron or monitoring
              selfhost status --format json | jq '.apps[].containers[].health'

            Exit status: 0 fine (or no --check), 1 a problem with --check or no engine,
            2 bad input. JSON keys: docs/JSON.md.
            """)

    @Option(help: ArgumentHelp("A `selfhost render` output directory (default: the current directory when it is one).", valueName: "dir"),
            completion: .directory)
    var box: String?

    @Option(name: .long, help: ArgumentHelp("Redraw in place every N seconds (default 2) on a terminal.", valueName: "seconds"))
    var watch: Double?

    @Flag(name: .customLong("watch-default"), help: .hidden)
    var watchDefault = false

    @Flag(help: "Exit 1 when a container is unhealthy, restarting or stopped, a backup is overdue or a disk is above --disk-threshold.")
    var check = false

    @Option(name: .customLong("disk-threshold"), help: ArgumentHelp("Percent of a disk in use that --check reports.", valueName: "percent"))
    var diskThreshold: Double = 90

    @Option(help: ArgumentHelp("Seconds between the two samples rates are computed from.", valueName: "seconds"))
    var interval: Double = 1

    @Option(help: ArgumentHelp("Order of apps and containers: name, cpu or memory.", valueName: "key"))
    var sort: StatusSort = .name

    @OptionGroup var output: FormatOption

    func run() throws {
        let context = Context.live()
        let options = StatusCommand.Options(
            box: box, format: output.format, watch: watch ?? (watchDefault ? 2 : nil), check: check,
            thresholds: StatusThresholds(diskPercent: diskThreshold), interval: interval, sort: sort)
        try CLI.finish(StatusCommand.run(options, context: context, machine: .live(context)))
    }

    /// `--watch` without a number means every 2 seconds.
    static func preprocess(_ arguments: [String]) -> [String] {
        var out: [String] = []
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            if a == "--watch", i + 1 == arguments.count || Double(arguments[i + 1]) == nil {
                out.append("--watch-default")
            } else {
                out.append(a)
            }
            i += 1
        }
        return out
    }
}

extension StatusSort: ExpressibleByArgument {}

extension Status {
    /// Applies `preprocess` only to a `status` command line.
    static func preprocessIfStatus(_ arguments: [String]) -> [String] {
        arguments.first == "status" ? preprocess(arguments) : arguments
    }
}
