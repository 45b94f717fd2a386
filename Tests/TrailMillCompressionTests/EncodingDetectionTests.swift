import Foundation
import Testing
import TrailMillCompression
import TrailMillTestSupport

@Suite("Encoding detection, multi-member and double gzip")
struct EncodingDetectionTests {
    @Test("two and three concatenated members are read to the end", arguments: [2, 3])
    func multiMember(count: Int) throws {
        let parts = (0..<count).map { textBytes(40_000 + $0 * 1_000) + randomBytes(2_000, seed: UInt64($0)) }
        var compressed: [UInt8] = []
        for part in parts { compressed += try Gzip.compress(part, level: 1) }
        try withTemporaryDirectory { directory in
            let path = try directory.write("multi.json.gz", bytes: compressed)
            let reader = try DecompressingReader(path: path)
            #expect(reader.encoding == .gzip)
            #expect(try readAll(reader) == parts.flatMap { $0 })
            #expect(reader.compressedBytesRead == compressed.count)
            #expect(reader.decompressedBytesProduced == parts.reduce(0) { $0 + $1.count })
        }
        #expect(try Gzip.decompress(compressed) == parts.flatMap { $0 })
    }

    @Test("gzip inside gzip is unwrapped twice")
    func doubleGzip() throws {
        let original = textBytes(500_000)
        let twice = try Gzip.compress(try Gzip.compress(original))
        try withTemporaryDirectory { directory in
            let path = try directory.write("double.json.gz", bytes: twice)
            for bufferSize in [1 << 16, 1000] {
                let reader = try DecompressingReader(path: path, chunkSize: 1000)
                #expect(reader.encoding == .doubleGzip)
                #expect(try readAll(reader, bufferSize: bufferSize) == original)
                #expect(reader.compressedBytesRead == twice.count)
            }
        }
        #expect(try Gzip.decompress(twice) == original)
    }

    @Test("double gzip with several members in both layers")
    func doubleGzipMultiMember() throws {
        let a = textBytes(20_000)
        let b = randomBytes(5_000)
        let innerContent = try Gzip.compress(a) + Gzip.compress(b)
        let outer = try Gzip.compress(Array(innerContent.prefix(100))) + Gzip.compress(Array(innerContent.dropFirst(100)))
        let reader = try DecompressingReader(bytes: outer)
        #expect(reader.encoding == .doubleGzip)
        #expect(try readAll(reader) == a + b)
    }

    @Test("a third gzip layer stays as bytes")
    func tripleGzip() throws {
        let original = textBytes(10_000)
        let once = try Gzip.compress(original)
        let thrice = try Gzip.compress(try Gzip.compress(once))
        let reader = try DecompressingReader(bytes: thrice)
        #expect(reader.encoding == .doubleGzip)
        #expect(try readAll(reader) == once)
    }

    @Test("plain JSON is returned unchanged")
    func plainJSON() throws {
        let json = Array(#"{"Records":[{"eventID":"a"},{"eventID":"b"}]}"#.utf8) + textBytes(100_000)
        try withTemporaryDirectory { directory in
            let path = try directory.write("plain.json.gz", bytes: json)
            for bufferSize in [1, 7, 1 << 16] {
                let reader = try DecompressingReader(path: path, chunkSize: 4096)
                #expect(reader.encoding == .plain)
                #expect(try readAll(reader, bufferSize: bufferSize) == json)
                #expect(reader.compressedBytesRead == json.count)
                #expect(reader.decompressedBytesProduced == json.count)
            }
        }
        let inMemory = try DecompressingReader(bytes: json)
        #expect(inMemory.encoding == .plain)
        #expect(try readAll(inMemory) == json)
    }

    @Test("single bytes are plain, even the first gzip magic byte")
    func singleBytes() throws {
        for byte: UInt8 in [0x1f, 0x8b, 0x7b] {
            let reader = try DecompressingReader(bytes: [byte])
            #expect(reader.encoding == .plain)
            #expect(try readAll(reader) == [byte])
        }
    }

    @Test("a zero-byte file is empty")
    func zeroByteFile() throws {
        try withTemporaryDirectory { directory in
            let path = try directory.write("empty.json.gz", bytes: [])
            let reader = try DecompressingReader(path: path)
            #expect(reader.encoding == .empty)
            #expect(try readAll(reader).isEmpty)
            #expect(reader.compressedBytesRead == 0)
        }
        #expect(try DecompressingReader(bytes: []).encoding == .empty)
        #expect(try Gzip.decompress([]).isEmpty)
    }

    @Test("gzip of nothing is gzip with no content, also as several members")
    func gzipOfNothing() throws {
        let member = try Gzip.compress([])
        for compressed in [member, member + member + member] {
            let reader = try DecompressingReader(bytes: compressed)
            #expect(reader.encoding == .gzip)
            #expect(try readAll(reader).isEmpty)
            #expect(reader.compressedBytesRead == compressed.count)
        }
    }

    @Test("plain content is subject to the size limit")
    func plainSizeLimit() throws {
        let json = textBytes(10_000)
        #expect(try Gzip.decompress(json, maxDecompressedBytes: 10_000) == json)
        let error = compressionError { _ = try Gzip.decompress(json, maxDecompressedBytes: 9_999) }
        #expect(error?.code == .sizeLimitExceeded)
    }
}
