/// `--format json`: stable, documented keys (docs/LINT.md).
enum JSONFormatter {
    struct Finding: Encodable {
        var rule: String
        var severity: String
        var file: String?
        var line: Int?
        var column: Int?
        var message: String
        var fix: String?
    }

    struct File: Encodable {
        var path: String
        var kind: String
    }

    struct Summary: Encodable {
        var errors: Int
        var warnings: Int
        var infos: Int
        var files: Int
    }

    struct Document: Encodable {
        var version: String
        var findings: [Finding]
        var files: [File]
        var skipped: [SkippedFile]
        var external: [ExternalValidators.Run]
        var summary: Summary
    }

    static func findings(_ report: LintReport) -> [Finding] {
        report.findings.map {
            Finding(rule: $0.ruleID ?? "lint", severity: $0.severity.rawValue, file: $0.location?.file, line: $0.location?.line,
                    column: $0.location?.column, message: $0.message, fix: $0.fix)
        }
    }

    static func format(_ report: LintReport) -> String {
        JSONOutput.encode(Document(
            version: SelfhostVersion.current, findings: findings(report),
            files: report.files.map { File(path: $0.path, kind: $0.kind.rawValue) }, skipped: report.skipped,
            external: report.external,
            summary: Summary(errors: report.count(.error), warnings: report.count(.warning), infos: report.count(.info), files: report.files.count)))
    }
}
