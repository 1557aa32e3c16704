import ArgumentParser

/// Every subcommand, in the order `--help` lists them.
enum CommandRegistry {
    static let all: [any ParsableCommand.Type] = [
        Recommend.self,
        CatalogCommand.self,
        Render.self,
        Upgrade.self,
        Preflight.self,
        CostCLI.self,
        LintCLI.self,
        Status.self,
        Install.self,
        Verify.self,
        BackupCLI.self,
    ]
}
