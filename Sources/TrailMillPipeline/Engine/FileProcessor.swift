#if canImport(Glibc)
import Glibc
#endif
import TrailMillArchive
import TrailMillCompression
import TrailMillDecoding
import TrailMillDedupe
import TrailMillNormalize
import TrailMillPOSIX

/// Decodes, normalizes and filters one file once, and encodes its records once per encoding its sinks need: the
/// work a decode worker does.
///
/// A file is all-or-nothing: its lines are kept in the result and only handed on when the whole file decoded.
struct FileProcessor: Sendable {
    let source: any ArchiveSource
    /// The run's distinct encodings; a file's result has one line batch per slot its sinks want.
    let encodings: [any EventEncoding]
    let filter: EventFilter
    let maxDecompressedBytes: Int
    /// A file's lines beyond this many bytes (per encoding) move to a temporary file in `spillDirectory`.
    let spillThreshold: Int
    let spillDirectory: String
    /// Compute each file's SHA-256 (the identity `loaded_files` and job states record).
    let hashFiles: Bool

    /// Buffers and encoders one worker reuses for every file it decodes.
    final class Scratch {
        var decoder: LogFileDecoder?
        let compact = OutputBuffer()
        let encoders: [any EventEncoder]

        init(encodings: [any EventEncoding]) {
            encoders = encodings.map { $0.makeEncoder() }
        }
    }

    /// Processes `file`, encoding its lines into `batches` (one per slot: nil for slots no sink of this file wants;
    /// taken from the pool and handed back in the result only when the file is done).
    func process(_ file: TrailFile, batches: [LineBatch?], scratch: Scratch) -> DecodedFile {
        let reader: DecompressingReader
        do {
            reader = try source.open(file, maxDecompressedBytes: maxDecompressedBytes)
        } catch {
            if error.code == .ioFailure && error.systemErrno == ENOENT {
                return DecodedFile(status: .skipped(reason: "file vanished before it was read"))
            }
            return DecodedFile(status: .dead(reason: error.description))
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
        var result = DecodedFile(status: .done)
        let slots = batches.indices.filter { batches[$0] != nil }
        for slot in slots {
            batches[slot]?.reset()
            scratch.encoders[slot].beginFile(context)
        }
        let compactScratch = scratch.compact
        var spillFailure: SpillError?
        let content: LogFileContent
        do {
            content = try decoder.forEachRecord { record in
                result.eventsRead += 1
                guard spillFailure == nil else { return }
                let event = Normalizer.normalize(record, context: context)
                let kept: (facts: RecordFacts, key: EventKey?)? = record.withUnsafeBytes { bytes in
                    guard filter.matches(event, bytes: bytes) else { return nil }
                    let key = Self.dedupeKey(event, bytes, context)
                    // The content hashes are of the compact text, so a copy with other whitespace is a duplicate.
                    let hashes = Self.withCompactText(bytes, isCompact: record.isCompact, scratch: compactScratch) {
                        compact in
                        (FastHash.hash(compact, seed: 0), key == nil ? FastHash.hash(compact, seed: 1) : 0)
                    }
                    return (RecordFacts(contentHash: hashes.0, alternateHash: hashes.1, hasDedupeKey: key != nil), key)
                }
                guard let kept else {
                    result.eventsFiltered += 1
                    return
                }
                for slot in slots {
                    guard let batch = batches[slot] else { continue }
                    scratch.encoders[slot].append(
                        event, record: record, facts: kept.facts, context: context, to: batch.buffer)
                    batch.endLine()
                    if batch.buffer.count >= spillThreshold {
                        do throws(SpillError) { try batch.spillBuffer(directory: spillDirectory) } catch {
                            spillFailure = error
                        }
                    }
                }
                result.records.append(DedupeRecord(key: kept.key, contentHash: kept.facts.contentHash))
                result.eventDays.append(Int32(CivilDate.day(ofMillis: event.eventTimeMillis)))
            }
        } catch {
            return Self.failed(.dead(reason: error.description), reader: reader, batches: batches)
        }
        if let spillFailure { return Self.failed(.dead(reason: spillFailure.description), reader: reader, batches: batches) }
        if case .notCloudTrail(let reason) = content {
            return Self.failed(.skipped(reason: reason), reader: reader, batches: batches)
        }
        if reader.compressedBytesRead != file.size {
            // The listing saw another size: the file is still being written (or was replaced). Its events are not
            // taken now; the next run reads it whole.
            return Self.failed(
                .skipped(reason: Self.stillBeingWritten(listed: file.size, read: reader.compressedBytesRead)),
                reader: reader, batches: batches)
        }
        if hashFiles {
            switch source.sha256(file) {
            case .success(let digest): result.contentSHA256 = digest
            case .failure(let error):
                return Self.failed(.dead(reason: "cannot hash the file: \(error)"), reader: reader, batches: batches)
            }
        }
        if hashFiles, !file.absolutePath.isEmpty, let now = try? FileSystem.status(file.absolutePath), now.size != file.size {
            // Grown after it was decoded, before it was hashed: the hash would not be of what was read.
            return Self.failed(
                .skipped(reason: Self.stillBeingWritten(listed: file.size, read: now.size)), reader: reader, batches: batches)
        }
        result.lines = batches
        result.notes = batches.indices.map { batches[$0] == nil ? nil : scratch.encoders[$0].endFile() }
        result.compressedBytes = reader.compressedBytesRead
        result.decompressedBytes = reader.decompressedBytesProduced
        return result
    }

    /// The skip reason of a file whose size changed between the listing and the read.
    static func stillBeingWritten(listed: Int, read: Int) -> String {
        "still being written: \(listed) bytes when listed, \(read) when read; retried on the next run"
    }

    /// A result with no lines (the batches are left for the pool to reuse).
    private static func failed(_ status: FileStatus, reader: DecompressingReader, batches: [LineBatch?]) -> DecodedFile {
        for batch in batches { batch?.reset() }
        return DecodedFile(
            status: status, compressedBytes: reader.compressedBytesRead, decompressedBytes: reader.decompressedBytesProduced)
    }

    /// Calls `body` with the record's compact text: its own bytes when it is compact, else a compacted copy in
    /// `scratch` (valid only during the call).
    @inline(__always)
    private static func withCompactText<R>(
        _ bytes: UnsafeRawBufferPointer, isCompact: Bool, scratch: OutputBuffer, _ body: (UnsafeRawBufferPointer) -> R
    ) -> R {
        if isCompact { return body(bytes) }
        scratch.removeAll()
        JSONText.appendCompact(bytes, to: scratch)
        return scratch.withUnsafeBytes(body)
    }

    /// `(eventID, recipientAccountId)` as a fixed-size key, or nil when the eventID is absent or not a GUID.
    /// A missing recipientAccountId falls back to the account folder of the file's key.
    private static func dedupeKey(_ event: FlatEvent, _ bytes: UnsafeRawBufferPointer, _ context: FileContext) -> EventKey? {
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
