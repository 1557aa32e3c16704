import Foundation

/// What preflight needs to know about one app: its hostname, public ports and RAM.
public struct PreflightApp: Sendable, Hashable {
    public var id: String
    /// The FQDN it is served at (`<app>.<domain>` unless `--host app=fqdn`).
    public var hostname: String
    /// Host ports that must be reachable from the internet (TCP only; UDP can't be probed): the
    /// ports `selfhost render` publishes, not the container ports (see `PublishedPorts`).
    public var publicPorts: [(port: Int, proto: String, purpose: String?)]
    public var ramMinMB: Int?
    public var ramRecommendedMB: Int?

    public init(id: String, hostname: String, publicPorts: [(port: Int, proto: String, purpose: String?)] = [],
                ramMinMB: Int? = nil, ramRecommendedMB: Int? = nil) {
        self.id = id
        self.hostname = hostname
        self.publicPorts = publicPorts
        self.ramMinMB = ramMinMB
        self.ramRecommendedMB = ramRecommendedMB
    }

    public static func == (a: PreflightApp, b: PreflightApp) -> Bool { a.id == b.id && a.hostname == b.hostname }
    public func hash(into h: inout Hasher) { h.combine(id); h.combine(hostname) }

    /// From a catalog entry, served at `hostname`, its public ports published on the host as
    /// `published` says (`PublishedPorts.plan`, the same plan render writes).
    public init(_ app: App, hostname: String, published: [PublishedPorts.Port]) {
        self.init(id: app.id, hostname: hostname,
                  publicPorts: published.map { p in
                      let purpose = p.purpose.map { $0.split(whereSeparator: \.isNewline).joined(separator: " ") }
                      guard p.host != p.container else { return (p.host, p.proto, purpose) }
                      // Say where it goes, so a refused 2222 is not mistaken for the host's sshd.
                      return (p.host, p.proto, (purpose.map { $0 + "; " } ?? "") + "to container port \(p.container)")
                  },
                  ramMinMB: app.resources.ramMinMB, ramRecommendedMB: app.resources.ramRecommendedMB)
    }
}

/// Everything a check may use, shared by all checks of one run. DNS answers are shared too:
/// the client remembers each question, and analyses several checks need (the SPF tree, the
/// DMARC record) run once through `shared`.
public final class PreflightEnvironment: Sendable {
    public let domain: String
    public let serverIPs: [IPAddress]
    public let apps: [PreflightApp]
    public let esp: EmailProvider?
    /// `--dkim-selector` values (plus the ESP's fixed selectors, see `dkimSelectors`).
    public let extraSelectors: [String]
    /// `--return-path` label or FQDN, as given.
    public let returnPathOption: String?
    public let dns: DNSClient
    public let ports: any PortProber
    public let host: (any HostProbe)?
    public let timeout: Duration
    /// 80 and 443 unless a test says otherwise.
    public let webPorts: [Int]
    public let local: Bool
    /// `--live`: connect to the app hosts over HTTP(S) and fetch the MTA-STS policy.
    public let live: Bool
    /// `--smtp-probe`: connect to the MX hosts on `smtpPort` and ask for STARTTLS.
    public let smtpProbe: Bool
    /// The HTTP layer for `--live` (libcurl; tests pass the same client with their CA in `caFile`).
    public let http: any HTTPClient
    public let smtp: any SMTPProber
    /// PEM bundle of trusted CAs for `--live` and `--smtp-probe` (nil: the system's).
    public let caFile: String?
    /// 25 unless a test says otherwise.
    public let smtpPort: Int
    /// The clock certificate expiry is measured against.
    public let now: Date
    private let memo = Memo()

    public init(domain: String, serverIPs: [IPAddress], apps: [PreflightApp], esp: EmailProvider?,
                dkimSelectors: [String], returnPath: String?, dns: DNSClient, ports: any PortProber,
                host: (any HostProbe)?, timeout: Duration, webPorts: [Int], local: Bool,
                live: Bool = false, smtpProbe: Bool = false, http: any HTTPClient = CurlHTTPClient(),
                smtp: any SMTPProber = CurlSMTPProber(), caFile: String? = nil, smtpPort: Int = 25, now: Date = Date()) {
        self.domain = domain
        self.serverIPs = serverIPs
        self.apps = apps
        self.esp = esp
        self.extraSelectors = dkimSelectors
        self.returnPathOption = returnPath
        self.dns = dns
        self.ports = ports
        self.host = host
        self.timeout = timeout
        self.webPorts = webPorts
        self.local = local
        self.live = live
        self.smtpProbe = smtpProbe
        self.http = http
        self.smtp = smtp
        self.caFile = caFile
        self.smtpPort = smtpPort
        self.now = now
    }

