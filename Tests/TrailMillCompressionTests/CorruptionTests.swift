import Foundation
import Testing
import TrailMillCompression
import TrailMillTestSupport

#if canImport(Glibc)
import Glibc
#endif

@Suite("Damaged input and limits")
struct CorruptionTests {
    /// What the reader guarantees for a gzip file cut short: 0 bytes → `.empty`, 1 byte → `.plain` (the magic
    /// needs two bytes), any longer proper prefix → `.truncated` (zlib never reports a cut as a data error:
    /// it just waits for input that never comes).
    @Test("every cut point of a small member: empty, plain, then truncated")
    func everyCutPoint() throws {
        let original = textBytes(3_000)
        let compressed = try Gzip.compress(original)
        #expect(compressed.count > GzipLayout.headerSize + GzipLayout.trailerSize + 20)
        for cut in 0..<compressed.count {
            let prefix = Array(compressed.prefix(cut))
            let reader = try DecompressingReader(bytes: prefix)
            let error = compressionError { _ = try readAll(reader, bufferSize: 512) }
            switch cut {
            case 0:
                #expect(reader.encoding == .empty)
                #expect(error == nil)
            case 1:
                #expect(reader.encoding == .plain)
                #expect(error == nil)
            default:
                #expect(reader.encoding == .gzip)
                #expect(error?.code == .truncated, "cut at \(cut) of \(compressed.count)")
                #expect(error?.compressedOffset == cut, "cut at \(cut)")
                #expect((error?.decompressedOffset ?? -1) <= original.count)
            }
        }
    }

    @Test("cuts inside header, deflate data and trailer of a file on disk are truncated")
    func cutFiles() throws {
        let original = randomBytes(200_000) + textBytes(200_000)
        let compressed = try Gzip.compress(original)
        let end = compressed.count
        let cuts = [2, 3, 5, 9, 10, 11, 100, 65_536, end / 2, end - 9, end - 8, end - 5, end - 4, end - 1]
        try withTemporaryDirectory { directory in
            for cut in cuts {
                let path = try directory.write("cut-\(cut).json.gz", bytes: Array(compressed.prefix(cut)))
                let error = compressionError { _ = try decompressFile(path, chunkSize: 16 * 1024) }
                #expect(error?.code == .truncated, "cut at \(cut) of \(end)")
                #expect(error?.path == path)
                #expect(error?.compressedOffset == cut)
            }
        }
    }

    @Test("a cut in a later member or in the outer layer of double gzip is truncated")
    func cutLaterMember() throws {
        let member = try Gzip.compress(textBytes(10_000))
        for cut in [1, 2, 5, 30, member.count - 1] {
            let error = compressionError { _ = try Gzip.decompress(member + Array(member.prefix(cut))) }
            #expect(error?.code == .truncated, "second member cut at \(cut)")
        }
        let twice = try Gzip.compress(member)
        // From the middle on, the outer layer has produced the inner magic, so the encoding is known;
        // a cut before the first two content bytes can be inflated reads as (truncated) single gzip.
        for cut in [twice.count / 2, twice.count - 9, twice.count - 1] {
            let reader = try DecompressingReader(bytes: Array(twice.prefix(cut)))
            #expect(reader.encoding == .doubleGzip)
            #expect(compressionError { _ = try readAll(reader) }?.code == .truncated, "outer cut at \(cut)")
        }
        // The outer layer is complete but its content (the inner member) is cut.
        let innerCut = try Gzip.compress(Array(member.prefix(member.count - 3)))
        #expect(compressionError { _ = try Gzip.decompress(innerCut) }?.code == .truncated)
    }

    @Test("a flipped byte in the deflate data is corrupt data or a bad trailer")
    func flippedByteLarge() throws {
        let original = textBytes(400_000)
        let compressed = try Gzip.compress(original)
        let dataRange = GzipLayout.headerSize..<(compressed.count - GzipLayout.trailerSize)
        for position in [dataRange.lowerBound + 5, dataRange.lowerBound + 200, dataRange.count / 2, dataRange.upperBound - 50] {
            var damaged = compressed
            damaged[position] ^= 0x55
            let error = compressionError { _ = try Gzip.decompress(damaged) }
            #expect(error?.code == .corruptData || error?.code == .badTrailer, "flip at \(position): \(String(describing: error))")
        }
    }

