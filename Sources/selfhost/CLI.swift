import ArgumentParser
import Foundation
import SelfhostKit

/// Helpers shared by the subcommands: the live context, error reporting, exit mapping.
enum CLI {
    static let stderr = FileDescriptorSink(fd: 2)

    /// Prints a library error the way people read it: location, message, hint.
    static func report(_ error: SelfhostError) {
        let isTTY = isatty(2) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true
        let style = Style(enabled: isTTY)
        var s = ""
        if let location = error.location { s += "\(location): " }
        s += style.red(style.bold("error:")) + " " + error.message + "\n"
        if let remedy = error.remedy { s += "  " + style.cyan("hint:") + " " + remedy + "\n" }
        stderr.write(s)
    }

    /// Whether the command line asked for `--format json`: errors then also go to stdout as JSON,
    /// so a script reading stdout always gets a document.
    static var wantsJSON: Bool {
        let args = Array(CommandLine.arguments.dropFirst())
        if args.contains("--format=json") { return true }
        return zip(args, args.dropFirst()).contains { $0 == "--format" && $1 == "json" }
    }

    /// `{"error": {...}}` on stdout (keys in docs/JSON.md).
    static func reportJSON(_ error: SelfhostError) {
        FileDescriptorSink(fd: 1).write(JSONOutput.encode(ErrorReport(error)))
    }

    /// Ends a subcommand with the library's status (0 returns normally).
    static func finish(_ status: ExitStatus) throws {
        if status != .success { throw ExitCode(status.rawValue) }
    }
}

/// `--format text|json`, shared by every command that prints a report.
struct FormatOption: ParsableArguments {
    @Option(name: .long, help: "Output format: text (for people) or json (stable, documented keys).")
    var format: OutputFormat = .text
}

extension OutputFormat: ExpressibleByArgument {}
extension RenderTarget: ExpressibleByArgument {}

/// `--catalog DIR`, shared by commands that read the catalog.
struct CatalogOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Add or override catalog entries from a directory of YAML files (also SELFHOST_CATALOG).", valueName: "dir"), completion: .directory)
    var catalog: String?

    /// The shipped catalog plus the user's directory, if any, checked the same way for every
    /// command (`check: false` only for `catalog check`, which lists every problem).
    func store(_ context: Context, check: Bool = true) throws -> ResourceStore {
        try CatalogSource.store(directory: catalog, context: context, check: check)
    }
}
