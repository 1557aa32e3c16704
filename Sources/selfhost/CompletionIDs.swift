import SelfhostKit

/// Ids the shell completions offer: apps, SaaS (ids and aliases) and lint rules. Computed when
/// the shell asks (ArgumentParser's custom completion calls the binary), from the shipped catalog.
enum CompletionIDs {
    static func apps(_: [String], _: Int, _ prefix: String) -> [String] {
        filter((try? CatalogLoader.load(ResourceStore.embedded))?.apps.map(\.id) ?? [], prefix)
    }

    static func saas(_: [String], _: Int, _ prefix: String) -> [String] {
        filter((try? CatalogLoader.load(ResourceStore.embedded))?.saas.map(\.id) ?? [], prefix)
    }

    static func entries(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        apps(words, index, prefix) + saas(words, index, prefix)
    }

    static func rules(_: [String], _: Int, _ prefix: String) -> [String] {
        filter(RuleRegistry.infos.map(\.id), prefix)
    }

    static func filter(_ ids: [String], _ prefix: String) -> [String] {
        ids.filter { $0.hasPrefix(prefix) }.sorted()
    }
}
