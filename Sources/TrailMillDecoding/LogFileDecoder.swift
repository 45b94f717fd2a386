public import TrailMillCompression

/// One record of a log file, as the decoder hands it out: a non-escapable view of the decoder's buffer.
///
/// The view cannot outlive the `forEachRecord` callback that received it (the compiler enforces this), and its
/// bytes are reached through ``bytes`` or inside ``withUnsafeBytes(_:)``; copy what must outlive the callback.
public struct RecordView: ~Escapable {
    /// The record's bytes, from its `{` to its `}`.
    public let bytes: RawSpan
    /// Its top-level members, in input order; slice offsets are relative to `bytes`.
    public let members: Span<JSONMember>
    /// Position in the `Records` array (0-based).
    public let index: Int
    /// Offset of the record's `{` in the decompressed stream.
    public let streamOffset: Int
    /// True when the record has no whitespace between tokens and no raw U+2028/U+2029, so its bytes can be
    /// written to a line-oriented output as they are.
    public let isCompact: Bool

    /// Creates a view of `bytes` (a whole record) and its top-level `members`.
    @_lifetime(copy bytes, copy members)
    public init(bytes: RawSpan, members: Span<JSONMember>, index: Int, streamOffset: Int, isCompact: Bool) {
        self.bytes = bytes
        self.members = members
        self.index = index
        self.streamOffset = streamOffset
        self.isCompact = isCompact
    }

    /// Calls `body` with the record's bytes.
    ///
    /// - Warning: Do not escape the pointer from the closure.
    @inlinable
    public func withUnsafeBytes<Result, E: Error>(
        _ body: (UnsafeRawBufferPointer) throws(E) -> Result
    ) throws(E) -> Result {
        try bytes.withUnsafeBytes(body)
    }

    /// The value of the first top-level member whose key is exactly `key` (unescaped ASCII keys).
    public func member(_ key: StaticString) -> JSONSlice? {
        bytes.withUnsafeBytes { bytes in
            for index in members.indices where JSONText.equals(bytes, members[index].key, key) {
                return members[index].value
            }
            return nil
        }
    }
}

/// What a file turned out to hold once it was read to the end without a decoding error.
public enum LogFileContent: Sendable, Hashable {
    /// A CloudTrail log: `{"Records":[...]}` with this many records (0 for an empty array).
    case records(count: Int)
    /// Valid JSON, but not a CloudTrail log file; the reason says what it is.
    case notCloudTrail(reason: String)
}

/// Limits for decoding one file.
public struct DecoderOptions: Sendable, Hashable {
    /// Deepest nesting accepted (objects and arrays).
    public var maxDepth: Int = 512
    /// Largest single record accepted, in bytes (CloudTrail events are at most 256 KB). Capped at
    /// ``JSONSlice/maxOffset``: slices address a record with 32-bit offsets.
    public var maxRecordBytes: Int {
        get { recordLimit }
        set { recordLimit = min(max(newValue, 0), JSONSlice.maxOffset) }
    }
    private var recordLimit = 32 << 20
    /// Initial buffer size; it grows only to hold one record larger than it.
    public var bufferBytes: Int = 1 << 20

    /// Creates options with the defaults above.
    public init() {}
}

/// Streams the records of one CloudTrail log file (`{"Records":[{...},...]}`) out of a `DecompressingReader`.
///
/// The whole input is validated as strict RFC 8259 JSON while it streams; memory is a buffer plus the largest
/// record. Records are handed out as they complete, so a caller that wants all-or-nothing per file must hold
/// its output until `forEachRecord` returns without throwing.
public final class LogFileDecoder {
    private var reader: DecompressingReader
    private let options: DecoderOptions
    private var storage: UnsafeMutableRawPointer
    private var capacity: Int
    /// Unconsumed bytes are `storage[start..<end]`.
    private var start = 0
    private var end = 0
    /// Stream offset of `storage[0]`.
    private var streamBase = 0
    private var atEOF = false
    private var members: [JSONMember] = []
    private var recordIndex: Int?

    /// Creates a decoder reading from `reader`.
    public init(reader: DecompressingReader, options: DecoderOptions = DecoderOptions()) {
        self.reader = reader
        self.options = options
        capacity = max(options.bufferBytes, 4096)
        storage = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        members.reserveCapacity(64)
    }

    deinit { storage.deallocate() }

    /// Starts over on another file, keeping the buffer (so one decoder per worker serves every file).
    public func reset(reader: DecompressingReader) {
        self.reader = reader
        start = 0
        end = 0
        streamBase = 0
        atEOF = false
        recordIndex = nil
        members.removeAll(keepingCapacity: true)
    }

