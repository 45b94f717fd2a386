/// Streaming gzip compression (one gzip member) over zlib's deflate.
public final class GzipCompressor {
    /// Creates a compressor.
    /// - Parameter level: zlib level 0...9; 1 is fast, 6 is zlib's default.
    public init(level: Int32 = 6) throws(CompressionError) {
        fatalError("unimplemented")
    }

    /// Compresses `input` and appends any compressed output to `output`.
    public func compress(_ input: UnsafeRawBufferPointer, appendingTo output: inout [UInt8]) throws(CompressionError) {
        fatalError("unimplemented")
    }

    /// Ends the gzip member (writes the trailer) and appends the remaining output. The compressor is unusable after.
    public func finish(appendingTo output: inout [UInt8]) throws(CompressionError) {
        fatalError("unimplemented")
    }
}

@available(*, unavailable)
extension GzipCompressor: Sendable {}

/// One-shot helpers for small buffers.
public enum Gzip {
    /// Compresses `bytes` into one gzip member.
    public static func compress(_ bytes: [UInt8], level: Int32 = 6) throws(CompressionError) -> [UInt8] {
        fatalError("unimplemented")
    }

    /// Decompresses all members of `bytes` (plain bytes are returned as they are).
    public static func decompress(_ bytes: [UInt8], maxDecompressedBytes: Int = 2 << 30) throws(CompressionError) -> [UInt8] {
        fatalError("unimplemented")
    }
}
