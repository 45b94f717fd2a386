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
