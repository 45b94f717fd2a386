/// How a file's bytes were found to be encoded, by magic bytes (never by file name).
public enum ContentEncoding: String, Sendable, Hashable {
    /// Zero bytes.
    case empty
    /// Not gzip: read as is (for example plain JSON under a `.json.gz` name).
    case plain
    /// One or more concatenated gzip members.
    case gzip
    /// gzip whose decompressed content is itself gzip (an object compressed twice); both layers are removed.
    case doubleGzip
}

/// Streams the decompressed bytes of a file: gzip (every member, to the end), gzip inside gzip, or plain bytes.
///
/// The encoding is detected from the first bytes, so a plain JSON file named `.json.gz` reads as JSON.
/// Every gzip member's CRC-32 and ISIZE are checked. Reading more than `maxDecompressedBytes` fails with
/// `.sizeLimitExceeded`, which protects against gzip bombs. Memory is one input chunk plus zlib's window.
public final class DecompressingReader {
    /// The encoding found at open.
    public private(set) var encoding: ContentEncoding = .empty
    /// Compressed (on-disk) bytes consumed so far.
    public private(set) var compressedBytesRead: Int = 0
    /// Decompressed bytes returned so far.
    public private(set) var decompressedBytesProduced: Int = 0

    /// Opens `path` and sniffs its encoding.
    /// - Parameters:
    ///   - maxDecompressedBytes: the most decompressed bytes `read` will return before failing.
    ///   - chunkSize: bytes read from disk at a time.
    public init(path: String, maxDecompressedBytes: Int = 2 << 30, chunkSize: Int = 256 * 1024) throws(CompressionError) {
        fatalError("unimplemented")
    }

    /// Reads from bytes in memory instead of a file (tests, small documents).
    public init(bytes: [UInt8], maxDecompressedBytes: Int = 2 << 30) throws(CompressionError) {
        fatalError("unimplemented")
    }

    /// Fills `destination` with up to `destination.count` decompressed bytes and returns how many were written;
    /// returns 0 only at the end of the data.
    /// - Warning: `destination` is written during the call only; it is not retained.
    public func read(into destination: UnsafeMutableRawBufferPointer) throws(CompressionError) -> Int {
        fatalError("unimplemented")
    }
}

@available(*, unavailable)
extension DecompressingReader: Sendable {}
