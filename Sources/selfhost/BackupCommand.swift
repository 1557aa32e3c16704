import ArgumentParser
import Foundation
import SelfhostKit

struct BackupCLI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Check the box's backups: restore drills.",
        subcommands: [BackupVerify.self])
}

struct BackupVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Restore each app's newest backup into a scratch project and compare it with what the backup recorded.",
        discussion: """
            For each app (all, or the APPs given), the newest backup in the box's backup
            directory is checked against the manifest.json its backup.sh wrote: every file's
            size and SHA-256 (volume archives are also read through with tar), then each
            PostgreSQL dump is restored into a scratch Compose project of its own
            (selfhost-verify-<app>: its own volume and internal network, nothing shared
            with the live app), its database started with the backup's own image and .env,
            and every table's row count compared with the count the backup recorded. The
            scratch project is removed afterwards. Other dumps (MariaDB, MongoDB, Redis,
            ClickHouse) are checked by checksum only. The result is kept in
            <backup-dir>/<app>/.verified.json, which `selfhost status` shows. Run it
            weekly (cron or a timer of your own), as root (backups are 0600).

            Examples:
              sudo selfhost backup verify --box /srv/selfhost
              sudo selfhost backup verify umami listmonk
              sudo selfhost backup verify --format json | jq '.apps[] | {app, ok, problems}'

            Exit status: 0 every backup restores as recorded, 1 a mismatch (missing or
            changed file, restore failure, missing table, other row count) or no backup,
            2 bad input. JSON keys: docs/JSON.md.
            """)

    @Argument(help: ArgumentHelp("Apps of the box to verify (default: every app).", valueName: "app"))
    var apps: [String] = []

    @Option(help: ArgumentHelp("A `selfhost render` output directory (default: the current directory).", valueName: "dir"),
            completion: .directory)
    var box: String?

    @Option(help: ArgumentHelp("Seconds each step (starting the scratch database, restoring, counting) may take.", valueName: "seconds"))
    var timeout: Double = 900

    @OptionGroup var output: FormatOption

    func run() throws {
        let options = BackupVerifyCommand.Options(box: box, apps: apps, format: output.format, timeout: timeout)
        try CLI.finish(BackupVerifyCommand.run(options, context: .live(), machine: .live))
    }
}
