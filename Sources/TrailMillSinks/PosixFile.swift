#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file descriptor opened for writing, with the few POSIX calls the sinks need; closed in `deinit`.
final class PosixFile {
    let path: String
    private var fd: Int32

    /// Creates `path` exclusively (it must not exist), mode 0644.
    init(creating path: String) throws(SinkError) {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if fd < 0 { throw PosixFile.error(path, "create") }
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Writes every byte, retrying short writes and EINTR.
    func write(_ bytes: UnsafeRawBufferPointer) throws(SinkError) {
        guard var pointer = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let written = Glibc.write(fd, pointer, remaining)
            if written < 0 {
                if errno == EINTR { continue }
                throw PosixFile.error(path, "write")
            }
            pointer += written
            remaining -= written
        }
    }

    /// Writes every byte of an array.
    func write(_ bytes: [UInt8]) throws(SinkError) {
        let failure: SinkError? = bytes.withUnsafeBytes { raw in
            do throws(SinkError) { try write(raw) } catch { return error }
            return nil
        }
        if let failure { throw failure }
    }

    /// Flushes data to stable storage and closes.
    func syncAndClose() throws(SinkError) {
        if fsync(fd) != 0 { throw PosixFile.error(path, "fsync") }
        let result = close(fd)
        fd = -1
        if result != 0 { throw PosixFile.error(path, "close") }
    }

    /// Renames a file and fsyncs the directory, so the new name survives a crash.
    ///
    /// Never replaces anything at `final` (a file that appeared there after the caller chose the name): the new name
    /// is a hard link, which fails with `EEXIST`, then the temporary name is removed. On file systems without hard
    /// links it falls back to checking, then `rename`.
    static func publish(from temporary: String, to final: String, directory: String) throws(SinkError) {
        if link(temporary, final) == 0 {
            unlink(temporary)
        } else {
            let code = errno
            guard code == EPERM || code == ENOTSUP || code == EOPNOTSUPP || code == ENOSYS else {
                throw error(final, "link")
            }
            if exists(final) {
                throw error(final, "rename", code: EEXIST)
            }
            if rename(temporary, final) != 0 { throw error(final, "rename") }
        }
        try syncDirectory(directory)
    }

    /// fsyncs a directory.
    static func syncDirectory(_ directory: String) throws(SinkError) {
        let dir = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dir < 0 { throw error(directory, "open directory") }
        defer { close(dir) }
        if fsync(dir) != 0 && errno != EINVAL { throw error(directory, "fsync directory") }
    }

    /// Whether something exists at `path`.
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// Creates a directory and its parents (mode 0755); existing directories are fine.
    static func makeDirectories(_ path: String) throws(SinkError) {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            current += "/" + component
            if mkdir(current, 0o755) != 0 {
                if errno != EEXIST { throw error(current, "mkdir") }
                // Something exists: it must be a directory (or a link to one), not a regular file.
                var info = stat()
                if stat(current, &info) != 0 { throw error(current, "stat") }
                if info.st_mode & S_IFMT != S_IFDIR { throw error(current, "mkdir", code: ENOTDIR) }
            }
        }
    }

    static func error(_ path: String, _ operation: String, code: Int32 = errno) -> SinkError {
        return SinkError(path: path, operation: operation, systemErrno: code, message: String(cString: strerror(code)))
    }
}
