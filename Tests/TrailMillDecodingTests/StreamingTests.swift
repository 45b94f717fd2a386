import Foundation
import Testing
import TrailMillCompression
import TrailMillDecoding
import TrailMillTestSupport

/// The same bytes give the same records however they arrive: small decoder buffers, gzip, multi-member gzip
/// split anywhere, tiny reads.
@Suite struct StreamingTests {
    /// A small document with every kind of token a split can land in.
    static let trickyRecords = [
        #"{"s":"plain text","esc":"q\"b\\s\/n\nt\tu\u00e9\ud83d\ude00","k\u0065y":1}"#,
        "{\"utf8\":\"é€😀\u{2028}ü\",\"num\":-12345.678e+90,\"int\":12345678901234567890,\"z\":-0}",
        #"{"nested":{"a":[1,[2,[3,{"b":null}]]],"t":true,"f":false},"empty":"","o":{},"arr":[]}"#,
    ]
    static var trickyText: String { logText(trickyRecords) }

    /// A larger document: 400 records of varied content and sizes.
    static let bigText: String = {
        var generator = SplitMix64(seed: 42)
        let records = (0..<400).map { i -> String in
            let pad = String(repeating: "abcdéf😀\\n", count: Int(generator.next() % 60))
            return #"{"eventID":"\#(i)","eventTime":"2024-01-01T00:00:\#(i % 60)Z","n":\#(Int(generator.next() % 100_000)).25e-3,"#
                + #""requestParameters":{"pad":"\#(pad)","list":[true,false,null,"x\"y"]},"u":"\u2028"}"#
        }
        return logText(records, space: "\n ")
    }()

    @Test func trickyDocumentHasEveryKindOfSplitPoint() throws {
        let bytes = Array(Self.trickyText.utf8)
        // The features the split tests rely on really are in the document.
        #expect(firstOffset(of: Array(#"\u00e9"#.utf8), in: bytes) != nil)
        #expect(firstOffset(of: [0xF0, 0x9F, 0x98, 0x80], in: bytes) != nil)
        #expect(firstOffset(of: [0xE2, 0x80, 0xA8], in: bytes) != nil)
        #expect(firstOffset(of: Array("12345678901234567890".utf8), in: bytes) != nil)
        #expect(firstOffset(of: Array("-12345.678e+90".utf8), in: bytes) != nil)
        let decoded = try #require(try decode(bytes).value())
        #expect(decoded.content == .records(count: 3))
        #expect(decoded.records.map(\.text) == Self.trickyRecords)
        #expect(decoded.records.map(\.isCompact) == [true, false, true])
    }

    @Test func twoMemberGzipSplitAtEveryOffset() throws {
        let bytes = Array(Self.trickyText.utf8)
        let expected = try #require(try decode(bytes).value())
        for split in 0...bytes.count {
            let gz = try multiMemberGzip(bytes, splits: [split])
            let decoded = try decode(gz)
            #expect(decoded.failure == nil && (try? decoded.get()) == expected, "split at \(split)")
        }
    }

    @Test func manyMemberGzipAtRandomSplits() throws {
        let bytes = Array(Self.trickyText.utf8)
        let expected = try #require(try decode(bytes).value())
        var generator = SplitMix64(seed: 7)
        for round in 0..<150 {
            let count = Int(generator.next() % 12) + 1
            let splits = (0..<count).map { _ in Int(generator.next() % UInt64(bytes.count + 1)) }
            let decoded = try decode(try multiMemberGzip(bytes, splits: splits))
            #expect((try? decoded.get()) == expected, "round \(round) splits \(splits.sorted())")
        }
        // One member per byte.
        let perByte = try multiMemberGzip(bytes, splits: Array(1..<bytes.count))
        #expect((try? decode(perByte).get()) == expected)
    }

