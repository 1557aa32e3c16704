/// Typed view models, one per kind of template. Their stored property names are the tags the
/// templates may use; `TemplateSet` checks every tag against them before rendering.

/// `templates/apps/<id>/compose.yaml.mustache`.
struct ComposeView {
    struct AppPart {
        var id: String
        var name: String
        /// Public host name, e.g. `analytics.example.com`.
        var host: String
        /// `https://<host>`.
        var url: String
        /// Pinned image reference from the catalog, `name:tag`.
        var image: String
        var port: Int
        /// `mem_limit` value, e.g. `1908m`.
        var memLimit: String
        /// The external network Caddy and the web service share, e.g. `selfhost_umami_web`.
        var webNetwork: String
        /// The web service's name on that network, e.g. `umami-web` (what Caddy proxies to).
        var webAlias: String
        /// Fixed subnets of the app's private networks, beside its web subnet (10.231.N.0/24 →
        /// 10.232.N.0/24 backend, 10.233.N.0/24 egress): Docker's default address pools hold only
        /// about 31 networks, fewer than a box of many apps creates.
        var backendSubnet: String
        var egressSubnet: String
        /// The ACME/admin contact (`--email`, else `admin@<host>`).
        var adminEmail: String
        /// Ports the catalog marks public (SSH for git, RTMP), with their host port.
        var publishedPorts: [PublishedPort]
        var hasPublishedPorts: Bool
    }

    struct PublishedPort {
        var host: Int
        var container: Int
        var `protocol`: String
        var purpose: String
    }

    struct CompanionPart {
        var service: String
        var kind: String
        var image: String
        var memLimit: String
    }

    var app: AppPart
    /// Companions by compose service name, e.g. `companion.db.image`.
    var companion: [String: CompanionPart]
    /// A small pinned image for one-shot helper services (volume ownership fixes).
    var helperImage: String
    /// `render --smtp` reaches this app (RenderSMTP.plan): a template whose app keeps its mail
    /// settings in its database renders the one-shot that seeds them only then (listmonk's smtp-init).
    var smtp: Bool = false
}

/// `templates/caddy/Caddyfile.mustache`.
struct CaddyfileView {
    struct Site {
        var appID: String
        var appName: String
        var host: String
        var upstream: String
        var hasMaxUpload: Bool
        var maxUploadMB: Int
        var websockets: Bool
        /// The setup gate is closed: basic auth for `gateUser` with the bcrypt `gateHash`.
        var gated: Bool = false
        var gateUser: String = ""
        var gateHash: String = ""
        /// Where the clear password is (absolute).
        var gatePasswordFile: String = ""
        /// The gate was lifted (`--open`): lint's caddy.first-start-unguarded is told so.
        var gateOpened: Bool = false
        /// `render --target swarm`'s Caddyfile: every task of the web service is an upstream
        /// (`dynamic a upstreamName upstreamPort`), retried on another while one goes away.
        var swarm: Bool = false
        var upstreamName: String = ""
        var upstreamPort: Int = 0
    }
    var hasEmail: Bool
    var email: String
    var sites: [Site]
}

/// `templates/caddy/compose.yaml.mustache`.
struct CaddyComposeView {
    struct Network {
        /// Key in Caddy's compose file (the app id).
        var key: String
        /// The external network's name.
        var name: String
        /// Its subnet, given when the units create it.
        var subnet: String
    }
    var image: String
    var memLimit: String
    var networks: [Network]
}

/// `templates/systemd/app.service.mustache`.
struct AppUnitView {
    var appID: String
    var appName: String
    var directory: String
    var docker: String
    var webNetwork: String
    /// The subnet the web network is created with (`RenderSubnets`).
    var webSubnet: String
    var readme: String
}

/// `templates/systemd/caddy.service.mustache`.
struct CaddyUnitView {
    var directory: String
    var docker: String
    /// Space-separated app units Caddy starts after.
    var appUnits: String
    /// Every app's web network, created with its subnet when Caddy starts first.
    var networks: [CaddyComposeView.Network]
    var readme: String
}

/// `templates/systemd/backup.service.mustache` and `backup.timer.mustache`.
struct BackupUnitView {
    var appID: String
    var appName: String
    var script: String
    var directory: String
    var backupDir: String
    /// Paths under /tmp or /var/tmp, which `PrivateTmp=yes` replaces with an empty private
    /// directory: bound into the unit from the host at the same path (the Docker daemon, which
    /// mounts the backup directory into the archiving container, sees the host's path too).
    var bindReadOnlyPaths: [String]
    var bindPaths: [String]
    /// `render --target swarm`: the stack whose local task the backup dumps (`SWARM_STACK`); empty otherwise.
    var swarmStacks: [String] = []
}

