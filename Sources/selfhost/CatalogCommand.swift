import ArgumentParser
import SelfhostKit

struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "Browse and validate the catalog of SaaS products and self-hostable apps.",
        discussion: """
            Examples:
              selfhost catalog list --category web-analytics
              selfhost catalog show umami
              selfhost catalog search chat
              selfhost catalog check ./my-catalog
              selfhost catalog outdated umami listmonk
            """,
        subcommands: [List.self, Show.self, Search.self, Check.self, Outdated.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List apps and SaaS entries.")
        @Option(help: "Only entries in this category (e.g. newsletter, web-analytics).")
        var category: String?
        @OptionGroup var output: FormatOption
        @OptionGroup var catalogOption: CatalogOption

        func run() throws {
            let context = Context.live()
            let catalog = try CatalogLoader.load(catalogOption.store(context, check: false))
            try CLI.finish(CatalogListCommand.run(.init(category: category, format: output.format), catalog: catalog, context: context))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one app or SaaS entry in full.")
        @Argument(help: "An app or SaaS id (or SaaS alias).", completion: .custom(CompletionIDs.entries))
        var id: String
        @OptionGroup var output: FormatOption
        @OptionGroup var catalogOption: CatalogOption

        func run() throws {
            let context = Context.live()
            let catalog = try CatalogLoader.load(catalogOption.store(context, check: false))
            try CLI.finish(CatalogShowCommand.run(.init(id: id, format: output.format), catalog: catalog, context: context))
        }
    }

    struct Search: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Find entries whose names, aliases or summaries contain every word.")
        @Argument(help: "Words to look for.")
        var words: [String]
        @OptionGroup var output: FormatOption
        @OptionGroup var catalogOption: CatalogOption

        func run() throws {
            let context = Context.live()
            let catalog = try CatalogLoader.load(catalogOption.store(context, check: false))
            try CLI.finish(CatalogSearchCommand.run(.init(words: words, format: output.format), catalog: catalog, context: context))
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate catalog files: keys, types, references, licenses, pinned images.",
            discussion: "Reports every problem as file:line:col. Exit 1 if any.")
        @Argument(help: ArgumentHelp("A catalog directory to check, overlaid on the shipped catalog.", valueName: "dir"), completion: .directory)
        var directory: String?
        @OptionGroup var output: FormatOption
        @OptionGroup var catalogOption: CatalogOption

        func run() throws {
            let context = Context.live()
            var store = try catalogOption.store(context, check: false)
            if let directory { store = try store.overlaying(catalogDirectory: context.url(for: directory)) }
            try CLI.finish(CatalogCheckCommand.run(.init(format: output.format), store: store, context: context))
        }
    }

    struct Outdated: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare each pinned image with the newest release tag its registry lists.",
            discussion: """
                For every renderable app (or those named), the app's and its companions' images:
                the registry's tags (anonymous tokens, as docker pull gets them), the newest of the
                same shape as the pin (17-alpine → 18-alpine, v6.2.0 → v6.3.1), and how old the
                catalog's check of the app is. Exit 1 when an image is outdated or could not be
                checked (rate limit, timeout, registry error: said per image).

                Examples:
                  selfhost catalog outdated
                  selfhost catalog outdated umami plausible --format json
                """)
        @Argument(help: "App ids (default: every renderable app).")
        var apps: [String] = []
        @Option(help: ArgumentHelp("Seconds for each registry request.", valueName: "seconds"))
        var timeout: Double = 10
        @OptionGroup var output: FormatOption
        @OptionGroup var catalogOption: CatalogOption

        func run() throws {
            let context = Context.live()
            let catalog = try CatalogLoader.load(catalogOption.store(context))
            try CLI.finish(CatalogOutdatedCommand.run(.init(apps: apps, format: output.format, timeout: timeout), catalog: catalog, context: context))
        }
    }
}
