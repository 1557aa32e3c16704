import Foundation

/// `selfhost catalog outdated`: for each image a renderable app pins (the app's and its
/// companions'), the newest tag of the same shape its registry lists, and how old the catalog's
/// check of that app is. Exit 1 when something is outdated or could not be checked.
public enum CatalogOutdatedCommand {
    public struct Options: Sendable {
        public var apps: [String]
        public var format: OutputFormat
        public var timeout: Double

        public init(apps: [String] = [], format: OutputFormat = .text, timeout: Double = 10) {
            self.apps = apps
            self.format = format
            self.timeout = timeout
        }
    }

    struct Row: Encodable {
        var app: String
        var service: String
        var image: String
        var pinned: String
        var newest: Nullable<String>
        /// `current`, `outdated` or `unknown`.
        var status: String
        var problem: Nullable<String>
        /// Tags read were all of them (false: a page budget or the registry cut the list).
        var complete: Bool
        var checked: Nullable<String>
        var checkedDaysAgo: Nullable<Int>
    }

    struct Report: Encodable {
        var images: [Row]
        var outdated: Int
        var unknown: Int
    }

    public static func run(_ options: Options, catalog: Catalog, context: Context, registry: RegistryClient? = nil) throws -> ExitStatus {
        try SecondsOption.check(options.timeout, "--timeout", 0.1...120)
        var apps = catalog.apps.filter(\.isRenderable)
        if !options.apps.isEmpty {
            for id in options.apps where !apps.contains(where: { $0.id == id }) {
                throw SelfhostError.usage("'\(id)' is not a renderable catalog app", remedy: "see `selfhost catalog list`")
            }
            apps = apps.filter { options.apps.contains($0.id) }
        }
        var configured = registry ?? RegistryClient()
        configured.timeout = options.timeout
        let client = configured
        // One entry per image reference: companions are shared by many apps (postgres:17-alpine).
        struct Job { var app: App; var service: String; var ref: RegistryImage }
        var jobs: [Job] = []
        for app in apps {
            if let image = app.image { jobs.append(Job(app: app, service: "app", ref: RegistryImage(name: image.name, tag: image.tag))) }
            for c in app.companions { jobs.append(Job(app: app, service: c.service, ref: RegistryImage(name: c.image, tag: c.tag))) }
        }
        let unique = Array(Set(jobs.map { "\($0.ref.registry)/\($0.ref.repository)" })).sorted()
        let byRepo = Slots<Result<(tags: [String], complete: Bool), RegistryClient.Failure>>(count: unique.count)
        let queue = DispatchQueue(label: "selfhost.outdated", attributes: .concurrent)
        let gate = DispatchSemaphore(value: 8)
        let group = DispatchGroup()
        for (i, key) in unique.enumerated() {
            let job = jobs.first { "\($0.ref.registry)/\($0.ref.repository)" == key }!
            gate.wait()
            group.enter()
            queue.async {
                defer { gate.signal(); group.leave() }
                byRepo.set(i, client.tags(job.ref))
            }
        }
        group.wait()
        let results = Dictionary(uniqueKeysWithValues: zip(unique, byRepo.all))
        let now = context.now()
        var rows: [Row] = []
        for job in jobs {
            let checked = job.app.upstream?.compose.checked ?? job.app.sources.map(\.checked).max()
            let days = checked.flatMap(CalendarDay.parse).map { Int(now.timeIntervalSince($0) / 86_400) }
            var row = Row(app: job.app.id, service: job.service, image: job.ref.display, pinned: job.ref.tag, newest: .init(nil),
                          status: "unknown", problem: .init(nil), complete: false, checked: .init(checked), checkedDaysAgo: .init(days))
            switch results["\(job.ref.registry)/\(job.ref.repository)"] ?? nil {
            case .success(let list):
                row.complete = list.complete
                if let newest = TagVersion.newest(of: list.tags + [job.ref.tag], like: job.ref.tag) {
                    row.newest = .init(newest)
                    row.status = newest == job.ref.tag ? "current" : "outdated"
                } else {
                    row.problem = .init("the pinned tag '\(job.ref.tag)' is not a version number: compare by hand")
                }
            case .failure(let f):
                row.problem = .init(f.message)
            case nil:
                row.problem = .init("not checked")
            }
            rows.append(row)
        }
        let report = Report(images: rows, outdated: rows.filter { $0.status == "outdated" }.count, unknown: rows.filter { $0.status == "unknown" }.count)
        switch options.format {
        case .json:
            context.stdout.write(JSONOutput.encode(report))
        case .text:
            var table = TextTable(headers: ["APP", "SERVICE", "IMAGE", "PINNED", "NEWEST", "CHECKED"])
            for r in rows {
                let newest: String
                switch r.status {
                case "current": newest = "current"
                case "outdated": newest = context.style.yellow(r.newest.value ?? "?")
                default: newest = context.style.red("? " + (r.problem.value ?? ""))
                }
                table.add([r.app, r.service, r.image, r.pinned, newest, r.checkedDaysAgo.value.map { "\($0) days ago" } ?? "—"])
            }
            context.stdout.write(table.render(headerStyle: context.style.dim))
            context.stdout.write("\n\(rows.count) images: \(report.outdated) outdated, \(report.unknown) not checked. "
                                 + "Newer tags are of the same shape as the pin (17-alpine → 18-alpine); read the app's upgrade notes (`selfhost catalog show APP`) before moving.\n")
        }
        return report.outdated + report.unknown > 0 ? .problems : .success
    }
}
