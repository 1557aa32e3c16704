import ArgumentParser
import SelfhostKit

struct Recommend: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "What replaces a SaaS: ranked open-source alternatives with what each needs.",
        discussion: """
            Matches ids, names and aliases case-insensitively, and suggests the nearest name on a typo.

            Examples:
              selfhost recommend mailchimp
              selfhost recommend "google analytics" --license osi
              selfhost recommend heroku --max-ram 2GB --format json

            Exit status: 0 alternatives found, 1 unknown SaaS or none left after filters, 2 bad input.
            """)

    @Argument(help: "The SaaS product: id, name or alias (e.g. mailchimp, ga, \"google analytics\").")
    var saas: String

    @Option(name: .customLong("max-ram"), help: ArgumentHelp("Keep only apps whose stated minimum RAM fits, e.g. 2GB or 512MB.", valueName: "size"))
    var maxRAM: String?

    @Option(help: ArgumentHelp("Keep only apps of this openness (osi, open-core, fair-code, source-available) or SPDX license id.", valueName: "kind"))
    var license: String?

    @OptionGroup var output: FormatOption
    @OptionGroup var catalogOption: CatalogOption

    func run() throws {
        let context = Context.live()
        let maxRAM = try self.maxRAM.map { try ByteSize(parsing: $0, what: "--max-ram") }
        let catalog = try CatalogLoader.load(catalogOption.store(context))
        let status = try RecommendCommand.run(
            .init(query: saas, maxRAM: maxRAM, license: license, format: output.format), catalog: catalog, context: context)
        try CLI.finish(status)
    }
}
