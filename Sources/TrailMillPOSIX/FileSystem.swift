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

    /// What a path names, without following a final symbolic link.
    public enum Kind: Sendable, Hashable {
        /// Nothing is there.
        case missing
        /// A regular file.
        case regularFile
        /// A directory.
        case directory
        /// Anything else: a symbolic link, a FIFO, a device (`/dev/stdout`), a socket.
        case special
    }

    /// What `path` names (`lstat`): a symbolic link is `special`, whatever it points to.
    public static func kind(_ path: String) -> Kind {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .regularFile
        case S_IFDIR: return .directory
        default: return .special
        }
    }

    /// The names in the directory `path`, without `.` and `..`, in no particular order.
    public static func entries(in path: String) throws(SystemCallError) -> [String] {
        guard let handle = opendir(path) else { throw .last("opendir", path) }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) { tuple in
                tuple.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: tuple.pointee)) {
                    String(cString: $0)
                }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Writes `bytes` as the whole content of `path`. A regular file (or a new name) is replaced atomically: a
    /// temporary file beside it is written, fsynced and renamed over it. Anything else (a symbolic link,
    /// `/dev/stdout`, a FIFO) is never renamed over: it is opened and written in place, following the link.
    public static func writeWhole(_ bytes: [UInt8], to path: String) throws(SystemCallError) {
        switch kind(path) {
        case .directory:
            throw SystemCallError("write", path: path, errno: EISDIR)
        case .special:
            let file = try FileDescriptor.openForWritingInPlace(path)
            try file.write(bytes)
            try file.close()
        case .regularFile, .missing:
            let slash = path.utf8.lastIndex(of: UInt8(ascii: "/"))
            let directory = slash.map { String(path[..<$0]) } ?? "."
            let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
            let temporary = (directory.isEmpty ? "" : directory + "/") + ".\(name).tmp-\(getpid())"
            unlink(temporary)
            do throws(SystemCallError) {
                let file = try FileDescriptor.createExclusive(temporary)
                try file.write(bytes)
                try file.sync()
                try file.close()
                if rename(temporary, path) != 0 { throw SystemCallError.last("rename", path) }
            } catch {
                unlink(temporary)
                throw error
            }
        }
    }

    /// Throws unless ``writeWhole(_:to:)`` could write `path` now: an existing special file or regular file must be
    /// writable, a new or regular file's directory must exist and be writable. Nothing is created.
    public static func checkWritable(_ path: String) throws(SystemCallError) {
        let slash = path.utf8.lastIndex(of: UInt8(ascii: "/"))
        let directory = slash.map { String(path[..<$0]) } ?? "."
        switch kind(path) {
        case .directory:
            throw SystemCallError("write", path: path, errno: EISDIR)
        case .special:
            if access(path, W_OK) != 0 { throw .last("open for writing", path) }
        case .regularFile, .missing:
            let parent = directory.isEmpty ? "/" : directory
            var info = stat()
            guard stat(parent, &info) == 0 else { throw .last("stat", parent) }
            guard info.st_mode & S_IFMT == S_IFDIR else { throw SystemCallError("open", path: parent, errno: ENOTDIR) }
            if access(parent, W_OK) != 0 { throw .last("write into", parent) }
            if kind(path) == .regularFile && access(path, W_OK) != 0 { throw .last("open for writing", path) }
        }
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
