/// Shared helpers for compose rules.
enum ComposeRuleSupport {
    /// A minimal production-grade service, reused by examples so they differ only in what they show.
    static func service(_ name: String = "app", image: String = "ghcr.io/example/app:1.4.2", _ extra: String...) -> String {
        var lines = [
            "  \(name):", "    image: \(image)", "    restart: unless-stopped", "    mem_limit: 512m",
            "    security_opt: [\"no-new-privileges:true\"]", "    logging:", "      driver: json-file",
            "      options: {max-size: 10m, max-file: \"3\"}",
        ]
        lines += extra.map { "    " + $0 }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A compose file with the given services.
    static func file(_ services: String...) -> String {
        "services:\n" + services.joined()
    }

    /// Images that are databases or caches: never published beyond loopback.
    static let databaseImages: Set<String> = [
        "postgres", "postgis", "mysql", "mariadb", "mongo", "mongodb", "redis", "valkey", "keydb", "memcached",
        "clickhouse-server", "clickhouse", "elasticsearch", "opensearch", "cassandra", "couchdb", "influxdb",
        "rabbitmq", "timescaledb", "dragonfly", "meilisearch", "typesense", "neo4j", "etcd", "minio",
    ]

    /// Reverse proxies, which are meant to publish 80/443 on every address.
    static let proxyImages: Set<String> = ["caddy", "traefik", "nginx", "haproxy", "envoy", "nginx-proxy", "swag", "nginx-proxy-manager"]
}
