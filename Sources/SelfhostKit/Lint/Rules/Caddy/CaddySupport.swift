/// Shared example material for Caddy rules.
enum CaddyExamples {
    /// A compose file with Caddy (mounting ./Caddyfile) and an app reachable on a shared network.
    static let stack = """
    services:
      caddy:
        image: caddy:2.8.4
        restart: unless-stopped
        mem_limit: 256m
        security_opt: ["no-new-privileges:true"]
        logging: {driver: json-file, options: {max-size: 10m}}
        ports: ["80:80", "443:443"]
        volumes: ["./Caddyfile:/etc/caddy/Caddyfile:ro"]
        networks: [web]
      app:
        image: ghcr.io/example/app:1.4.2
        restart: unless-stopped
        mem_limit: 512m
        security_opt: ["no-new-privileges:true"]
        logging: {driver: json-file, options: {max-size: 10m}}
        expose: ["3000"]
        networks: [web, internal]
      db:
        image: postgres:16.4
        restart: unless-stopped
        mem_limit: 512m
        security_opt: ["no-new-privileges:true"]
        logging: {driver: json-file, options: {max-size: 10m}}
        expose: ["5432"]
        networks: [internal]
    networks:
      web:
      internal:

    """
}

/// Ports well-known images listen on when the compose file declares none (`expose`/`ports`).
/// Only used as a fallback: a port the file declares always counts.
enum KnownImagePorts {
    static let byImage: [String: Set<Int>] = [
        "nginx": [80], "httpd": [80], "caddy": [80, 443], "traefik": [80, 443, 8080], "whoami": [80],
        "postgres": [5432], "postgis": [5432], "mysql": [3306], "mariadb": [3306], "redis": [6379], "valkey": [6379],
        "mongo": [27017], "memcached": [11211], "clickhouse-server": [8123, 9000], "minio": [9000, 9001],
        "umami": [3000], "listmonk": [9000], "ghost": [2368], "wordpress": [80], "gitea": [3000, 22], "forgejo": [3000, 22],
        "vaultwarden": [80], "server": [80], "uptime-kuma": [3001], "n8n": [5678], "metabase": [3000],
        "mattermost-team-edition": [8065], "mattermost-enterprise-edition": [8065], "grafana": [3000],
        "community-edition": [8000], "plausible": [8000], "matomo": [80], "nextcloud": [80], "gatus": [8080],
        "chatwoot": [3000], "zammad": [8080], "keila": [4000], "mautic": [80], "discourse": [80], "nodebb": [4567],
        "flarum": [8888], "rocket.chat": [3000], "zulip": [80, 443], "twenty": [3000], "peertube": [9000],
        "owncast": [8080, 1935], "seafile-mc": [80], "calcom": [3000], "easy-appointments": [80], "saleor": [8000],
        "prestashop": [80], "plane-frontend": [3000], "activepieces": [80], "posthog": [8000], "coolify": [8080],
        "caprover": [3000], "dokku": [80, 22],
    ]
}
