import ArgumentParser
import Foundation
import SelfhostKit

/// `selfhost cost`: parses flags and hands them to `SelfhostKit.CostCommand`.
struct CostCLI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cost",
        abstract: "Monthly cost of egress, servers and SaaS bills: clouds, VPS providers and self-hosting, every price sourced.",
        discussion: """
            Every figure comes from catalog/pricing/*.yaml with its as-of date and source URL, printed as footnotes; prices older than 12 months draw a warning. Money is exact (decimal, rounded to the cent only when shown); a month is 730 hours.

            Examples:
              selfhost cost --egress 10TB
              selfhost cost --egress 10TiB --providers aws --aws-free-tier legacy
              selfhost cost --egress 10TB --servers 8x2vcpu-4gb --vps 4vcpu-8gb
              selfhost cost --saas mailchimp=50000contacts,slack=12seats \\
                --apps listmonk,rocketchat --emails-per-month 200000
              selfhost cost --egress 10TB --chart --chart-max 40TB
              selfhost cost --egress 10TB --backups --ipv4 --admin-hours 4 --hourly-rate 80
              selfhost cost --egress 10TB --currency EUR --format json
              selfhost cost --egress 12TB --vps 16vcpu-64gb --requests 9M
              selfhost cost --saas zendesk=@345 --apps zammad

            Sizes: 10TB is 10^13 bytes, 10TiB is 10 × 2^40; each provider's billing unit is shown.

            Exit status: 0 success, 1 the question has no answer (no sourced plan of the size asked for, or none holding the apps), 2 bad input (names the accepted forms).
            """
    )

    // `.unconditional`: `--egress -5TB` reaches the library's check (negative, accepted forms)
    // instead of ArgumentParser's "Missing value".
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Internet egress per month, e.g. 10TB or 10TiB.", valueName: "size"))
    var egress: String?

    @Option(name: .long, help: ArgumentHelp("A fleet of small servers, e.g. 8x2vcpu-4gb.", valueName: "countxspec"))
    var servers: String?

    @Option(name: .long, help: ArgumentHelp("The one box (and the VPS size for --egress), e.g. 4vcpu-8gb. Default 4vcpu-8gb.", valueName: "spec"))
    var vps: String?

    @Option(name: .long, parsing: .singleValue, help: ArgumentHelp("SaaS usage, comma-separated: NAME=NUMBERunit[@bill], e.g. mailchimp=50000contacts,slack=12seats.", valueName: "list"))
    var saas: [String] = []

    @Option(name: .long, parsing: .singleValue, help: ArgumentHelp("Catalog apps to self-host, comma-separated, e.g. listmonk,rocketchat,plausible.", valueName: "list"))
    var apps: [String] = []

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Emails sent per month, priced with Amazon SES.", valueName: "n"))
    var emailsPerMonth: String?

    @Option(name: .long, parsing: .singleValue, help: ArgumentHelp("An app's RAM in MB when upstream publishes none (or to override), e.g. rocketchat=2048.", valueName: "app=mb"))
    var ram: [String] = []

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("RAM assumed for an app whose upstream publishes no figure (shown as ASSUMED).", valueName: "mb"))
    var assumeRamMb: Int = 1024

    @Option(name: .long, parsing: .singleValue, help: ArgumentHelp("Only these providers, comma-separated (\(Self.providerList)).", valueName: "list"))
    var providers: [String] = []

    @Option(name: .long, help: ArgumentHelp("AWS free egress allowance: current (100 GB/month) or legacy (1 GB, before December 2021).", valueName: "current|legacy"))
    var awsFreeTier: String?

    @Flag(name: .long, help: "Add backups/snapshots where the provider's price is sourced.")
    var backups = false

    @Flag(name: .long, help: "Add public IPv4 charges where sourced (AWS: $0.005/h per address).")
    var ipv4 = false

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Admin hours per month, added to every server option.", valueName: "hours"))
    var adminHours: String?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Your hourly rate for --admin-hours, in the --currency (USD by default).", valueName: "usd"))
    var hourlyRate: String?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Requests a month (k, M, B suffixes), e.g. 9M: adds the request-billed load balancer a cloud setup needs (with --egress).", valueName: "n"))
    var requests: String?

    @Flag(name: .long, help: "Draw monthly cost against egress (0 to --chart-max) per option.")
    var chart = false

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Right edge of --chart (default: twice --egress, or 20TB).", valueName: "size"))
    var chartMax: String?

    @Flag(name: .long, help: "Fetch public price APIs that need no account (Linode's plan catalog) into a dated overlay in ~/.cache/selfhost/pricing that later runs read; a failed source keeps the previous prices (exit 1).")
    var refresh = false

    @Flag(name: .long, help: "With --apps: also split the self-hosted total per app, by memory (rows always show the whole box).")
    var appShares = false

    @Option(name: .long, help: ArgumentHelp("Show totals in USD (default) or EUR (ECB rate, dated).", valueName: "USD|EUR"))
    var currency: String = "USD"

    /// From the shipped price files, so the help never lags the data.
    static let providerList: String = {
        let ids = SelfhostKit.CostCommand.providerIDs()
        return ids.isEmpty ? "see catalog/pricing" : ids.joined(separator: ", ")
    }()

    @OptionGroup var output: FormatOption
    @OptionGroup var catalogOption: CatalogOption

    func run() throws {
        let context = Context.live()
        var o = SelfhostKit.CostCommand.Options()
        o.egress = egress
        o.servers = servers
        o.vps = vps
        o.saas = split(saas)
        o.apps = split(apps)
        o.emailsPerMonth = emailsPerMonth
        o.ram = split(ram)
        o.assumeRAMMB = assumeRamMb
        o.providers = split(providers)
        o.awsFreeTier = awsFreeTier
        o.backups = backups
        o.ipv4 = ipv4
        o.adminHours = adminHours
        o.requests = requests
        o.hourlyRate = hourlyRate
        o.chart = chart
        o.chartMax = chartMax
        o.currency = currency
        o.appShares = appShares
        o.refresh = refresh
        o.pricingOverlay = SelfhostKit.PriceRefresh.overlay(environment: context.environment)
        o.format = output.format
        o.store = try catalogOption.store(context)
        try CLI.finish(try SelfhostKit.CostCommand.run(o, context: context))
    }

    /// Comma-separated items; a value with no item at all (`--providers ''`) is passed on as one
    /// empty item so the library refuses it instead of reading it as "not given".
    private func split(_ values: [String]) -> [String] {
        values.flatMap { value -> [String] in
            let items = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            return items.isEmpty ? [""] : items
        }
    }
}