/// `templates/backup/backup.sh.mustache`.
struct BackupScriptView {
    struct Dump {
        var service: String
        var database: String
        var file: String
        var pgDump: Bool
        var mysqlDump: Bool
        var mongoDump: Bool
        var redisRDB: Bool
        var clickhouseBackup: Bool = false
    }
    struct VolumeArchive {
        var name: String
        var file: String
    }
    var appID: String
    var project: String
    var docker: String
    var backupDir: String
    var keep: Int
    var backupImage: String
    var dumps: [Dump]
    var volumes: [VolumeArchive]
    var notes: [String]
}

/// `templates/readme/README.md.mustache`.
struct ReadmeView {
    struct AppSection {
        var id: String
        var name: String
        var host: String
        var url: String
        var directory: String
        /// The subnet of `selfhost_<id>_web`, which the app trusts as its proxy.
        var webSubnet: String
        var backupDir: String
        var dumps: [BackupScriptView.Dump]
        var volumes: [BackupScriptView.VolumeArchive]
        /// Whether the restore unpacks volume archives (and so needs the project's volume names).
        var hasVolumes: Bool
        var publishedPorts: [ComposeView.PublishedPort]
        var requiredSettings: [String]
        var smtpNeeded: Bool
        /// Mail: `filled` (render wrote the relay into its variables), `by-hand` (it sends mail, but
        /// not from the environment, or no relay was given), `none` (it sends no mail).
        var smtpFilled: Bool = false
        var smtpByHand: Bool = false
        var smtpNone: Bool = false
        /// The variables render filled, comma-separated.
        var smtpVariables: String = ""
        /// How to give it mail by hand (the catalog's note).
        var smtpHow: String = ""
        /// The relay goes to a service other than the app (catalog `smtp.service`, e.g. listmonk's
        /// smtp-init that seeds its database): the README adds the catalog's note on how.
        var smtpSeeded: Bool = false
        /// Variables whose value a person had set, kept instead of the relay's.
        var smtpKept: String = ""
        var hasSMTPKept: Bool = false
        var notes: [String]
        /// The upstream install guide: first-start steps (admin account, migrations) live there.
        var installDocs: String
        /// One-shot commands before / after the first start (`templates/apps/<id>/setup.yaml`).
        var beforeStart: [RenderAppSetup.Step]
        var afterStart: [RenderAppSetup.Step]
        var hasBeforeStart: Bool
        var hasAfterStart: Bool
        /// Extra settings advice for the README's settings section.
        var settings: [String]
        /// First start: how to log in the first time, the gate and how to lift it.
        var firstStart: FirstStartView
    }
    struct FirstStartView {
        /// `first_start.exposure` and its source, as the catalog has them.
        var exposure: String
        var detail: String
        var source: String
        /// Render set the admin/lock variables in `.env` (`preseed`).
        var preseeded: Bool
        var preseedVars: [String]
        /// A setup gate is closed in front of the app now.
        var gated: Bool
        /// The gate was there and has been opened (`--open`).
        var gateOpened: Bool
        var gateUser: String
        var gatePasswordFile: String
        /// What to do behind the gate (finish the installer, create the admin, change the default password).
        var steps: [String]
        var openCommand: String
        /// Nothing to claim (`none-needed`).
        var nothingToClaim: Bool
    }
    /// Where the box lives on the server (`--install-dir`).
    var out: String
    var docker: String
    /// Whether the box was written somewhere else than where it will live (copy it there first).
    var copyToServer: Bool
    var apps: [AppSection]
    var hasPublishedPorts: Bool
    var units: String
    var timers: String
    var hasBeforeStart: Bool
    var hasAfterStart: Bool
    var keep: Int
    var caddyImage: String
    var backupImage: String
    var hosts: [String]
    /// `--smtp`: the relay, e.g. `Brevo (smtp-relay.brevo.com:587, STARTTLS)`; empty without one.
    var smtpRelay: String = ""
    var hasSMTP: Bool = false
    var smtpFrom: String = ""
    /// The box's apps that send no mail (catalog `smtp.needed: none`), or `none`.
    var smtpNoMail: String = "none"
}
