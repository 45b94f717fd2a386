/// SplitMix64 (Steele, Lea, Flood 2014): a tiny, fast, fully deterministic generator.
///
/// Every stream of synthetic content gets its own generator seeded by `Seeds.mix`, so the bytes of one file never
/// depend on how work was scheduled across threads. Tests use it too, for fixed-seed fuzzing.
public struct SplitMix64: Sendable {
    /// The generator's state.
    public private(set) var state: UInt64

    /// A generator starting at `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    @inline(__always)
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `0..<bound` (`bound > 0`), by multiply-high (the bias is far below anything observable here).
    @inline(__always)
    public mutating func below(_ bound: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// A value in `range`.
    @inline(__always)
    mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// True with probability `percent`/100.
    @inline(__always)
    mutating func percent(_ percent: Int) -> Bool { below(100) < percent }

    /// True with probability `perMille`/1000.
    @inline(__always)
    mutating func perMille(_ perMille: Int) -> Bool { below(1000) < perMille }

    /// One element of a non-empty array.
    @inline(__always)
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}

/// Derives independent stream seeds from the archive seed and coordinates.
enum Seeds {
    /// Stream kinds, so that e.g. the regional and global streams of one file never coincide.
    enum Stream: UInt64 {
        case account = 1, globalEvents, regionalEvents, delivery, fileName, insight
    }

    @inline(__always)
    static func finalize(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A seed for `stream` at the given coordinates (order matters).
    static func mix(_ seed: UInt64, _ stream: Stream, _ parts: Int...) -> UInt64 {
        var h = finalize(seed &+ 0x9E37_79B9_7F4A_7C15 &* stream.rawValue)
        for part in parts {
            h = finalize(h ^ (UInt64(bitPattern: Int64(part)) &+ 0xD1B5_4A32_D192_ED03))
        }
        return h
    }
}