    /// Reads the file to the end, calling `body` for each record, and says what the file held.
    ///
    /// Throws when the bytes are not valid JSON, end early, carry trailing data, or fail to decompress; records
    /// already handed to `body` must then be discarded by the caller.
    public func forEachRecord(_ body: (RecordView) -> Void) throws(DecodeError) -> LogFileContent {
        skipByteOrderMark()
        guard let first = try peekSignificant() else {
            return .notCloudTrail(reason: "no JSON content (empty after decompression)")
        }
        guard first == UInt8(ascii: "{") else {
            let kind = try scanValue(limit: Int.max) { v, i throws(ScanStop) in try v.value(&i, depth: 0).kind }
            try expectEndOfInput()
            return .notCloudTrail(reason: "top-level JSON is \(JSONText.describe(kind)), not {\"Records\":[...]}")
        }
        start += 1
        var recordCount: Int?
        var recordsOther: JSONKind?
        var firstMember = true
        while true {
            guard var c = try peekSignificant() else { throw truncated() }
            if firstMember && c == UInt8(ascii: "}") {
                start += 1
                break
            }
            if !firstMember {
                if c == UInt8(ascii: "}") {
                    start += 1
                    break
                }
                guard c == UInt8(ascii: ",") else { throw invalid(at: start, .expectedCommaOrEnd) }
                start += 1
                guard let next = try peekSignificant() else { throw truncated() }
                c = next
            }
            firstMember = false
            guard c == UInt8(ascii: "\"") else { throw invalid(at: start, .expectedKey) }
            let isRecords = try scanValue(limit: options.maxRecordBytes) { v, i throws(ScanStop) in
                let keyStart = i
                _ = try v.string(&i)
                return JSONText.equals(UnsafeRawBufferPointer(start: v.base + keyStart, count: i - keyStart), "\"Records\"")
            }
            guard let colon = try peekSignificant() else { throw truncated() }
            guard colon == UInt8(ascii: ":") else { throw invalid(at: start, .expectedColon) }
            start += 1
            guard let valueFirst = try peekSignificant() else { throw truncated() }
            if isRecords && (recordCount != nil || recordsOther != nil) {
                throw DecodeError(
                    code: .invalidJSON, message: "duplicate \"Records\" member", byteOffset: streamBase + start)
            }
            if isRecords && valueFirst == UInt8(ascii: "[") {
                start += 1
                recordCount = try streamRecords(body)
            } else {
                let kind = try scanValue(limit: Int.max) { v, i throws(ScanStop) in try v.value(&i, depth: 1).kind }
                if isRecords { recordsOther = kind }
            }
        }
        try expectEndOfInput()
        if let recordCount {
            return recordCount == 0 ? .notCloudTrail(reason: "\"Records\" is an empty array") : .records(count: recordCount)
        }
        if let recordsOther { return .notCloudTrail(reason: "\"Records\" is \(JSONText.describe(recordsOther)), not an array") }
        return .notCloudTrail(reason: "no \"Records\" member (not a CloudTrail log file)")
    }

    /// Streams the elements of the `Records` array; `start` is just after its `[`.
    private func streamRecords(_ body: (RecordView) -> Void) throws(DecodeError) -> Int {
        var count = 0
        defer { recordIndex = nil }
        while true {
            guard var c = try peekSignificant() else { throw truncated() }
            if c == UInt8(ascii: "]") {
                start += 1
                return count
            }
            if count > 0 {
                guard c == UInt8(ascii: ",") else { throw invalid(at: start, .expectedCommaOrEnd) }
                start += 1
                guard let next = try peekSignificant() else { throw truncated() }
                c = next
            }
            recordIndex = count
            let recordStreamStart = streamBase + start
            guard c == UInt8(ascii: "{") else {
                let kind = try scanValue(limit: options.maxRecordBytes) { v, i throws(ScanStop) in
                    try v.value(&i, depth: 2).kind
                }
                throw DecodeError(
                    code: .recordNotObject, message: "element of \"Records\" is \(JSONText.describe(kind)), not an object",
                    byteOffset: recordStreamStart, recordIndex: count)
            }
            // Depth 3: the top-level object is level 1 and the Records array level 2.
            let compact = try scanValue(limit: options.maxRecordBytes) { v, i throws(ScanStop) in
                members.removeAll(keepingCapacity: true)
                try v.object(&i, depth: 3) { members.append($0) }
                return !v.sawWhitespace && !v.sawLineSeparator
            }
            // scanValue may have compacted the buffer: measure the record in stream offsets, which do not move.
            let recordLength = streamBase + start - recordStreamStart
            // scanValue checks the limit only while the record is incomplete; one that arrived whole is checked here.
            guard recordLength <= options.maxRecordBytes else {
                throw DecodeError(
                    code: .recordTooLarge, message: "record larger than \(options.maxRecordBytes) bytes",
                    byteOffset: recordStreamStart, recordIndex: count)
            }
            let record = UnsafeRawBufferPointer(start: storage + (start - recordLength), count: recordLength)
            members.withUnsafeBufferPointer { memberBuffer in
                // Both spans borrow this scope: the view cannot outlive the callback.
                body(
                    RecordView(
                        bytes: RawSpan(_unsafeBytes: record), members: Span(_unsafeElements: memberBuffer),
                        index: count, streamOffset: streamBase + start - recordLength, isCompact: compact))
            }
            count += 1
        }
    }

