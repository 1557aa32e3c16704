import Foundation

/// Generates the secrets a catalog entry declares (`secret: {format, length}`) from the
/// system's CSPRNG (`SystemRandomNumberGenerator`: getrandom(2) on Linux, arc4random on Darwin).
enum RenderSecret {
    static let alphanumeric = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
    static let hexDigits = Array("0123456789abcdef")

    /// A value of exactly `length` characters in `format`.
    static func generate(_ format: App.SecretFormat, length: Int) -> String {
        var rng = SystemRandomNumberGenerator()
        switch format {
        case .hex:
            return String((0..<length).map { _ in hexDigits[Int(rng.next() & 0xF)] })
        case .alphanumeric:
            // Uniform: `random(in:using:)` rejects out-of-range draws instead of taking a biased modulo.
            return String((0..<length).map { _ in alphanumeric[Int.random(in: 0..<alphanumeric.count, using: &rng)] })
        case .base64:
            // Standard base64 of random bytes; a multiple of 4 is exact (padding included),
            // other lengths are the unpadded encoding cut to size.
            let byteCount = (length * 3 + 3) / 4
            let bytes = (0..<byteCount).map { _ in UInt8.random(in: 0...255, using: &rng) }
            var s = Data(bytes).base64EncodedString()
            if length % 4 != 0 { s = s.replacingOccurrences(of: "=", with: "") }
            return String(s.prefix(length))
        }
    }
}
