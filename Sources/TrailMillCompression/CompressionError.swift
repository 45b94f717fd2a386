/// A failure to decompress or compress data, with where it happened.
///
/// `code` is a struct over a private enum, so new codes never break callers.
public struct CompressionError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case ioFailure, corruptData, truncated, badTrailer, sizeLimitExceeded, zlibFailure
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// Reading or writing the file failed (see `systemErrno`).
        public static let ioFailure = Code(.ioFailure)
        /// The deflate stream or gzip header is invalid.
        public static let corruptData = Code(.corruptData)
        /// The input ended before the gzip member did.
        public static let truncated = Code(.truncated)
        /// A gzip member's CRC-32 or ISIZE trailer does not match its content.
        public static let badTrailer = Code(.badTrailer)
        /// The decompressed size passed the configured limit (a gzip bomb guard).
        public static let sizeLimitExceeded = Code(.sizeLimitExceeded)
        /// zlib refused an operation (out of memory, bad parameters).
        public static let zlibFailure = Code(.zlibFailure)

        public var description: String {
            switch value {
            case .ioFailure: "io-failure"
            case .corruptData: "corrupt-gzip"
            case .truncated: "truncated-gzip"
            case .badTrailer: "bad-gzip-trailer"
            case .sizeLimitExceeded: "size-limit"
            case .zlibFailure: "zlib-failure"
            }
        }
    }

    /// What kind of failure this is.
    public var code: Code
    /// A human-readable explanation.
    public var message: String
    /// The file being read or written, when there is one.
    public var path: String?
    /// Offset in the compressed input where the failure was detected.
    public var compressedOffset: Int
    /// Decompressed bytes produced before the failure.
    public var decompressedOffset: Int
    /// `errno` for `ioFailure`.
    public var systemErrno: Int32?

    /// Creates an error.
    public init(
        code: Code, message: String, path: String? = nil, compressedOffset: Int = 0, decompressedOffset: Int = 0,
        systemErrno: Int32? = nil
    ) {
        self.code = code
        self.message = message
        self.path = path
        self.compressedOffset = compressedOffset
        self.decompressedOffset = decompressedOffset
        self.systemErrno = systemErrno
    }

    /// `<code>: <message> (compressed offset N, decompressed offset M)`; the caller names the file.
    public var description: String {
        "\(code): \(message) (compressed offset \(compressedOffset), decompressed offset \(decompressedOffset))"
    }
}
