import Foundation

/// The domain's MX hosts and their addresses, looked up once per run and shared by `mx.ptr`,
/// `mx.starttls` and `mta-sts.policy` (the questions are the ones `mx.records` asks, so the
/// DNS client answers them from the same queries).
public struct MailExchangers: Sendable {
    public struct Host: Sendable {
        public var preference: UInt16
        public var name: String
        public var addresses: [IPAddress]
        /// The A lookup, to report why a host has no address.
        public var a: DNSLookup
    }

    public enum State: Sendable {
        case hosts([Host])
        /// `MX 0 .` (RFC 7505): the domain receives no mail.
        case nullMX
        /// No MX record (NODATA or NXDOMAIN).
        case none
        /// The MX lookup said nothing (timeout, SERVFAIL, …).
        case inconclusive(DNSLookup)
    }

    public static func shared(_ env: PreflightEnvironment) async -> State {
        await env.shared("mx-hosts") {
            let lookup = await env.dns.lookup(env.domain, .mx)
            switch lookup.result {
            case .records(let records):
                let mx = records.compactMap { r -> (UInt16, String)? in
                    if case .mx(let p, let x) = r { return (p, x) }
                    return nil
                }.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
                if mx.count == 1, mx[0].1.isEmpty { return .nullMX }
                let hosts = await withTaskGroup(of: (Int, Host).self) { g in
                    for (i, (pref, name)) in mx.enumerated() {
                        g.addTask {
                            async let a = env.dns.lookup(name, .a)
                            async let aaaa = env.dns.lookup(name, .aaaa)
                            let (la, l6) = await (a, aaaa)
                            let ips = (la.records + l6.records).compactMap { r -> IPAddress? in
                                switch r {
                                case .a(let t), .aaaa(let t): return IPAddress(t)
                                default: return nil
                                }
                            }
                            return (i, Host(preference: pref, name: name, addresses: ips, a: la))
                        }
                    }
                    var out: [(Int, Host)] = []
                    for await x in g { out.append(x) }
                    return out.sorted { $0.0 < $1.0 }.map(\.1)
                }
                return .hosts(hosts)
            case .nodata, .nxdomain: return .none
            default: return .inconclusive(lookup)
            }
        }
    }

    /// An MTA-STS `mx:` pattern matches a host: exactly, or `*.example.com` matching one
    /// leftmost label (RFC 8461 §4.1).
    public static func matches(_ pattern: String, _ host: String) -> Bool {
        let p = pattern.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ".")), h = host.lowercased()
        if p.hasPrefix("*.") {
            let suffix = String(p.dropFirst(1))  // ".example.com"
            guard h.hasSuffix(suffix) else { return false }
            let label = h.dropLast(suffix.count)
            return !label.isEmpty && !label.contains(".")
        }
        return p == h
    }
}