    @Test(arguments: [0, 1, 4095, 4096, 4097, 5000, 65536, 1 << 20])
    func smallDecoderBuffersGiveIdenticalRecords(bufferBytes: Int) throws {
        let bytes = Array(Self.bigText.utf8)
        #expect(bytes.count > 100_000)
        let expected = try #require(try decode(bytes).value())
        #expect(expected.content == .records(count: 400))
        var options = DecoderOptions()
        options.bufferBytes = bufferBytes
        let plain = try #require(try decode(bytes, options: options).value())
        #expect(plain == expected)
        // Through gzip with members of a few hundred bytes, so reads are short and records straddle refills.
        var generator = SplitMix64(seed: UInt64(bufferBytes) &+ 1)
        var splits: [Int] = []
        var at = 0
        while at < bytes.count {
            at += Int(generator.next() % 700) + 1
            splits.append(min(at, bytes.count))
        }
        let gz = try #require(try decode(try multiMemberGzip(bytes, splits: splits), options: options).value())
        #expect(gz == expected)
    }

    @Test func recordOffsetsAndBytesMatchTheInput() throws {
        let bytes = Array(Self.bigText.utf8)
        var options = DecoderOptions()
        options.bufferBytes = 4096
        let decoded = try #require(try decode(bytes, options: options).value())
        for record in decoded.records {
            #expect(Array(bytes[record.streamOffset..<(record.streamOffset + record.bytes.count)]) == record.bytes)
        }
        #expect(decoded.records.map(\.index) == Array(0..<400))
        // Raw U+2028 is not in these records (escaped), pad contains no whitespace: all compact.
        #expect(decoded.records.allSatisfy { $0.isCompact })
    }

    @Test func tinyReadsFromAFile() throws {
        let directory = try TemporaryDirectory("decoding-stream")
        defer { directory.remove() }
        let bytes = Array(Self.trickyText.utf8)
        let expected = try #require(try decode(bytes).value())
        let gzPath = try directory.write("tiny.json.gz", bytes: try Gzip.compress(bytes))
        let plainPath = try directory.write("tiny.json", bytes: bytes)
        for (path, chunk) in [(gzPath, 1), (gzPath, 2), (gzPath, 3), (gzPath, 64), (plainPath, 1), (plainPath, 7)] {
            let reader = try DecompressingReader(path: path, chunkSize: chunk)
            let decoded = run(LogFileDecoder(reader: reader))
            #expect((try? decoded.get()) == expected, "\(path) chunk \(chunk)")
        }
        // The big document too, through 3-byte input chunks and the smallest buffer.
        let big = Array(Self.bigText.utf8)
        let bigExpected = try #require(try decode(big).value())
        let bigPath = try directory.write("big.json.gz", bytes: try Gzip.compress(big))
        var options = DecoderOptions()
        options.bufferBytes = 1
        let reader = try DecompressingReader(path: bigPath, chunkSize: 3)
        #expect((try? run(LogFileDecoder(reader: reader, options: options)).get()) == bigExpected)
    }

    @Test func doubleGzipIsReadToo() throws {
        let bytes = Array(Self.trickyText.utf8)
        let expected = try #require(try decode(bytes).value())
        #expect((try? decode(try Gzip.compress(try Gzip.compress(bytes))).get()) == expected)
    }

