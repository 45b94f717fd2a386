import Foundation
import Testing
import TrailMillCompression
import TrailMillTestSupport

@Suite("Round trips")
struct RoundTripTests {
    static let sizes = [0, 1, 1_000_000]

    @Test("random and text data round trip in memory", arguments: sizes)
    func inMemory(size: Int) throws {
        for original in [randomBytes(size), textBytes(size)] {
            let compressed = try Gzip.compress(original)
            #expect(compressed.starts(with: [0x1f, 0x8b]))
            #expect(try Gzip.decompress(compressed) == original)
        }
    }

    @Test("round trip through a file on disk", arguments: sizes)
    func throughFile(size: Int) throws {
        try withTemporaryDirectory { directory in
            for (name, original) in [("random", randomBytes(size, seed: 7)), ("text", textBytes(size))] {
                let compressed = try Gzip.compress(original)
                let path = try directory.write("\(name)-\(size).json.gz", bytes: compressed)
                let reader = try DecompressingReader(path: path)
                #expect(reader.encoding == .gzip)
                #expect(try readAll(reader) == original)
                #expect(reader.decompressedBytesProduced == original.count)
                #expect(reader.compressedBytesRead == compressed.count)
                // The end is sticky.
                #expect(try readAll(reader).isEmpty)
            }
        }
    }

    @Test("level 1 output round trips and level 0 stores")
    func levels() throws {
        let original = textBytes(300_000)
        let fast = try Gzip.compress(original, level: 1)
        #expect(fast.count < original.count / 3)
        #expect(try Gzip.decompress(fast) == original)
        let stored = try Gzip.compress(original, level: 0)
        #expect(stored.count > original.count)
        #expect(try Gzip.decompress(stored) == original)
    }

    @Test("an invalid level is refused")
    func invalidLevel() {
        let error = compressionError { _ = try GzipCompressor(level: 10) }
        #expect(error?.code == .zlibFailure)
    }

    @Test("streaming compression in uneven pieces equals one-shot content")
    func streamingCompressor() throws {
        let original = textBytes(700_000) + randomBytes(200_000)
        let compressor = try GzipCompressor(level: 6)
        var output: [UInt8] = []
        var offset = 0
        var piece = 1
        try original.withUnsafeBytes { all in
            while offset < original.count {
                let end = min(offset + piece, original.count)
                try compressor.compress(UnsafeRawBufferPointer(rebasing: all[offset..<end]), appendingTo: &output)
                offset = end
                piece = piece * 3 + 1
            }
        }
        try compressor.compress(UnsafeRawBufferPointer(start: nil, count: 0), appendingTo: &output)
        try compressor.finish(appendingTo: &output)
        #expect(try Gzip.decompress(output) == original)
        // Unusable after finish.
        #expect(compressionError { try compressor.finish(appendingTo: &output) }?.code == .zlibFailure)
        var more: [UInt8] = []
        let late = compressionError {
            try [UInt8](repeating: 1, count: 4).withUnsafeBytes { try compressor.compress($0, appendingTo: &more) }
        }
        #expect(late?.code == .zlibFailure)
    }

    @Test("a 1-byte destination gives the same bytes as a 64 KB one")
    func tinyDestination() throws {
        let original = textBytes(150_000) + randomBytes(50_000)
        let member = try Gzip.compress(original)
        // Two members, so the 1-byte reads also cross a member boundary.
        let compressed = member + member
        try withTemporaryDirectory { directory in
            let path = try directory.write("tiny.json.gz", bytes: compressed)
            let large = try decompressFile(path, bufferSize: 64 * 1024)
            let tiny = try decompressFile(path, chunkSize: 4096, bufferSize: 1)
            #expect(large.bytes == original + original)
            #expect(tiny.bytes == large.bytes)
        }
    }

    @Test("reads with small input chunks, across every member boundary position", arguments: [2, 3, 7, 64, 4096])
    func smallChunks(chunkSize: Int) throws {
        let parts = [textBytes(5_000), [], randomBytes(3_000), textBytes(1)]
        var compressed: [UInt8] = []
        for part in parts { compressed += try Gzip.compress(part) }
        try withTemporaryDirectory { directory in
            let path = try directory.write("chunks.gz", bytes: compressed)
            let result = try decompressFile(path, chunkSize: chunkSize, bufferSize: 1000)
            #expect(result.bytes == parts.flatMap { $0 })
            #expect(result.encoding == .gzip)
        }
    }

    @Test("an empty destination returns 0 without consuming anything")
    func emptyDestination() throws {
        let original = textBytes(1000)
        let reader = try DecompressingReader(bytes: try Gzip.compress(original))
        #expect(try reader.read(into: UnsafeMutableRawBufferPointer(start: nil, count: 0)) == 0)
        #expect(try readAll(reader) == original)
    }
}
