import Foundation

/// Byte counts for people: binary units (KiB, MiB, GiB, TiB), one decimal below 10, as `docker stats` and `free -h` print them.
public enum HumanBytes {
    public static func format(_ bytes: Double) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var value = max(0, bytes)
        var i = 0
        while value >= 1024, i < units.count - 1 { value /= 1024; i += 1 }
        if i == 0 { return "\(Int(value)) B" }
        return String(format: value < 10 ? "%.1f" : "%.0f", value) + " " + units[i]
    }

    public static func format(_ bytes: Int64) -> String { format(Double(bytes)) }
    public static func format(_ bytes: UInt64) -> String { format(Double(bytes)) }
}
