import ArgumentParser
import Foundation
import SelfhostKit

struct Install: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Install a rendered box on this server and start it: units, apps, Caddy, backup timers.",
        discussion: """
            Run on the server, as root, in the box's directory (or --box DIR). Checks that
            systemd is PID 1, Docker answers, Compose v2 is installed and ports 80/443 are
            free (or already the box's Caddy); copies the box's units into
            /etc/systemd/system, runs daemon-reload, enables and starts the apps, then Caddy,
            then the backup timers; waits (--timeout) until every container is running and
            healthy, with progress; and ends with `selfhost status`.

            Run it again after `selfhost render`: it applies only what changed since the
            last install (.selfhost/installed.json) — new apps are started, apps whose files
            changed are restarted, Caddy is reloaded (it joins new apps' networks; no other
            site drops) and restarted only when its image changed; apps taken out with
            `render --remove` are stopped (their volumes stay).

            Examples:
              sudo selfhost install --box /srv/selfhost
              sudo selfhost install --dry-run          # print the exact commands, run none
              sudo selfhost install --format json | jq '.steps[].shell'

            Exit status: 0 installed and every container up, 1 refused (a requirement is
            missing), a command failed or a container is not up in time, 2 bad input.
            JSON keys: docs/JSON.md.
            """)

    @Option(help: ArgumentHelp("A `selfhost render` output directory (default: the current directory).", valueName: "dir"),
            completion: .directory)
    var box: String?

    @Flag(name: .customLong("dry-run"), help: "Print the commands install would run, in order, and run none.")
    var dryRun = false

    @Option(help: ArgumentHelp("Seconds to wait for every container to be up.", valueName: "seconds"))
    var timeout: Double = 600

    @OptionGroup var output: FormatOption

    func run() throws {
        let context = Context.live()
        let options = InstallCommand.Options(box: box, dryRun: dryRun, format: output.format, timeout: timeout)
        try CLI.finish(InstallCommand.run(options, context: context, machine: .live(context)))
    }
}
