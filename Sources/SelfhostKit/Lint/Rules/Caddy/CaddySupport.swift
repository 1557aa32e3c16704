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
/// Only used as a fallback: a port the file declares always counts. Keyed by the full repository path
/// (registry host and `library/` removed, see `ComposeService.imageRepository`), never by its last
/// component alone: `vaultwarden/server` listens on 80, any other `…/server` says nothing.
enum KnownImagePorts {
    static let byRepository: [String: Set<Int>] = [
        "nginx": [80], "httpd": [80], "caddy": [80, 443], "traefik": [80, 443, 8080], "traefik/whoami": [80], "containous/whoami": [80],
        "postgres": [5432], "postgis/postgis": [5432], "mysql": [3306], "mariadb": [3306], "redis": [6379], "valkey/valkey": [6379],
        "mongo": [27017], "memcached": [11211], "clickhouse/clickhouse-server": [8123, 9000], "clickhouse": [8123, 9000],
        "minio/minio": [9000, 9001], "umami-software/umami": [3000], "listmonk/listmonk": [9000], "ghost": [2368],
        "wordpress": [80], "gitea/gitea": [3000, 22], "forgejo/forgejo": [3000, 22], "vaultwarden/server": [80],
        "louislam/uptime-kuma": [3001], "n8nio/n8n": [5678], "metabase/metabase": [3000],
        "mattermost/mattermost-team-edition": [8065], "mattermost/mattermost-enterprise-edition": [8065],
        "grafana/grafana": [3000], "grafana/grafana-oss": [3000], "plausible/community-edition": [8000], "plausible/analytics": [8000],
        "matomo": [80], "nextcloud": [80], "twinproduction/gatus": [8080], "chatwoot/chatwoot": [3000], "pentacent/keila": [4000],
        "mautic/mautic": [80], "nodebb/docker": [4567], "nodebb/nodebb": [4567], "mondedie/flarum": [8888], "rocket.chat": [3000],
        "rocketchat/rocket.chat": [3000], "zulip/docker-zulip": [80, 443], "twentycrm/twenty": [3000], "chocobozzz/peertube": [9000],
        "owncast/owncast": [8080, 1935], "seafileltd/seafile-mc": [80], "calcom/cal.com": [3000], "alextselegidis/easyappointments": [80],
        "saleor/saleor": [8000], "prestashop/prestashop": [80], "makeplane/plane-frontend": [3000], "activepieces/activepieces": [80],
        "posthog/posthog": [8000], "coollabsio/coolify": [8080], "caprover/caprover": [3000], "dokku/dokku": [80, 22],
        "drupal": [80], "joomla": [80], "php": [80],
    ]

    /// PHP images whose `-fpm` tags run PHP-FPM on 9000 instead of Apache on 80.
    static let phpImages: Set<String> = ["wordpress", "nextcloud", "matomo", "drupal", "joomla", "php", "mautic/mautic", "prestashop/prestashop"]

    /// Ports the image is known to listen on, considering the tag (`wordpress:6.6-fpm` → 9000); nil when unknown.
    static func ports(repository: String, tag: String?) -> Set<Int>? {
        if phpImages.contains(repository), let tag {
            let parts = tag.split(whereSeparator: { $0 == "-" || $0 == "." })
            if parts.contains("fpm") { return [9000] }
            // php:8.3-cli and php:8.3-zts run no server at all.
            if repository == "php" && !parts.contains("apache") { return nil }
        }
        if repository == "php" && tag == nil { return nil }
        return byRepository[repository]
    }

    static func ports(of service: ComposeService) -> Set<Int>? {
        service.imageRepository.flatMap { ports(repository: $0, tag: service.imageTag) }
    }
}
