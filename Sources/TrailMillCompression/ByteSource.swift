#if canImport(Glibc)
import Glibc

private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    Glibc.read(fd, buffer, count)
}
#elseif canImport(Musl)
import Musl

private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    Musl.read(fd, buffer, count)
}
#elseif canImport(Darwin)
import Darwin

private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    Darwin.read(fd, buffer, count)
}
#endif

/// Where a reader's raw (possibly compressed) bytes come from: an open file or an array in memory.
///
/// A file is closed as soon as its end is reached (batch jobs open many files) or when the source is released.
final class ByteSource {
    private enum Backing {
        case file(Int32)
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
        var fd: Int32
        repeat {
            fd = open(path, O_RDONLY | O_CLOEXEC)
        } while fd < 0 && errno == EINTR
        guard fd >= 0 else {
            let code = errno
            throw CompressionError(
                code: .ioFailure, message: "cannot open: \(Self.describe(errno: code))", path: path, systemErrno: code)
        }
        backing = .file(fd)
    }

    /// Reads from bytes in memory.
    init(bytes: [UInt8]) {
        path = nil
        backing = bytes.isEmpty ? .finished : .memory(bytes)
    }

    deinit {
        if case .file(let fd) = backing { _ = close(fd) }
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
        case .file(let fd):
            // Linux transfers at most 0x7ffff000 bytes per read.
            let request = min(buffer.count, 1 << 30)
            var result: Int
            repeat {
                result = systemRead(fd, base, request)
            } while result < 0 && errno == EINTR
            if result < 0 {
                let code = errno
                throw CompressionError(
                    code: .ioFailure, message: "read failed: \(Self.describe(errno: code))", path: path,
                    compressedOffset: bytesRead, systemErrno: code)
            }
            if result == 0 {
                _ = close(fd)
                backing = .finished
            }
            bytesRead += result
            return result
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

    private static func describe(errno code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return "\(String(cString: text)) (errno \(code))"
    }
}
