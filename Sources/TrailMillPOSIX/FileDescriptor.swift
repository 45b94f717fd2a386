#if canImport(Glibc)
import Glibc

private let systemRead = Glibc.read
private let systemWrite = Glibc.write
private let systemClose = Glibc.close
private func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { Glibc.open(path, flags, mode) }
#elseif canImport(Musl)
import Musl

private let systemRead = Musl.read
private let systemWrite = Musl.write
private let systemClose = Musl.close
private func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { Musl.open(path, flags, mode) }
#elseif canImport(Darwin)
import Darwin

private let systemRead = Darwin.read
private let systemWrite = Darwin.write
private let systemClose = Darwin.close
private func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { Darwin.open(path, flags, mode) }
#endif

/// An open file descriptor and the few POSIX calls TrailMill makes on files: the one place that owns raw file
/// descriptors (reading archives, writing outputs, spill files, lock files, hashing). Closed in `deinit` unless
/// closed before; EINTR is retried and short reads and writes are continued everywhere.
///
/// Not shareable between threads (one owner at a time).
public final class FileDescriptor {
    /// The path it was opened with (for messages).
    public let path: String
    private var fd: Int32

    private init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit { if fd >= 0 { _ = systemClose(fd) } }

    /// Opens `path` for reading.
    public static func openForReading(_ path: String) throws(SystemCallError) -> FileDescriptor {
        try open(path, flags: O_RDONLY | O_CLOEXEC, mode: 0)
    }

    /// Creates `path` for writing; it must not exist (mode 0644).
    public static func createExclusive(_ path: String) throws(SystemCallError) -> FileDescriptor {
        try open(path, flags: O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode: 0o644, operation: "create")
    }

    /// Opens an existing `path` for writing in place (following symbolic links), truncating a regular file: for
    /// special files such as `/dev/stdout` or a FIFO.
    public static func openForWritingInPlace(_ path: String) throws(SystemCallError) -> FileDescriptor {
        try open(path, flags: O_WRONLY | O_TRUNC | O_CLOEXEC, mode: 0)
    }

    /// Opens `path` for reading and writing, creating it when missing (mode 0644).
    public static func openOrCreate(_ path: String) throws(SystemCallError) -> FileDescriptor {
        try open(path, flags: O_RDWR | O_CREAT | O_CLOEXEC, mode: 0o644)
    }

    /// A new temporary file in `directory` whose name is removed at once: it disappears when closed, whatever
    /// happens to the process.
    public static func anonymousTemporary(in directory: String, prefix: String = ".trailmill-tmp") throws(SystemCallError) -> FileDescriptor {
        var template = Array((directory + "/\(prefix)-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw .last("create temporary file in", directory) }
        let name = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        unlink(name)
        return FileDescriptor(fd: fd, path: directory)
    }

    private static func open(
        _ path: String, flags: Int32, mode: mode_t, operation: String = "open"
    ) throws(SystemCallError) -> FileDescriptor {
        var fd: Int32
        repeat { fd = systemOpen(path, flags, mode) } while fd < 0 && errno == EINTR
        guard fd >= 0 else { throw .last(operation, path) }
        return FileDescriptor(fd: fd, path: path)
    }

    /// Whether the descriptor is still open.
    public var isOpen: Bool { fd >= 0 }

    /// Reads into the start of `buffer`; returns how many bytes, 0 only at the end of the file.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(SystemCallError) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        // Linux transfers at most 0x7ffff000 bytes per call.
        let request = min(buffer.count, 1 << 30)
        while true {
            let count = systemRead(fd, base, request)
            if count >= 0 { return count }
            if errno != EINTR { throw .last("read", path) }
        }
    }

    /// Reads until `buffer` is full or the file ends; returns how many bytes.
    public func readFully(into buffer: UnsafeMutableRawBufferPointer) throws(SystemCallError) -> Int {
        var filled = 0
        while filled < buffer.count {
            let count = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            if count == 0 { break }
            filled += count
        }
        return filled
    }

    /// Reads up to `buffer.count` bytes at `offset` (without moving the file position); returns how many.
    public func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws(SystemCallError) -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var total = 0
        while total < buffer.count {
            let count = pread(fd, base + total, buffer.count - total, off_t(offset + total))
            if count < 0 {
                if errno == EINTR { continue }
                throw .last("read", path)
            }
            if count == 0 { break }
            total += count
        }
        return total
    }

    /// Calls `body` with consecutive chunks of the rest of the file, in a buffer of `chunkSize` bytes.
    public func forEachChunk(
        chunkSize: Int = 1 << 20, _ body: (UnsafeRawBufferPointer) -> Void
    ) throws(SystemCallError) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = try read(into: buffer)
            if count == 0 { return }
            body(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
    }

    /// Writes every byte, continuing short writes.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(SystemCallError) {
        guard var pointer = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let written = systemWrite(fd, pointer, remaining)
            if written < 0 {
                if errno == EINTR { continue }
                throw .last("write", path)
            }
            pointer += written
            remaining -= written
        }
    }

    /// Writes every byte of an array.
    public func write(_ bytes: [UInt8]) throws(SystemCallError) {
        let failure: SystemCallError? = bytes.withUnsafeBytes { raw in
            do throws(SystemCallError) { try write(raw) } catch { return error }
            return nil
        }
        if let failure { throw failure }
    }

    /// Writes `bytes` at `offset` (the lock file's pid).
    public func write(_ bytes: [UInt8], at offset: Int) throws(SystemCallError) {
        let written = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(offset)) }
        if written != bytes.count { throw .last("write", path) }
    }

    /// Cuts the file to `size` bytes.
    public func truncate(to size: Int) throws(SystemCallError) {
        if ftruncate(fd, off_t(size)) != 0 { throw .last("truncate", path) }
    }

    /// Flushes the file's data to stable storage.
    public func sync() throws(SystemCallError) {
        if fsync(fd) != 0 { throw .last("fsync", path) }
    }

    /// Takes an exclusive `flock` without waiting: false when another open file description holds it.
    public func tryLockExclusive() throws(SystemCallError) -> Bool {
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            if errno == EWOULDBLOCK { return false }
            throw .last("lock", path)
        }
        return true
    }

    /// Closes; calling it twice is harmless.
    public func close() throws(SystemCallError) {
        guard fd >= 0 else { return }
        let result = systemClose(fd)
        fd = -1
        if result != 0 { throw .last("close", path) }
    }
}

@available(*, unavailable)
extension FileDescriptor: Sendable {}
