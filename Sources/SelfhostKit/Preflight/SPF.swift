/// SPF records (RFC 7208): parsing, and the recursive analysis behind the `spf.*` checks.
public struct SPFRecord: Sendable, Hashable {
    public enum Qualifier: Character, Sendable { case pass = "+", fail = "-", softfail = "~", neutral = "?" }

    public struct Mechanism: Sendable, Hashable {
        public var qualifier: Qualifier
        /// `all`, `include`, `a`, `mx`, `ptr`, `ip4`, `ip6`, `exists`.
        public var name: String
        /// The domain-spec or address after `:`, if any.
        public var value: String?
        /// True when the domain-spec holds macros (`%{i}`): it can't be resolved without a message.
        public var hasMacro: Bool { value?.contains("%") ?? false }
        /// Whether evaluating it costs a DNS query (RFC 7208 §4.6.4).
        public var queriesDNS: Bool { ["include", "a", "mx", "ptr", "exists"].contains(name) }
    }

    public var text: String
    public var mechanisms: [Mechanism]
    public var redirect: String?
    public var exp: String?
    /// Syntax problems, each a sentence.
    public var errors: [String]
    /// The terms (as written) that caused an error, so a fix can drop or correct them.
    public var invalidTerms: [(term: String, why: String)] = []
    /// The TXT record's character-strings as published (one element when not split).
    public var strings: [String]
    /// Non-fatal remarks (terms after `all`, `ptr`).
    public var warnings: [String]

    /// The `all` mechanism, if present.
    public var all: Mechanism? { mechanisms.first { $0.name == "all" } }

    /// Whether a TXT string is an SPF record (RFC 7208 §4.5: `v=spf1` then space or end).
    public static func isSPF(_ text: String) -> Bool {
        let l = text.lowercased()
        return l == "v=spf1" || l.hasPrefix("v=spf1 ")
    }

    public static func == (a: SPFRecord, b: SPFRecord) -> Bool { a.text == b.text && a.strings == b.strings }
    public func hash(into h: inout Hasher) { h.combine(text); h.combine(strings) }

    /// Parses one record; `strings` are its TXT character-strings when it came from DNS
    /// (their concatenation is `text`, RFC 7208 §3.3).
    public init(parsing text: String, strings: [String]? = nil) {
        self.text = text
        self.strings = strings ?? [text]
        mechanisms = []
        errors = []
        warnings = []
        let terms = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard let first = terms.first, first.lowercased() == "v=spf1" else {
            errors.append("does not start with v=spf1")
            return
        }
        var seenAll = false
        func bad(_ term: String, _ why: String) {
            errors.append(why)
            invalidTerms.append((term, why))
        }
        for term in terms.dropFirst() {
            let lower = term.lowercased()
            // Modifier: name=value (name starts with a letter, no ':' before '=').
            if let eq = lower.firstIndex(of: "="), !lower[..<eq].contains(":"), !lower[..<eq].contains("/") {
                let name = String(lower[..<eq])
                let value = String(term[term.index(after: eq)...])
                switch name {
                case "redirect":
                    if redirect != nil { bad(term, "more than one redirect= modifier") }
                    if value.isEmpty { bad(term, "redirect= without a domain") }
                    redirect = value.lowercased()
                case "exp":
                    if exp != nil { bad(term, "more than one exp= modifier") }
                    exp = value
                default:
                    if name.isEmpty || !(name.first!.isLetter) || !name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) {
                        bad(term, "invalid term '\(term)'")
                    }
                }
                continue
            }
            var body = Substring(lower)
            var q = Qualifier.pass
            if let c = body.first, let qq = Qualifier(rawValue: c) {
                q = qq
                body = body.dropFirst()
            }
            var name = body
            var value: String?
            if let sep = body.firstIndex(where: { $0 == ":" || $0 == "/" }) {
                name = body[..<sep]
                if body[sep] == ":" {
                    value = String(term.suffix(body.distance(from: body.index(after: sep), to: body.endIndex)))
                } else {
                    value = String(body[sep...])  // a or mx with only a CIDR length
                }
            }
            let mech = Mechanism(qualifier: q, name: String(name), value: value)
            if seenAll { warnings.append("'\(term)' comes after 'all' and is never evaluated") }
            switch mech.name {
            case "all":
                if value != nil { bad(term, "'all' takes no argument: '\(term)'") }
                seenAll = true
            case "include", "exists":
                if value == nil || value!.isEmpty { bad(term, "'\(mech.name)' needs a domain: '\(term)'") }
            case "a", "mx", "ptr":
                if mech.name == "ptr" { warnings.append("'ptr' SHOULD NOT be used (RFC 7208 §5.5): slow, and many receivers ignore it") }
            case "ip4":
                if !Self.validCIDR(value, v6: false) { bad(term, "invalid ip4 address '\(term)'") }
            case "ip6":
                if !Self.validCIDR(value, v6: true) { bad(term, "invalid ip6 address '\(term)'") }
            default:
                bad(term, "unknown mechanism '\(term)'")
                continue
            }
            mechanisms.append(mech)
        }
    }

    static func validCIDR(_ value: String?, v6: Bool) -> Bool {
        guard let value, !value.isEmpty else { return false }
        let parts = value.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let ip = IPAddress(String(parts[0])), ip.family == (v6 ? .v6 : .v4) else { return false }
        if parts.count == 2 {
            guard let len = Int(parts[1]), len >= 0, len <= (v6 ? 128 : 32) else { return false }
        }
        return true
    }

    /// The domain a mechanism queries (its value without CIDR lengths, or `current`).
    func target(of m: Mechanism, current: String) -> String {
        guard let v = m.value, !v.hasPrefix("/") else { return current }
        return String(v.split(separator: "/").first ?? Substring(current)).lowercased()
    }
}

