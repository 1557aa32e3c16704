import ArgumentParser
import SelfhostKit

struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a deployable box: compose, .env, Caddy, systemd units, backups and a README per app.",
        discussion: """
            Each app gets its own Compose project (pinned images, healthchecks, memory limits, its database on a private network) behind one Caddy with automatic HTTPS, systemd units that start it at boot, and a nightly backup. Rendering into an existing --out adds apps to the box; values already in an app's .env are always kept; files edited since the last render are left alone unless --force.

            Examples:
              selfhost render umami --domain example.com
              selfhost render umami listmonk --domain example.com --email ops@example.com
              selfhost render umami --host umami=stats.example.com --out /srv/box
              selfhost render gitea --out /srv/box --dry-run
              selfhost render umami --domain example.com --format json
              selfhost render umami --open --out /srv/box   (after finishing Umami's setup behind its gate)

            Exit status: 0 rendered; 1 some files skipped because edited by hand (see --force); 2 bad input (unknown app, app not renderable, invalid host name), nothing written.
            """)

    @Argument(help: "Catalog app ids (e.g. umami listmonk).", completion: .custom(CompletionIDs.apps))
    var apps: [String]

    @Option(help: ArgumentHelp("Serve each app at <app>.<domain>.", valueName: "domain"))
    var domain: String?

    @Option(name: .customLong("host"), help: ArgumentHelp("Serve an app at its own name (repeatable).", valueName: "app=fqdn"))
    var hosts: [String] = []

    @Option(help: ArgumentHelp("Contact for the ACME account (Let's Encrypt expiry notices); remembered by later renders.", valueName: "address"))
    var email: String?

    @Option(help: ArgumentHelp("Output directory.", valueName: "dir"), completion: .directory)
    var out: String = "selfhost-deploy"

    @Option(help: ArgumentHelp("docker binary the units run (default: found on PATH).", valueName: "path"), completion: .file())
    var docker: String?

    @Option(name: .customLong("backup-dir"), help: ArgumentHelp("Backups go to <dir>/<app> (default /var/backups/selfhost).", valueName: "dir"))
    var backupDir: String?

    @Option(help: ArgumentHelp("Backups to keep per app (default 7).", valueName: "n"))
    var keep: Int?

    @Flag(name: .customLong("dry-run"), help: "List what would be written; write nothing.")
    var dryRun = false

    @Flag(help: "Overwrite files edited since the last render (never values in .env).")
    var force = false

    @Flag(help: "Lift the setup gate (basic auth in front of a fresh install) of the apps named, once their setup is done.")
    var open = false

    @OptionGroup var output: FormatOption
    @OptionGroup var catalogOption: CatalogOption

    func run() throws {
        let context = Context.live()
        let options = RenderCommand.Options(
            apps: apps, domain: domain, hosts: hosts, email: email, out: out, docker: docker,
            backupDir: backupDir, keep: keep, dryRun: dryRun, force: force, open: open, format: output.format)
        // Render loads the catalog strictly itself, after checking its flags.
        try CLI.finish(RenderCommand.run(options, store: catalogOption.store(context, check: false), context: context))
    }
}
