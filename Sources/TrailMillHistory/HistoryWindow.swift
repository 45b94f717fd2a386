/// The time range of a history query in Unix milliseconds: both ends inclusive, as in `LookupEvents`.
public struct HistoryWindow: Sendable, Hashable {
    /// The first millisecond included.
    public var start: Int64
    /// The last millisecond included.
    public var end: Int64

    /// A window from `start` to `end`, both inclusive.
    public init(start: Int64, end: Int64) {
        self.start = start
        self.end = end
    }

    /// The console's default: the last 90 days up to `now`.
    public static func lastDays(_ days: Int64, endingAt now: Int64) -> HistoryWindow {
        HistoryWindow(start: now - days * 86_400_000, end: now)
    }
}

/// RFC 3339 UTC text for a millisecond time, as PostgreSQL reads it for `timestamptz` (`2026-01-15T10:00:00.000Z`).
enum MillisText {
    static func rfc3339(_ millis: Int64) -> String {
        let dayMillis: Int64 = 86_400_000
        var days = millis / dayMillis
        var rest = millis % dayMillis
        if rest < 0 {
            rest += dayMillis
            days -= 1
        }
        let (year, month, day) = civil(fromDays: days)
        let hour = rest / 3_600_000, minute = rest / 60_000 % 60, second = rest / 1000 % 60, milli = rest % 1000
        func pad(_ value: Int64, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))."
            + "\(pad(milli, 3))Z"
    }

    /// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian).
    private static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
