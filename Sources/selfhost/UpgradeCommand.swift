import ArgumentParser
import SelfhostKit

struct Upgrade: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Move a box's apps to the catalog's newer image pins: backup, re-render, pull, migrate, up, health wait; rollback.",
        discussion: """
            Compares each app's images in the box's manifest with the catalog's pins and prints the path (one major at a time where the catalog's upgrade notes say so) with those notes and their one-shot commands. Then, one app at a time: runs the app's backup.sh, re-renders its compose.yaml with the new tags (values in .env kept; a compose file edited by hand blocks the upgrade), and prints the pull / migrate / up steps and the health wait, or runs them with --apply. The images before are kept in the manifest: a failed health wait prints the rollback, which --rollback --apply performs. A plain `selfhost render` never moves an app's images.

            Examples:
              selfhost upgrade --box /srv/selfhost --dry-run          # every app: what would change
              selfhost upgrade umami --box /srv/selfhost --apply
              selfhost upgrade nextcloud --to 34.0.5-apache --box /srv/selfhost --apply
              selfhost upgrade umami --rollback --apply --box /srv/selfhost
              selfhost upgrade --box /srv/selfhost --dry-run --format json | jq '.apps[].status'

            Exit status: 0 every app current, upgraded, rolled back or re-rendered; 1 an app is blocked (a major to take first, a database major, a compose file edited by hand) or a step failed (the rollback is printed); 2 bad input (no box, an app the box lacks, --to with several apps, nothing to roll back). JSON keys: docs/JSON.md.
            """)

    @Argument(help: "Apps of the box to upgrade (default: all of them).", completion: .custom(CompletionIDs.apps))
    var apps: [String] = []

    @Option(help: ArgumentHelp("The app image's tag to go to instead of the catalog's pin (one app).", valueName: "version"))
    var to: String?

    @Flag(name: .customLong("dry-run"), help: "Show the plan; write and run nothing.")
    var dryRun = false

    @Flag(help: "Also run the pull, migrate and up steps and wait for health (on the server, in the box's install directory).")
    var apply = false

    @Flag(help: "Go back to the images before the app's last upgrade (kept in the manifest).")
    var rollback = false

    @Option(help: ArgumentHelp("The box: a `selfhost render` output directory.", valueName: "dir"), completion: .directory)
    var box: String = "selfhost-deploy"

    @Option(help: ArgumentHelp("Seconds the health wait may take.", valueName: "seconds"))
    var timeout: Double = 300

    @OptionGroup var output: FormatOption
    @OptionGroup var catalogOption: CatalogOption

    func run() throws {
        let context = Context.live()
        let options = UpgradeCommand.Options(apps: apps, to: to, dryRun: dryRun, apply: apply, rollback: rollback,
                                             box: box, timeout: timeout, format: output.format)
        try CLI.finish(UpgradeCommand.run(options, store: catalogOption.store(context, check: false), context: context))
    }
}
