/// Names Caddy's standard build knows (2.6 through 2.9), for unknown-directive checks.
public enum CaddyVocabulary {
    /// HTTP handler directives allowed in a site block (and in handle/route blocks).
    public static let directives: Set<String> = [
        "abort", "acme_server", "basicauth", "basic_auth", "bind", "copy_response", "copy_response_headers",
        "encode", "error", "file_server", "forward_auth", "fs", "handle", "handle_errors", "handle_path",
        "header", "import", "intercept", "invoke", "log", "log_append", "log_name", "log_skip", "map",
        "method", "metrics", "php_fastcgi", "push", "redir", "request_body", "request_header", "respond",
        "reverse_proxy", "rewrite", "root", "route", "skip_log", "templates", "tls", "tracing", "try_files",
        "uri", "vars",
    ]

    /// Directives whose block holds more directives (not sub-options).
    public static let containers: Set<String> = ["handle", "handle_path", "handle_errors", "route"]

    /// Global options (the first, address-less block).
    public static let globalOptions: Set<String> = [
        "acme_ca", "acme_ca_root", "acme_dns", "acme_eab", "admin", "auto_https", "cert_issuer",
        "cert_lifetime", "debug", "default_bind", "default_sni", "dns", "ech", "email", "events",
        "fallback_sni", "filesystem", "grace_period", "http_port", "https_port", "import", "key_type",
        "local_certs", "log", "metrics", "ocsp_interval", "ocsp_stapling", "on_demand_tls", "order",
        "persist_config", "pki", "preferred_chains", "renew_interval", "renewal_window_ratio", "servers",
        "shutdown_delay", "skip_install_trust", "storage", "storage_check", "storage_clean_interval",
    ]
}
