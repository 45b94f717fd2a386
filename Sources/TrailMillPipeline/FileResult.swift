import TrailMillDedupe

/// How one input file ended.
public enum FileStatus: Sendable, Hashable {
    /// Read to the end; its events were delivered (or filtered or deduplicated).
    case done
    /// Not read as events, with the reason (not a trail file, not a CloudTrail log, vanished…).
    case skipped(reason: String)
    /// Unreadable (corrupt gzip, invalid or truncated JSON, size limit…), with the reason; none of its events
    /// were delivered.
    case dead(reason: String)
}

/// Per-record bookkeeping the sequencer needs to deduplicate without re-reading the record.
struct RecordEntry: Sendable {
    /// Dedupe key, nil when the record has no GUID eventID (never merged).
    var key: EventKey?
    /// Hash of the record's compact JSON text.
    var contentHash: UInt64
    /// End offset of this record's line in `FileResult.lines`.
    var lineEnd: Int
}

/// Everything a worker produced for one file, handed to the sequencer.
struct FileResult: Sendable {
    var status: FileStatus
    /// Encoded output lines for the records that passed the filter, back to back.
    var lines: [UInt8] = []
    var records: [RecordEntry] = []
    var eventsRead = 0
    var eventsFiltered = 0
    var compressedBytes = 0
    var decompressedBytes = 0
}
