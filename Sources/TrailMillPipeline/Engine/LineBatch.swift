import TrailMillDecoding

/// One encoding's lines for one file, moved from a decode worker to the sequencer and then back to the pool for
/// reuse, so the hot path neither copies them nor faults in fresh memory for every file.
///
/// A file's lines are held until the whole file has decoded (all-or-nothing). Past the spill threshold they move to
/// an anonymous temporary file, so memory stays bounded even for a multi-gigabyte data-event file.
///
/// `@unchecked Sendable`: a batch is owned by exactly one thread at a time; ownership passes only through
/// `WorkerPool`'s mutex-protected result table and batch pool.
final class LineBatch: @unchecked Sendable {
    let buffer = OutputBuffer(capacity: 1 << 20)
    /// Where each line ends (in bytes of all lines, spilled and in memory): line `k` is `ends[k-1]..<ends[k]`.
    private(set) var ends: [Int] = []
    /// Lines moved to disk; they come before `buffer`'s lines.
    private(set) var spill: SpillFile?

    /// Bytes of lines so far (spilled and in memory): where the next line starts.
    var totalBytes: Int { (spill?.size ?? 0) + buffer.count }

    /// Lines so far.
    var count: Int { ends.count }

    /// Forgets all lines (closing and so deleting any spill file).
    func reset() {
        buffer.removeAll()
        ends.removeAll(keepingCapacity: true)
        spill = nil
    }

    /// Marks the end of the line just appended to `buffer`.
    @inline(__always)
    func endLine() { ends.append(totalBytes) }

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

    /// Calls `body` with each line whose number `wanted` accepts, in order: spilled lines are read back in
    /// chunks, then the rest come from memory. `body` may throw to stop early; its error is rethrown.
    func forEachLine<E: Error>(
        where wanted: (Int) -> Bool, _ body: (Int, UnsafeRawBufferPointer) throws(E) -> Void
    ) throws(LineBatchError<E>) {
        var lineStart = 0
        var k = 0
        if let spill {
            var chunk = [UInt8](repeating: 0, count: 4 << 20)
            var chunkStart = 0
            var chunkCount = 0
            while k < ends.count && ends[k] <= spill.size {
                let lineEnd = ends[k]
                defer {
                    lineStart = lineEnd
                    k += 1
                }
                guard wanted(k) else { continue }
                if lineEnd > chunkStart + chunkCount || lineStart < chunkStart {
                    if lineEnd - lineStart > chunk.count { chunk = [UInt8](repeating: 0, count: lineEnd - lineStart) }
                    let want = min(chunk.count, spill.size - lineStart)
                    let start = lineStart
                    let outcome: Result<Int, SpillError> = chunk.withUnsafeMutableBytes { destination in
                        Result { () throws(SpillError) in
                            try spill.read(at: start, into: UnsafeMutableRawBufferPointer(rebasing: destination[0..<want]))
                        }
                    }
                    let read: Int
                    do { read = try outcome.get() } catch { throw .spill(error) }
                    guard read >= lineEnd - lineStart else {
                        throw .spill(SpillError(message: "spill file ended early at byte \(lineStart + read)"))
                    }
                    chunkStart = lineStart
                    chunkCount = read
                }
                let from = lineStart - chunkStart
                let to = lineEnd - chunkStart
                let failure: E? = chunk.withUnsafeBytes { bytes in
                    do throws(E) { try body(k, UnsafeRawBufferPointer(rebasing: bytes[from..<to])) } catch {
                        return error
                    }
                    return nil
                }
                if let failure { throw .body(failure) }
            }
        }
        let memoryBase = spill?.size ?? 0
        let failure: E? = buffer.withUnsafeBytes { bytes in
            while k < ends.count {
                let lineEnd = ends[k]
                defer {
                    lineStart = lineEnd
                    k += 1
                }
                guard wanted(k) else { continue }
                do throws(E) {
                    try body(k, UnsafeRawBufferPointer(rebasing: bytes[(lineStart - memoryBase)..<(lineEnd - memoryBase)]))
                } catch {
                    return error
                }
            }
            return nil
        }
        if let failure { throw .body(failure) }
    }
}

/// Why ``LineBatch/forEachLine(where:_:)`` stopped early.
enum LineBatchError<Body: Error>: Error {
    /// Reading spilled lines back failed.
    case spill(SpillError)
    /// The caller's body threw.
    case body(Body)
}