    /// Ports `--live` uses: HTTP (the redirect) and HTTPS; 80 and 443 unless a test set `webPorts`.
    public var liveHTTPPort: Int { webPorts.first ?? 80 }
    public var liveHTTPSPort: Int { webPorts.dropFirst().first ?? 443 }

    /// The timeout in seconds, for the HTTP layer.
    public var timeoutSeconds: Double { Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18 }

    public var serverV4: [IPAddress] { serverIPs.filter { $0.family == .v4 } }
    public var serverV6: [IPAddress] { serverIPs.filter { $0.family == .v6 } }

    /// The domain DKIM and the ESP records live under: the apex, or for ESPs that send from
    /// a subdomain (Mailgun) that subdomain — `--return-path` when given, else the profile's label.
    public var mailDomain: String {
        if let under = esp?.dkim.under, !under.isEmpty {
            if returnPathOption != nil, let rp = returnPathDomain { return rp }
            return under + "." + domain
        }
        return domain
    }

    /// The DKIM selectors to check: given ones first, then the ESP's fixed ones.
    public var dkimSelectors: [String] {
        var seen = Set<String>(), out: [String] = []
        for s in extraSelectors + (esp?.dkim.selectors ?? []) where seen.insert(s.lowercased()).inserted { out.append(s.lowercased()) }
        return out
    }

    /// The return-path (envelope sender) domain: `--return-path`, or the ESP's fixed label.
    public var returnPathDomain: String? {
        if let given = returnPathOption { return Self.returnPathFQDN(given, domain: domain) }
        if let label = esp?.returnPath?.name { return label + "." + domain }
        return nil
    }

    /// `--return-path` as a full name: a label (`mail`) or a name under `domain`
    /// (`mail.example.com`, trailing dot allowed). `PreflightCommand` rejects the domain itself.
    public static func returnPathFQDN(_ given: String, domain: String) -> String {
        var name = given.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        return DomainName.isWithin(name, domain) ? name : name + "." + domain
    }

    /// Domains whose SPF record is checked: the domain itself, and the return path when it
    /// carries its own SPF record (an `mx-spf` return path).
    public var spfDomains: [String] {
        var out = [domain]
        if let rp = returnPathDomain, esp?.returnPath?.type != "cname", rp != domain { out.append(rp) }
        return out
    }

    /// Runs `compute` once per key for the whole run; later callers await the same result.
    public func shared<T: Sendable>(_ key: String, _ compute: @escaping @Sendable () async -> T) async -> T {
        let task = memo.task(key) { Task(executorPreference: PreflightExecutor.shared) { await compute() as any Sendable } }
        return await task.value as! T
    }

    private final class Memo: @unchecked Sendable {
        private let lock = NSLock()
        private var tasks: [String: Task<any Sendable, Never>] = [:]
        func task(_ key: String, _ make: () -> Task<any Sendable, Never>) -> Task<any Sendable, Never> {
            lock.lock()
            defer { lock.unlock() }
            if let t = tasks[key] { return t }
            let t = make()
            tasks[key] = t
            return t
        }
    }
}

/// Zone-file lines for fixes: absolute names with a trailing dot, so they paste anywhere.
public enum ZoneLine {
    public static func record(_ name: String, _ type: String, _ data: String, ttl: Int = 3600) -> String {
        "\(name). \(ttl) IN \(type) \(data)"
    }

    /// A TXT record, split into 255-byte quoted strings when long (RFC 1035 §3.3.14).
    public static func txt(_ name: String, _ text: String, ttl: Int = 3600) -> String {
        var chunks: [String] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            chunks.append("\"" + rest.prefix(255).replacingOccurrences(of: "\"", with: "\\\"") + "\"")
            rest = rest.dropFirst(255)
        }
        if chunks.isEmpty { chunks = ["\"\""] }
        return record(name, "TXT", chunks.joined(separator: " "), ttl: ttl)
    }
}
