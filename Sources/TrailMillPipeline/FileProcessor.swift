#if canImport(Glibc)
import Glibc
#endif
import TrailMillArchive
import TrailMillCompression
import TrailMillDecoding
import TrailMillDedupe
import TrailMillNormalize
import TrailMillSIEM

/// Decodes, normalizes, filters and encodes one file: the work a Dispatch worker does.
///
/// A file is all-or-nothing: its lines are kept in the result and only handed on when the whole file decoded.
struct FileProcessor: Sendable {
    let format: OutputFormat
    let syslog: SyslogHeader
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
                let contentHash: UInt64
                if record.isCompact {
                    contentHash = FastHash.hash(record.bytes, seed: 0)
                } else {
                    compactScratch.removeAll()
                    JSONText.appendCompact(record.bytes, to: compactScratch)
                    contentHash = compactScratch.withUnsafeBytes { FastHash.hash($0, seed: 0) }
                }
                switch format {
                case .flat: FlatEventEncoder.appendFlatLine(event, record: record, context: context, to: lines)
                case .raw: FlatEventEncoder.appendRawLine(record: record, to: lines)
                case .cef:
                    CEFEncoder.appendLine(
                        event, record: record, context: context, syslog: syslog, scratch: siemScratch, to: lines)
                case .leef:
                    LEEFEncoder.appendLine(
                        event, record: record, context: context, syslog: syslog, scratch: siemScratch, to: lines)
                }
                result.records.append(
                    RecordEntry(
                        key: dedupeKey(event, record.bytes, context), contentHash: contentHash,
                        lineEnd: batch.totalBytes))
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
