public import TrailMillArchive
public import TrailMillDecoding

/// Parsing and formatting of CloudTrail timestamps as UTC milliseconds since 1970, without Foundation.
public enum Timestamp {
    /// Parses `YYYY-MM-DD[T| ]HH:MM:SS[.fraction][Z|±HH:MM|±HHMM]`, the compact `YYYYMMDDTHHMMSSZ` form, or a plain
    /// `YYYY-MM-DD` date (midnight UTC). A missing zone means UTC. Fractions keep millisecond precision
    /// (digits past the third are truncated). Returns nil for anything else, and for instants outside years
    /// 0001...9999 UTC.
    public static func parseMillis(_ text: UnsafeRawBufferPointer) -> Int64? {
        var p = Parser(bytes: text)
        return p.timestamp()
    }

    /// Parses a Swift string (see `parseMillis(_:UnsafeRawBufferPointer)`).
    public static func parseMillis(_ text: String) -> Int64? {
        var copy = text
        return copy.withUTF8 { parseMillis(UnsafeRawBufferPointer($0)) }
    }

    /// Milliseconds since 1970 for midnight UTC of `date`.
    public static func millis(_ date: CivilDate) -> Int64 { Int64(date.daysSinceEpoch) * 86_400_000 }

    /// Appends `YYYY-MM-DDTHH:MM:SS.mmmZ` for `millis`.
    public static func appendISO8601(_ millis: Int64, to out: OutputBuffer) {
        let days = Int(millis >= 0 ? millis / 86_400_000 : (millis - 86_399_999) / 86_400_000)
        let msOfDay = Int(millis - Int64(days) * 86_400_000)
        let date = CivilDate(daysSinceEpoch: days)
        appendDigits(date.year, 4, out)
        out.append(UInt8(ascii: "-"))
        appendDigits(date.month, 2, out)
        out.append(UInt8(ascii: "-"))
        appendDigits(date.day, 2, out)
        out.append(UInt8(ascii: "T"))
        appendDigits(msOfDay / 3_600_000, 2, out)
        out.append(UInt8(ascii: ":"))
        appendDigits(msOfDay / 60_000 % 60, 2, out)
        out.append(UInt8(ascii: ":"))
        appendDigits(msOfDay / 1000 % 60, 2, out)
        out.append(UInt8(ascii: "."))
        appendDigits(msOfDay % 1000, 3, out)
        out.append(UInt8(ascii: "Z"))
    }

    /// `YYYYMMDDTHHMMSSZ` for `millis`: a UTC stamp for file names, sortable as text.
    public static func compactStamp(_ millis: Int64) -> String {
        String(iso8601(millis).filter { $0.isNumber || $0 == "T" }.prefix(15)) + "Z"
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ` for `millis`.
    public static func iso8601(_ millis: Int64) -> String {
        let out = OutputBuffer(capacity: 32)
        appendISO8601(millis, to: out)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    @inline(__always)
    static func appendDigits(_ value: Int, _ width: Int, _ out: OutputBuffer) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var v = value
        while divisor > 0 {
            out.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: v / divisor % 10))
            v %= divisor
            divisor /= 10
        }
    }

    private struct Parser {
        let bytes: UnsafeRawBufferPointer
        var i = 0

        init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        mutating func digits(_ count: Int) -> Int? {
            guard i + count <= bytes.count else { return nil }
            var value = 0
            for k in 0..<count {
                let d = bytes[i + k] &- UInt8(ascii: "0")
                guard d < 10 else { return nil }
                value = value * 10 + Int(d)
            }
            i += count
            return value
        }

        mutating func take(_ byte: UInt8) -> Bool {
            guard i < bytes.count, bytes[i] == byte else { return false }
            i += 1
            return true
        }

        mutating func timestamp() -> Int64? {
            guard let year = digits(4) else { return nil }
            let extended = take(UInt8(ascii: "-"))
            guard let month = digits(2) else { return nil }
            if extended { guard take(UInt8(ascii: "-")) else { return nil } }
            guard let day = digits(2), (1...12).contains(month), day >= 1,
                day <= CivilDate.daysInMonth(year: year, month: month)
            else { return nil }
            let days = Int64(CivilDate.daysFromCivil(year: year, month: month, day: day))
            if i == bytes.count { return Self.representable(days * 86_400_000) }
            guard take(UInt8(ascii: "T")) || take(UInt8(ascii: " ")) || take(UInt8(ascii: "t")) else { return nil }
            guard let hour = digits(2), hour < 24 else { return nil }
            if extended { guard take(UInt8(ascii: ":")) else { return nil } }
            guard let minute = digits(2), minute < 60 else { return nil }
            if extended { guard take(UInt8(ascii: ":")) else { return nil } }
            guard let second = digits(2), second <= 60 else { return nil }
            var millis = 0
            if take(UInt8(ascii: ".")) || take(UInt8(ascii: ",")) {
                var scale = 100
                var any = false
                while i < bytes.count, bytes[i] &- UInt8(ascii: "0") < 10 {
                    millis += Int(bytes[i] &- UInt8(ascii: "0")) * scale
                    scale /= 10
                    i += 1
                    any = true
                }
                guard any else { return nil }
            }
            var offsetMinutes = 0
            if take(UInt8(ascii: "Z")) || take(UInt8(ascii: "z")) {
            } else if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
                let sign = bytes[i] == UInt8(ascii: "-") ? -1 : 1
                i += 1
                guard let oh = digits(2), oh < 24 else { return nil }
                _ = take(UInt8(ascii: ":"))
                guard let om = digits(2), om < 60 else { return nil }
                offsetMinutes = sign * (oh * 60 + om)
            }
            guard i == bytes.count else { return nil }
            let seconds = Int64(hour * 3600 + minute * 60 + min(second, 59)) - Int64(offsetMinutes * 60)
            return Self.representable(days * 86_400_000 + seconds * 1000 + Int64(millis))
        }

        /// `millis` when `appendISO8601` can write it (years 0001...9999, as `CivilDate`), else nil: a zone offset
        /// can move `9999-12-31T23:59:59-01:00` into year 10000, which four digits would write as year 0000.
        static func representable(_ millis: Int64) -> Int64? {
            (-62_135_596_800_000...253_402_300_799_999).contains(millis) ? millis : nil
        }
    }
}
