import Crypto
import Foundation

/// SHA-256 of files, as the state store records them (lowercase hex).
public enum ContentHash {
    /// The hex SHA-256 of the file at `path`, read in 1 MiB chunks; nil when it cannot be opened or read (e.g.
    /// when checking whether an output of a pending intent is in place).
    public static func sha256(path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        var hasher = SHA256()
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                hasher.update(data: chunk)
            }
        } catch {
            return nil
        }
        return hex(hasher.finalize())
    }

    /// The hex SHA-256 of `bytes`.
    public static func sha256(bytes: some Sequence<UInt8>) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(bytes))
        return hex(hasher.finalize())
    }

    private static func hex(_ digest: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text = String.UnicodeScalarView()
        for byte in digest {
            text.append(Unicode.Scalar(digits[Int(byte >> 4)]))
            text.append(Unicode.Scalar(digits[Int(byte & 0xF)]))
        }
        return String(text)
    }
}
