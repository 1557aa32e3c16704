/// Where every command gets its catalog: the shipped one, with the user's directory
/// (`--catalog DIR`, else `SELFHOST_CATALOG`) laid over it. A user directory is loaded and checked
/// in full whatever the command, so a malformed `apps/*.yaml` stops `cost` and `render` exactly
/// as it stops `recommend`: the first problem with its `file:line:col`, exit 2.
public enum CatalogSource {
    /// The store to read. `check: false` is for `catalog check`, which reports every problem itself.
    public static func store(directory: String?, context: Context, check: Bool = true) throws -> ResourceStore {
        let dir = directory ?? context.environment["SELFHOST_CATALOG"].flatMap { $0.isEmpty ? nil : $0 }
        guard let dir else { return ResourceStore.embedded }
        guard !dir.allSatisfy(\.isWhitespace) else {
            throw SelfhostError.usage("--catalog is empty (an unset variable?)", remedy: "pass a directory holding apps/ and saas/ YAML files, or leave the option out")
        }
        let store = try ResourceStore.embedded.overlaying(catalogDirectory: context.url(for: dir))
        if check { _ = try CatalogLoader.load(store) }
        return store
    }
}
