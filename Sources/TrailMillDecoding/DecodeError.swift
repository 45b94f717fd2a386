public import TrailMillCompression

/// Why a log file could not be decoded, with the byte offset (in the decompressed stream) and record.
public struct DecodeError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case invalidJSON, truncatedJSON, trailingData, recordNotObject, depthLimit, recordTooLarge, compression
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The bytes are not valid RFC 8259 JSON.
        public static let invalidJSON = Code(.invalidJSON)
        /// The JSON text ends early (for example a `Records` array cut short).
        public static let truncatedJSON = Code(.truncatedJSON)
        /// Bytes other than whitespace follow the top-level value.
        public static let trailingData = Code(.trailingData)
        /// An element of `Records` is not a JSON object.
        public static let recordNotObject = Code(.recordNotObject)
        /// Nesting deeper than the configured limit.
        public static let depthLimit = Code(.depthLimit)
        /// One record is larger than the configured limit.
        public static let recordTooLarge = Code(.recordTooLarge)
        /// Decompression failed (see `compressionError`).
        public static let compression = Code(.compression)

        public var description: String {
            switch value {
            case .invalidJSON: "invalid-json"
            case .truncatedJSON: "truncated-json"
            case .trailingData: "trailing-data"
            case .recordNotObject: "record-not-object"
            case .depthLimit: "depth-limit"
            case .recordTooLarge: "record-too-large"
            case .compression: "compression"
            }
        }
    }

    /// What kind of failure this is.
    public var code: Code
    /// A human-readable explanation.
    public var message: String
    /// Offset in the decompressed stream where the problem was found.
    public var byteOffset: Int
    /// Index in `Records` of the record being read, when inside the array.
    public var recordIndex: Int?
    /// The underlying decompression error for `.compression`.
    public var compressionError: CompressionError?

    /// Creates a value.
    public init(
        code: Code, message: String, byteOffset: Int, recordIndex: Int? = nil,
        compressionError: CompressionError? = nil
    ) {
        self.code = code
        self.message = message
        self.byteOffset = byteOffset
        self.recordIndex = recordIndex
        self.compressionError = compressionError
    }

    /// `<code>: <message> at byte N[, record K]`; the caller names the file.
    public var description: String {
        if let compressionError { return compressionError.description }
        var text = "\(code): \(message) at byte \(byteOffset)"
        if let recordIndex { text += " (record \(recordIndex))" }
        return text
    }
}
