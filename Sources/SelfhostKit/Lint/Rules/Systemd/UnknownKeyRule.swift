/// systemd.unknown-key: keys systemd does not know in their section.
struct UnknownKeyRule: LintRule {
    static let info = RuleInfo(
        id: "systemd.unknown-key", severity: .error,
        summary: "A key systemd does not know in its section (with a did-you-mean suggestion).",
        why: "systemd logs 'Unknown key name …, ignoring' and runs the unit without the setting; `systemd-analyze verify` still exits 0. A typo in `ProtectSytem=` means no protection at all.",
        fix: "Correct the key name (keys are case-sensitive), move it to the right section, or prefix it with `X-` for your own metadata.",
        examples: [
            .bad("app.service", "[Unit]\nDescription=App\n[Service]\nExecStart=/usr/bin/app\nProtectSytem=strict\n"),
            .bad("app.service", "[Unit]\nDescription=App\n[Service]\nExecStart=/usr/bin/app\nWantedBy=multi-user.target\n"),
            .good("app.service", "[Unit]\nDescription=App\nAfter=network-online.target\n[Service]\nExecStart=/usr/bin/app\nProtectSystem=strict\nMemoryMax=512M\nKillMode=mixed\nX-Owner=ops\n[Install]\nWantedBy=multi-user.target\n"),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for u in project.units {
            for a in u.assignments {
                guard let known = SystemdDirectives.sections[a.section] else { continue }  // unknown sections are reported once
                if known[a.key] != nil || SystemdValues.newerKeys[a.section]?.contains(a.key) == true || a.key.hasPrefix("X-") { continue }
                var candidates = Array(known.keys)
                candidates += SystemdValues.newerKeys[a.section].map(Array.init) ?? []
                var hint = LintSuggest.didYouMean(a.key, in: candidates).map { "; \($0)" } ?? ""
                if hint.isEmpty, let other = SystemdDirectives.sections.first(where: { $0.key != a.section && $0.value[a.key] != nil && UnknownSectionRule.byType[u.unitType]?.contains($0.key) == true }) {
                    hint = "; it belongs in [\(other.key)]"
                }
                out.append(Self.info.finding("unknown key '\(a.key.shownName)' in [\(a.section)]\(hint); systemd ignores it", at: u.location(a)))
            }
        }
        return out
    }
}
