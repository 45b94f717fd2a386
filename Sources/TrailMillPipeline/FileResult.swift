import TrailMillDecoding
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
    /// Encoded output lines for the records that passed the filter, back to back (nil when none).
    var lines: LineBatch?
    var records: [RecordEntry] = []
    var eventsRead = 0
    var eventsFiltered = 0
    var compressedBytes = 0
    var decompressedBytes = 0
}

/// One file's encoded lines, moved from a worker to the sequencer and then back to the pool for reuse, so the
/// hot path neither copies them nor faults in fresh memory for every file.
///
/// `@unchecked Sendable`: the buffer is owned by exactly one thread at a time; ownership passes only through
/// `WorkerPool`'s mutex-protected result table and batch pool.
final class LineBatch: @unchecked Sendable {
    let buffer = OutputBuffer(capacity: 1 << 20)
}
