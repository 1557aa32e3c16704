/// The outcome of one preflight check on one subject.
public enum CheckStatus: String, Sendable, Codable, CaseIterable, Comparable {
    /// `info`: an optional record is absent (MTA-STS, TLS-RPT, BIMI): worth knowing, not a problem.
    case ok, info, warning, error, timeout, skipped

    /// Whether this status fails the run (exit 1).
    public var fails: Bool { self == .error || self == .timeout }

    private var rank: Int {
        switch self {
        case .skipped: 0
        case .ok: 1
        case .info: 2
        case .warning: 3
        case .timeout: 4
        case .error: 5
        }
    }

    public static func < (a: CheckStatus, b: CheckStatus) -> Bool { a.rank < b.rank }
}

/// One line of the checklist: which check, on what, how it went and what to do.
public struct CheckResult: Sendable, Codable, Hashable {
    /// `family.name`, e.g. `spf.lookups`; stable, for CI.
    public var id: String
    public var status: CheckStatus
    /// The DNS name or `host:port` the result is about.
    public var subject: String
    public var message: String
    /// The record to add or change (zone-file syntax) or the command to run; nil when ok.
    public var fix: String?

    public init(id: String, status: CheckStatus, subject: String, message: String, fix: String? = nil) {
        self.id = id
        self.status = status
        self.subject = subject
        self.message = message
        self.fix = fix
    }

    enum CodingKeys: String, CodingKey { case id, status, subject, message, fix }

    /// Always writes `fix`, as null when there is none, so every check has the same keys.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(status, forKey: .status)
        try c.encode(subject, forKey: .subject)
        try c.encode(message, forKey: .message)
        try c.encode(fix, forKey: .fix)
    }
}

/// A check: its id, what it verifies, the usual fix, and the code that runs it.
/// Each check lives in its own file under `Preflight/Checks/` and is listed in `PreflightChecks.all`.
public struct CheckDefinition: Sendable {
    public var id: String
    /// One sentence: what it verifies.
    public var summary: String
    /// The usual fix, in words.
    public var fix: String
    /// Whether it only runs with `--local` (on the server itself).
    public var localOnly: Bool
    public var run: @Sendable (PreflightEnvironment) async -> [CheckResult]

    public init(id: String, summary: String, fix: String, localOnly: Bool = false,
                run: @escaping @Sendable (PreflightEnvironment) async -> [CheckResult]) {
        self.id = id
        self.summary = summary
        self.fix = fix
        self.localOnly = localOnly
        self.run = run
    }

    /// A result of this check.
    public func result(_ status: CheckStatus, _ subject: String, _ message: String, fix: String? = nil) -> CheckResult {
        CheckResult(id: id, status: status, subject: subject, message: message, fix: fix)
    }

    /// The result for an inconclusive DNS answer: `timeout` for a timeout, `error` otherwise,
    /// never a claim that the record is missing.
    public func inconclusive(_ lookup: DNSLookup, subject: String? = nil, what: String) -> CheckResult {
        let status: CheckStatus = lookup.result == .timeout ? .timeout : .error
        let fix: String
        if status == .timeout {
            fix = "; check that the resolver answers (try another `--resolver IP[:PORT]` or a longer `--timeout`) and run again"
        } else if lookup.result == .refused {
            // REFUSED is the resolver's policy, not the zone's answer.
            fix = "; the resolver refused the query: it is an authoritative-only server or its access list leaves this machine out."
                + "\n; pass a recursive resolver with `--resolver IP[:PORT]` (e.g. the one in /etc/resolv.conf), or allow this machine in the resolver's ACL"
        } else if lookup.stateText.contains("network error") {
            // Nothing to fix in the zone: the resolver itself could not be reached.
            fix = "; no DNS server answers at that address: check `--resolver IP[:PORT]` (default: the first nameserver in /etc/resolv.conf)"
        } else {
            fix = "; fix the DNS server's answer for \(lookup.finalName), then run again"
        }
        return result(status, subject ?? lookup.name,
                      "could not check \(what): \(lookup.type) query for \(lookup.finalName) got \(lookup.stateText)", fix: fix)
    }
}

/// Every check, in report order.
public enum PreflightChecks {
    public static let all: [CheckDefinition] = [
        DNSAddressCheck.a, DNSAddressCheck.aaaa,
        CAACheck.definition,
        MXCheck.definition, MXReverseDNSCheck.definition, SMTPStartTLSCheck.definition,
        SPFRecordCheck.definition, SPFSyntaxCheck.definition, SPFAllCheck.definition,
        SPFLookupsCheck.definition, SPFVoidLookupsCheck.definition,
        DKIMRecordCheck.definition, DKIMKeyCheck.definition, DKIMFlagsCheck.definition,
        DMARCRecordCheck.definition, DMARCReportAuthCheck.definition, DMARCBulkSenderCheck.definition,
        MTASTSRecordCheck.definition, MTASTSPolicyCheck.definition, TLSRPTCheck.definition, BIMICheck.definition,
        ESPDKIMCheck.definition, ESPReturnPathCheck.definition, ESPSPFCheck.definition,
        PortReachableCheck.definition, PortInUseCheck.definition,
        HTTPSCertificateCheck.definition, HTTPSRedirectCheck.definition, HTTPSHSTSCheck.definition,
        HostDockerCheck.definition, HostComposeCheck.definition, HostDiskCheck.definition, HostRAMCheck.definition,
    ]
}
