import Foundation

/// Generates the secrets a catalog entry declares (`secret: {format, length}`) from the
/// system's CSPRNG (`SystemRandomNumberGenerator`: getrandom(2) on Linux, arc4random on Darwin).
enum RenderSecret {
    static let alphanumeric = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
    static let hexDigits = Array("0123456789abcdef")

    /// `count` random bytes, eight per draw (each draw is one system call on Linux).
    static func bytes(_ count: Int) -> [UInt8] {
        var rng = SystemRandomNumberGenerator()
        var out: [UInt8] = []
        out.reserveCapacity(count + 8)
        while out.count < count {
            var word = rng.next()
            for _ in 0..<8 { out.append(UInt8(truncatingIfNeeded: word)); word >>= 8 }
        }
        return Array(out.prefix(count))
    }

    /// Random bytes behind a `base64` secret of `length` characters (documented in docs/CATALOG.md):
    /// - `length` a multiple of 4: the key size `openssl rand -base64 N` would use, i.e. the largest
    ///   multiple of 8 bytes whose padded encoding is exactly `length` characters (44 → 32 bytes,
    ///   ending in `=`; 64 → 48; 32 → 24; 88 → 64), else `length / 4 * 3` bytes (no padding);
    /// - other lengths: `length * 3 / 4` bytes, encoded without padding, which is `length`
    ///   characters, or `length - 1` when `length % 4 == 1` (no base64 text has that length).
    static func base64ByteCount(length: Int) -> Int {
        guard length > 0 else { return 0 }
        guard length % 4 == 0 else { return length * 3 / 4 }
        let most = length / 4 * 3
        // Padded length of n bytes is 4 * ceil(n / 3): exactly `length` for most-2 ... most.
        for n in stride(from: most, through: max(1, most - 2), by: -1) where n % 8 == 0 { return n }
        return most
    }

    /// A value of exactly `length` characters in `format` (base64: see `base64ByteCount`).
    static func generate(_ format: App.SecretFormat, length: Int) -> String {
        switch format {
        case .hex:
            return String(bytes((length + 1) / 2).flatMap { [hexDigits[Int($0 >> 4)], hexDigits[Int($0 & 0xF)]] }.prefix(length))
        case .alphanumeric:
            // Uniform: bytes of 248 or more are rejected (248 = 4 × 62), never taken modulo.
            var chars: [Character] = []
            while chars.count < length {
                for b in bytes(length - chars.count + 8) where b < 248 && chars.count < length {
                    chars.append(alphanumeric[Int(b) % alphanumeric.count])
                }
            }
            return String(chars)
        case .base64:
            let n = base64ByteCount(length: length)
            let s = Data(bytes(n)).base64EncodedString()
            // A multiple of 4 is the padded encoding as is; other lengths are unpadded.
            return length % 4 == 0 ? s : s.replacingOccurrences(of: "=", with: "")
        }
    }
}
