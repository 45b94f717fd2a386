import Crypto
#if canImport(Glibc)
import Glibc
#endif

/// The SHA-256 of a file as stored, for the loaded-files table.
enum FileDigest {
    /// Reads `path` in 1 MiB chunks; returns lowercase hex, or the failing call and errno.
    static func sha256(path: String) -> Result<String, FileDigestError> {
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
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var text = ""
        text.reserveCapacity(64)
        for byte in hasher.finalize() {
            text.unicodeScalars.append(Unicode.Scalar(hex[Int(byte >> 4)]))
            text.unicodeScalars.append(Unicode.Scalar(hex[Int(byte & 0xF)]))
        }
        return .success(text)
    }
}

/// A failed read while hashing a file.
struct FileDigestError: Error, CustomStringConvertible {
    var operation: String
    var errno: Int32
    var description: String { "\(operation): \(String(cString: strerror(errno)))" }
}
