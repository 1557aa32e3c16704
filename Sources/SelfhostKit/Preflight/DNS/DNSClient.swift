import CResolv
import Foundation

/// What one DNS question came back with. Timeouts and failures are kept apart from
/// "the record doesn't exist": a check never reports "missing" for a resolver that didn't answer.
public enum DNSOutcome: Sendable, Hashable {
    /// NOERROR with answer records (which may be CNAMEs only).
    case answer([DNSRecord])
    /// NXDOMAIN with CNAMEs in the answer: the chain's last target does not exist.
    case chainToNXDOMAIN([DNSRecord])
    /// NOERROR, the name exists but has no record of that type.
    case nodata
    /// NXDOMAIN: the name does not exist.
    case nxdomain
    /// SERVFAIL from the resolver.
    case servfail
    /// REFUSED: the resolver won't answer for this name.
    case refused
    /// No answer before the per-query timeout (or the run's deadline).
    case timeout
    /// A network error, a malformed answer or an unexpected rcode.
    case failure(String)

    /// True for outcomes that say nothing about the record's existence.
    public var isInconclusive: Bool {
        switch self {
        case .answer, .chainToNXDOMAIN, .nodata, .nxdomain: false
        default: true
        }
    }
}

/// A name's records of one type after following CNAMEs.
public struct DNSLookup: Sendable, Hashable {
    public enum Result: Sendable, Hashable {
        case records([DNSRecordData])
        case nodata, nxdomain, servfail, refused, timeout
        case failure(String)
        /// The CNAME chain loops or is longer than the hop limit.
        case cnameLoop([String])
    }

    public var name: String
    public var type: DNSRecordType
    /// CNAME targets followed, in order (empty when `name` had no CNAME).
    public var chain: [String]
    public var result: Result

    /// The name whose records `result` describes.
    public var finalName: String { chain.last ?? name }

    /// The records, or [] for anything else.
    public var records: [DNSRecordData] {
        if case .records(let r) = result { return r }
        return []
    }

    /// True when the answer says nothing about existence (timeout, SERVFAIL, …).
    public var isInconclusive: Bool {
        switch result {
        case .records, .nodata, .nxdomain: false
        default: true
        }
    }

    /// Words for a message: "NXDOMAIN (the name does not exist)", "timed out after 3 s", …
    public var stateText: String {
        switch result {
        case .records(let r): "\(r.count) \(type) record\(r.count == 1 ? "" : "s")"
        case .nodata: "no \(type) record (the name exists)"
        case .nxdomain: "NXDOMAIN (the name does not exist)"
        case .servfail: "SERVFAIL from the resolver"
        case .refused: "REFUSED by the resolver"
        case .timeout: "no answer before the timeout"
        case .failure(let why): why
        case .cnameLoop(let names): "CNAME loop: " + ([name] + names).joined(separator: " → ")
        }
    }
}

/// A DNS client sending every query to one resolver, concurrently: each query runs on its
/// own thread (glibc's res_nmkquery builds it, a deadline-bounded UDP exchange sends it, TCP
/// takes over on truncation). Identical questions asked at the same time share one query.
/// Every query ends by `deadline` at the latest, so a run against a dead resolver is bounded.
public final class DNSClient: Sendable {
    public let resolver: ResolverAddress
    public let timeout: Duration
    /// No query runs past this instant (the run's overall bound).
    public let deadline: ContinuousClock.Instant
    /// CNAME hops followed before giving up.
    public let maxCNAMEHops = 8
    /// Queries this client sends at most (InputBudget.dnsQueriesPerRun unless a test sets it).
    public let queryBudget: Int

    private let state = Mutex()

    public init(resolver: ResolverAddress, timeout: Duration, deadline: ContinuousClock.Instant? = nil,
                queryBudget: Int = InputBudget.dnsQueriesPerRun) {
        self.queryBudget = queryBudget
        self.resolver = resolver
        self.timeout = timeout
        self.deadline = deadline ?? ContinuousClock.now.advanced(by: timeout * 2)
    }

    /// How many queries went on the wire so far.
    public var queriesSent: Int { state.withLock { $0.sent } }

    /// How the resolver answered this run's queries, to tell a dead or refusing resolver
    /// (nothing about the zone was learnt) from a zone with problems.
    public struct Tally: Sendable, Equatable {
        /// Queries sent and finished.
        public var finished = 0
        /// Answered with a DNS message (any rcode).
        public var answered = 0
        /// Answered REFUSED.
        public var refused = 0
        /// No answer before the timeout.
        public var timedOut = 0
        /// The first network error (e.g. "Connection refused"), if any.
        public var firstFailure: String?
    }