/// The SPF tree of one domain: its record, what each include/redirect leads to, lookup counts.
public final class SPFNode: Sendable {
    public enum State: Sendable {
        case record(SPFRecord)
        case none(DNSLookup)
        case multiple([String])
        case inconclusive(DNSLookup)
        case loop([String])
        case tooDeep
    }

    public let domain: String
    public let state: State
    public let children: [(term: String, node: SPFNode)]
    /// DNS-querying terms of this record alone.
    public let ownLookups: Int
    /// Void lookups (NODATA/NXDOMAIN) caused by this record's own a/mx/exists terms.
    public let ownVoids: [String]
    /// Inconclusive answers to this record's own a/mx/exists queries.
    public let ownInconclusive: [DNSLookup]
    /// MX terms resolving to more than 10 names.
    public let mxOverflow: [String]

    /// On the root only: why the evaluation stopped before the end (a limit, or an inconclusive answer).
    public let stopped: String?

    init(domain: String, state: State, children: [(String, SPFNode)] = [], ownLookups: Int = 0,
         ownVoids: [String] = [], ownInconclusive: [DNSLookup] = [], mxOverflow: [String] = [], stopped: String? = nil) {
        self.stopped = stopped
        self.domain = domain
        self.state = state
        self.children = children.map { (term: $0.0, node: $0.1) }
        self.ownLookups = ownLookups
        self.ownVoids = ownVoids
        self.ownInconclusive = ownInconclusive
        self.mxOverflow = mxOverflow
    }

    public var record: SPFRecord? {
        if case .record(let r) = state { return r }
        return nil
    }

    /// DNS-querying terms the evaluation counted (it stops at the 11th: the RFC 7208 §4.6.4 limit is 10).
    public var totalLookups: Int { ownLookups + children.reduce(0) { $0 + $1.node.totalLookups } }
    public var totalVoids: [String] { ownVoids + children.flatMap { $0.node.totalVoids } }

    /// Every node below (depth first), with the path of domains to it.
    public func walk(_ path: [String] = []) -> [(path: [String], node: SPFNode)] {
        let here = path + [domain]
        return [(here, self)] + children.flatMap { $0.node.walk(here) }
    }

    /// Per-include lookup counts, for the fix text.
    public var breakdown: [(String, Int)] {
        children.map { ($0.term, 1 + $0.node.totalLookups) }
    }
}

public enum SPFAnalyzer {
    /// What one evaluation has spent, shared by every record it reaches (RFC 7208 §4.6.4).
    public struct Budget: Sendable {
        public var lookups = 0
        public var voids = 0
        /// Why evaluation stopped early: the term that went past a limit, or the first
        /// inconclusive answer (a receiver returns permerror or temperror there and reads no further).
        public var stopped: String?
        public init() {}
    }

    /// Evaluates the SPF record of `domain` the way a receiver does: depth first, terms in order,
    /// and STOPS at the RFC 7208 §4.6.4 limits (the 11th DNS-querying term, the 3rd void lookup)
    /// or at the first inconclusive answer, so one evaluation sends at most about twenty queries
    /// whatever the records say.
    public static func analyze(_ domain: String, dns: DNSClient) async -> SPFNode {
        var budget = Budget()
        return await analyze(domain, dns: dns, path: [], budget: &budget)
    }

