import Crypto
import TrailMillHex
import TrailMillPipeline

/// SHA-256 of files, as the state store records them (lowercase hex); the same digest `loaded_files` holds.
public enum ContentHash {
    /// The hex SHA-256 of the file at `path`; nil when it cannot be opened or read (e.g. when checking whether an
    /// output of a pending intent is in place).
    public static func sha256(path: String) -> String? {
        try? FileDigest.sha256(path: path).get()
    }

    /// The hex SHA-256 of `bytes`.
    public static func sha256(bytes: some Sequence<UInt8>) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(bytes))
        return Hex.encode(hasher.finalize())
    }
}
