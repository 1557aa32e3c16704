import Foundation

/// `selfhost render --remove APP [--purge]`: what leaves the box with an app, the backup a purge
/// needs, and the commands that stop it on the server (render never touches a running engine).
enum RenderRemoval {
    /// The app's units in the box's `systemd/` directory.
    static func unitPaths(_ id: String) -> [String] {
        ["systemd/selfhost-\(id).service", "systemd/selfhost-\(id)-backup.service", "systemd/selfhost-\(id)-backup.timer"]
    }

    /// The newest backup in `dir`: a directory named by backup.sh's UTC stamp (`20261201T031500Z`).
    static func newestBackup(in dir: String) -> (name: String, date: Date)? {
        for name in BackupStamp.names(in: dir).reversed() where name.count == 16 {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: "\(dir)/\(name)", isDirectory: &isDir), isDir.boolValue,
                  let date = BackupStamp.date(name) else { continue }
            return (name, date)
        }
        return nil
    }

    /// The commands, in order: stop and disable its units, Caddy stops serving it, then (purge) its
    /// volumes, web network and directory go. Without purge the volumes and directory stay, and
    /// rendering the app back brings it back with its data.
    /// `stillInBox` false: the app left the box earlier (its units are gone, Caddy no longer serves
    /// it) and only its data goes now.
    static func commands(_ id: String, installDir: String, docker: String, purge: Bool, copyFirst: Bool, stillInBox: Bool = true) -> [String] {
        let units = ["selfhost-\(id).service", "selfhost-\(id)-backup.service", "selfhost-\(id)-backup.timer"]
        let network = RenderBox.webNetwork(id)
        let copy = "rsync -a ./ root@SERVER:\(installDir)/"
        let down = "cd \(installDir)/\(id) && sudo \(docker) compose down\(purge ? " -v" : "")"
        /// A purge: the app's web network leaves Caddy and goes, then the app's directory. Once the
        /// app has left the box, Caddy may have dropped the network already.
        func purgeNetworkAndDirectory(disconnectMayFail: Bool) -> [String] {
            ["cd \(installDir)/caddy && sudo \(docker) network disconnect \(network) \"$(sudo \(docker) compose ps -q caddy)\""
                + (disconnectMayFail ? " 2>/dev/null || true" : ""),
             "sudo \(docker) network rm \(network)",
             "sudo rm -rf \(installDir)/\(id)"]
        }
        var c: [String] = []
        if !stillInBox {
            if copyFirst { c.append(copy) }
            c.append(down)
            if purge { c += purgeNetworkAndDirectory(disconnectMayFail: true) }
            return c
        }
        if copyFirst {
            // The box was rendered elsewhere: bring the new Caddyfile and manifest over, and drop the app's units there too.
            c.append(copy)
            c.append("sudo rm -f " + units.map { "\(installDir)/systemd/\($0)" }.joined(separator: " "))
        }
        c.append("sudo systemctl disable --now selfhost-\(id).service selfhost-\(id)-backup.timer")
        c.append(down)
        c.append("sudo rm -f " + units.map { "/etc/systemd/system/\($0)" }.joined(separator: " "))
        c.append("sudo systemctl daemon-reload")
        c.append("sudo systemctl reload selfhost-caddy.service")
        if purge { c += purgeNetworkAndDirectory(disconnectMayFail: false) }
        return c
    }
}
