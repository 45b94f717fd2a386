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

/// Everything a decode worker produced for one file, handed to the sequencer: decoded and normalized once,
/// encoded once per encoding its sinks need.
struct DecodedFile: Sendable {
    var status: FileStatus
    /// Per record that passed the filter: what the dedupe stage needs.
    var records: [DedupeRecord] = []
    /// Per record: the UTC day of `event_time`, as days since 1970-01-01.
    var eventDays: [Int32] = []
    /// Per encoding slot: the records' lines (nil for encodings no sink of this file wanted).
    var lines: [LineBatch?] = []
    /// Per encoding slot: what the encoder reported about the file (`EventEncoder.endFile()`).
    var notes: [(any Sendable)?] = []
    var eventsRead = 0
    var eventsFiltered = 0
    /// SHA-256 of the file as stored, lowercase hex (when the run hashes files).
    var contentSHA256: String?
    var compressedBytes = 0
    var decompressedBytes = 0
    /// How long reading, decoding and encoding the file took on its worker (`--verbose`'s per-file line).
    var decodeMilliseconds = 0

    init(status: FileStatus, compressedBytes: Int = 0, decompressedBytes: Int = 0) {
        self.status = status
        self.compressedBytes = compressedBytes
        self.decompressedBytes = decompressedBytes
    }

    /// The line batches in use, for recycling.
    var batches: [LineBatch] { lines.compactMap { $0 } }
}
