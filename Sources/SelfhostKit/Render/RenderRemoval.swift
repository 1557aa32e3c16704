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
        var c: [String] = []
        if !stillInBox {
            if copyFirst { c.append("rsync -a ./ root@SERVER:\(installDir)/") }
            c.append("cd \(installDir)/\(id) && sudo \(docker) compose down\(purge ? " -v" : "")")
            if purge {
                let network = RenderBox.webNetwork(id)
                c.append("cd \(installDir)/caddy && sudo \(docker) network disconnect \(network) \"$(sudo \(docker) compose ps -q caddy)\" 2>/dev/null || true")
                c.append("sudo \(docker) network rm \(network)")
                c.append("sudo rm -rf \(installDir)/\(id)")
            }
            return c
        }
        if copyFirst {
            // The box was rendered elsewhere: bring the new Caddyfile and manifest over, and drop the app's units there too.
            c.append("rsync -a ./ root@SERVER:\(installDir)/")
            c.append("sudo rm -f " + units.map { "\(installDir)/systemd/\($0)" }.joined(separator: " "))
        }
        c.append("sudo systemctl disable --now selfhost-\(id).service selfhost-\(id)-backup.timer")
        c.append("cd \(installDir)/\(id) && sudo \(docker) compose down\(purge ? " -v" : "")")
        c.append("sudo rm -f " + units.map { "/etc/systemd/system/\($0)" }.joined(separator: " "))
        c.append("sudo systemctl daemon-reload")
        c.append("sudo systemctl reload selfhost-caddy.service")
        if purge {
            let network = RenderBox.webNetwork(id)
            c.append("cd \(installDir)/caddy && sudo \(docker) network disconnect \(network) \"$(sudo \(docker) compose ps -q caddy)\"")
            c.append("sudo \(docker) network rm \(network)")
            c.append("sudo rm -rf \(installDir)/\(id)")
        }
        return c
    }
}
