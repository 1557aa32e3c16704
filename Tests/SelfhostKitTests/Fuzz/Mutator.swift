/// A small, deterministic mutation engine for the in-process fuzz harness: bit flips, byte
/// inserts and deletes, chunk duplication (to push budgets), splicing two seeds, and dictionary
/// tokens. Deterministic (SplitMix64 from a fixed seed) so a failure replays exactly.
struct Mutator {
    private var state: UInt64
    let seeds: [[UInt8]]
    let dictionary: [[UInt8]]

    init(seed: UInt64, seeds: [[UInt8]], dictionary: [String]) {
        state = seed
        self.seeds = seeds.isEmpty ? [[]] : seeds
        self.dictionary = dictionary.map { Array($0.utf8) }
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(next() % UInt64(n)) }

    /// A new input: a seed with 1–8 mutations stacked.
    mutating func input(maxLength: Int = 64 * 1024) -> [UInt8] {
        var b = seeds[below(seeds.count)]
        for _ in 0..<(1 + below(8)) { mutate(&b) }
        if b.count > maxLength { b.removeLast(b.count - maxLength) }
        return b
    }

    mutating func mutate(_ b: inout [UInt8]) {
        let at = below(b.count + 1)
        switch below(9) {
        case 0 where !b.isEmpty:  // flip a bit
            let i = below(b.count); b[i] ^= UInt8(1 << below(8))
        case 1:  // insert a random byte (control characters and high bytes included)
            b.insert(UInt8(truncatingIfNeeded: next()), at: at)
        case 2 where !b.isEmpty:  // delete a run
            let i = below(b.count); b.removeSubrange(i..<min(b.count, i + 1 + below(16)))
        case 3 where !b.isEmpty:  // duplicate a chunk many times (nesting, repetition, budgets)
            let i = below(b.count), len = 1 + below(min(64, b.count - i))
            let chunk = Array(b[i..<(i + len)])
            let times = 2 + below(200)
            b.insert(contentsOf: Array([[UInt8]](repeating: chunk, count: times).joined()), at: i)
        case 4:  // splice another seed in
            let other = seeds[below(seeds.count)]
            if !other.isEmpty {
                let i = below(other.count)
                b.insert(contentsOf: other[i..<min(other.count, i + 1 + below(256))], at: at)
            }
        case 5, 6 where !dictionary.isEmpty:  // a token the parser cares about
            b.insert(contentsOf: dictionary[below(dictionary.count)], at: at)
        case 7:  // line endings: CRLF or lone CR for LF
            for i in b.indices where b[i] == 10 && below(4) == 0 { b[i] = 13 }
        default:  // replace a byte by an interesting one
            if !b.isEmpty { b[below(b.count)] = [0, 0xFF, 0x7F, 0x80, 0x22, 0x27, 0x24, 0x7B, 0x7D, 0x3A, 0x0A, 0x0D, 0x5C][below(13)] }
        }
    }
}