    // MARK: Buffer management

    /// Scans one value at `start` with `body`, reading more input while the value is incomplete; on success
    /// `start` moves past the value. Offsets inside `body` are relative to the value's first byte.
    private func scanValue<T>(
        limit: Int, _ body: (inout JSONValidator, inout Int) throws(ScanStop) -> T
    ) throws(DecodeError) -> T {
        while true {
            var validator = JSONValidator(
                base: UnsafePointer(storage.assumingMemoryBound(to: UInt8.self) + start), end: end - start,
                isFinal: atEOF, maxDepth: options.maxDepth)
            var i = 0
            do {
                let result = try body(&validator, &i)
                start += i
                return result
            } catch {
                switch error {
                case .incomplete:
                    if atEOF { throw truncated() }
                    if end - start >= limit {
                        throw DecodeError(
                            code: .recordTooLarge, message: "record larger than \(limit) bytes",
                            byteOffset: streamBase + start, recordIndex: recordIndex)
                    }
                    try fill()
                case .invalid(let offset, let reason):
                    throw invalid(at: start + offset, reason)
                case .tooDeep(let offset):
                    throw DecodeError(
                        code: .depthLimit, message: "nesting deeper than \(options.maxDepth) levels",
                        byteOffset: streamBase + start + offset, recordIndex: recordIndex)
                }
            }
        }
    }

    /// Returns the next non-whitespace byte without consuming it, reading more input as needed; nil at EOF.
    private func peekSignificant() throws(DecodeError) -> UInt8? {
        while true {
            while start < end {
                let byte = storage.load(fromByteOffset: start, as: UInt8.self)
                switch byte {
                case 0x20, 0x0A, 0x0D, 0x09: start += 1
                default: return byte
                }
            }
            if atEOF { return nil }
            try fill()
        }
    }

    /// Requires that only whitespace remains.
    private func expectEndOfInput() throws(DecodeError) {
        if let byte = try peekSignificant() {
            throw DecodeError(
                code: .trailingData,
                message: "unexpected \(byte < 0x20 || byte >= 0x7F ? "byte" : "'\(Character(Unicode.Scalar(byte)))'") after the end of the top-level value",
                byteOffset: streamBase + start)
        }
    }

    /// An RFC 8259 parser may ignore a UTF-8 byte order mark (§8.1); drop one at the very start.
    /// A read may return fewer than 3 bytes (the reader hands out its sniffed bytes first), so read until 3 are
    /// buffered or the input ends; a read error is left for the next read, which rethrows it.
    private func skipByteOrderMark() {
        while end - start < 3 && !atEOF {
            guard (try? fill()) != nil else { return }
        }
        guard end - start >= 3 else { return }
        if storage.load(fromByteOffset: start, as: UInt8.self) == 0xEF
            && storage.load(fromByteOffset: start + 1, as: UInt8.self) == 0xBB
            && storage.load(fromByteOffset: start + 2, as: UInt8.self) == 0xBF
        {
            start += 3
        }
    }

    /// Reads more input after the unconsumed bytes, compacting and growing the buffer as needed.
    private func fill() throws(DecodeError) {
        guard !atEOF else { return }
        if start > 0 {
            let pending = end - start
            if pending > 0 { storage.copyMemory(from: storage + start, byteCount: pending) }
            streamBase += start
            end = pending
            start = 0
        }
        if capacity - end < capacity / 4 {
            let grown = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 16)
            grown.copyMemory(from: storage, byteCount: end)
            storage.deallocate()
            storage = grown
            capacity *= 2
        }
        let read: Int
        do {
            read = try reader.read(into: UnsafeMutableRawBufferPointer(start: storage + end, count: capacity - end))
        } catch {
            throw DecodeError(
                code: .compression, message: error.message, byteOffset: error.decompressedOffset,
                recordIndex: recordIndex, compressionError: error)
        }
        if read == 0 { atEOF = true } else { end += read }
    }

    private func truncated() -> DecodeError {
        DecodeError(
            code: .truncatedJSON, message: "JSON ends early (file cut short?)", byteOffset: streamBase + end,
            recordIndex: recordIndex)
    }

    private func invalid(at offset: Int, _ reason: InvalidReason) -> DecodeError {
        DecodeError(code: .invalidJSON, message: reason.message, byteOffset: streamBase + offset, recordIndex: recordIndex)
    }
}

@available(*, unavailable)
extension LogFileDecoder: Sendable {}
