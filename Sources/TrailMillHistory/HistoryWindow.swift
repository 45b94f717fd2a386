internal import TrailMillArchive

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
        let date = CivilDate(daysSinceEpoch: Int(days))
        let (year, month, day) = (Int64(date.year), Int64(date.month), Int64(date.day))
        let hour = rest / 3_600_000, minute = rest / 60_000 % 60, second = rest / 1000 % 60, milli = rest % 1000
        func pad(_ value: Int64, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))."
            + "\(pad(milli, 3))Z"
    }
}
