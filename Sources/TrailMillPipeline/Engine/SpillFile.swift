#if canImport(Glibc)
import Glibc
#endif

/// A failure writing or reading back spilled lines.
struct SpillError: Error, Sendable, CustomStringConvertible {
    var message: String
    var description: String { message }

    static func system(_ operation: String, _ path: String) -> SpillError {
        SpillError(message: "cannot \(operation) spill file in \(path): \(String(cString: strerror(errno)))")
    }
}

/// An anonymous temporary file (created, then unlinked at once) that holds a file's encoded lines once they
/// outgrow memory. It disappears when closed, whatever happens to the process.
final class SpillFile {
    private var fd: Int32
    private let directory: String
    /// Bytes written.
    private(set) var size = 0

    init(directory: String) throws(SpillError) {
        self.directory = directory
        var template = Array((directory + "/.trailmill-spill-XXXXXX").utf8CString)
        fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if fd < 0 { throw .system("create", directory) }
        let path = String(cString: template.withUnsafeBufferPointer { $0.baseAddress! })
        unlink(path)
    }

    deinit { close(fd) }

    /// Appends bytes.
    func append(_ bytes: UnsafeRawBufferPointer) throws(SpillError) {
        var offset = 0
        while offset < bytes.count {
            let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw .system("write", directory)
            }
            offset += n
        }
        size += bytes.count
    }

    /// Reads up to `destination.count` bytes at `offset`; returns how many were read.
    func read(at offset: Int, into destination: UnsafeMutableRawBufferPointer) throws(SpillError) -> Int {
        var total = 0
        while total < destination.count {
            let n = pread(fd, destination.baseAddress! + total, destination.count - total, off_t(offset + total))
            if n < 0 {
                if errno == EINTR { continue }
                throw .system("read", directory)
            }
            if n == 0 { break }
            total += n
        }
        return total
    }
}

@available(*, unavailable)
extension SpillFile: Sendable {}
