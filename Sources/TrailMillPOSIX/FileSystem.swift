#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Path-level POSIX calls: publishing without replacing, directory fsync, existence, directory creation, reading a
/// whole file.
public enum FileSystem {
    /// Gives `temporary` the name `final` without ever replacing a file at `final`: a hard link (which fails with
    /// `EEXIST` when the name is taken), then the temporary name is removed; where hard links are not supported,
    /// a check, then `rename`. The caller fsyncs the directory.
    public static func moveWithoutReplacing(_ temporary: String, to final: String) throws(SystemCallError) {
        if link(temporary, final) == 0 {
            unlink(temporary)
            return
        }
        let code = errno
        guard code == EPERM || code == ENOTSUP || code == EOPNOTSUPP || code == ENOSYS else {
            throw SystemCallError("link", path: final, errno: code)
        }
        if exists(final) { throw SystemCallError("rename", path: final, errno: EEXIST) }
        if rename(temporary, final) != 0 { throw .last("rename", final) }
    }

    /// fsyncs a directory, so renames and removals in it survive a crash.
    public static func syncDirectory(_ directory: String) throws(SystemCallError) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .last("open directory", directory) }
        defer { close(fd) }
        if fsync(fd) != 0 && errno != EINVAL { throw .last("fsync directory", directory) }
    }

    /// Whether anything exists at `path` (without following a final symbolic link).
    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// Removes the file at `path`; a missing file is fine.
    public static func removeFile(_ path: String) {
        unlink(path)
    }

    /// Creates a directory and its parents (mode 0755); existing directories are fine, anything else in the way
    /// is an error.
    public static func makeDirectories(_ path: String) throws(SystemCallError) {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            current += "/" + component
            if mkdir(current, 0o755) != 0 {
                if errno != EEXIST { throw .last("mkdir", current) }
                var info = stat()
                if stat(current, &info) != 0 { throw .last("stat", current) }
                if info.st_mode & S_IFMT != S_IFDIR { throw SystemCallError("mkdir", path: current, errno: ENOTDIR) }
            }
        }
    }

    /// What `stat` says of a path.
    public struct Status: Sendable, Hashable {
        /// Size in bytes.
        public var size: Int
        /// Whether it is a regular file.
        public var isRegularFile: Bool
    }

    /// `stat` of `path` (following symbolic links).
    public static func status(_ path: String) throws(SystemCallError) -> Status {
        var info = stat()
        guard stat(path, &info) == 0 else { throw .last("stat", path) }
        return Status(size: Int(info.st_size), isRegularFile: info.st_mode & S_IFMT == S_IFREG)
    }

    /// The whole content of the regular file at `path`.
    public static func readFile(_ path: String) throws(SystemCallError) -> [UInt8] {
        let status = try status(path)
        guard status.isRegularFile else { throw SystemCallError("read", path: path, errno: EISDIR) }
        let file = try FileDescriptor.openForReading(path)
        var bytes = [UInt8](repeating: 0, count: max(status.size, 0) + 1)
        var filled = 0
        while true {
            if filled == bytes.count { bytes.append(contentsOf: repeatElement(0, count: max(bytes.count, 4096))) }
            let count: Result<Int, SystemCallError> = bytes.withUnsafeMutableBytes { buffer in
                Result { () throws(SystemCallError) in
                    try file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
                }
            }
            let read = try count.get()
            if read == 0 { break }
            filled += read
        }
        bytes.removeLast(bytes.count - filled)
        return bytes
    }
}
