import Foundation

/// A date written `YYYY-MM-DD`, read the same way by every file that holds one (catalog `checked`
/// dates, pricing `as_of` and `checked`): exactly ten ASCII characters, a real day of the
/// Gregorian calendar, in UTC. `-2026-01-01`, `2026-1-01` and `2026-02-30` are refused.
public enum CalendarDay {
    public static func parse(_ s: String) -> Date? {
        let c = Array(s.utf8)
        guard c.count == 10, c[4] == UInt8(ascii: "-"), c[7] == UInt8(ascii: "-") else { return nil }
        for k in [0, 1, 2, 3, 5, 6, 8, 9] where !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c[k]) { return nil }
        func number(_ r: Range<Int>) -> Int { r.reduce(0) { $0 * 10 + Int(c[$1] - UInt8(ascii: "0")) } }
        let y = number(0..<4), m = number(5..<7), d = number(8..<10)
        guard y >= 1, (1...12).contains(m), (1...31).contains(d) else { return nil }
        var parts = DateComponents()
        parts.year = y; parts.month = m; parts.day = d
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        guard let date = cal.date(from: parts), cal.component(.day, from: date) == d, cal.component(.month, from: date) == m else { return nil }
        return date
    }

    public static func isValid(_ s: String) -> Bool { parse(s) != nil }
}
