import ArgumentParser
import Foundation
import SelfhostKit

struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "After the install: preflight, status --check and the last restore drills, in one report and one exit code.",
        discussion: """
            Three checks of a running box, one report:
              1. `selfhost preflight --box DIR`: the apps' DNS records (and, with --server-ip,
                 that they point at this server and its ports answer), and the mail provider's
                 SPF and DKIM records when the box was rendered with --smtp;
              2. `selfhost status --check`: every container up and healthy, backups on time,
                 disks not full;
              3. each app's last restore drill, as `selfhost backup verify` recorded it: passed,
                 and no older than --max-drill-age days. An app with no backup yet has nothing
                 to restore: its drill is "not yet due" (passed, marked pending), so a fresh box
                 is green; once a backup exists, a missing drill fails.

            Examples:
              sudo selfhost verify --box /srv/selfhost --server-ip 203.0.113.10
              selfhost verify --box /srv/selfhost --format json | jq '.sections[] | select(.ok | not)'

            Exit status: 0 all green, 1 something failed (each ✗ line says what and how to fix
            it), 2 bad input or an unusable resolver. JSON keys: docs/JSON.md.
            """)

    @Option(help: ArgumentHelp("A `selfhost render` output directory (default: the current directory).", valueName: "dir"), completion: .directory)
    var box: String?

    @Option(name: .customLong("server-ip"), help: ArgumentHelp("The server's public address the app hosts must point at (repeatable).", valueName: "ip"))
    var serverIP: [String] = []

    @Option(help: ArgumentHelp("Send DNS queries to this server instead of the system resolver.", valueName: "ip[:port]"))
    var resolver: String?

    @Option(name: .customLong("dkim-selector"), help: ArgumentHelp("A DKIM selector of the mail provider (repeatable; providers with fixed selectors need none).", valueName: "selector"))
    var dkimSelector: [String] = []

    @Option(name: .customLong("return-path"), help: ArgumentHelp("The mail provider's return-path subdomain, e.g. mail or em1234.", valueName: "label"))
    var returnPath: String?

    @Option(help: ArgumentHelp("Seconds (0.1 to 60) to wait for each DNS answer.", valueName: "seconds"))
    var timeout: Double = 3

    @Option(name: .customLong("max-drill-age"), help: ArgumentHelp("A restore drill older than this many days fails (default 8).", valueName: "days"))
    var maxDrillAge: Int = 8

    @OptionGroup var output: FormatOption
    @OptionGroup var catalogOption: CatalogOption

    func run() async throws {
        let context = Context.live()
        let store = try catalogOption.store(context)
        let options = VerifyCommand.Options(box: box, serverIPs: serverIP, resolver: resolver, dkimSelectors: dkimSelector, returnPath: returnPath,
                                            dnsTimeout: timeout, maxDrillAgeDays: maxDrillAge, format: output.format)
        let status = try await VerifyCommand.run(options, catalog: try CatalogLoader.load(store), providers: try EmailProviders.load(store),
                                                 store: store, context: context, machine: .live(context))
        try CLI.finish(status)
    }
}
