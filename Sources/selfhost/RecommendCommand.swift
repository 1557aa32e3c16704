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
              selfhost recommend mailchimp slack        (one combined plan)
              selfhost recommend mailchimp slack zendesk --saas slack=12seats --saas zendesk=3agents

            --max-ram keeps apps that publish no RAM figure (marked "not published"); add --strict to drop them.

            Exit status: 0 alternatives found, 1 unknown SaaS or none left after filters, 2 bad input.
            """)

    @Argument(help: "The SaaS products: id, name or alias (e.g. mailchimp, ga, \"google analytics\"); several give one combined plan.",
              completion: .custom(CompletionIDs.saas))
    var saas: [String] = []

    @Option(name: .customLong("max-ram"), help: ArgumentHelp("Keep only apps whose stated minimum RAM fits, e.g. 2GB or 512MB.", valueName: "size"))
    var maxRAM: String?

    @Flag(help: "With --max-ram, also drop apps whose RAM is not published (by default an unknown figure passes).")
    var strict = false

    @Option(help: ArgumentHelp("Keep only apps of this openness (osi, open-core, fair-code, source-available) or SPDX license id.", valueName: "kind"))
    var license: String?

    @Option(name: .customLong("saas"), help: ArgumentHelp("With several SaaS: your usage or bill of one, as `cost --saas` takes it (slack=12seats, zendesk=@345); the plan prices the bills it replaces. Repeatable.", valueName: "name=usage"))
    var usages: [String] = []

    @OptionGroup var output: FormatOption
    @OptionGroup var catalogOption: CatalogOption

    func run() throws {
        let context = Context.live()
        let maxRAM = try self.maxRAM.map { try ByteSize(parsing: $0, what: "--max-ram") }
        let store = try catalogOption.store(context, check: false)
        let catalog = try CatalogLoader.load(store)
        var options = RecommendCommand.Options(queries: saas.isEmpty ? [""] : saas, maxRAM: maxRAM, strict: strict, license: license, format: output.format)
        options.usages = usages
        let status = try RecommendCommand.run(options, catalog: catalog, store: store, context: context)
        try CLI.finish(status)
    }
}
