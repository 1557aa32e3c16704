import ArgumentParser
import Foundation
import SelfhostKit

struct Preflight: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check DNS, email authentication, certificates and ports before going live; each failure with its fix.",
        discussion: """
            Runs every check at once: app hostnames (A/AAAA), CAA for Let's Encrypt,
            MX (and their reverse DNS), SPF, DKIM, DMARC, MTA-STS, TLS-RPT, BIMI, the
            email provider's records, TCP ports, and with --local the Docker host
            itself. Fixes are printed as zone-file lines. --live also connects to the
            app hosts over HTTPS (certificate, redirect, HSTS) and fetches the MTA-STS
            policy; --smtp-probe asks each MX host for STARTTLS on port 25.

            Ports are probed where `selfhost render` publishes them on the host, not
            the container ports: Gitea's SSH (container 22) is on 2222, or 2223 when
            Forgejo is in the box too. With --box DIR (render's --out directory)
            preflight reads DIR/.selfhost/manifest.json and checks exactly what was
            rendered: its apps, their hosts and published ports, and its domain
            (--apps, --host and --domain override them).

            Examples:
              selfhost preflight --domain example.com --server-ip 203.0.113.10 \\
                  --apps umami,listmonk
              selfhost preflight --domain example.com --server-ip 203.0.113.10 \\
                  --server-ip 2001:db8::10 --apps umami --esp ses \\
                  --dkim-selector tok1 --dkim-selector tok2 --return-path mail
              selfhost preflight --domain example.com --esp sendgrid \\
                  --return-path em1234 --format json
              selfhost preflight --domain example.com --server-ip 127.0.0.10 \\
                  --apps umami --resolver 127.0.0.1:5300
              selfhost preflight --domain example.com --server-ip 203.0.113.10 \\
                  --apps umami --local      # on the server itself
              selfhost preflight --box /srv/selfhost --server-ip 203.0.113.10
              selfhost preflight --box /srv/selfhost --server-ip 203.0.113.10 --live

            Check ids and the JSON format: docs/PREFLIGHT.md.
            Exit status: 0 no errors (warnings allowed), 1 an error or a timeout,
            2 bad input, or a resolver that answers nothing (one resolver.reachable error).
            """)

    @Option(help: ArgumentHelp("The domain to check, e.g. example.com (with --box: the box's domain by default).", valueName: "domain"))
    var domain: String?

    @Option(help: ArgumentHelp("A `selfhost render` output directory: check its apps, hosts, published ports and domain.", valueName: "dir"),
            completion: .directory)
    var box: String?

    @Option(name: .customLong("server-ip"), help: ArgumentHelp("The server's public address; repeat for IPv4 and IPv6.", valueName: "ip"))
    var serverIP: [String] = []

    @Option(help: ArgumentHelp("Catalog app ids, comma-separated; each is served at <app>.<domain> (with --box: the box's apps by default).", valueName: "ids"))
    var apps: [String] = []

    @Option(name: .customLong("host"), help: ArgumentHelp("Serve an app at another hostname (repeatable), as in render.", valueName: "app=fqdn"))
    var hosts: [String] = []

    @Option(help: ArgumentHelp("Email provider profile: ses, sendgrid, mailgun, postmark, brevo, mailtrap (with --box: the box's `render --smtp` provider unless given).", valueName: "name"))
    var esp: String?

    @Option(name: .customLong("dkim-selector"), help: ArgumentHelp("A DKIM selector to check (repeatable); ESPs with fixed selectors add theirs.", valueName: "selector"))
    var dkimSelector: [String] = []

    @Option(name: .customLong("return-path"), help: ArgumentHelp("The ESP return-path (MAIL FROM) subdomain, e.g. mail or em1234; not the domain itself.", valueName: "label"))
    var returnPath: String?

    @Option(help: ArgumentHelp("Send DNS queries to this server instead of the system resolver.", valueName: "ip[:port]"))
    var resolver: String?

    @Option(help: ArgumentHelp("Seconds (0.1 to 60) to wait for each DNS answer or TCP connect; the whole run ends within two.", valueName: "seconds"))
    var timeout: Double = 3

    @Flag(help: "Also check this machine: Docker engine, compose plugin, disk, RAM, and who holds ports 80/443.")
    var local = false

    @Flag(help: "Connect to each app host at --server-ip over HTTP(S): certificate names, issuer and expiry, HTTP→HTTPS redirect, HSTS; and fetch the MTA-STS policy file.")
    var live = false

    @Flag(name: .customLong("smtp-probe"), help: "Connect to each MX host on port 25 and check STARTTLS and its certificate (often blocked outbound; no mail is sent).")
    var smtpProbe = false

    @Option(name: .customLong("ca-file"), help: ArgumentHelp("PEM bundle of CAs to trust for --live and --smtp-probe (default: the system's).", valueName: "file"),
            completion: .file())
    var caFile: String?

    @OptionGroup var output: FormatOption
    @OptionGroup var catalogOption: CatalogOption

    func run() async throws {
        let context = Context.live()
        let store = try catalogOption.store(context)
        let catalog = try CatalogLoader.load(store)
        let providers = try EmailProviders.load(store)
        let options = PreflightCommand.Options(
            domain: domain, box: box, serverIPs: serverIP, apps: apps, hosts: hosts, esp: esp, dkimSelectors: dkimSelector,
            returnPath: returnPath, resolver: resolver, timeout: timeout, local: local, format: output.format,
            live: live, smtpProbe: smtpProbe, caFile: caFile)
        let status = try await PreflightCommand.run(options, catalog: catalog, providers: providers, context: context, store: store)
        try CLI.finish(status)
    }
}
