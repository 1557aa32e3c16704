import Foundation

/// `selfhost preflight`: DNS, email-authentication, port and host checks before going live,
/// all run concurrently, each failure with the record to add or change.
public enum PreflightCommand {
    public struct Options: Sendable {
        /// The domain; with `box`, defaults to the one the box was rendered for.
        public var domain: String?
        /// A `selfhost render` output directory: its `.selfhost/manifest.json` gives the apps,
        /// their hosts and published ports (and the domain) unless `apps`/`hosts`/`domain` say otherwise.
        public var box: String?
        /// `--server-ip`, repeatable (IPv4 and/or IPv6).
        public var serverIPs: [String]
        /// App ids (comma-separated values already split or not).
        public var apps: [String]
        /// `--host app=fqdn` overrides.
        public var hosts: [String]
        public var esp: String?
        public var dkimSelectors: [String]
        public var returnPath: String?
        /// `IP[:PORT]`; nil = the first nameserver of /etc/resolv.conf.
        public var resolver: String?
        /// Per-query (and per-connect) timeout in seconds.
        public var timeout: Double
        public var local: Bool
        public var format: OutputFormat
        /// Ports every server must answer on (80 and 443; tests use their own).
        public var webPorts: [Int]
        /// Where the system resolver is read from when `resolver` is nil.
        public var resolvConfPath: String
        /// `--live`: HTTPS per app host (certificate, redirect, HSTS) and the MTA-STS policy file.
        public var live: Bool
        /// `--smtp-probe`: STARTTLS on each MX host's port 25.
        public var smtpProbe: Bool
        /// Trusted CAs for `--live`/`--smtp-probe` (PEM); nil = the system's. Tests pass their own CA.
        public var caFile: String?
        /// The MX port `--smtp-probe` connects to (25; tests use a high port).
        public var smtpPort: Int

        public init(domain: String?, box: String? = nil, serverIPs: [String] = [], apps: [String] = [], hosts: [String] = [],
                    esp: String? = nil, dkimSelectors: [String] = [], returnPath: String? = nil,
                    resolver: String? = nil, timeout: Double = 3, local: Bool = false,
                    format: OutputFormat = .text, webPorts: [Int] = [80, 443], resolvConfPath: String = "/etc/resolv.conf",
                    live: Bool = false, smtpProbe: Bool = false, caFile: String? = nil, smtpPort: Int = 25) {
            self.domain = domain
            self.box = box
            self.serverIPs = serverIPs
            self.apps = apps
            self.hosts = hosts
            self.esp = esp
            self.dkimSelectors = dkimSelectors
            self.returnPath = returnPath
            self.resolver = resolver
            self.timeout = timeout
            self.local = local
            self.format = format
            self.webPorts = webPorts
            self.resolvConfPath = resolvConfPath
            self.live = live
            self.smtpProbe = smtpProbe
            self.caFile = caFile
            self.smtpPort = smtpPort
        }
    }

    /// The JSON document (`--format json`), documented in docs/PREFLIGHT.md.
    public struct Report: Sendable, Codable {
        public var domain: String
        /// The `--box` directory read (absolute), when one was given.
        public var box: String?
        public var resolver: String
        public var summary: Summary
        public var checks: [CheckResult]
        public var queries: Int
        public var elapsedMs: Int

        enum CodingKeys: String, CodingKey { case domain, box, resolver, summary, checks, queries, elapsedMs }

