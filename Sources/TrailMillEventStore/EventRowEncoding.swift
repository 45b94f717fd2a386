import TrailMillDecoding
public import TrailMillNormalize

/// PostgreSQL COPY text rows of `events` (the `trailmill load` sink). Each file's encoder reports the characters
/// it replaced (``ReplacedCharacters``) through `endFile()`.
public struct EventRowEncoding: EventEncoding {
    /// Whether each row ends with the record itself, for the `raw` column (`trailmill load --keep-raw`).
    public var keepsRawRecords: Bool

    /// Creates the encoding.
    public init(keepsRawRecords: Bool = false) { self.keepsRawRecords = keepsRawRecords }

    public var identity: String { keepsRawRecords ? "postgres-events-v1+raw" : "postgres-events-v1" }

    public func makeEncoder() -> any EventEncoder { Encoder(keepsRawRecords: keepsRawRecords) }

    final class Encoder: EventEncoder {
        private let keepsRawRecords: Bool

        init(keepsRawRecords: Bool) { self.keepsRawRecords = keepsRawRecords }

        private var columns: EventRowEncoder.FileColumns?
        private var replaced = ReplacedCharacters()

        func beginFile(_ context: FileContext) {
            columns = EventRowEncoder.FileColumns(file: context.file)
            replaced = ReplacedCharacters()
        }

        func append(
            _ event: FlatEvent, record: RecordView, facts: RecordFacts, context: FileContext, to out: OutputBuffer
        ) {
            // No usable eventID: a surrogate from the record's content keeps the primary key deterministic.
            let surrogate = facts.hasDedupeKey
                ? nil : EventRowEncoder.SurrogateID(high: facts.contentHash, low: facts.alternateHash)
            EventRowEncoder.appendRow(
                event, record: record, context: context, file: columns ?? EventRowEncoder.FileColumns(file: context.file),
                surrogate: surrogate, keepingRaw: keepsRawRecords, to: out, replaced: &replaced)
        }

        func endFile() -> (any Sendable)? { replaced }
    }
}
