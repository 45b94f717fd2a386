import TrailMillDecoding
public import TrailMillNormalize

/// OCSF 1.1.0 events, one JSON object per line (`format: ocsf`, `Schemas/ocsf-mapping-v1.md`).
public struct OCSFLineEncoding: EventEncoding {
    /// Creates the encoding.
    public init() {}

    public var identity: String { "ocsf-" + OCSFEncoder.schemaVersion }

    public func makeEncoder() -> any EventEncoder { Encoder() }

    final class Encoder: EventEncoder {
        let scratch = OCSFScratch()

        func append(
            _ event: FlatEvent, record: RecordView, facts: RecordFacts, context: FileContext, to out: OutputBuffer
        ) {
            OCSFEncoder.appendLine(event, record: record, context: context, scratch: scratch, to: out)
        }
    }
}