        /// Every key is written; `box` is `null` without `--box`.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(domain, forKey: .domain)
            try c.encode(box, forKey: .box)
            try c.encode(resolver, forKey: .resolver)
            try c.encode(summary, forKey: .summary)
            try c.encode(checks, forKey: .checks)
            try c.encode(queries, forKey: .queries)
            try c.encode(elapsedMs, forKey: .elapsedMs)
        }
    }

    public struct Summary: Sendable, Codable {
        public var ok = 0, info = 0, warning = 0, error = 0, timeout = 0, skipped = 0
    }

    /// Validates the options (usage errors → exit 2), runs every check, prints the report.
    /// `store` gives render's port rules (`remap_low_ports`), so the ports probed are the ones render publishes.
    public static func run(_ options: Options, catalog: Catalog, providers: [EmailProvider], context: Context,
                           store: ResourceStore = .embedded,
                           ports: any PortProber = LivePortProber(), host: (any HostProbe)? = nil,
                           http: any HTTPClient = CurlHTTPClient(), smtp: any SMTPProber = CurlSMTPProber()) async throws -> ExitStatus {
        // On preflight's own threads, so the time bound holds however busy the shared pool is.
        try await withTaskExecutorPreference(PreflightExecutor.shared) {
            try await runChecked(options, catalog: catalog, providers: providers, context: context, store: store, ports: ports, host: host,
                                 http: http, smtp: smtp)
        }
    }

    static func runChecked(_ options: Options, catalog: Catalog, providers: [EmailProvider], context: Context,
                           store: ResourceStore, ports: any PortProber, host: (any HostProbe)?,
                           http: any HTTPClient, smtp: any SMTPProber) async throws -> ExitStatus {
        var options = options
        options.box = options.box.map { context.url(for: $0).path }
        options.caFile = options.caFile.map { context.url(for: $0).path }
        let env = try environment(options, catalog: catalog, providers: providers, store: store, ports: ports,
                                  host: options.local ? (host ?? LiveHostProbe(environment: context.environment)) : nil,
                                  http: http, smtp: smtp, now: context.now())
        let start = ContinuousClock.now
        var results = await runChecks(env)
        let elapsed = ContinuousClock.now - start
        // A dead or refusing resolver would fail every DNS check with the same fix: say it once,
        // keep the checks that don't use DNS (ports, this host), and exit 2 (the resolver is the
        // input at fault, not the zone).
        let unusable = env.dns.unusableResolver
        if let why = unusable { results = collapse(results, resolverUnusable(env.dns.resolver, why, domain: env.domain), domain: env.domain) }
        var report = makeReport(env, results, elapsed: elapsed)
        report.box = options.box
        switch options.format {
        case .json: context.stdout.write(JSONOutput.encode(report))
        case .text: context.stdout.write(renderText(report, style: context.style))
        }
        if unusable != nil { return .usage }
        return results.contains { $0.status.fails } ? .problems : .success
    }

    /// Check families that don't ask the resolver: kept when the resolver is unusable.
    static let nonDNSFamilies: Set<String> = ["port", "host", "https"]

    /// The results with every DNS-based one replaced by the single resolver error; the checks
    /// that ran without DNS (ports, this host, live HTTPS) are kept.
    static func collapse(_ results: [CheckResult], _ resolverError: CheckResult, domain: String) -> [CheckResult] {
        // A check that didn't apply at all ("needs --live", "no --server-ip given", "run with
        // --local": skipped on the domain or localhost) would only pad the one error; a skipped
        // target of a check that ran (a UDP port) stays.
        [resolverError] + results.filter { r in
            nonDNSFamilies.contains(String(r.id.prefix { $0 != "." }))
                && !(r.status == .skipped && (r.subject == domain || r.subject == "localhost"))
        }
    }

    /// The one result for a resolver that answered nothing useful (exit 2: the `--resolver` input,
    /// or the machine's resolver, is at fault, not the zone).
    static func resolverUnusable(_ resolver: ResolverAddress, _ why: String, domain: String) -> CheckResult {
        let refused = why.contains("REFUSED")
        let fix = refused
            ? "; pass a recursive resolver with `--resolver IP[:PORT]` (e.g. the nameserver in /etc/resolv.conf), or allow this machine in the resolver's access list"
            : "; check that a DNS server listens there: dig @\(resolver.ip.text) -p \(resolver.port) \(domain) SOA"
                + "\n; or pass another `--resolver IP[:PORT]` (default: the first nameserver in /etc/resolv.conf), or a longer `--timeout`"
        return CheckResult(id: "resolver.reachable", status: .error, subject: resolver.description,
                           message: (refused ? "resolver refuses this machine: " : "resolver unreachable: ") + why
                                + "; no DNS check could run (the zone itself was not checked)",
                           fix: fix)
    }

    /// Runs all checks concurrently; results come back in `PreflightChecks.all` order.
    public static func runChecks(_ env: PreflightEnvironment) async -> [CheckResult] {
        await withTaskGroup(of: (Int, [CheckResult]).self) { group in
            for (i, check) in PreflightChecks.all.enumerated() {
                group.addTask { (i, await check.run(env)) }
            }
            var out: [(Int, [CheckResult])] = []
            for await r in group { out.append(r) }
            return out.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
    }

    /// Turns options into a checked environment; every bad input is a usage error (exit 2).
    /// `o.box`, when set, is a path (absolute, or relative to the process's directory).
    public static func environment(_ o: Options, catalog: Catalog, providers: [EmailProvider], store: ResourceStore = .embedded,
                                   ports: any PortProber, host: (any HostProbe)?, http: any HTTPClient = CurlHTTPClient(),
                                   smtp: any SMTPProber = CurlSMTPProber(), now: Date = Date()) throws -> PreflightEnvironment {
        let manifest = try o.box.map(readBox)
        guard let rawDomain = o.domain ?? manifest?.domain else {
            throw SelfhostError.usage(o.box == nil ? "no --domain given" : "the box in \(o.box!) was rendered without --domain, so it names no domain",
                                      remedy: "pass the registered domain, e.g. --domain example.com" + (o.box == nil ? ", or --box DIR (a `selfhost render` output directory)" : ""))
        }
        guard let domain = DomainName.normalize(rawDomain) else {
            throw SelfhostError.usage("'\(rawDomain)' is not a valid domain name",
                                      remedy: "pass the registered domain, e.g. --domain example.com (no scheme, no path)")
        }
        var ips: [IPAddress] = []
        for raw in o.serverIPs.flatMap({ $0.split(separator: ",").map(String.init) }) {
            guard let ip = IPAddress(raw.trimmingCharacters(in: .whitespaces)) else {
                throw SelfhostError.usage("--server-ip '\(raw)' is not an IPv4 or IPv6 address",
                                          remedy: "e.g. --server-ip 203.0.113.10 --server-ip 2001:db8::10")
            }
            if !ips.contains(ip) { ips.append(ip) }
        }
        var appIDs = o.apps.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() } }.filter { !$0.isEmpty }
        // The box's apps unless --apps names others.
        let appsFromBox = appIDs.isEmpty && manifest != nil
        if appsFromBox { appIDs = manifest!.apps.keys.sorted() }
        if !appIDs.isEmpty, ips.isEmpty {
            throw SelfhostError.usage((appsFromBox ? "--box" : "--apps") + " needs --server-ip: the app hostnames are checked against it",
                                      remedy: "add --server-ip with the server's public address (repeat it for IPv6)")
        }
        var overrides: [String: String] = [:]
        for h in o.hosts {
            let parts = h.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty else {
                throw SelfhostError.usage("--host '\(h)' must be app=hostname", remedy: "e.g. --host umami=stats.example.com")
            }
            guard appIDs.contains(parts[0].lowercased()) else {
                if appsFromBox {
                    throw SelfhostError.usage("--host names app '\(parts[0])', which is not in the box in \(o.box!) (it has \(appIDs.joined(separator: ", ")))",
                                              remedy: Suggestions.didYouMean(parts[0], in: appIDs)
                                                ?? "render \(parts[0].lowercased()) into the box first, or add --apps to name the apps to check")
                }
                let name = parts[0].lowercased()
                let remedy: String
                if let hint = Suggestions.didYouMean(parts[0], in: appIDs) {
                    remedy = hint + " (--apps has " + appIDs.joined(separator: ", ") + ")"
                } else {
                    // --host only renames an app's hostname: the app itself comes from --apps.
                    remedy = "add --apps " + (appIDs + [name]).joined(separator: ",")
                        + (ips.isEmpty ? " and --server-ip with the server's address" : "")
                }
                throw SelfhostError.usage("--host names app '\(parts[0])', which is not in --apps", remedy: remedy)
            }
            guard let fqdn = DomainName.normalize(parts[1]) else {
                throw SelfhostError.usage("--host \(parts[0])='\(parts[1])' is not a valid hostname", remedy: "e.g. --host \(parts[0])=\(parts[0]).\(domain)")
            }
            overrides[parts[0].lowercased()] = fqdn
        }
        var entries: [App] = []
        for id in appIDs where !entries.contains(where: { $0.id == id }) {
            guard let app = catalog.app(id) else {
                if appsFromBox {
                    throw SelfhostError.usage("the box in \(o.box!) holds '\(id)', which the catalog does not have",
                                              remedy: "restore the catalog entry (--catalog DIR), or name the apps to check with --apps")
                }
                let hint = Suggestions.didYouMean(id, in: catalog.apps.map(\.id)).map { $0 + " " } ?? ""
                throw SelfhostError.usage("unknown app '\(id)'", remedy: hint + "run `selfhost catalog list` to see the app ids")
            }
            entries.append(app)
        }
        // The host ports render publishes (or, for a box, published): the same plan, so the two agree.
        // The box's other apps take part too, as they would when render adds an app to the box.
        let boxed = (manifest?.apps.keys.sorted() ?? []).filter { id in !entries.contains { $0.id == id } }.compactMap(catalog.app)
        let published = PublishedPorts.plan(apps: entries + boxed, remap: try PublishedPorts.lowPortRemap(store),
                                            previous: manifest?.apps.mapValues(\.publishedPorts) ?? [:])
        let apps = entries.map { app in
            PreflightApp(app, hostname: overrides[app.id] ?? manifest?.apps[app.id]?.host ?? "\(app.id).\(domain)",
                         published: published[app.id] ?? [])
        }
        // The box's SMTP relay (`render --smtp`) unless --esp names another: its DNS records for the domain.
        let espName = o.esp ?? manifest?.smtp.flatMap { $0.provider == "custom" ? nil : $0.provider }
        let esp = try espName.map { try EmailProviders.find($0, in: providers) }
        var selectors: [String] = []
        for s in o.dkimSelectors.flatMap({ $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }) where !s.isEmpty {
            guard DomainName.normalize("\(s)._domainkey.\(domain)") != nil, !s.contains("_domainkey") else {
                throw SelfhostError.usage("--dkim-selector '\(s)' is not a valid selector",
                                          remedy: "pass only the selector, e.g. --dkim-selector s1 for s1._domainkey.\(domain)")
            }
            selectors.append(s)
        }
        if let rp = o.returnPath {
            let fqdn = PreflightEnvironment.returnPathFQDN(rp, domain: domain)
            guard DomainName.normalize(fqdn) != nil else {
                throw SelfhostError.usage("--return-path '\(rp)' is not a valid subdomain", remedy: "e.g. --return-path mail (for mail.\(domain))")
            }
            // The ESP's MX and SPF for bounces go on the return path: on the apex they would
            // send all of the domain's inbound mail to the ESP.
            guard fqdn != domain else {
                throw SelfhostError.usage("--return-path '\(rp)' is the domain itself; the return path (MAIL FROM) must be a subdomain of \(domain)",
                                          remedy: "pass the subdomain your ESP set up, e.g. --return-path mail (for mail.\(domain))")
            }
        }
        // A closed range also rejects NaN.
        if let ca = o.caFile, !FileManager.default.isReadableFile(atPath: ca) {
            throw SelfhostError.usage("--ca-file \(ca) is not a readable file", remedy: "pass a PEM bundle of CA certificates, e.g. --ca-file /etc/ssl/certs/ca-certificates.crt")
        }
        guard (0.1...60).contains(o.timeout) else {
            throw SelfhostError.usage("--timeout \(o.timeout) is out of range", remedy: "give seconds between 0.1 and 60, e.g. --timeout 3")
        }
        let resolver: ResolverAddress
        if let r = o.resolver {
            guard let parsed = ResolverAddress(parsing: r) else {
                throw SelfhostError.usage("--resolver '\(r)' is not IP[:PORT]", remedy: "e.g. --resolver 127.0.0.1:5300 or --resolver [::1]:53")
            }
            resolver = parsed
        } else {
            guard let text = try? String(contentsOfFile: o.resolvConfPath, encoding: .utf8),
                  let sys = ResolverAddress.fromResolvConf(text) else {
                throw SelfhostError.usage("no nameserver in \(o.resolvConfPath)", remedy: "pass --resolver IP[:PORT]")
            }
            resolver = sys
        }
        let timeout = Duration.milliseconds(Int(o.timeout * 1000))
        // The whole run is bounded: no DNS query outlives two timeouts from the start.
        let dns = DNSClient(resolver: resolver, timeout: timeout, deadline: ContinuousClock.now.advanced(by: timeout * 2))
        return PreflightEnvironment(domain: domain, serverIPs: ips, apps: apps, esp: esp, dkimSelectors: selectors,
                                    returnPath: o.returnPath, dns: dns, ports: ports, host: host, timeout: timeout,
                                    webPorts: o.webPorts, local: o.local, live: o.live, smtpProbe: o.smtpProbe, http: http, smtp: smtp,
                                    caFile: o.caFile, smtpPort: o.smtpPort, now: now)
    }

    /// The manifest of a `selfhost render` output directory.
    static func readBox(_ path: String) throws -> RenderManifest {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else {
            throw SelfhostError.usage("--box \(path) is not a directory", remedy: "pass the --out directory of `selfhost render`")
        }
        guard let manifest = try RenderManifest.read(in: URL(fileURLWithPath: path)) else {
            throw SelfhostError.usage("--box \(path) is not a box rendered by selfhost render (no \(RenderManifest.relativePath))",
                                      remedy: "pass the --out directory of `selfhost render`, or render into it first")
        }
        return manifest
    }

    static func makeReport(_ env: PreflightEnvironment, _ results: [CheckResult], elapsed: Duration) -> Report {
        var s = Summary()
        for r in results {
            switch r.status {
            case .ok: s.ok += 1
            case .info: s.info += 1
            case .warning: s.warning += 1
            case .error: s.error += 1
            case .timeout: s.timeout += 1
            case .skipped: s.skipped += 1
            }
        }
        let ms = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
        return Report(domain: env.domain, box: nil, resolver: env.dns.resolver.description, summary: s, checks: results,
                      queries: env.dns.queriesSent, elapsedMs: ms)
    }

    static let familyTitles: [(String, String)] = [
        ("resolver", "DNS resolver"), ("dns", "App hostnames"), ("caa", "Certificates (CAA)"), ("mx", "Mail exchangers"), ("spf", "SPF"),
        ("dkim", "DKIM"), ("dmarc", "DMARC"), ("mta-sts", "MTA-STS"), ("tlsrpt", "TLS reporting (TLS-RPT)"), ("bimi", "BIMI"), ("esp", "Email provider"), ("port", "Ports"), ("https", "Live HTTPS (--live)"), ("host", "This host"),
    ]

    /// The checklist for people: ✔ ok, ! warning, ✖ error or timeout, - skipped; the fix under each failure.
    public static func renderText(_ report: Report, style: Style) -> String {
        var out = style.bold("Preflight for \(report.domain)") + style.dim(" (" + (report.box.map { "box \($0), " } ?? "") + "resolver \(report.resolver))") + "\n"
        for (family, title) in familyTitles {
            let rows = report.checks.filter { $0.id.hasPrefix(family + ".") }
            if rows.isEmpty { continue }
            out += "\n" + style.bold(title) + "\n"
            for r in rows {
                let mark: String
                switch r.status {
                case .ok: mark = style.green("✔")
                case .info: mark = style.cyan("i")
                case .warning: mark = style.yellow("!")
                case .error: mark = style.red("✖")
                case .timeout: mark = style.red("✖")
                case .skipped: mark = style.dim("-")
                }
                let label = r.status == .timeout ? style.red(" timeout:") : ""
                out += "  \(mark) \(r.subject)\(label) \(r.status == .skipped ? style.dim(r.message) : r.message) \(style.dim("[\(r.id)]"))\n"
                if let fix = r.fix, r.status != .ok, r.status != .skipped {
                    // An optional record's fix is how to add it: shown as "add:", not "fix:".
                    out += "      " + style.cyan(r.status == .info ? "add:" : "fix:") + "\n"
                    for line in fix.split(separator: "\n", omittingEmptySubsequences: false) { out += "        \(line)\n" }
                }
            }
        }
        let s = report.summary
        let seconds = String(format: "%.2f", Double(report.elapsedMs) / 1000)
        out += "\n\(s.ok) ok, " + (s.info > 0 ? "\(s.info) info, " : "") + "\(s.warning) warning\(s.warning == 1 ? "" : "s"), \(s.error) error\(s.error == 1 ? "" : "s"), "
            + "\(s.timeout) timeout\(s.timeout == 1 ? "" : "s"), \(s.skipped) skipped — \(report.queries) DNS queries in \(seconds) s\n"
        return out
    }
}
