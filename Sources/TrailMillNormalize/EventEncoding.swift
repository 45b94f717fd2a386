public import TrailMillDecoding

/// What a sink's events become, one line (or COPY row) per record: flat NDJSON, the raw record, CEF, LEEF,
/// PostgreSQL rows, OCSF. The run engine asks each decode worker's encoder for every record a sink may take,
/// without knowing the format.
public protocol EventEncoding: Sendable {
    /// Encodings with equal identities produce identical bytes, so sinks that share one share the encoded lines.
    var identity: String { get }
    /// A fresh encoder for one decode worker; it keeps its scratch buffers across records and files.
    func makeEncoder() -> any EventEncoder
}

/// Facts about a record that the engine computes once for every encoder.
public struct RecordFacts: Sendable {
    /// Hash of the record's compact JSON text (the dedupe stage's content hash).
    public var contentHash: UInt64
    /// A second, independent hash of the same text, computed only for records without a dedupe key (0 otherwise):
    /// with `contentHash` it makes a deterministic surrogate identity.
    public var alternateHash: UInt64
    /// Whether the record has a dedupe key (a GUID eventID).
    public var hasDedupeKey: Bool

    /// Creates facts.
    @inlinable
    public init(contentHash: UInt64, alternateHash: UInt64, hasDedupeKey: Bool) {
        self.contentHash = contentHash
        self.alternateHash = alternateHash
        self.hasDedupeKey = hasDedupeKey
    }
}

/// Appends the encoding of records; one instance per decode worker, never shared between threads.
public protocol EventEncoder: AnyObject {
    /// Called before the first record of each file.
    func beginFile(_ context: FileContext)
    /// Appends exactly one line (ending in `\n`) for `event`, made from `record`.
    func append(_ event: FlatEvent, record: RecordView, facts: RecordFacts, context: FileContext, to out: OutputBuffer)
    /// What the encoder noted about the file since ``beginFile(_:)`` (nil for most formats), handed to the sink
    /// with the file's lines.
    func endFile() -> (any Sendable)?
}

extension EventEncoder {
    /// Does nothing.
    public func beginFile(_ context: FileContext) {}
    /// Nothing to report.
    public func endFile() -> (any Sendable)? { nil }
}

/// Flat schema v1 NDJSON (`format: flat`).
public struct FlatLineEncoding: EventEncoding {
    /// Creates the encoding.
    public init() {}
    public var identity: String { "flat-v1" }
    public func makeEncoder() -> any EventEncoder { Encoder() }

    final class Encoder: EventEncoder {
        func append(
            _ event: FlatEvent, record: RecordView, facts: RecordFacts, context: FileContext, to out: OutputBuffer
        ) {
            FlatEventEncoder.appendFlatLine(event, record: record, context: context, to: out)
        }
    }
}

/// The original record on one line (`format: raw`).
public struct RawLineEncoding: EventEncoding {
    /// Creates the encoding.
    public init() {}
    public var identity: String { "raw" }
    public func makeEncoder() -> any EventEncoder { Encoder() }

    final class Encoder: EventEncoder {
        func append(
            _ event: FlatEvent, record: RecordView, facts: RecordFacts, context: FileContext, to out: OutputBuffer
        ) {
            FlatEventEncoder.appendRawLine(record: record, to: out)
        }
    }
}
