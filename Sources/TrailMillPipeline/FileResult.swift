import TrailMillDecoding
import TrailMillDedupe
import TrailMillEventStore

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
    /// The UTC day of `event_time`, as days since 1970-01-01 (decides a load's partitions).
    var eventDay: Int32 = 0
}

/// Everything a worker produced for one file, handed to the sequencer.
struct FileResult: Sendable {
    var status: FileStatus
    /// Encoded output lines for the records that passed the filter, back to back (nil when none).
    var lines: LineBatch?
    var records: [RecordEntry] = []
    var eventsRead = 0
    var eventsFiltered = 0
    /// Characters PostgreSQL cannot hold, replaced in this file's rows (`trailmill load` only).
    var replaced = ReplacedCharacters()
    /// SHA-256 of the file as stored, lowercase hex (`trailmill load` only).
    var contentSHA256 = ""
    var compressedBytes = 0
    var decompressedBytes = 0
}

/// One file's encoded lines, moved from a worker to the sequencer and then back to the pool for reuse, so the
/// hot path neither copies them nor faults in fresh memory for every file.
///
/// A file's lines are held until the whole file has decoded (all-or-nothing). Past `spillThreshold` bytes they
/// move to an anonymous temporary file, so memory stays bounded even for a multi-gigabyte data-event file.
///
/// `@unchecked Sendable`: the batch is owned by exactly one thread at a time; ownership passes only through
/// `WorkerPool`'s mutex-protected result table and batch pool.
final class LineBatch: @unchecked Sendable {
    let buffer = OutputBuffer(capacity: 1 << 20)
    /// Lines moved to disk; they come before `buffer`'s lines.
    private(set) var spill: SpillFile?

    /// Bytes of lines so far (spilled and in memory): where the next line starts.
    var totalBytes: Int { (spill?.size ?? 0) + buffer.count }

    /// Forgets all lines (closing and so deleting any spill file).
    func reset() {
        buffer.removeAll()
        spill = nil
    }

    /// Moves the in-memory lines to the spill file in `directory` (created on first use).
    func spillBuffer(directory: String) throws(SpillError) {
        let file: SpillFile
        if let spill { file = spill } else {
            file = try SpillFile(directory: directory)
            spill = file
        }
        let failure: SpillError? = buffer.withUnsafeBytes { bytes in
            do throws(SpillError) { try file.append(bytes) } catch { return error }
            return nil
        }
        if let failure { throw failure }
        buffer.removeAll()
    }

    /// Calls `body` with each record's line, in order: spilled lines are read back in chunks, then the rest
    /// come from memory.
    func forEachLine(
        _ records: [RecordEntry], _ body: (Int, UnsafeRawBufferPointer) -> Void
    ) throws(SpillError) {
        var lineStart = 0
        var k = 0
        if let spill {
            var chunk = [UInt8](repeating: 0, count: 4 << 20)
            var chunkStart = 0
            var chunkCount = 0
            while k < records.count && records[k].lineEnd <= spill.size {
                let lineEnd = records[k].lineEnd
                if lineEnd > chunkStart + chunkCount {
                    if lineEnd - lineStart > chunk.count { chunk = [UInt8](repeating: 0, count: lineEnd - lineStart) }
                    let wanted = min(chunk.count, spill.size - lineStart)
                    let outcome: Result<Int, SpillError> = chunk.withUnsafeMutableBytes { destination in
                        Result { () throws(SpillError) in
                            try spill.read(at: lineStart, into: UnsafeMutableRawBufferPointer(rebasing: destination[0..<wanted]))
                        }
                    }
                    let read = try outcome.get()
                    guard read >= lineEnd - lineStart else {
                        throw SpillError(message: "spill file ended early at byte \(lineStart + read)")
                    }
                    chunkStart = lineStart
                    chunkCount = read
                }
                chunk.withUnsafeBytes { bytes in
                    body(k, UnsafeRawBufferPointer(rebasing: bytes[(lineStart - chunkStart)..<(lineEnd - chunkStart)]))
                }
                lineStart = lineEnd
                k += 1
            }
        }
        let memoryBase = spill?.size ?? 0
        buffer.withUnsafeBytes { bytes in
            while k < records.count {
                let lineEnd = records[k].lineEnd
                body(k, UnsafeRawBufferPointer(rebasing: bytes[(lineStart - memoryBase)..<(lineEnd - memoryBase)]))
                lineStart = lineEnd
                k += 1
            }
        }
    }
}
