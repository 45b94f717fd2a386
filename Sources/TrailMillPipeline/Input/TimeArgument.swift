import TrailMillArchive
import TrailMillNormalize

/// Parsing `--since` / `--until` values.
public enum TimeArgument {
    /// Parses an RFC 3339 time (a missing zone means UTC) or a plain `YYYY-MM-DD` date.
    /// A plain date means the start of that day for `since` and the end of that day for `until`.
    public static func parse(_ text: String, endOfDay: Bool) -> Int64? {
        guard let millis = Timestamp.parseMillis(text) else { return nil }
        if endOfDay && text.utf8.count == 10 { return millis + 86_400_000 - 1 }
        return millis
    }
}

extension TimeArgument {
    /// Like `parse(_:endOfDay:)`, and also `now` and relative times before `now` (Unix milliseconds): a minus sign,
    /// a count and a unit, `m` minutes, `h` hours, `d` days or `w` weeks (`-30m`, `-3h`, `-90d`).
    public static func parse(_ text: String, endOfDay: Bool, now: Int64) -> Int64? {
        if text == "now" { return now }
        if text.hasPrefix("-"), let unit = text.last, let count = Int64(text.dropFirst().dropLast()), count >= 0 {
            let unitMillis: Int64? =
                switch unit {
                case "m": 60_000
                case "h": 3_600_000
                case "d": 86_400_000
                case "w": 604_800_000
                default: nil
                }
            guard let unitMillis, count <= Int64.max / unitMillis / 2 else { return nil }
            return now - count * unitMillis
        }
        return parse(text, endOfDay: endOfDay)
    }
}
