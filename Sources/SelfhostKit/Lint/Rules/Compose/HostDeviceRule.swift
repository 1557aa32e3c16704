import Foundation

/// compose.host-device: raw host memory, I/O ports or disks passed into a container with `devices:`.
struct HostDeviceRule: LintRule {
    static let info = RuleInfo(
        id: "compose.host-device", severity: .error,
        summary: "A raw host device is passed in with `devices:` (/dev/mem, /dev/kmem, /dev/port, a disk such as /dev/sda or /dev/nvme0n1, or all of /dev).",
        why: "/dev/mem, /dev/kmem and /dev/port read and write the host's physical memory and I/O ports; a disk device lets the container read every file on it (/etc/shadow, other apps' data) and write past any permission check. Either is root on the server.",
        fix: "Remove the device. Pass only what the app needs (a GPU under /dev/dri, /dev/net/tun, a serial adapter), and give it data through a volume instead of a raw disk.",
        security: true,
        examples: [
            .bad("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", "devices: [/dev/mem]"))),
            .bad("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", "devices: [\"/dev/kmem:/dev/kmem:rwm\"]"))),
            .bad("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", "devices: [\"/dev/port\"]"))),
            .bad("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", "devices: [\"/dev/sda:/dev/xvda\"]"))),
            .bad("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", "devices:", "  - /dev/nvme0n1p2"))),
            .bad("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", "devices: [\"/dev/mapper/vg0-data\"]"))),
            .good("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", "devices: [\"/dev/dri:/dev/dri\", \"/dev/net/tun\", \"/dev/ttyUSB0:/dev/ttyUSB0\", \"/dev/snd\", \"/dev/fuse\"]"))),
        ])

    /// What a device path gives away, or nil when it is not a raw host device.
    static func danger(_ path: String) -> String? {
        var p = path
        while p.count > 1, p.hasSuffix("/") { p.removeLast() }
        if p == "/dev" { return "every host device" }
        if ["/dev/mem", "/dev/kmem"].contains(p) { return "raw access to the host's memory" }
        if p == "/dev/port" { return "raw access to the host's I/O ports" }
        if p.hasPrefix("/dev/cpu/") { return "raw access to the host's CPU registers" }
        let disk = #"^/dev/((sd|hd|vd|xvd)[a-z]+[0-9]*|nvme[0-9]+(n[0-9]+(p[0-9]+)?)?|mmcblk[0-9]+(p[0-9]+)?|dm-[0-9]+|md[0-9]+|loop[0-9]+|root|mapper/.+|disk/.+)$"#
        if p.range(of: disk, options: .regularExpression) != nil { return "raw access to a host disk" }
        return nil
    }

    func check(_ project: LintProject) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for (f, s) in project.services {
            for item in s["devices"]?.items ?? [] {
                guard let raw = item.text else { continue }
                let resolved = Interpolation.resolve(raw, env: f.env) ?? raw
                let host = String(resolved.split(separator: ":", maxSplits: 1).first ?? "")
                guard let what = Self.danger(host) else { continue }
                out.append(Self.info.finding("service '\(s.name)' gets host device \(host), \(what)", at: f.location(item)))
            }
        }
        return out
    }
}