    @Test(arguments: [4096, 1 << 20])
    func recordLargerThanTheBuffer(bufferBytes: Int) throws {
        let big = String(repeating: "0123456789abcdeé\\n\\u00e9", count: 250_000 / 24)
        let records = [#"{"small":1}"#, #"{"eventName":"Big","payload":"\#(big)","after":[1,2]}"#, #"{"small":2}"#]
        let bytes = Array(logText(records).utf8)
        #expect(bytes.count > 250_000)
        var options = DecoderOptions()
        options.bufferBytes = bufferBytes
        for input in [bytes, try Gzip.compress(bytes), try multiMemberGzip(bytes, splits: [5000, 100_000, 200_000])] {
            let decoded = try #require(try decode(input, options: options).value())
            #expect(decoded.content == .records(count: 3))
            #expect(decoded.records.map(\.text) == records)
            #expect(decoded.records.map(\.streamOffset) == recordOffsets(records))
            let record = decoded.records[1]
            #expect(record.keys == ["eventName", "payload", "after"])
            let payload = record.bytes.withUnsafeBytes { JSONText.string($0, record.members[1].value) }
            let expectedPayload = String(repeating: "0123456789abcdeé\né", count: 250_000 / 24)
            #expect(payload == expectedPayload)
        }
    }

    @Test(arguments: [4096, 1 << 20])
    func recordTooLarge(bufferBytes: Int) throws {
        var options = DecoderOptions()
        options.bufferBytes = bufferBytes
        options.maxRecordBytes = 10_000
        func record(length: Int) -> String {
            let overhead = #"{"p":""}"#.utf8.count
            return #"{"p":""# + String(repeating: "y", count: length - overhead) + #""}"#
        }
        // Exactly the limit passes.
        let exact = [#"{"a":1}"#, record(length: 10_000)]
        let ok = try #require(try decode(logText(exact), options: options).value())
        #expect(ok.records.map(\.bytes.count) == [7, 10_000])
        // One byte more fails, whether or not the record fits in the buffer.
        for input in [logText([#"{"a":1}"#, record(length: 10_001)]), logText([#"{"a":1}"#, record(length: 300_000)])] {
            let (records, result) = runKeepingRecords(
                LogFileDecoder(reader: try DecompressingReader(bytes: Array(input.utf8)), options: options))
            guard case .failure(let error) = result else {
                Issue.record("a record over maxRecordBytes was accepted (buffer \(bufferBytes))")
                continue
            }
            #expect(error.code == .recordTooLarge)
            #expect(error.recordIndex == 1)
            #expect(error.byteOffset == recordOffsets([#"{"a":1}"#, ""])[1])
            #expect(error.message == "record larger than 10000 bytes")
            #expect(records.map(\.text) == [#"{"a":1}"#])
        }
    }

    /// `JSONSlice` keeps 32-bit offsets, so a record limit past `Int32.max` bytes would let offsets wrap silently:
    /// the limit is capped at the largest size a slice can address (issue 10, defect 7).
    @Test func maxRecordBytesIsCappedAtWhatASliceCanAddress() {
        var options = DecoderOptions()
        options.maxRecordBytes = 3 << 30
        #expect(options.maxRecordBytes == JSONSlice.maxOffset)
        options.maxRecordBytes = Int.max
        #expect(options.maxRecordBytes == JSONSlice.maxOffset)
        options.maxRecordBytes = 10_000
        #expect(options.maxRecordBytes == 10_000)
        #expect(JSONSlice.maxOffset == Int(Int32.max))
    }

    @Test func maxRecordBytesAlsoBoundsNonObjectElements() throws {
        var options = DecoderOptions()
        options.bufferBytes = 4096
        options.maxRecordBytes = 5000
        let text = #"{"Records":[""# + String(repeating: "z", count: 50_000) + #""]}"#
        let error = try #require(try decode(text, options: options).error())
        #expect(error.code == .recordTooLarge)
        #expect(error.recordIndex == 0)
    }

    @Test func largeValuesOutsideRecordsStreamThroughASmallBuffer() throws {
        var options = DecoderOptions()
        options.bufferBytes = 4096
        options.maxRecordBytes = 5000  // bounds records only, not other members or top-level values
        let bigString = String(repeating: "abcdefgh", count: 40_000)
        let bigArray = "[" + (0..<30_000).map { "\($0)" }.joined(separator: ",") + "]"
        let cases: [(String, LogFileContent)] = [
            (#"{"logFiles":"# + bigArray + #","Records":[{"a":1}],"tail":""# + bigString + #""}"#, .records(count: 1)),
            ("\"" + bigString + "\"", .notCloudTrail(reason: "top-level JSON is a string, not {\"Records\":[...]}")),
            (bigArray, .notCloudTrail(reason: "top-level JSON is an array, not {\"Records\":[...]}")),
            (#"{"Records":"# + bigArray.replacingOccurrences(of: "[", with: "{\"x\":[") + "}}",
                .notCloudTrail(reason: "\"Records\" is an object, not an array")),
        ]
        for (text, content) in cases {
            for input in [Array(text.utf8), try Gzip.compress(Array(text.utf8))] {
                #expect(try decode(input, options: options).value()?.content == content)
            }
        }
    }

    @Test func defaultOptions() {
        let options = DecoderOptions()
        #expect(options.maxDepth == 512)
        #expect(options.maxRecordBytes == 32 << 20)
        #expect(options.bufferBytes == 1 << 20)
    }
}
