import Foundation

/// `selfhost catalog check [DIR]`: validates catalog files and reports every problem at once.
/// Without DIR it checks the shipped catalog (plus `--catalog`); with DIR, that directory
/// overlaid on the shipped one, so references into shipped entries resolve.
public enum CatalogCheckCommand {
    public struct Options: Sendable {
        public var format: OutputFormat
        public init(format: OutputFormat = .text) { self.format = format }
    }

    struct Report: Encodable {
        struct Finding: Encodable {
            var severity: String
            var file: String
            var line: Int?
            var column: Int?
            var message: String
            var fix: String?
            var rule: String?
        }
        var apps: Int
        var saas: Int
        var findings: [Finding]
    }

    public static func run(_ options: Options, store: ResourceStore, context: Context) -> ExitStatus {
        let result = CatalogLoader.loadChecking(store, today: context.now())
        let diags = result.diagnostics
        if options.format == .json {
            let findings = diags.map {
                Report.Finding(severity: $0.severity.rawValue, file: $0.location?.file ?? "", line: $0.location?.line,
                               column: $0.location?.column, message: $0.message, fix: $0.fix, rule: $0.ruleID)
            }
            context.stdout.write(JSONOutput.encode(Report(apps: result.catalog.apps.count, saas: result.catalog.saas.count, findings: findings)))
        } else {
            let style = context.style
            var out = ""
            for d in diags {
                out += d.styledLine(style, showRule: false) + "\n"
                if let fix = d.fix { out += "  " + style.cyan("fix:") + " " + fix + "\n" }
            }
            let errors = diags.filter { $0.severity == .error }.count
            let summary = "\(result.catalog.apps.count) apps, \(result.catalog.saas.count) SaaS, \(result.catalog.categories.count) categories: "
                + (errors == 0 ? "no problems" : "\(errors) problem\(errors == 1 ? "" : "s")")
            out += (errors == 0 ? style.green(summary) : summary) + "\n"
            context.stdout.write(out)
        }
        return diags.contains { $0.severity == .error } ? .problems : .success
    }
}
