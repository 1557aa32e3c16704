/// Value checks for systemd settings whose mistakes systemd only logs ("…, ignoring") and drops.
enum SystemdValues {
    static let booleans: Set<String> = ["1", "yes", "y", "true", "t", "on", "0", "no", "n", "false", "f", "off"]

    /// Keys with a closed set of words (besides booleans where noted).
    static let enums: [String: (values: Set<String>, allowBoolean: Bool)] = [
        "Type": (["simple", "exec", "forking", "oneshot", "dbus", "notify", "notify-reload", "idle"], false),
        "Restart": (["no", "on-success", "on-failure", "on-abnormal", "on-watchdog", "on-abort", "always"], false),
        "ProtectSystem": (["full", "strict"], true),
        "ProtectHome": (["read-only", "tmpfs"], true),
        "ProtectProc": (["noaccess", "invisible", "ptraceable", "default"], false),
        "ProcSubset": (["all", "pid"], false),
        "KillMode": (["control-group", "mixed", "process", "none"], false),
        "NotifyAccess": (["none", "main", "exec", "all"], false),
        "ExitType": (["main", "cgroup"], false),
        "PrivateUsers": (["self", "identity"], true),
        "PrivateTmp": (["disconnected"], true),
        "KeyringMode": (["inherit", "private", "shared"], false),
        "StandardInput": (["null", "tty", "tty-force", "tty-fail", "data", "socket"], false),
        "DevicePolicy": (["auto", "closed", "strict"], false),
        "ManagedOOMSwap": (["auto", "kill"], false),
        "ManagedOOMMemoryPressure": (["auto", "kill"], false),
        "OOMPolicy": (["continue", "stop", "kill"], false),
        "CollectMode": (["inactive", "inactive-or-failed"], false),
        "JobMode": (["fail", "replace", "replace-irreversibly", "isolate", "flush", "ignore-dependencies", "ignore-requirements"], false),
        "Accept": ([], true),
    ]

    /// Why a value does not parse, or nil when it does. `type` is systemd's documented value type.
    static func problem(key: String, value: String, type: String) -> String? {
        let v = value.trimmingCharacters(in: .whitespaces)
        if v.isEmpty { return nil }  // an empty assignment resets the setting
        if v.contains("%") || v.contains("$") { return nil }  // specifiers and variables resolve at load time
        if let e = enums[key] {
            if e.values.contains(v) || (e.allowBoolean && booleans.contains(v.lowercased())) { return nil }
            let choices = (e.allowBoolean ? ["yes", "no"] : []) + e.values.sorted()
            let hint = LintSuggest.didYouMean(v, in: choices).map { "; \($0)" } ?? ""
            return "invalid \(key)=\(v): expected one of \(choices.joined(separator: ", "))\(hint)"
        }
        if key == "OnCalendar", let problem = calendarProblem(v) { return "invalid \(key)=\(v): \(problem)" }
        switch type {
        case "BOOLEAN":
            if booleans.contains(v.lowercased()) { return nil }
            return "invalid \(key)=\(v): expected a boolean (yes/no, true/false, on/off, 1/0)"
        case "SECONDS", "NANOSECONDS":
            return isTimespan(v) ? nil : "invalid \(key)=\(v): expected a time span such as 30s, 5min, 1h 30min or infinity"
        case "UNSIGNED", "INTEGER":
            return Int(v) != nil ? nil : "invalid \(key)=\(v): expected an integer"
        case "LIMIT":
            // Only memory sizes are checked: rlimits take `soft:hard` and IO limits a device first.
            guard key.hasPrefix("Memory") || key.hasPrefix("DefaultMemory") else { return nil }
            // MemoryMax=512M, 50%, infinity
            if v == "infinity" || v.hasSuffix("%") && Double(v.dropLast()) != nil { return nil }
            let digits = v.prefix { $0.isNumber || $0 == "." }
            let unit = v.dropFirst(digits.count)
            if !digits.isEmpty, ["", "K", "M", "G", "T", "P", "E", "B"].contains(unit.uppercased()) { return nil }
            return "invalid \(key)=\(v): expected a size such as 512M, 2G, 50% or infinity"
        case "KILLMODE":
            return nil
        default:
            return nil
        }
    }

    /// systemd.time's shorthands for calendar events.
    static let calendarWords = ["minutely", "hourly", "daily", "monthly", "weekly", "yearly", "annually", "quarterly", "semiannually"]
    static let weekdays: Set<String> = ["mon", "tue", "wed", "thu", "fri", "sat", "sun", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    /// Why an `OnCalendar=` value is no calendar event, for the mistakes we can tell without
    /// systemd's full grammar: a bare word that is neither a shorthand nor a weekday (`dialy`).
    static func calendarProblem(_ v: String) -> String? {
        let words = v.split(separator: " ").map(String.init)
        guard let first = words.first else { return nil }
        let letters = first.allSatisfy(\.isLetter)
        guard letters, !calendarWords.contains(first.lowercased()) else { return nil }
        // "Mon,Fri", "Sat 02:00": weekdays start a full event.
        if first.split(separator: ",").allSatisfy({ weekdays.contains($0.lowercased()) }) { return nil }
        let hint = LintSuggest.didYouMean(first.lowercased(), in: calendarWords).map { "; \($0)" } ?? ""
        return "'\(first)' is not a calendar event (expected \(calendarWords.prefix(4).joined(separator: ", ")), … or e.g. *-*-* 03:00:00)\(hint)"
    }

    /// systemd time spans: `90`, `5min 20s`, `1h30m`, `infinity`.
    static func isTimespan(_ s: String) -> Bool {
        if s == "infinity" { return true }
        let units: Set<String> = ["", "us", "usec", "ms", "msec", "s", "sec", "second", "seconds", "m", "min", "minute", "minutes", "h", "hr", "hour", "hours", "d", "day", "days", "w", "week", "weeks", "M", "month", "months", "y", "year", "years"]
        var rest = Substring(s)
        var sawAny = false
        while !rest.isEmpty {
            rest = rest.drop { $0 == " " }
            if rest.isEmpty { break }
            let num = rest.prefix { $0.isNumber || $0 == "." }
            guard !num.isEmpty else { return false }
            rest = rest.dropFirst(num.count).drop { $0 == " " }
            let unit = rest.prefix { $0.isLetter }
            guard units.contains(String(unit)) else { return false }
            rest = rest.dropFirst(unit.count)
            sawAny = true
        }
        return sawAny
    }

    /// Keys added after systemd 252 (Debian 12), accepted so units for newer hosts lint clean.
    static let newerKeys: [String: Set<String>] = [
        "Service": ["RestartSteps", "RestartMaxDelaySec", "OpenFile", "ReloadSignal", "ImportCredential", "MemoryZSwapMax", "MemoryKSM", "SurviveFinalKillSignal", "PrivatePIDs", "ProtectControlGroupsEx", "PrivateUsersEx", "RootEphemeral", "SetLoginEnvironment", "MemoryZSwapWriteback", "DelegateNamespaces", "BindLogSockets", "RestrictFileSystemAccess", "PrivateBPF"],
        "Unit": ["SurviveFinalKillSignal", "DefaultDependencies"],
        "Socket": ["PollLimitIntervalSec", "PollLimitBurst", "PassPIDFD", "AcceptFileDescriptors", "DeferTrigger", "DeferTriggerMaxSec"],
        "Timer": ["DeferReactivation"],
        "Install": [],
    ]
}
