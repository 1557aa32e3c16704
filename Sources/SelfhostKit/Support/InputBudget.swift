/// Every limit selfhost puts on what it reads, in one place, so that each command ends within a
/// stated bound whatever its input (docs/LIMITS.md lists them with the reason for each figure).
///
/// The figures are far above anything a real file or flag needs and far below what would cost
/// seconds or gigabytes: a budget that trips names its limit and the position where it tripped.
public enum InputBudget {
    // MARK: Files

    /// Largest file read as text (lint's discovery, the `--catalog` overlay): 4 MiB.
    public static let maxFileBytes = 4 * 1024 * 1024

    // MARK: YAML (compose files, every catalog file, pricing, e-mail providers, render setup)

    /// Deepest nesting of collections.
    public static let yamlMaxDepth = 256

    /// How many nodes a document may expand to through aliases: generous for real files (every
    /// node needs at least two bytes of source), tiny next to a billion laughs.
    public static func yamlNodeBudget(forByteCount n: Int) -> Int { 200_000 + n / 2 }

    // MARK: Text formats

    /// Nesting of `${A:-${B:-…}}` defaults in one compose value (compose itself has no limit;
    /// no real file nests more than two or three).
    public static let interpolationMaxDepth = 32

    /// Lines of a `.env` file.
    public static let envMaxLines = 100_000

    /// Continuation lines (`\` at the end) joined into one systemd assignment.
    public static let systemdMaxContinuationLines = 1_000

    /// Nesting of `{ … }` blocks in a Caddyfile.
    public static let caddyMaxNesting = 64

    /// Snippet `import`s expanded while one site block is read (a chain longer than this is a loop
    /// or a mistake).
    public static let caddyMaxImportDepth = 16

    // MARK: Numbers on the command line

    /// Largest RAM figure for one app, in MB (10^6 bytes): 100 TB. Sums of up to `maxListItems`
    /// such figures stay far inside `Int`.
    public static let maxRAMMB = 100_000_000

    /// Most items in one comma-separated list flag (`--apps`, `--saas`, `--ram`, `--providers`).
    public static let maxListItems = 1_000

    /// Largest count of servers in `--servers COUNTx…`.
    public static let maxServerCount = 10_000

    /// Largest vCPU or GB figure in a server spec.
    public static let maxServerSize = 100_000

    // MARK: DNS (preflight)

    /// RFC 7208 §4.6.4: DNS-querying SPF terms (include, a, mx, ptr, exists, redirect) in one evaluation.
    public static let spfMaxLookups = 10
    /// RFC 7208 §4.6.4: SPF terms whose lookup returns no answer (NODATA or NXDOMAIN).
    public static let spfMaxVoidLookups = 2
    /// RFC 7208 §4.6.4: names an `mx` term may resolve to.
    public static let spfMaxMXNames = 10
    /// Queries one preflight run may send, all checks together; past it a lookup is answered
    /// "query budget spent" (inconclusive) without touching the network.
    public static let dnsQueriesPerRun = 500
    /// A backup's manifest.json or .verified.json (`selfhost backup verify`, `status`).
    public static let backupManifestBytes = 4 * 1024 * 1024
}
