import Foundation
import Testing
import TrailMillCompression
import TrailMillTestSupport

/// Deterministic pseudo-random bytes (SplitMix64), so failures reproduce.
func randomBytes(_ count: Int, seed: UInt64 = 0x5EED) -> [UInt8] {
    var state = seed
    var bytes: [UInt8] = []
    bytes.reserveCapacity(count)
    while bytes.count < count {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        withUnsafeBytes(of: z) { bytes.append(contentsOf: $0.prefix(count - bytes.count)) }
    }
    return bytes
}

/// CloudTrail-like JSON text of exactly `count` bytes.
func textBytes(_ count: Int) -> [UInt8] {
    var text: [UInt8] = []
    text.reserveCapacity(count + 256)
    var index = 0
    while text.count < count {
        let line =
            #"{"eventVersion":"1.08","eventTime":"2024-05-0\#(index % 9 + 1)T12:\#(index % 60):00Z","#
            + #""eventSource":"s3.amazonaws.com","eventName":"GetObject","eventID":"\#(index)-\#(index &* 7919)"}"#
            + "\n"
        text.append(contentsOf: line.utf8)
        index += 1
    }
    return Array(text.prefix(count))
}

/// Reads everything with a destination buffer of `bufferSize` bytes.
func readAll(_ reader: DecompressingReader, bufferSize: Int = 64 * 1024) throws(CompressionError) -> [UInt8] {
    var output: [UInt8] = []
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 1)
    defer { buffer.deallocate() }
    while true {
        let count = try reader.read(into: buffer)
        if count == 0 { return output }
        output.append(contentsOf: buffer.prefix(count))
    }
}

/// Opens `path` and reads it fully.
func decompressFile(
    _ path: String, maxDecompressedBytes: Int = 2 << 30, chunkSize: Int = 256 * 1024, bufferSize: Int = 64 * 1024
) throws(CompressionError) -> (bytes: [UInt8], encoding: ContentEncoding) {
    let reader = try DecompressingReader(path: path, maxDecompressedBytes: maxDecompressedBytes, chunkSize: chunkSize)
    let bytes = try readAll(reader, bufferSize: bufferSize)
    return (bytes, reader.encoding)
}

/// The `CompressionError` thrown by `body`, or nil when it succeeds (any other error is a test failure).
func compressionError(
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) -> CompressionError? {
    do {
        try body()
        return nil
    } catch let error as CompressionError {
        return error
    } catch {
        Issue.record("expected a CompressionError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// Runs `body` with a fresh temporary directory, removed afterwards.
func withTemporaryDirectory(_ body: (TemporaryDirectory) throws -> Void) throws {
    let directory = try TemporaryDirectory("trailmill-compression")
    defer { directory.remove() }
    try body(directory)
}

/// Offsets inside one gzip member made by `Gzip.compress` (10-byte header, no optional fields).
enum GzipLayout {
    static let headerSize = 10
    static let trailerSize = 8
}
