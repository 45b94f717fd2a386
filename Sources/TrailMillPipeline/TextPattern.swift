/// One value of a forgiving filter (`--event-name`, `--event-source`, `--user`, `--user-type`, `--resource`):
/// matched ASCII case-insensitively, with `*` standing for any run of characters and `?` for one.
public struct TextPattern: Sendable, Hashable, CustomStringConvertible {
    /// The pattern as given.
    public let text: String
    private let lowered: [UInt8]
    private let isGlob: Bool

    /// Creates a pattern from `text`.
    public init(_ text: String) {
        self.text = text
        lowered = Array(text.utf8).map(Self.lower)
        isGlob = lowered.contains(UInt8(ascii: "*")) || lowered.contains(UInt8(ascii: "?"))
    }

    public var description: String { text }

    /// The values of a repeatable option, each of which may be a comma-separated list; blanks are dropped.
    public static func list(_ values: [String]) -> [String] {
        values.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: " ") }.filter { !$0.isEmpty }
    }

    /// Whether `candidate` (UTF-8) matches.
    public func matches(_ candidate: some Collection<UInt8>) -> Bool {
        if !isGlob {
            return candidate.count == lowered.count && zip(candidate, lowered).allSatisfy { Self.lower($0) == $1 }
        }
        return Self.glob(lowered[...], Array(candidate).map(Self.lower)[...])
    }

    /// Whether `candidate` matches.
    public func matches(_ candidate: String) -> Bool { matches(Array(candidate.utf8)) }

    /// Iterative glob match with backtracking to the last `*`.
    private static func glob(_ pattern: ArraySlice<UInt8>, _ text: ArraySlice<UInt8>) -> Bool {
        var p = pattern.startIndex
        var t = text.startIndex
        var star: (p: Int, t: Int)?
        while t < text.endIndex {
            if p < pattern.endIndex, pattern[p] == UInt8(ascii: "*") {
                star = (p, t)
                p += 1
            } else if p < pattern.endIndex, pattern[p] == UInt8(ascii: "?") || pattern[p] == text[t] {
                p += 1
                t += 1
            } else if let last = star {
                p = last.p + 1
                t = last.t + 1
                star = (last.p, last.t + 1)
            } else {
                return false
            }
        }
        while p < pattern.endIndex, pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.endIndex
    }

    private static func lower(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        var slice = Substring(self)
        while slice.first == set { slice.removeFirst() }
        while slice.last == set { slice.removeLast() }
        return String(slice)
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Character) -> String { String(self).trimmingCharacters(in: set) }
}
