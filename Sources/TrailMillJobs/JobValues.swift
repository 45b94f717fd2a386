public import TrailMillArchive
import TrailMillPipeline

/// How far back an incremental run looks: a duration such as `3d`, `36h` or `1w` (see ``DurationArgument``).
public struct Lookback: Sendable, Hashable, CustomStringConvertible {
    /// The window in hours.
    public var hours: Int

    /// Creates a window of `hours` hours.
    public init(hours: Int) { self.hours = hours }

    /// Whole delivery days the window touches before today (hours rounded up to days).
    public var days: Int { (hours + 23) / 24 }

    /// `3d` or `36h`.
    public var description: String { hours % 24 == 0 ? "\(hours / 24)d" : "\(hours)h" }

    /// Parses a duration (``DurationArgument``: `3d`, `36h`, `1w`, …), rounded up to whole hours.
    public static func parse(_ text: String) -> Lookback? {
        DurationArgument.parseHours(text).map(Lookback.init(hours:))
    }
}

/// Parsers for the scalar forms job files use.
public enum JobValues {
    /// Parses a `YYYY-MM-DD` calendar date (exactly that shape, a real day).
    public static func parseDate(_ text: String) -> CivilDate? {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
        return CivilDate(year: year, month: month, day: day)
    }

    /// Parses a byte size (see ``ByteSizeArgument``, the one size parser of the command line and job files).
    public static func parseByteSize(_ text: String) -> Int? { ByteSizeArgument.parse(text) }

    /// A job or sink name: 1–100 of `A-Z a-z 0-9 . _ -`, not starting with `.` or `-` (it names files).
    public static func isValidName(_ text: String) -> Bool {
        guard (1...100).contains(text.utf8.count), let first = text.utf8.first,
            first != UInt8(ascii: "."), first != UInt8(ascii: "-")
        else { return false }
        return text.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                true
            default: false
            }
        }
    }

    /// A PostgreSQL schema name TrailMill accepts unquoted: `[a-z_][a-z0-9_]*`, at most 63 bytes.
    public static func isValidSchemaName(_ text: String) -> Bool {
        guard (1...63).contains(text.utf8.count), let first = text.utf8.first,
            first == UInt8(ascii: "_") || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first)
        else { return false }
        return text.utf8.allSatisfy {
            $0 == UInt8(ascii: "_") || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
        }
    }

    /// The candidate closest to `word` when it is a plausible typo (edit distance at most 2, and less than half
    /// the word), else nil.
    static func suggestion(for word: String, among candidates: some Sequence<String>) -> String? {
        var best: (String, Int)?
        for candidate in candidates.sorted() {
            let distance = editDistance(Array(word.lowercased().utf8), Array(candidate.utf8))
            if distance <= 2, distance * 2 < max(word.utf8.count, 2), distance < (best?.1 ?? .max) {
                best = (candidate, distance)
            }
        }
        return best?.0
    }

    /// Optimal string alignment distance (Levenshtein plus adjacent transpositions).
    static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previous2[j - 2] + 1)
                }
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }

    /// A decimal integer of 1–12 ASCII digits, greater than zero.
    static func positiveInt(_ text: Substring) -> Int? {
        guard (1...12).contains(text.utf8.count), text.utf8.allSatisfy({ (48...57).contains($0) }),
            let value = Int(text), value > 0
        else { return nil }
        return value
    }
}
