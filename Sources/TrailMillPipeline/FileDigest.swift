import Crypto
import TrailMillHex
public import TrailMillPOSIX

/// SHA-256 of a file as stored, lowercase hex: the content identity of `loaded_files` and of a job's state.
public enum FileDigest {
    /// Reads `path` in 1 MiB chunks; returns lowercase hex, or the failing call.
    public static func sha256(path: String) -> Result<String, SystemCallError> {
        var hasher = SHA256()
        do {
            try FileDescriptor.openForReading(path).forEachChunk { hasher.update(bufferPointer: $0) }
        } catch {
            return .failure(error)
        }
        return .success(Hex.encode(hasher.finalize()))
    }
}