    public var tally: Tally { state.withLock { $0.tally } }

    /// Why the whole run learnt nothing from the resolver, or nil when it answered something
    /// useful: every finished query failed on the network or timed out, or every answer was REFUSED.
    public var unusableResolver: String? {
        let t = tally
        guard t.finished > 0 else { return nil }
        if t.answered == 0 {
            if let why = t.firstFailure { return "none of \(t.finished) DNS queries got an answer: \(why)" }
            return "none of \(t.finished) DNS queries got an answer within \(Self.seconds(timeout)) s"
        }
        if t.refused == t.answered {
            return "it answered REFUSED to all \(t.answered) DNS queries: it is not a recursive resolver for this machine"
        }
        return nil
    }

    static func seconds(_ d: Duration) -> String {
        let s = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        return s.formatted(.number.precision(.fractionLength(0...1)))
    }

    /// Asks one question (no CNAME following); concurrent identical questions share a query,
    /// and answers are remembered for the rest of the run.
    public func query(_ name: String, _ type: DNSRecordType) async -> DNSOutcome {
        let key = "\(name)|\(type.rawValue)"
        let task: Task<DNSOutcome, Never>? = state.withLock { s in
            if let t = s.inflight[key] { return t }
            // The run's query budget: past it nothing more goes on the wire, whatever the answers
            // asked for (an SPF tree that keeps branching, a CNAME maze).
            guard s.sent < queryBudget else { return nil }
            s.sent += 1
            let t = Task(executorPreference: PreflightExecutor.shared) { await self.send(name, type) }
            s.inflight[key] = t
            return t
        }
        guard let task else { return .failure("not asked: the run's budget of \(queryBudget) DNS queries is spent") }
        return await task.value
    }

    /// Looks up `type` at `name`, following CNAMEs (in the answer or by asking again), with
    /// loop protection.
    public func lookup(_ name: String, _ type: DNSRecordType) async -> DNSLookup {
        var chain: [String] = []
        var current = name
        var seen: Set<String> = [name]
        while true {
            let outcome = await query(current, type)
            var endsInNX = false
            var answerRecords: [DNSRecord]? = nil
            switch outcome {
            case .answer(let r): answerRecords = r
            case .chainToNXDOMAIN(let r): answerRecords = r; endsInNX = true
            default: break
            }
            switch outcome {
            case .answer, .chainToNXDOMAIN:
                let records = answerRecords ?? []
                // Walk the CNAMEs the answer itself carries.
                var owner = current
                var hops = 0
                while hops <= maxCNAMEHops {
                    let here = records.filter { $0.name == owner }
                    let matching = here.filter { $0.type == type.rawValue }
                    if !matching.isEmpty {
                        return DNSLookup(name: name, type: type, chain: chain, result: .records(matching.map(\.data)))
                    }
                    guard type != .cname, let cn = here.first(where: { $0.type == DNSRecordType.cname.rawValue }),
                          case .cname(let target) = cn.data else { break }
                    chain.append(target)
                    guard seen.insert(target).inserted, chain.count <= maxCNAMEHops else {
                        return DNSLookup(name: name, type: type, chain: chain, result: .cnameLoop(chain))
                    }
                    owner = target
                    hops += 1
                }
                if endsInNX {
                    return DNSLookup(name: name, type: type, chain: chain, result: .nxdomain)
                }
                if owner == current {
                    // Answer records for other names only: treat as no data.
                    return DNSLookup(name: name, type: type, chain: chain, result: .nodata)
                }
                current = owner  // the chain leaves the answer: ask for the target
            case .nodata: return DNSLookup(name: name, type: type, chain: chain, result: .nodata)
            case .nxdomain: return DNSLookup(name: name, type: type, chain: chain, result: .nxdomain)
            case .servfail: return DNSLookup(name: name, type: type, chain: chain, result: .servfail)
            case .refused: return DNSLookup(name: name, type: type, chain: chain, result: .refused)
            case .timeout: return DNSLookup(name: name, type: type, chain: chain, result: .timeout)
            case .failure(let why): return DNSLookup(name: name, type: type, chain: chain, result: .failure(why))
            }
        }
    }

