public import TrailMillArchive

/// A UTC instant with one-second resolution: seconds since 1970-01-01T00:00:00Z.
///
/// CloudTrail writes digest times as `YYYY-MM-DDTHH:MM:SSZ` and puts the compact form `YYYYMMDDTHHMMSSZ` in digest
/// key names; aws-cli prints `YYYY-MM-DDTHH:MM:SSZ`.
public struct UTCTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Seconds since the Unix epoch (negative before).
    public var seconds: Int64

    /// Creates a time from seconds since the epoch.
    public init(seconds: Int64) { self.seconds = seconds }

    /// Parses `YYYY-MM-DDTHH:MM:SSZ`, also with a fraction (`.123`, dropped) or a `+00:00` / `-05:30` offset,
    /// a lowercase `t`/`z`, or a space instead of `T`; nil for anything else.
    public init?(iso8601 text: String) {
        let b = Array(text.utf8)
        guard b.count >= 19, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54 || b[10] == 0x74 || b[10] == 0x20,
            b[13] == 0x3A, b[16] == 0x3A,
            let year = Self.digits(b, 0, 4), let month = Self.digits(b, 5, 2), let day = Self.digits(b, 8, 2),
            let hour = Self.digits(b, 11, 2), let minute = Self.digits(b, 14, 2), let second = Self.digits(b, 17, 2)
        else { return nil }
        var i = 19
        if i < b.count, b[i] == 0x2E {
            i += 1
            let fractionStart = i
            while i < b.count, (0x30...0x39).contains(b[i]) { i += 1 }
            guard i > fractionStart else { return nil }
        }
        var offset = 0
        if i < b.count, b[i] == 0x5A || b[i] == 0x7A {
            i += 1
        } else if i + 6 == b.count, b[i] == 0x2B || b[i] == 0x2D, b[i + 3] == 0x3A,
            let oh = Self.digits(b, i + 1, 2), let om = Self.digits(b, i + 4, 2), oh < 24, om < 60
        {
            offset = (oh * 3600 + om * 60) * (b[i] == 0x2D ? -1 : 1)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        guard let value = Self.make(year, month, day, hour, minute, second) else { return nil }
        seconds = value - Int64(offset)
    }

    /// Parses the compact `YYYYMMDDTHHMMSSZ` used in digest key names; nil for anything else.
    public init?(compact text: String) {
        let b = Array(text.utf8)
        guard b.count == 16, b[8] == 0x54, b[15] == 0x5A,
            let year = Self.digits(b, 0, 4), let month = Self.digits(b, 4, 2), let day = Self.digits(b, 6, 2),
            let hour = Self.digits(b, 9, 2), let minute = Self.digits(b, 11, 2), let second = Self.digits(b, 13, 2),
            let value = Self.make(year, month, day, hour, minute, second)
        else { return nil }
        seconds = value
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` (aws-cli's display format).
    public var iso8601: String {
        let p = parts
        return "\(pad(p.year, 4))-\(pad(p.month, 2))-\(pad(p.day, 2))T"
            + "\(pad(p.hour, 2)):\(pad(p.minute, 2)):\(pad(p.second, 2))Z"
    }

    /// `YYYYMMDDTHHMMSSZ` (the digest key form).
    public var compact: String {
        let p = parts
        return "\(pad(p.year, 4))\(pad(p.month, 2))\(pad(p.day, 2))T"
            + "\(pad(p.hour, 2))\(pad(p.minute, 2))\(pad(p.second, 2))Z"
    }

    /// The UTC calendar date.
    public var date: CivilDate { CivilDate(daysSinceEpoch: Int(Self.floorDiv(seconds, 86_400))) }

    public var description: String { iso8601 }

    /// This time moved by `delta` seconds.
    public func adding(seconds delta: Int64) -> UTCTime { UTCTime(seconds: seconds + delta) }

    public static func < (lhs: UTCTime, rhs: UTCTime) -> Bool { lhs.seconds < rhs.seconds }

    // MARK: Pieces

    private var parts: (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        let days = Self.floorDiv(seconds, 86_400)
        let rest = Int(seconds - days * 86_400)
        let date = CivilDate(daysSinceEpoch: Int(days))
        return (date.year, date.month, date.day, rest / 3600, rest / 60 % 60, rest % 60)
    }

    private func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : (a - b + 1) / b }

    private static func digits(_ b: [UInt8], _ start: Int, _ count: Int) -> Int? {
        guard start + count <= b.count else { return nil }
        var value = 0
        for byte in b[start..<(start + count)] {
            guard (0x30...0x39).contains(byte) else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }

    private static func make(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int) -> Int64? {
        guard CivilDate(year: year, month: month, day: day) != nil, hour < 24, minute < 60, second < 61 else {
            return nil
        }
        let days = Int64(CivilDate.daysFromCivil(year: year, month: month, day: day))
        return days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }
}
