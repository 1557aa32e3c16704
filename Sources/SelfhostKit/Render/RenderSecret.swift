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

    /// A value of exactly `length` characters in `format`.
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
            // Standard base64 of random bytes; a multiple of 4 is exact (padding included),
            // other lengths are the unpadded encoding cut to size.
            var s = Data(bytes((length * 3 + 3) / 4)).base64EncodedString()
            if length % 4 != 0 { s = s.replacingOccurrences(of: "=", with: "") }
            return String(s.prefix(length))
        }
    }
}