    private func send(_ name: String, _ type: DNSRecordType) async -> DNSOutcome {
        let left = ContinuousClock.now.duration(to: deadline)
        let budget = min(timeout, left)
        guard budget > .milliseconds(1) else { return .timeout }
        let ms = Int(budget.components.seconds * 1000 + budget.components.attoseconds / 1_000_000_000_000_000)
        let ip = resolver.ip.text, port = resolver.port
        let raw: Result<[UInt8], DNSExchangeError> = await Self.onThread {
            Self.exchange(name: name, type: type, ip: ip, port: port, timeoutMS: ms)
        }
        state.withLock { s in
            s.tally.finished += 1
            switch raw {
            case .failure(.timeout): s.tally.timedOut += 1
            case .failure(.other(let why)): if s.tally.firstFailure == nil { s.tally.firstFailure = why }
            case .success(let bytes):
                s.tally.answered += 1
                // RCODE is the low 4 bits of byte 3.
                if bytes.count >= 4, bytes[3] & 0x0F == 5 { s.tally.refused += 1 }
            }
        }
        switch raw {
        case .failure(.timeout): return .timeout
        case .failure(.other(let why)): return .failure(why)
        case .success(let bytes):
            do {
                let msg = try DNSWireParser.parse(bytes)
                return Self.outcome(of: msg, name: name, type: type)
            } catch {
                return .failure("\(error) (answer for \(name) \(type))")
            }
        }
    }

    /// Maps a parsed answer to an outcome, checking it answers the question asked.
    static func outcome(of msg: DNSMessage, name: String, type: DNSRecordType) -> DNSOutcome {
        if let q = msg.questionName, q != name || msg.questionType != type.rawValue {
            return .failure("answer is for \(q), not \(name)")
        }
        switch msg.rcode {
        case 0:
            // NODATA: NOERROR and nothing in the answer section (RFC 2308 §2.2).
            return msg.answers.isEmpty ? .nodata : .answer(msg.answers)
        case 2: return .servfail
        case 3:
            // NXDOMAIN after a CNAME applies to the chain's end; keep the CNAMEs for the record.
            return msg.answers.isEmpty ? .nxdomain : .chainToNXDOMAIN(msg.answers)
        case 5: return .refused
        default: return .failure("resolver answered rcode \(msg.rcode)")
        }
    }

    enum DNSExchangeError: Error { case timeout, other(String) }

    /// Builds the query with libresolv, adds an EDNS0 OPT record (1232-byte payload, the
    /// DNS Flag Day 2020 size) and exchanges it.
    static func exchange(name: String, type: DNSRecordType, ip: String, port: Int, timeoutMS: Int) -> Result<[UInt8], DNSExchangeError> {
        var query = [UInt8](repeating: 0, count: 512)
        let qlen = cresolv_mkquery(name, Int32(type.rawValue), &query, Int32(query.count))
        guard qlen > 12 else { return .failure(.other("cannot build a query for \(name)")) }
        query.removeSubrange(Int(qlen)...)
        query += [0, 0, 41, 0x04, 0xD0, 0, 0, 0, 0, 0, 0]
        query[11] = query[11] &+ 1  // ARCOUNT += 1
        var answer = [UInt8](repeating: 0, count: 65535)
        var usedTCP: Int32 = 0, err: Int32 = 0
        let n = Int(cresolv_exchange(ip, Int32(port), query, Int32(query.count), &answer, Int32(answer.count), Int32(timeoutMS), &usedTCP, &err))
        switch n {
        case Int(CRESOLV_TIMEOUT): return .failure(.timeout)
        case Int(CRESOLV_NETERR): return .failure(.other("network error talking to \(ip):\(port): \(String(cString: strerror(err)))"))
        case Int(CRESOLV_BADADDR): return .failure(.other("resolver address \(ip) is not an IP address"))
        case Int(CRESOLV_TOOLONG): return .failure(.other("answer larger than 64 KiB"))
        default:
            answer.removeSubrange(Int(n)...)
            return .success(answer)
        }
    }

    /// Runs blocking work on its own thread so concurrent queries never wait for a
    /// cooperative-pool thread (the pool has one thread per core).
    static func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { (cont: CheckedContinuation<T, Never>) in
            let thread = Thread { cont.resume(returning: body()) }
            thread.stackSize = 512 * 1024
            thread.start()
        }
    }

    /// The client's mutable state behind a lock.
    private final class Mutex: @unchecked Sendable {
        struct State {
            var inflight: [String: Task<DNSOutcome, Never>] = [:]
            var sent = 0
            var tally = Tally()
        }
        private let lock = NSLock()
        private var value = State()
        func withLock<R>(_ body: (inout State) -> R) -> R {
            lock.lock()
            defer { lock.unlock() }
            return body(&value)
        }
    }
}
