import Crypto
import TrailMillHex
#if canImport(Glibc)
import Glibc
#endif

/// SHA-256 of a file as stored, lowercase hex: the content identity of `loaded_files` and of a job's state.
public enum FileDigest {
    /// Reads `path` in 1 MiB chunks; returns lowercase hex, or the failing call and errno.
    public static func sha256(path: String) -> Result<String, FileDigestError> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(FileDigestError(operation: "open", errno: errno)) }
        defer { close(fd) }
        var hasher = SHA256()
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(FileDigestError(operation: "read", errno: errno))
            }
            if count == 0 { break }
            chunk.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        }
        return .success(Hex.encode(hasher.finalize()))
    }
}

/// A failed read while hashing a file.
public struct FileDigestError: Error, CustomStringConvertible {
    /// The failing call.
    public var operation: String
    /// Its errno.
    public var errno: Int32
    public var description: String { "\(operation): \(String(cString: strerror(errno)))" }
}
