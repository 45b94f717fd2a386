import TrailMillPOSIX

/// Where a reader's raw (possibly compressed) bytes come from: an open file or an array in memory.
///
/// A file is closed as soon as its end is reached (batch jobs open many files) or when the source is released.
final class ByteSource {
    private enum Backing {
        case file(FileDescriptor)
        case memory([UInt8])
        case finished
    }

    private var backing: Backing
    private var memoryOffset = 0
    /// The file path, for error messages.
    let path: String?
    /// Bytes delivered by `read` so far.
    private(set) var bytesRead = 0

    /// Opens `path` for reading.
    init(path: String) throws(CompressionError) {
        self.path = path
        do { backing = .file(try FileDescriptor.openForReading(path)) } catch {
            throw CompressionError(
                code: .ioFailure, message: "cannot open: \(error.reason) (errno \(error.errno))", path: path,
                systemErrno: error.errno)
        }
    }

    /// Reads from bytes in memory.
    init(bytes: [UInt8]) {
        path = nil
        backing = bytes.isEmpty ? .finished : .memory(bytes)
    }

    /// Fills the start of `buffer` with the next bytes; returns how many, 0 only at the end of the source.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(CompressionError) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        switch backing {
        case .finished:
            return 0
        case .memory(let bytes):
            let count = min(buffer.count, bytes.count - memoryOffset)
            bytes.withUnsafeBytes { all in
                guard let source = all.baseAddress else { return }
                base.copyMemory(from: source + memoryOffset, byteCount: count)
            }
            memoryOffset += count
            bytesRead += count
            if memoryOffset == bytes.count { backing = .finished }
            return count
        case .file(let file):
            let count: Int
            do { count = try file.read(into: buffer) } catch {
                throw CompressionError(
                    code: .ioFailure, message: "read failed: \(error.reason) (errno \(error.errno))", path: path,
                    compressedOffset: bytesRead, systemErrno: error.errno)
            }
            if count == 0 {
                try? file.close()
                backing = .finished
            }
            bytesRead += count
            return count
        }
    }

    /// Fills `buffer` completely unless the source ends first; returns how many bytes were written.
    func readFully(into buffer: UnsafeMutableRawBufferPointer) throws(CompressionError) -> Int {
        var filled = 0
        while filled < buffer.count {
            let count = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            if count == 0 { break }
            filled += count
        }
        return filled
    }
}
