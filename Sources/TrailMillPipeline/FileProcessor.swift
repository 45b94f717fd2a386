#if canImport(Glibc)
import Glibc
#endif
import TrailMillArchive
import TrailMillCompression
import TrailMillDecoding
import TrailMillDedupe
import TrailMillEventStore
import TrailMillNormalize
import TrailMillSIEM

/// Decodes, normalizes, filters and encodes one file: the work a Dispatch worker does.
///
/// A file is all-or-nothing: its lines are kept in the result and only handed on when the whole file decoded.
struct FileProcessor: Sendable {
    /// What each record becomes.
    enum Encoding: Sendable {
        /// An output line in this format (`trailmill export`).
        case line(OutputFormat, SyslogHeader)
        /// A PostgreSQL COPY text row of `events` (`trailmill load`); the file's SHA-256 is computed too.
        case postgresRow
    }

    let encoding: Encoding
    let filter: EventFilter
    let maxDecompressedBytes: Int
    /// A file's lines beyond this many bytes move to a temporary file in `spillDirectory`.
    let spillThreshold: Int
    let spillDirectory: String

    /// Buffers one worker reuses for every file it decodes.
    final class Scratch {
        var decoder: LogFileDecoder?
        let compact = OutputBuffer()
        let siem = SIEMScratch()
    }

    /// Processes `file`, encoding its lines into `batch` (taken from the pool; handed back in the result only when
    /// the file is done).
    func process(_ file: TrailFile, batch: LineBatch, scratch: Scratch) -> FileResult {
        let reader: DecompressingReader
        do {
            reader = try DecompressingReader(path: file.absolutePath, maxDecompressedBytes: maxDecompressedBytes)
        } catch {
            if error.code == .ioFailure && error.systemErrno == ENOENT {
                return FileResult(status: .skipped(reason: "file vanished before it was read"))
            }
            return FileResult(status: .dead(reason: error.description))
        }
        let context = FileContext(file: file)
        let rowColumns: EventRowEncoder.FileColumns?
        if case .postgresRow = encoding { rowColumns = EventRowEncoder.FileColumns(file: file) } else { rowColumns = nil }
        var replaced = ReplacedCharacters()
        let decoder: LogFileDecoder
        if let reused = scratch.decoder {
            reused.reset(reader: reader)
            decoder = reused
        } else {
            decoder = LogFileDecoder(reader: reader)
            scratch.decoder = decoder
        }
        var result = FileResult(status: .done)
        batch.reset()
        let lines = batch.buffer
        let compactScratch = scratch.compact
        let siemScratch = scratch.siem
        var spillFailure: SpillError?
        let content: LogFileContent
        do {
            content = try decoder.forEachRecord { record in
                result.eventsRead += 1
                guard spillFailure == nil else { return }
                let event = Normalizer.normalize(record, context: context)
                guard filter.matches(event, bytes: record.bytes) else {
                    result.eventsFiltered += 1
                    return
                }
                let compact: UnsafeRawBufferPointer
                if record.isCompact {
                    compact = record.bytes
                } else {
                    compactScratch.removeAll()
                    JSONText.appendCompact(record.bytes, to: compactScratch)
                    // The pointer stays valid until the next record: nothing else appends to compactScratch.
                    compact = compactScratch.withUnsafeBytes { $0 }
                }
                let contentHash = FastHash.hash(compact, seed: 0)
                let key = dedupeKey(event, record.bytes, context)
                switch encoding {
                case .line(.flat, _): FlatEventEncoder.appendFlatLine(event, record: record, context: context, to: lines)
                case .line(.raw, _): FlatEventEncoder.appendRawLine(record: record, to: lines)
                case .line(.cef, let syslog):
                    CEFEncoder.appendLine(
                        event, record: record, context: context, syslog: syslog, scratch: siemScratch, to: lines)
                case .line(.leef, let syslog):
                    LEEFEncoder.appendLine(
                        event, record: record, context: context, syslog: syslog, scratch: siemScratch, to: lines)
                case .postgresRow:
                    // No usable eventID: a surrogate from the record's content keeps the primary key deterministic.
                    let surrogate = key == nil
                        ? EventRowEncoder.SurrogateID(high: contentHash, low: FastHash.hash(compact, seed: 1)) : nil
                    EventRowEncoder.appendRow(
                        event, record: record, context: context, file: rowColumns ?? EventRowEncoder.FileColumns(file: file),
                        surrogate: surrogate, to: lines,
                        replaced: &replaced)
                }
                result.records.append(
                    RecordEntry(
                        key: key, contentHash: contentHash, lineEnd: batch.totalBytes,
                        eventDay: Int32(TimeArgument.day(ofMillis: event.eventTimeMillis))))
                if lines.count >= spillThreshold {
                    do throws(SpillError) { try batch.spillBuffer(directory: spillDirectory) } catch {
                        spillFailure = error
                    }
                }
            }
        } catch {
            batch.reset()
            return FileResult(
                status: .dead(reason: error.description), compressedBytes: reader.compressedBytesRead,
                decompressedBytes: reader.decompressedBytesProduced)
        }
        result.lines = batch
        result.replaced = replaced
        result.compressedBytes = reader.compressedBytesRead
        result.decompressedBytes = reader.decompressedBytesProduced
        if let spillFailure {
            batch.reset()
            return FileResult(
                status: .dead(reason: spillFailure.description), compressedBytes: result.compressedBytes,
                decompressedBytes: result.decompressedBytes)
        }
        if case .notCloudTrail(let reason) = content {
            batch.reset()
            return FileResult(
                status: .skipped(reason: reason), compressedBytes: result.compressedBytes,
                decompressedBytes: result.decompressedBytes)
        }
        if case .postgresRow = encoding {
            // The loaded-files table identifies a file by key, size and content; hashing here keeps it off the
            // sequencer thread. The file was just read, so this second read comes from the page cache.
            switch FileDigest.sha256(path: file.absolutePath) {
            case .success(let digest): result.contentSHA256 = digest
            case .failure(let error):
                batch.reset()
                return FileResult(
                    status: .dead(reason: "cannot hash the file: \(error)"), compressedBytes: result.compressedBytes,
                    decompressedBytes: result.decompressedBytes)
            }
        }
        return result
    }

    /// `(eventID, recipientAccountId)` as a fixed-size key, or nil when the eventID is absent or not a GUID.
    /// A missing recipientAccountId falls back to the account folder of the file's key.
    private func dedupeKey(_ event: FlatEvent, _ bytes: UnsafeRawBufferPointer, _ context: FileContext) -> EventKey? {
        guard let id = event.eventID, id.kind == .string, !id.hasEscapes else { return nil }
        let idBytes = UnsafeRawBufferPointer(rebasing: bytes[id.range])
        guard EventKey.isGUID(idBytes) else { return nil }
        if let account = event.recipientAccountID, account.kind == .string, !account.hasEscapes {
            return EventKey(eventID: idBytes, account: UnsafeRawBufferPointer(rebasing: bytes[account.range]))
        }
        if let account = event.recipientAccountID {
            var decoded = JSONText.string(bytes, account)
            return decoded.withUTF8 { EventKey(eventID: idBytes, account: UnsafeRawBufferPointer($0)) }
        }
        var folder = context.file.accountID
        return folder.withUTF8 { EventKey(eventID: idBytes, account: UnsafeRawBufferPointer($0)) }
    }
}