    static func analyze(_ domain: String, dns: DNSClient, path: [String], budget: inout Budget) async -> SPFNode {
        if path.contains(domain) { return SPFNode(domain: domain, state: .loop(path + [domain])) }
        if path.count > InputBudget.spfMaxLookups { return SPFNode(domain: domain, state: .tooDeep) }
        let lookup = await dns.lookup(domain, .txt)
        if lookup.isInconclusive {
            budget.stopped = budget.stopped ?? "the TXT lookup of \(domain) (\(lookup.stateText))"
            return SPFNode(domain: domain, state: .inconclusive(lookup))
        }
        let texts = lookup.records.compactMap { r -> (text: String, strings: [String])? in
            if case .txt(let strings) = r { return (TXT.join(strings), strings.map { String(decoding: $0, as: UTF8.self) }) }
            return nil
        }
        let spf = texts.filter { SPFRecord.isSPF($0.text) }
        if spf.isEmpty { return SPFNode(domain: domain, state: .none(lookup)) }
        if spf.count > 1 { return SPFNode(domain: domain, state: .multiple(spf.map(\.text))) }
        let record = SPFRecord(parsing: spf[0].text, strings: spf[0].strings)
        let here = path + [domain]
        var children: [(String, SPFNode)] = []
        var lookups = 0
        var voids: [String] = []
        var inconclusive: [DNSLookup] = []
        var overflow: [String] = []
        // Terms in order, then redirect (ignored when an `all` mechanism is present, §6.1).
        var terms: [(name: String, target: String, term: String, macro: Bool)] = record.mechanisms.filter(\.queriesDNS).map { m in
            (m.name, record.target(of: m, current: domain), m.name + (m.value.map { ":" + $0 } ?? ""), m.hasMacro)
        }
        if let r = record.redirect, record.all == nil { terms.append(("redirect", r, "redirect=\(r)", r.contains("%"))) }
        for t in terms {
            guard budget.stopped == nil else { break }
            budget.lookups += 1
            lookups += 1
            if budget.lookups > InputBudget.spfMaxLookups {
                budget.stopped = "\(t.term) in \(domain), the DNS lookup past the limit of \(InputBudget.spfMaxLookups)"
                break
            }
            // A macro depends on the sender; nothing to look up here. ptr depends on the client IP.
            if t.macro || t.name == "ptr" { continue }
            switch t.name {
            case "include", "redirect":
                let child = await analyze(t.target, dns: dns, path: here, budget: &budget)
                children.append(("\(t.name == "include" ? "include:" : "redirect=")\(t.target)", child))
                continue
            default:
                break
            }
            let results: [DNSLookup]
            switch t.name {
            case "a":
                async let a4 = dns.lookup(t.target, .a)
                async let a6 = dns.lookup(t.target, .aaaa)
                results = [await a4, await a6]
            case "mx":
                results = [await dns.lookup(t.target, .mx)]
            default:  // exists
                results = [await dns.lookup(t.target, .a)]
            }
            if let bad = results.first(where: \.isInconclusive) {
                inconclusive.append(bad)
                budget.stopped = "\(t.term) in \(domain) (\(bad.stateText))"
                break
            }
            if results.allSatisfy({ $0.records.isEmpty }) {
                voids.append("\(t.term) in \(domain)")
                budget.voids += 1
                if budget.voids > InputBudget.spfMaxVoidLookups {
                    budget.stopped = "\(t.term) in \(domain), the void lookup past the limit of \(InputBudget.spfMaxVoidLookups)"
                    break
                }
            }
            if t.name == "mx", results[0].records.count > InputBudget.spfMaxMXNames {
                overflow.append("\(t.term) in \(domain) has \(results[0].records.count) MX names (limit \(InputBudget.spfMaxMXNames))")
            }
        }
        return SPFNode(domain: domain, state: .record(record), children: children, ownLookups: lookups,
                       ownVoids: voids, ownInconclusive: inconclusive, mxOverflow: overflow, stopped: path.isEmpty ? budget.stopped : nil)
    }

    /// Starts the analyses of every SPF domain of the run at once.
    public static func prefetch(_ env: PreflightEnvironment) async {
        await withTaskGroup(of: Void.self) { g in
            for d in env.spfDomains { g.addTask { _ = await shared(d, env) } }
        }
    }

    /// The run-wide analysis of `domain`, computed once.
    public static func shared(_ domain: String, _ env: PreflightEnvironment) async -> SPFNode {
        await env.shared("spf:\(domain)") { await analyze(domain, dns: env.dns) }
    }

    /// Runs `check` on every SPF domain of the run that has a single record to read (all analyses
    /// started at once); a domain without one gets `definition`'s "skipped" result, since
    /// `spf.record` reports why. Results keep the order of `env.spfDomains`.
    public static func eachRecord(_ env: PreflightEnvironment, _ definition: CheckDefinition,
                                  _ check: (_ domain: String, _ node: SPFNode) -> [CheckResult]) async -> [CheckResult] {
        await prefetch(env)
        var out: [CheckResult] = []
        for domain in env.spfDomains {
            let node = await shared(domain, env)
            out += node.record == nil ? [noRecord(domain, definition)] : check(domain, node)
        }
        return out
    }

    /// The "skipped" result of an `spf.*` check for a domain without a single SPF record.
    public static func noRecord(_ domain: String, _ definition: CheckDefinition) -> CheckResult {
        definition.result(.skipped, domain, "no single SPF record to read (see spf.record)")
    }
}

/// TXT helpers.
public enum TXT {
    /// Joins the character-strings of one TXT record with nothing between them
    /// (RFC 7208 §3.3, RFC 6376 §3.6.2.2).
    public static func join(_ strings: [[UInt8]]) -> String {
        String(decoding: strings.joined(), as: UTF8.self)
    }

    /// Every TXT record of a lookup, joined.
    public static func texts(_ lookup: DNSLookup) -> [String] {
        lookup.records.compactMap { r in
            if case .txt(let s) = r { return join(s) }
            return nil
        }
    }
}
