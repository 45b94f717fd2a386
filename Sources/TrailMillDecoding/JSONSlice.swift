/// The JSON type of a scanned value.
public enum JSONKind: UInt8, Sendable, Hashable {
    case object, array, string, number, `true`, `false`, null
}

/// Where one JSON value sits inside a record's bytes.
///
/// Offsets are relative to the start of the bytes the slice was scanned from (a record's first `{`).
/// For strings, `start..<end` is the content between the quotes, still escaped exactly as in the input;
/// for every other kind it is the value's full text.
public struct JSONSlice: Sendable, Hashable {
    /// The largest offset a slice can hold: records are at most this many bytes (see
    /// ``DecoderOptions/maxRecordBytes``), so offsets never wrap.
    public static let maxOffset = Int(Int32.max)

    /// Offset of the first byte.
    public var start: Int32
    /// Offset one past the last byte.
    public var end: Int32
    /// The value's type.
    public var kind: JSONKind
    /// For strings: whether the content contains a `\` escape (so it must be decoded before comparing).
    public var hasEscapes: Bool

    /// Creates a slice; `start` and `end` are at most ``maxOffset``.
    @inlinable
    public init(start: Int, end: Int, kind: JSONKind, hasEscapes: Bool = false) {
        assert(start >= 0 && end <= JSONSlice.maxOffset, "slice offsets past Int32.max")
        self.start = Int32(truncatingIfNeeded: start)
        self.end = Int32(truncatingIfNeeded: end)
        self.kind = kind
        self.hasEscapes = hasEscapes
    }

    /// The byte range.
    @inlinable
    public var range: Range<Int> { Int(start)..<Int(end) }

    /// Number of bytes.
    @inlinable
    public var count: Int { Int(end - start) }
}

/// One `"key": value` member of an object.
public struct JSONMember: Sendable, Hashable {
    /// The key (a string slice: content between the quotes).
    public var key: JSONSlice
    /// The value.
    public var value: JSONSlice

    /// Creates a member.
    @inlinable
    public init(key: JSONSlice, value: JSONSlice) {
        self.key = key
        self.value = value
    }
}
