/// The schemas of catalog entries; docs/CATALOG.md documents the same keys for people.
public enum CatalogSchema {
    static let source = Schema("source", [
        required("url", .url), required("checked", .date), optional("facts", .list(.string)),
    ])

    static let companionKinds = [
        "postgres", "mysql", "mariadb", "redis", "valkey", "clickhouse", "mongodb", "memcached",
        "rabbitmq", "nats", "elasticsearch", "minio", "kafka", "zookeeper", "other",
    ]
    static let backupMethods = ["pg_dump", "mysqldump", "mariadb-dump", "mongodump", "redis-rdb", "clickhouse-backup", "sqlite"]

    /// One upstream file a template was compared with: where, at which release or commit, when.
    static let upstreamFile = Schema("upstream file", [
        required("repository", .url), required("path", .string), required("ref", .string), required("checked", .date),
    ])

    /// What the template was checked against (issue 9.3): upstream's compose example, the image's
    /// entrypoint, and the entrypoint's contract. Required for renderable apps by `CatalogChecker`.
    static let upstream = Schema("upstream", [
        required("compose", .map(upstreamFile)),
        required("entrypoint", .map(upstreamFile)).orNull(),
        required("reads", .list(.string)), required("refuses", .list(.string)),
        required("notes", .string),
    ])

    /// What a stranger reaching a freshly started app could do, and how render closes it (issue 10.1).
    /// Required for renderable apps by `CatalogChecker`.
    static let firstStart = Schema("first_start", [
        required("exposure", .oneOf(App.FirstStart.Exposure.allCases.map(\.rawValue))),
        required("detail", .string),
        required("preseed", .list(.string)),
        required("closed_by", .oneOf(App.FirstStart.ClosedBy.allCases.map(\.rawValue))),
        required("source", .map(source)),
    ])

    public static let app = Schema("app", [
        required("id", .string), required("name", .string), required("summary", .string),
        required("categories", .list(.string)), required("replaces", .list(.string)),
        required("website", .url), required("repository", .url), required("license", .string),
        required("openness", .oneOf(Openness.allCases.map(\.rawValue))), optional("license_notes", .string),
        required("language", .string),
        required("install", .map(Schema("install", [
            required("method", .oneOf(["compose", "launcher", "host", "installer"])),
            required("renderable", .bool), optional("instructions", .string), optional("docs", .url),
        ]))),
        optional("image", .map(Schema("image", [required("name", .string), required("tag", .string)]))),
        optional("port", .int),
        optional("extra_ports", .list(.map(Schema("extra port", [
            required("port", .int), optional("protocol", .oneOf(["tcp", "udp"])),
            optional("purpose", .string), optional("public", .bool),
        ])))),
        optional("companions", .list(.map(Schema("companion", [
            required("service", .string), required("kind", .oneOf(companionKinds)),
            required("image", .string), required("tag", .string),
            optional("required", .bool), optional("notes", .string),
        ])))),
        optional("env", .list(.map(Schema("env variable", [
            required("name", .string), optional("service", .string), optional("required", .bool),
            optional("secret", .map(Schema("secret", [
                required("format", .oneOf(App.SecretFormat.allCases.map(\.rawValue))), required("length", .int),
            ]))),
            optional("default", .string), optional("description", .string),
        ])))),
        required("resources", .map(Schema("resources", [
            optional("ram_min_mb", .int, nullable: true), optional("ram_recommended_mb", .int, nullable: true),
            optional("cpu", .string), optional("cpu_flags", .list(.string)), optional("swap_mb", .int, nullable: true),
            optional("notes", .string),
        ]))),
        required("data", .map(Schema("data", [
            optional("volumes", .list(.map(Schema("volume", [
                required("name", .string), optional("service", .string), required("path", .string),
                optional("description", .string),
            ])))),
            optional("backup", .map(Schema("backup", [
                optional("databases", .list(.map(Schema("database backup", [
                    required("service", .string), required("method", .oneOf(backupMethods)), optional("database", .string),
                ])))),
                optional("volumes", .list(.string)), optional("notes", .string),
            ]))),
        ]))),
        required("smtp", .map(Schema("smtp", [
            required("needed", .oneOf(["required", "optional", "none"])), optional("notes", .string),
            // The variables the app reads its SMTP relay from (`render --smtp`), with where they were read.
            optional("service", .string), optional("also_services", .list(.string)),
            optional("env", .list(.map(Schema("smtp variable", [required("name", .string), required("value", .string)])))),
            optional("source", .map(source)),
        ]))),
        optional("proxy", .map(Schema("proxy", [
            optional("websockets", .bool), optional("max_upload_mb", .int, nullable: true), optional("notes", .string),
        ]))),
        optional("upgrade", .list(.map(Schema("upgrade step", [
            required("from", .string), required("to", .string), required("steps", .list(.string)), optional("docs", .url),
            optional("commands", .list(.map(Schema("upgrade command", [required("service", .string), required("run", .string)])))),
        ])))),
        optional("migrations", .list(.map(Schema("migration", [
            required("from", .string), optional("summary", .string), required("steps", .list(.string)),
            optional("tools", .list(.url)),
        ])))),
        optional("upstream", .map(upstream)),
        optional("first_start", .map(firstStart)),
        required("sources", .list(.map(source))),
    ])

    public static let saas = Schema("saas", [
        required("id", .string), required("name", .string), optional("aliases", .list(.string)),
        required("category", .string), required("summary", .string), required("website", .url),
        required("export", .map(Schema("export", [
            optional("formats", .list(.string)), optional("how", .string), optional("docs", .url), optional("notes", .string),
        ]))),
        required("alternatives", .list(.map(Schema("alternative", [required("app", .string), required("parity", .string)])))),
        optional("practice", .map(Schema("practice", [
            required("title", .string), required("steps", .list(.string)), optional("docs", .list(.url)),
        ]))),
        required("sources", .list(.map(source))),
    ])

    public static let categories = Schema("categories file", [
        required("categories", .list(.map(Schema("category", [required("id", .string), required("name", .string)])))),
    ])

    public static let spdx = Schema("SPDX list", [
        required("source", .url), required("checked", .date), required("licenses", .list(.string)),
    ])
}
