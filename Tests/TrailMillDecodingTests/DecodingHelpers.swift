import Foundation
import Testing
import TrailMillCompression
import TrailMillDecoding

// Shared helpers for the decoding tests: running the decoder over bytes, copying records out of the callback,
// building gzip inputs, a deterministic random generator and a JSON string encoder.

/// A record copied out of a `RecordView` (the view's pointers die with the callback).
struct DecodedRecord: Equatable, CustomStringConvertible {
    var bytes: [UInt8]
    var members: [JSONMember]
    var index: Int
    var streamOffset: Int
    var isCompact: Bool

    init(_ view: RecordView) {
        bytes = view.withUnsafeBytes { Array($0) }
        members = view.members.withUnsafeBufferPointer { Array($0) }
        index = view.index
        streamOffset = view.streamOffset
        isCompact = view.isCompact
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// The decoded top-level keys, in order.
    var keys: [String] {
        bytes.withUnsafeBytes { raw in members.map { JSONText.string(raw, $0.key) } }
    }

    /// The raw text of a slice (string content without quotes, still escaped).
    func raw(_ slice: JSONSlice) -> String { String(decoding: bytes[slice.range], as: UTF8.self) }

    var description: String { "#\(index)@\(streamOffset)\(isCompact ? "" : "~") \(text)" }
}

/// What a successful decode produced.
struct Decoded: Equatable {
    var content: LogFileContent
    var records: [DecodedRecord]
}

/// Decodes `bytes` (plain or gzip, detected by the reader) with a fresh decoder.
func decode(
    _ bytes: [UInt8], options: DecoderOptions = DecoderOptions(), maxDecompressedBytes: Int = 2 << 30
) throws -> Result<Decoded, DecodeError> {
    let reader = try DecompressingReader(bytes: bytes, maxDecompressedBytes: maxDecompressedBytes)
    return run(LogFileDecoder(reader: reader, options: options))
}

func decode(_ text: String, options: DecoderOptions = DecoderOptions()) throws -> Result<Decoded, DecodeError> {
    try decode(Array(text.utf8), options: options)
}

/// Runs `forEachRecord` to the end, copying every record handed out (also those before an error).
func run(_ decoder: LogFileDecoder) -> Result<Decoded, DecodeError> {
    var records: [DecodedRecord] = []
    do {
        let content = try decoder.forEachRecord { records.append(DecodedRecord($0)) }
        return .success(Decoded(content: content, records: records))
    } catch {
        return .failure(error)
    }
}

/// Like `run`, but also returns the records handed out before a failure.
func runKeepingRecords(_ decoder: LogFileDecoder) -> (records: [DecodedRecord], result: Result<LogFileContent, DecodeError>) {
    var records: [DecodedRecord] = []
    do {
        let content = try decoder.forEachRecord { records.append(DecodedRecord($0)) }
        return (records, .success(content))
    } catch {
        return (records, .failure(error))
    }
}

extension Result where Success == Decoded, Failure == DecodeError {
    /// The decoded value; records an issue (and returns nil) on failure.
    func value(sourceLocation: SourceLocation = #_sourceLocation) -> Decoded? {
        switch self {
        case .success(let decoded): return decoded
        case .failure(let error):
            Issue.record("unexpected decode error: \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    /// The error; records an issue (and returns nil) on success.
    func error(sourceLocation: SourceLocation = #_sourceLocation) -> DecodeError? {
        switch self {
        case .success(let decoded):
            Issue.record("expected a decode error, got \(decoded.content) with \(decoded.records.count) records",
                sourceLocation: sourceLocation)
            return nil
        case .failure(let error): return error
        }
    }

    var failure: DecodeError? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

// MARK: - Building inputs

/// `{"Records":[r0,r1,...]}` with the given separator text around tokens of the outer structure.
func logText(_ records: [String], space: String = "") -> String {
    "{\(space)\"Records\"\(space):\(space)[\(space)" + records.joined(separator: "\(space),\(space)") + "\(space)]\(space)}"
}

/// Byte offsets of each record's `{` in `logText(records, space:)`.
func recordOffsets(_ records: [String], space: String = "") -> [Int] {
    var offset = "{\(space)\"Records\"\(space):\(space)[\(space)".utf8.count
    var result: [Int] = []
    for record in records {
        result.append(offset)
        offset += record.utf8.count + "\(space),\(space)".utf8.count
    }
    return result
}

/// Multi-member gzip: each piece between consecutive split points is compressed on its own and the outputs
/// are concatenated (a valid gzip file whose decompressed content is `bytes`).
func multiMemberGzip(_ bytes: [UInt8], splits: [Int]) throws -> [UInt8] {
    var out: [UInt8] = []
    var previous = 0
    for split in (splits + [bytes.count]).sorted() where split >= previous {
        out += try Gzip.compress(Array(bytes[previous..<split]))
        previous = split
    }
    return out
}

/// Offsets of every occurrence of `needle` in `haystack`.
func occurrences(of needle: [UInt8], in haystack: [UInt8]) -> [Int] {
    guard !needle.isEmpty, haystack.count >= needle.count else { return [] }
    return (0...(haystack.count - needle.count)).filter { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
}

func firstOffset(of needle: [UInt8], in haystack: [UInt8]) -> Int? { occurrences(of: needle, in: haystack).first }

// MARK: - Random

/// SplitMix64: small, fast and deterministic across platforms (tests must not depend on the system RNG).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

// MARK: - JSON text

/// Encodes a Swift string as a JSON string literal (with quotes). `escapeAll` writes every non-ASCII scalar as
/// `\uXXXX` (pairs above the BMP); otherwise only what JSON requires is escaped.
func jsonString(_ value: String, escapeAll: Bool = false) -> String {
    var out = "\""
    for scalar in value.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case "\u{08}": out += "\\b"
        case "\u{0C}": out += "\\f"
        default:
            if scalar.value < 0x20 || (escapeAll && scalar.value > 0x7E) {
                for unit in String(scalar).utf16 { out += String(format: "\\u%04x", unit) }
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}

/// Parses with Foundation (the test oracle), or nil when Foundation rejects the text.
func foundationParse(_ bytes: [UInt8]) -> Any? {
    try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
}

/// Whether two Foundation JSON values are equal: same structure, strings, numbers and nulls.
func foundationEqual(_ a: Any?, _ b: Any?) -> Bool {
    switch (a, b) {
    case (nil, nil): return true
    case (let a as [String: Any], let b as [String: Any]):
        return a.count == b.count && a.allSatisfy { key, value in b[key].map { foundationEqual(value, $0) } ?? false }
    case (let a as [Any], let b as [Any]):
        return a.count == b.count && zip(a, b).allSatisfy { foundationEqual($0, $1) }
    case (let a as String, let b as String): return a == b
    case (is NSNull, is NSNull): return true
    case (let a as NSNumber, let b as NSNumber): return a == b
    case (let a as Bool, let b as Bool): return a == b
    case (let a as Int, let b as Int): return a == b
    case (let a as Double, let b as Double): return a == b
    default: return false
    }
}

/// Calls `body` with the bytes of the single record of `{"Records":[{"v":VALUE}]}` and the slice of `VALUE`
/// (JSONText functions only accept validated text, so values are validated by the decoder first).
func withValidatedValue<T>(
    _ valueJSON: String, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: (UnsafeRawBufferPointer, JSONSlice) -> T
) throws -> T? {
    let reader = try DecompressingReader(bytes: Array(#"{"Records":[{"v":"#.utf8) + Array(valueJSON.utf8) + Array("}]}".utf8))
    let decoder = LogFileDecoder(reader: reader)
    var result: T?
    do {
        _ = try decoder.forEachRecord { record in
            guard let slice = record.member("v") else { return }
            result = record.withUnsafeBytes { body($0, slice) }
        }
    } catch {
        Issue.record("value did not validate: \(error)", sourceLocation: sourceLocation)
    }
    return result
}
