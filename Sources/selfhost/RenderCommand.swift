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
              selfhost render umami --domain example.com --out deploy --install-dir /srv/box
              selfhost render umami --domain example.com --format json
              selfhost render ./myapp.yaml umami --domain example.com   (your own app, docs/OWNAPP.md)
              selfhost render --rehost --domain example.org --out /srv/box
              selfhost render --remove gitea --out /srv/box
              selfhost render umami --open --out /srv/box   (after finishing Umami's setup behind its gate)
              selfhost render gitea vaultwarden --domain example.com --smtp brevo --smtp-credentials smtp.env

            Exit status: 0 rendered; 1 some files skipped because edited by hand (see --force); 2 bad input (unknown app, app not renderable, invalid host name, a --domain or --email other than the box's without --force or --rehost, --remove --purge without a backup from the last day), nothing written.
            """)

    @Argument(help: "Catalog app ids (e.g. umami listmonk) or your own app's YAML file (./myapp.yaml, docs/OWNAPP.md); none re-renders the box in --out.", completion: .custom(CompletionIDs.apps))
    var apps: [String] = []

    @Option(help: ArgumentHelp("Serve each app at <app>.<domain>.", valueName: "domain"))
    var domain: String?

    @Option(name: .customLong("host"), help: ArgumentHelp("Serve an app at its own name (repeatable).", valueName: "app=fqdn"))
    var hosts: [String] = []

    @Option(help: ArgumentHelp("Contact for the ACME account (Let's Encrypt expiry notices); remembered by later renders.", valueName: "address"))
    var email: String?

    @Option(help: ArgumentHelp("Output directory.", valueName: "dir"), completion: .directory)
    var out: String = "selfhost-deploy"

    @Option(name: .customLong("install-dir"), help: ArgumentHelp("Where the box will live on the server: the paths in units, scripts and README (default: the output directory; remembered).", valueName: "dir"))
    var installDir: String?

    @Option(help: ArgumentHelp("docker binary the units run (default /usr/bin/docker, where Debian's and Docker's packages install it; remembered).", valueName: "path"), completion: .file())
    var docker: String?

    @Option(name: .customLong("backup-dir"), help: ArgumentHelp("Backups go to <dir>/<app> (default /var/backups/selfhost).", valueName: "dir"))
    var backupDir: String?

    @Option(help: ArgumentHelp("Backups to keep per app (default 7).", valueName: "n"))
    var keep: Int?

    @Flag(name: .customLong("dry-run"), help: "List what would be written; write nothing.")
    var dryRun = false

    @Flag(help: "Overwrite files edited since the last render (never values in .env); accept a --domain/--email other than the box's, keeping its apps where they are.")
    var force = false

    @Flag(help: "Move every app of the box to --domain (hosts under the old domain follow; the Caddyfile and each app's URL in .env are rewritten).")
    var rehost = false

    @Option(help: ArgumentHelp("Take an app out of the box: its Caddy site, units and manifest entry go; its data stays (repeatable). Prints the commands that stop it.", valueName: "app"))
    var remove: [String] = []

    @Flag(help: "With --remove: the printed commands delete the app's volumes and directory too (needs a backup from the last day, or --force).")
    var purge = false

    @Flag(help: "Lift the setup gate (basic auth in front of a fresh install) of the apps named, once their setup is done.")
    var open = false

    @Option(help: ArgumentHelp("What to deploy with: compose (one server, the default) or swarm (also stack files for Docker Swarm under swarm/); remembered.", valueName: "compose|swarm"))
    var target: RenderTarget?

    @Option(help: ArgumentHelp("One SMTP relay for every app: ses, sendgrid, mailgun, postmark, brevo, mailtrap, or custom (with --smtp-host). Credentials from --smtp-credentials, SELFHOST_SMTP_USERNAME/SELFHOST_SMTP_PASSWORD, or asked for at the terminal; never on the command line.", valueName: "provider"))
    var smtp: String?

    @Option(name: .customLong("smtp-host"), help: ArgumentHelp("The relay's host (custom; or another region's endpoint, e.g. smtp.eu.mailgun.org).", valueName: "host"))
    var smtpHost: String?

    @Option(name: .customLong("smtp-port"), help: ArgumentHelp("The relay's port (default the provider's, 587 with STARTTLS; 465 is TLS from the start).", valueName: "port"))
    var smtpPort: Int?

    @Option(name: .customLong("smtp-region"), help: ArgumentHelp("Amazon SES: the region of your identity (email-smtp.<region>.amazonaws.com).", valueName: "region"))
    var smtpRegion: String?

    @Option(name: .customLong("smtp-from"), help: ArgumentHelp("Sender address the apps use (default noreply@<domain>).", valueName: "address"))
    var smtpFrom: String?

    @Option(name: .customLong("smtp-credentials"), help: ArgumentHelp("A file (mode 0600) with SELFHOST_SMTP_USERNAME=… and SELFHOST_SMTP_PASSWORD=… lines.", valueName: "file"), completion: .file())
    var smtpCredentials: String?

    @OptionGroup var output: FormatOption
    @OptionGroup var catalogOption: CatalogOption

    func run() throws {
        let context = Context.live()
        var options = RenderCommand.Options(
            apps: apps, domain: domain, hosts: hosts, email: email, out: out, installDir: installDir, docker: docker,
            backupDir: backupDir, keep: keep, dryRun: dryRun, force: force, rehost: rehost,
            remove: remove, purge: purge, open: open, target: target, format: output.format)
        options.smtp = smtp
        options.smtpHost = smtpHost
        options.smtpPort = smtpPort
        options.smtpRegion = smtpRegion
        options.smtpFrom = smtpFrom
        options.smtpCredentials = smtpCredentials
        // Render loads the catalog strictly itself, after checking its flags.
        try CLI.finish(RenderCommand.run(options, store: catalogOption.store(context, check: false), context: context))
    }
}