    /// Over every byte of a member's deflate data, a flip either fails or, where it only touches padding bits
    /// that deflate ignores, still yields the original bytes. Never a crash, never silently wrong output.
    @Test("flipping each deflate byte in turn is detected or harmless")
    func flippedByteSweep() throws {
        let original = textBytes(2_000) + randomBytes(300)
        let compressed = try Gzip.compress(original)
        var harmless = 0
        for position in GzipLayout.headerSize..<(compressed.count - GzipLayout.trailerSize) {
            var damaged = compressed
            damaged[position] ^= 0x01
            do {
                let output = try Gzip.decompress(damaged)
                #expect(output == original, "flip at \(position) gave different output without an error")
                harmless += 1
            } catch {
                // Setting BFINAL off can make zlib wait for blocks that never come, which is a cut stream.
                #expect([.corruptData, .badTrailer, .truncated].contains(error.code), "flip at \(position): \(error)")
            }
        }
        #expect(harmless <= 2)
    }

    @Test("a changed CRC-32 is a bad trailer, after all the content was returned")
    func badCRC() throws {
        let original = textBytes(100_000)
        var compressed = try Gzip.compress(original)
        compressed[compressed.count - 8] ^= 0xff
        try withTemporaryDirectory { directory in
            let path = try directory.write("crc.json.gz", bytes: compressed)
            let reader = try DecompressingReader(path: path)
            var returned = 0
            let error = compressionError {
                let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 1)
                defer { buffer.deallocate() }
                while true {
                    let count = try reader.read(into: buffer)
                    if count == 0 { return }
                    returned += count
                }
            }
            #expect(error?.code == .badTrailer)
            #expect(error?.message == "incorrect data check")
            #expect(error?.path == path)
            #expect(returned == original.count)
            #expect(error?.decompressedOffset == original.count)
            #expect((compressed.count - 8...compressed.count).contains(error?.compressedOffset ?? -1))
            // Later reads rethrow the same error.
            let again = compressionError { _ = try readAll(reader) }
            #expect(again?.code == .badTrailer)
            #expect(again?.message == error?.message)
        }
    }

    @Test("a changed ISIZE is a bad trailer")
    func badISIZE() throws {
        let original = textBytes(100_000)
        var compressed = try Gzip.compress(original)
        compressed[compressed.count - 4] ^= 0x01
        let error = compressionError { _ = try Gzip.decompress(compressed) }
        #expect(error?.code == .badTrailer)
        #expect(error?.message == "incorrect length check")
    }

    @Test("a damaged header is corrupt data")
    func badHeader() throws {
        var compressed = try Gzip.compress(textBytes(1_000))
        compressed[2] = 7  // compression method other than deflate
        #expect(compressionError { _ = try Gzip.decompress(compressed) }?.code == .corruptData)
    }

    @Test("bytes after a complete member that are not another member are corrupt data", arguments: [
        [0x00] as [UInt8], [0, 0, 0, 0], Array("garbage\n".utf8), [0x1f, 0x8c, 0x08], [0x8b],
    ])
    func trailingGarbage(garbage: [UInt8]) throws {
        let original = textBytes(50_000)
        let member = try Gzip.compress(original)
        try withTemporaryDirectory { directory in
            let path = try directory.write("trailing.json.gz", bytes: member + member + garbage)
            let reader = try DecompressingReader(path: path, chunkSize: 1000)
            var output: [UInt8] = []
            let error = compressionError {
                let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 1)
                defer { buffer.deallocate() }
                while true {
                    let count = try reader.read(into: buffer)
                    if count == 0 { return }
                    output.append(contentsOf: buffer.prefix(count))
                }
            }
            #expect(error?.code == .corruptData)
            #expect(error?.message == "\(garbage.count) trailing bytes after gzip member ending at offset \(member.count * 2)")
            #expect(error?.path == path)
            #expect(output == original + original)
            #expect(compressionError { _ = try readAll(reader) }?.code == .corruptData)
        }
    }

    @Test("a lone 1f after a member is a cut header")
    func loneMagicByte() throws {
        let member = try Gzip.compress(textBytes(100))
        #expect(compressionError { _ = try Gzip.decompress(member + [0x1f]) }?.code == .truncated)
    }

    @Test("trailing garbage inside the inner layer of double gzip is corrupt data")
    func innerTrailingGarbage() throws {
        let inner = try Gzip.compress(textBytes(5_000)) + Array("junk".utf8)
        let error = compressionError { _ = try Gzip.decompress(try Gzip.compress(inner)) }
        #expect(error?.code == .corruptData)
        #expect(error?.message.contains("4 trailing bytes after inner gzip member") == true)
    }

    @Test("10 MB of zeros with a 1 MB limit stops at the limit")
    func sizeLimit() throws {
        let limit = 1 << 20
        let compressed = try Gzip.compress([UInt8](repeating: 0, count: 10 << 20))
        try withTemporaryDirectory { directory in
            let path = try directory.write("bomb.json.gz", bytes: compressed)
            for bufferSize in [64 * 1024, 1000, 3 << 20] {
                let reader = try DecompressingReader(path: path, maxDecompressedBytes: limit)
                let error = compressionError { _ = try readAll(reader, bufferSize: bufferSize) }
                #expect(error?.code == .sizeLimitExceeded)
                #expect(reader.decompressedBytesProduced <= limit)
                #expect(error?.decompressedOffset == limit)
                #expect(reader.compressedBytesRead < compressed.count)
                #expect(compressionError { _ = try readAll(reader) }?.code == .sizeLimitExceeded)
            }
        }
    }

    @Test("content of exactly the limit is fine, one byte more is not")
    func exactLimit() throws {
        let original = textBytes(100_000)
        let compressed = try Gzip.compress(original)
        #expect(try Gzip.decompress(compressed, maxDecompressedBytes: original.count) == original)
        let error = compressionError { _ = try Gzip.decompress(compressed, maxDecompressedBytes: original.count - 1) }
        #expect(error?.code == .sizeLimitExceeded)
        #expect(error?.decompressedOffset == original.count - 1)
        #expect(try Gzip.decompress(try Gzip.compress([]), maxDecompressedBytes: 0).isEmpty)
    }

    @Test("the limit applies to double gzip output")
    func doubleGzipLimit() throws {
        let twice = try Gzip.compress(try Gzip.compress([UInt8](repeating: 0, count: 4 << 20)))
        let reader = try DecompressingReader(bytes: twice, maxDecompressedBytes: 1 << 20)
        #expect(reader.encoding == .doubleGzip)
        #expect(compressionError { _ = try readAll(reader) }?.code == .sizeLimitExceeded)
        #expect(reader.decompressedBytesProduced <= 1 << 20)
    }

    @Test("a missing file is an I/O failure with errno")
    func missingFile() throws {
        try withTemporaryDirectory { directory in
            let path = directory.url("does-not-exist.json.gz").path
            let error = compressionError { _ = try DecompressingReader(path: path) }
            #expect(error?.code == .ioFailure)
            #expect(error?.systemErrno == ENOENT)
            #expect(error?.path == path)
            #expect(error?.message.contains("No such file or directory") == true)
        }
    }

    @Test("reading a directory is an I/O failure")
    func directoryPath() throws {
        try withTemporaryDirectory { directory in
            let error = compressionError { _ = try DecompressingReader(path: directory.path) }
            #expect(error?.code == .ioFailure)
            #expect(error?.systemErrno == EISDIR)
            #expect(error?.path == directory.path)
        }
    }

    @Test("error descriptions name the code and offsets")
    func errorDescription() {
        let error = CompressionError(code: .truncated, message: "cut", compressedOffset: 5, decompressedOffset: 9)
        #expect(error.description == "truncated-gzip: cut (compressed offset 5, decompressed offset 9)")
    }
}
