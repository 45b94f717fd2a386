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
