import Foundation
import PackagePlugin

/// Embeds every file under `catalog/` and `templates/` into SelfhostKit as Swift string
/// literals. SwiftPM resources would tie the binary to its build folder; this keeps a
/// release build self-contained.
@main
struct EmbedResources: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root = context.package.directoryURL
        let roots = ["catalog", "templates"].map { root.appending(path: $0) }
        var inputs: [URL] = []
        let fm = FileManager.default
        for dir in roots {
            guard let walker = fm.enumerator(at: dir, includingPropertiesForKeys: [.isRegularFileKey]) else { continue }
            for case let url as URL in walker {
                if (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true,
                   !url.lastPathComponent.hasPrefix(".") {
                    inputs.append(url)
                }
            }
        }
        inputs.sort { $0.path < $1.path }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedResources.swift")
        return [
            .buildCommand(
                displayName: "Embedding catalog and templates (\(inputs.count) files)",
                executable: try context.tool(named: "EmbedResourcesTool").url,
                arguments: [root.path, output.path] + inputs.map(\.path),
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }
}
