import Foundation
public import TrailMillArchive
import TrailMillNormalize

/// The one parser of points in time on the command line and in job files (`--since`, `--until`, `--from`, `--to`,
/// a job's `since`/`until`), accepting what aws-cli and journalctl users type.
///
/// Forms, all UTC unless the text carries an offset:
/// - RFC 3339 (`2026-01-15T10:00:00Z`, `2026-01-15T10:00:00.5+01:00`, a missing zone means UTC), also without
///   seconds (`2026-01-15T10:00Z`);
/// - a date `YYYY-MM-DD`, `today`, `yesterday`: the start of that day, or its last millisecond for an end;
/// - `now`;
/// - epoch seconds (up to 11 digits) or milliseconds (12 or more digits);
/// - relative to now: `-3h`, `3h ago`, `7d` (see ``DurationArgument`` for the units).
public enum TimeArgument {
    /// The forms accepted, for messages.
    public static let forms =
        "an RFC 3339 time, a YYYY-MM-DD date, today, yesterday, now, epoch seconds or milliseconds, "
        + "or a duration ago such as -3h, '24h ago' or 7d"

    /// Parses `text`; `endOfDay` makes a whole day (a date, `today`, `yesterday`) mean its last millisecond.
    /// `now` is the current time in ms since 1970 (a parameter so tests can fix it).
    public static func parse(_ text: String, endOfDay: Bool, now: Int64 = currentMillis()) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let lower = trimmed.lowercased()
        let dayEnd: Int64 = endOfDay ? 86_400_000 - 1 : 0
        switch lower {
        case "now": return now
        case "today": return startOfDay(now) + dayEnd
        case "yesterday": return startOfDay(now) - 86_400_000 + dayEnd
        default: break
        }
        if !lower.isEmpty, lower.utf8.allSatisfy({ (48...57).contains($0) }) {
            guard lower.utf8.count <= 16, let value = Int64(lower) else { return nil }
            return lower.utf8.count <= 11 ? value * 1000 : value
        }
        if let ago = relative(lower) { return now - ago }
        if let millis = Timestamp.parseMillis(withSeconds(trimmed)) {
            if trimmed.utf8.count == 10 { return millis + dayEnd }
            return millis
        }
        return nil
    }

    /// The current time in milliseconds since 1970.
    public static func currentMillis() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }

    /// The calendar day (UTC) that `text` falls on (`--from`/`--to` of a job run take whole days).
    public static func day(_ text: String, now: Int64 = currentMillis()) -> CivilDate? {
        parse(text, endOfDay: false, now: now).map(CivilDate.containing(millis:))
    }

    /// `-3h`, `3h ago`, `7d`: how far back, in ms.
    private static func relative(_ text: String) -> Int64? {
        var body = Substring(text)
        if body.hasSuffix(" ago") {
            body = body.dropLast(4)
        } else if body.hasSuffix("ago") {
            body = body.dropLast(3)
        } else if body.hasPrefix("-") {
            body = body.dropFirst()
        }
        return DurationArgument.parseMillis(String(body))
    }

    /// `YYYY-MM-DDTHH:MM` (then a zone or nothing) with `:00` seconds added; anything else unchanged.
    private static func withSeconds(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard bytes.count >= 16, bytes[13] == UInt8(ascii: ":"), bytes[10] == UInt8(ascii: "T")
            || bytes[10] == UInt8(ascii: "t") || bytes[10] == UInt8(ascii: " ")
        else { return text }
        if bytes.count == 16 { return text + ":00" }
        let next = bytes[16]
        guard next == UInt8(ascii: "Z") || next == UInt8(ascii: "z") || next == UInt8(ascii: "+")
            || next == UInt8(ascii: "-")
        else { return text }
        return String(decoding: bytes[..<16], as: UTF8.self) + ":00" + String(decoding: bytes[16...], as: UTF8.self)
    }

    private static func startOfDay(_ millis: Int64) -> Int64 {
        Timestamp.millis(CivilDate.containing(millis: millis))
    }
}
