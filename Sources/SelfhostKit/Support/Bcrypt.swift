import Foundation

/// bcrypt (Provos & Mazières, "A Future-Adaptable Password Scheme", USENIX 1999), as OpenBSD's
/// `bcrypt.c` and Go's `golang.org/x/crypto/bcrypt` (which Caddy's `basicauth` verifies with)
/// compute it: the `$2a$` form, key = password bytes plus a NUL, at most 72 bytes.
///
/// Written here because no Swift package available to the build has it (swift-crypto has no
/// bcrypt; hummingbird-auth's HummingbirdBcrypt wraps C code and would bring hummingbird and
/// swift-nio into the dependency graph). Blowfish's initial tables are pi's digits, computed by
/// scripts/blowfish-pi.py. Tests check it against published vectors and against Caddy itself.
enum Bcrypt {
    /// bcrypt's base64 alphabet (not RFC 4648's).
    static let alphabet = Array("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    enum Failure: Error, Equatable { case badSetting(String) }

    /// A new `$2a$<cost>$<salt><hash>` for `password` with a salt from the system's CSPRNG.
    static func hash(_ password: String, cost: Int = 10) -> String {
        let salt = RenderSecret.bytes(16)
        // A valid cost and a 16-byte salt: cannot fail.
        return try! hash(password, cost: cost, salt: salt)
    }

    /// The hash of `password` with the cost and salt of `setting` (`$2a$06$` + 22 salt characters,
    /// or a whole hash): equal to the whole hash when the password is right.
    static func hash(_ password: String, setting: String) throws -> String {
        let parts = setting.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0].isEmpty, ["2a", "2b", "2y"].contains(parts[1]),
              parts[2].count == 2, let cost = Int(parts[2]), parts[3].count >= 22,
              let salt = decode(String(parts[3].prefix(22)), count: 16) else {
            throw Failure.badSetting(setting)
        }
        return try hash(password, cost: cost, salt: salt, version: String(parts[1]))
    }

    /// Whether `password` matches the bcrypt `hash`.
    static func verify(_ password: String, hash: String) -> Bool {
        guard let computed = try? self.hash(password, setting: hash) else { return false }
        // Constant time over the (public-length) strings.
        let a = Array(computed.utf8), b = Array(hash.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func hash(_ password: String, cost: Int, salt: [UInt8], version: String = "2a") throws -> String {
        guard (4...31).contains(cost), salt.count == 16 else { throw Failure.badSetting("cost \(cost), \(salt.count)-byte salt") }
        var key = Array(password.utf8) + [0]
        if key.count > 72 { key = Array(key.prefix(72)) }

        var state = Blowfish()
        state.expand(data: salt, key: key)
        for _ in 0..<(1 << cost) {
            state.expand0(key: key)
            state.expand0(key: salt)
        }
        // "OrpheanBeholderScryDoubt", encrypted 64 times.
        var text = Array("OrpheanBeholderScryDoubt".utf8)
        var words = (0..<6).map { i in text[(4 * i)..<(4 * i + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) } }
        for _ in 0..<64 {
            for i in stride(from: 0, to: 6, by: 2) {
                (words[i], words[i + 1]) = state.encipher(words[i], words[i + 1])
            }
        }
        text = words.flatMap { w in [UInt8(w >> 24), UInt8(w >> 16 & 0xff), UInt8(w >> 8 & 0xff), UInt8(w & 0xff)] }
        let costText = cost < 10 ? "0\(cost)" : "\(cost)"
        return "$\(version)$\(costText)$" + encode(salt) + encode(Array(text.prefix(23)))
    }

    /// bcrypt's base64: RFC 4648 bit order, its own alphabet, no padding.
    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            let b0 = bytes[i], b1 = i + 1 < bytes.count ? bytes[i + 1] : 0, b2 = i + 2 < bytes.count ? bytes[i + 2] : 0
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            if i + 1 < bytes.count { out.append(alphabet[Int((b1 & 0x0f) << 2 | b2 >> 6)]) }
            if i + 2 < bytes.count { out.append(alphabet[Int(b2 & 0x3f)]) }
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The first `count` bytes `text` encodes, or nil for a character outside the alphabet.
    static func decode(_ text: String, count: Int) -> [UInt8]? {
        var bits: UInt32 = 0, nbits = 0
        var out: [UInt8] = []
        for c in text.utf8 {
            guard let v = alphabet.firstIndex(of: c) else { return nil }
            bits = bits << 6 | UInt32(v)
            nbits += 6
            if nbits >= 8 {
                nbits -= 8
                out.append(UInt8(truncatingIfNeeded: bits >> UInt32(nbits)))
                bits &= (1 << UInt32(nbits)) - 1
            }
            if out.count == count { return out }
        }
        return out.count == count ? out : nil
    }

    /// Blowfish's state and the two key schedules bcrypt uses (OpenBSD `blf.c`'s expandstate and expand0state).
    struct Blowfish {
        var p: [UInt32] = BlowfishPi.p
        var s: [UInt32] = BlowfishPi.s

        func encipher(_ left: UInt32, _ right: UInt32) -> (UInt32, UInt32) {
            var l = left, r = right
            p.withUnsafeBufferPointer { p in
                s.withUnsafeBufferPointer { s in
                    @inline(__always) func f(_ x: UInt32) -> UInt32 {
                        ((s[Int(x >> 24)] &+ s[256 + Int(x >> 16 & 0xff)]) ^ s[512 + Int(x >> 8 & 0xff)]) &+ s[768 + Int(x & 0xff)]
                    }
                    l ^= p[0]
                    var i = 1
                    while i <= 16 {
                        r ^= f(l) ^ p[i]
                        l ^= f(r) ^ p[i + 1]
                        i += 2
                    }
                    r ^= p[17]
                }
            }
            return (r, l)
        }

        /// The next 32-bit big-endian word of `data`, cycling.
        @inline(__always) static func word(_ data: [UInt8], _ j: inout Int) -> UInt32 {
            var w: UInt32 = 0
            for _ in 0..<4 {
                w = w << 8 | UInt32(data[j])
                j = (j + 1) % data.count
            }
            return w
        }

        mutating func expand(data: [UInt8], key: [UInt8]) {
            var j = 0
            for i in 0..<18 { p[i] ^= Self.word(key, &j) }
            j = 0
            var l: UInt32 = 0, r: UInt32 = 0
            for i in stride(from: 0, to: 18, by: 2) {
                l ^= Self.word(data, &j); r ^= Self.word(data, &j)
                (l, r) = encipher(l, r)
                p[i] = l; p[i + 1] = r
            }
            for i in stride(from: 0, to: 1024, by: 2) {
                l ^= Self.word(data, &j); r ^= Self.word(data, &j)
                (l, r) = encipher(l, r)
                s[i] = l; s[i + 1] = r
            }
        }

        mutating func expand0(key: [UInt8]) {
            var j = 0
            for i in 0..<18 { p[i] ^= Self.word(key, &j) }
            var l: UInt32 = 0, r: UInt32 = 0
            for i in stride(from: 0, to: 18, by: 2) {
                (l, r) = encipher(l, r)
                p[i] = l; p[i + 1] = r
            }
            for i in stride(from: 0, to: 1024, by: 2) {
                (l, r) = encipher(l, r)
                s[i] = l; s[i + 1] = r
            }
        }
    }
}
