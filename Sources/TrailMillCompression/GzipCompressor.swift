import CZlib

/// Streaming gzip compression (one gzip member) over zlib's deflate.
public final class GzipCompressor {
    private let stream: UnsafeMutablePointer<z_stream>
    /// Deflate writes here; each filled part is appended to the caller's array.
    private let scratch: UnsafeMutableRawBufferPointer
    private var finished = false

    /// Creates a compressor.
    /// - Parameter level: zlib level 0...9; 1 is fast, 6 is zlib's default.
    public init(level: Int32 = 6) throws(CompressionError) {
        guard (0...9).contains(level) else {
            throw CompressionError(code: .zlibFailure, message: "compression level \(level) is not in 0...9")
        }
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = CZlib_deflateInit2(stream, level, 15 + 16, 8)
        guard status == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw CompressionError(code: .zlibFailure, message: "deflateInit2 failed (\(zlibStatusName(status)))")
        }
        self.stream = stream
        scratch = .allocate(byteCount: 128 * 1024, alignment: 16)
    }

    deinit {
        deflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
        scratch.deallocate()
    }

    /// Compresses `input` and appends any compressed output to `output`.
    public func compress(_ input: UnsafeRawBufferPointer, appendingTo output: inout [UInt8]) throws(CompressionError) {
        guard !finished else {
            throw CompressionError(code: .zlibFailure, message: "compress called after finish")
        }
        guard let base = input.baseAddress, input.count > 0 else { return }
        var offset = 0
        while offset < input.count {
            let slice = min(input.count - offset, Int(uInt.max))
            stream.pointee.next_in = UnsafeMutablePointer(mutating: (base + offset).assumingMemoryBound(to: Bytef.self))
            stream.pointee.avail_in = uInt(slice)
            defer {
                stream.pointee.next_in = nil
                stream.pointee.avail_in = 0
            }
            // With Z_NO_FLUSH deflate stops when the input is used up or the output buffer is full.
            var outputWasFull: Bool
            repeat {
                outputWasFull = try deflateStep(flush: Z_NO_FLUSH, appendingTo: &output).outputWasFull
            } while stream.pointee.avail_in > 0 || outputWasFull
            offset += slice
        }
    }

    /// Ends the gzip member (writes the trailer) and appends the remaining output. The compressor is unusable after.
    public func finish(appendingTo output: inout [UInt8]) throws(CompressionError) {
        guard !finished else {
            throw CompressionError(code: .zlibFailure, message: "finish called twice")
        }
        finished = true
        stream.pointee.next_in = nil
        stream.pointee.avail_in = 0
        while true {
            let status = try deflateStep(flush: Z_FINISH, appendingTo: &output).status
            if status == Z_STREAM_END { return }
            // With an empty output buffer, Z_FINISH always makes progress; no progress would loop forever.
            if status == Z_BUF_ERROR {
                throw CompressionError(code: .zlibFailure, message: "deflate made no progress while finishing")
            }
        }
    }

    /// One deflate call into the scratch buffer; appends what it produced.
    private func deflateStep(
        flush: Int32, appendingTo output: inout [UInt8]
    ) throws(CompressionError) -> (status: Int32, outputWasFull: Bool) {
        guard let out = scratch.baseAddress else {
            throw CompressionError(code: .zlibFailure, message: "no output buffer")
        }
        stream.pointee.next_out = out.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(scratch.count)
        let status = deflate(stream, flush)
        let produced = scratch.count - Int(stream.pointee.avail_out)
        stream.pointee.next_out = nil
        stream.pointee.avail_out = 0
        if produced > 0 {
            output.append(contentsOf: UnsafeRawBufferPointer(start: out, count: produced))
        }
        switch status {
        case Z_OK, Z_STREAM_END, Z_BUF_ERROR:
            // Z_BUF_ERROR means no progress was possible, which is not an error for deflate.
            return (status, produced == scratch.count)
        default:
            finished = true
            let message = stream.pointee.msg.map { String(cString: $0) } ?? zlibStatusName(status)
            throw CompressionError(code: .zlibFailure, message: "deflate failed: \(message)")
        }
    }
}

@available(*, unavailable)
extension GzipCompressor: Sendable {}

/// One-shot helpers for small buffers.
public enum Gzip {
    /// The version of the zlib linked in (`trailmill --version`).
    public static var zlibVersion: String { String(cString: CZlib.zlibVersion()) }

    /// Compresses `bytes` into one gzip member.
    public static func compress(_ bytes: [UInt8], level: Int32 = 6) throws(CompressionError) -> [UInt8] {
        let compressor = try GzipCompressor(level: level)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count / 2 + 64)
        try bytes.withBytes { (buffer) throws(CompressionError) in
            try compressor.compress(buffer, appendingTo: &output)
        }
        try compressor.finish(appendingTo: &output)
        return output
    }

    /// Decompresses all members of `bytes` (plain bytes are returned as they are).
    public static func decompress(_ bytes: [UInt8], maxDecompressedBytes: Int = 2 << 30) throws(CompressionError) -> [UInt8] {
        let reader = try DecompressingReader(bytes: bytes, maxDecompressedBytes: maxDecompressedBytes)
        // Decompress straight into the result, growing it geometrically.
        var output = [UInt8](repeating: 0, count: max(min(bytes.count, 16 << 20) * 4, 4096))
        var filled = 0
        while true {
            if filled == output.count {
                output.append(contentsOf: repeatElement(0, count: output.count))
            }
            let count = try output.withMutableBytes { (buffer) throws(CompressionError) -> Int in
                try reader.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            }
            if count == 0 { break }
            filled += count
        }
        output.removeLast(output.count - filled)
        return output
    }
}
