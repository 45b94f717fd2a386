/// The one parser of durations on the command line and in job files (`--lookback`, a job's `lookback`,
/// `db prune --keep`, relative times such as `-3h`).
///
/// A duration is one or more `<whole number><unit>` parts, e.g. `90d`, `12w`, `2160h`, `1w`, `1h30m`, with units
/// `s`, `m` (minutes), `h`, `d`, `w`. It must be positive; at most 100 years.
public enum DurationArgument {
    /// The forms accepted, for messages.
    public static let forms = "a duration such as 90d, 12w, 2160h, 1w or 1h30m (units s, m, h, d, w)"

    /// The duration in milliseconds, or nil when `text` is not one.
    public static func parseMillis(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return nil }
        var total: Int64 = 0
        var i = 0
        while i < bytes.count {
            var count: Int64 = 0
            var digits = 0
            while i < bytes.count, (48...57).contains(bytes[i]) {
                count = count * 10 + Int64(bytes[i] - 48)
                digits += 1
                i += 1
                guard digits <= 9 else { return nil }
            }
            guard digits > 0, i < bytes.count else { return nil }
            let unit: Int64
            switch bytes[i] {
            case UInt8(ascii: "s"): unit = 1000
            case UInt8(ascii: "m"): unit = 60_000
            case UInt8(ascii: "h"): unit = 3_600_000
            case UInt8(ascii: "d"): unit = 86_400_000
            case UInt8(ascii: "w"): unit = 7 * 86_400_000
            default: return nil
            }
            i += 1
            total += count * unit
        }
        guard total > 0, total <= 36_525 * 86_400_000 else { return nil }
        return total
    }

    /// Whole days the duration covers, rounded up (`36h` = 2 days).
    public static func parseDays(_ text: String) -> Int? {
        parseMillis(text).map { Int(($0 + 86_400_000 - 1) / 86_400_000) }
    }

    /// Whole hours the duration covers, rounded up.
    public static func parseHours(_ text: String) -> Int? {
        parseMillis(text).map { Int(($0 + 3_600_000 - 1) / 3_600_000) }
    }
}

/// The one parser of byte sizes on the command line and in job files (`--max-file-bytes`, `--batch-bytes`,
/// `--max-uncompressed-bytes`, a job's `max_file_bytes` and `max_uncompressed_bytes`).
///
/// A plain number of bytes, or a number with a unit `B`, `KB`, `MB`, `GB`, `TB` (powers of 1000) or `KiB`, `MiB`,
/// `GiB`, `TiB` (powers of 1024), e.g. `256MiB`. Must be positive and fit in `Int`.
public enum ByteSizeArgument {
    /// The forms accepted, for messages.
    public static let forms = "bytes or a number with B, KB, MB, GB, KiB, MiB, GiB, e.g. 256MiB"

    /// The size in bytes, or nil.
    public static func parse(_ text: String) -> Int? {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard (1...12).contains(digits.utf8.count), let count = Int(digits), count > 0 else { return nil }
        let unit = text.dropFirst(digits.count).trimmingPrefix(" ")
        let multipliers: [Substring: Int] = [
            "": 1, "B": 1, "KB": 1_000, "MB": 1_000_000, "GB": 1_000_000_000, "TB": 1_000_000_000_000,
            "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40,
        ]
        guard let multiplier = multipliers[Substring(unit)] else { return nil }
        let (value, overflow) = count.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : value
    }
}
