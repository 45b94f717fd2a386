import Foundation
import Testing
import TrailMillCompression
import TrailMillDecoding

/// Valid CloudTrail log files: records, their positions, members and compactness.
@Suite struct ValidFileTests {
    @Test func emptyRecordsArrayIsNotCloudTrail() throws {
        for text in [#"{"Records":[]}"#, "{ \"Records\" : [ \n ] }", #"{"a":1,"Records":[],"b":2}"#] {
            let decoded = try #require(try decode(text).value())
            #expect(decoded.content == .notCloudTrail(reason: "\"Records\" is an empty array"))
            #expect(decoded.records.isEmpty)
        }
    }

    @Test func singleRecordExactly() throws {
        let text = #"{"Records":[{"eventName":"A","n":-1.5e3,"o":{"k":[1,"x"]},"t":true,"f":false,"z":null}]}"#
        let decoded = try #require(try decode(text).value())
        #expect(decoded.content == .records(count: 1))
        let record = try #require(decoded.records.first)
        #expect(record.text == #"{"eventName":"A","n":-1.5e3,"o":{"k":[1,"x"]},"t":true,"f":false,"z":null}"#)
        #expect(record.index == 0)
        #expect(record.streamOffset == 12)
        #expect(record.isCompact)
        #expect(record.keys == ["eventName", "n", "o", "t", "f", "z"])
        let kinds = record.members.map(\.value.kind)
        #expect(kinds == [.string, .number, .object, .true, .false, .null])
        let raws = record.members.map { record.raw($0.value) }
        #expect(raws == ["A", "-1.5e3", #"{"k":[1,"x"]}"#, "true", "false", "null"])
        // Key slices are the content between the quotes.
        #expect(record.members[0].key == JSONSlice(start: 2, end: 11, kind: .string, hasEscapes: false))
        #expect(record.members[0].value == JSONSlice(start: 14, end: 15, kind: .string, hasEscapes: false))
        #expect(record.members.allSatisfy { !$0.key.hasEscapes })
    }

    @Test func manyRecordsHaveExactIndexesAndOffsets() throws {
        let records = (0..<300).map { i in
            #"{"eventID":"id-\#(i)","i":\#(i),"pad":"\#(String(repeating: "x", count: i % 17))"}"#
        }
        let text = logText(records)
        let decoded = try #require(try decode(text).value())
        #expect(decoded.content == .records(count: 300))
        #expect(decoded.records.map(\.text) == records)
        #expect(decoded.records.map(\.index) == Array(0..<300))
        #expect(decoded.records.map(\.streamOffset) == recordOffsets(records))
        #expect(decoded.records.allSatisfy { $0.isCompact })
        #expect(decoded.records.allSatisfy { $0.keys == ["eventID", "i", "pad"] })
    }

    @Test(arguments: [" ", "\n", "\t", "\r\n", " \n\t\r ", "\n    "])
    func whitespaceAroundTheOuterStructure(space: String) throws {
        let records = [#"{"a":1}"#, #"{"b":[2,3]}"#, #"{"c":"d e"}"#]
        let text = logText(records, space: space) + space
        let decoded = try #require(try decode(text).value())
        #expect(decoded.content == .records(count: 3))
        #expect(decoded.records.map(\.text) == records)
        #expect(decoded.records.map(\.streamOffset) == recordOffsets(records, space: space))
        // Whitespace between records is outside them: the records stay compact.
        #expect(decoded.records.allSatisfy { $0.isCompact })
        #expect(decoded.records.map(\.index) == [0, 1, 2])
    }

    @Test func prettyPrintedRecordsAreNotCompact() throws {
        let record = """
            {
              "eventName" : "X",
              "list" : [ 1 ,\t2 ],
              "nested" : {
                "k" : "v"
              }
            }
            """
        let text = "{\n  \"Records\": [\n    \(record),\r\n    {\"compact\":true}\n  ]\n}\n"
        let decoded = try #require(try decode(text).value())
        #expect(decoded.content == .records(count: 2))
        #expect(decoded.records.map(\.text) == [record, #"{"compact":true}"#])
        #expect(decoded.records.map(\.isCompact) == [false, true])
        #expect(decoded.records[0].keys == ["eventName", "list", "nested"])
        #expect(decoded.records[0].members.map { decoded.records[0].raw($0.value) }
            == ["X", "[ 1 ,\t2 ]", "{\n    \"k\" : \"v\"\n  }"])
        let offset = try #require(firstOffset(of: Array(record.utf8), in: Array(text.utf8)))
        #expect(decoded.records[0].streamOffset == offset)
    }

    @Test(arguments: [
        (#"{"a":"x y\tz\n"}"#, true),  // whitespace inside strings does not count
        (#"{"a":"x y"}"#, true),
        (#"{"a": "x"}"#, false),
        (#"{"a":"x" }"#, false),
        (#"{ "a":"x"}"#, false),
        (#"{"a":[1, 2]}"#, false),
        (#"{"a":{"b" :1}}"#, false),
        (#"{"a":"\u2028\u2029"}"#, true),  // escaped separators are fine
        ("{\"a\":\"x\u{2028}y\"}", false),  // raw U+2028
        ("{\"a\":\"x\u{2029}\"}", false),  // raw U+2029
        ("{\"\u{2028}\":1}", false),  // raw U+2028 in a key
        ("{\"a\":\"\u{2027}\u{202A}\"}", true),  // neighbours of the separators are not special
        // NEL stays raw and the record compact: documented in Schemas/flat-schema-v1.md (split lines on \n only).
        ("{\"a\":\"\u{85}\"}", false),  // raw NEL is escaped on output, so not compact
        (#"{}"#, true),
    ])
    func compactness(record: String, compact: Bool) throws {
        let decoded = try #require(try decode(logText([record])).value())
        #expect(decoded.records.map(\.isCompact) == [compact])
        #expect(decoded.records.map(\.text) == [record])
    }

    @Test func otherTopLevelMembersBeforeAndAfterRecords() throws {
        let text = #"""
            {"before":{"Records":[1,2,{"x":[]}]},"n":1,"Records":[{"a":1},{"b":2}],"after":[{"Records":"x"}],"s":"]}"}
            """#
        let decoded = try #require(try decode(text).value())
        #expect(decoded.content == .records(count: 2))
        #expect(decoded.records.map(\.text) == [#"{"a":1}"#, #"{"b":2}"#])
        let offset = try #require(firstOffset(of: Array(#"{"a":1}"#.utf8), in: Array(text.utf8)))
        #expect(decoded.records.map(\.streamOffset) == [offset, offset + 8])
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let body = Array(#"{"Records":[{"a":1}]}"#.utf8)
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let decoded = try #require(try decode(bom + body).value())
        #expect(decoded.content == .records(count: 1))
        #expect(decoded.records.map(\.text) == [#"{"a":1}"#])
        // Offsets count the decompressed stream, BOM included.
        #expect(decoded.records.map(\.streamOffset) == [15])

        // Through gzip, also with the BOM split across gzip members (short reads at the start).
        for splits in [[], [1], [2], [3], [1, 2], [1, 2, 3, 4]] {
            let gz = try #require(try decode(try multiMemberGzip(bom + body, splits: splits)).value())
            #expect(gz == decoded, "splits \(splits)")
        }
        // BOM then whitespace.
        let spaced = try #require(try decode(bom + Array(" \n".utf8) + body).value())
        #expect(spaced.records.map(\.streamOffset) == [17])
        // Only a BOM: no content.
        #expect(try decode(bom).value()?.content == .notCloudTrail(reason: "no JSON content (empty after decompression)"))
    }

    @Test func byteOrderMarkOnlyAtTheVeryStart() throws {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        // After whitespace it is not a BOM but a stray byte.
        let error = try #require(try decode(Array(" ".utf8) + bom + Array(#"{"Records":[{}]}"#.utf8)).error())
        #expect(error.code == .invalidJSON)
        #expect(error.byteOffset == 1)
        // Two BOMs: the second one is invalid.
        let twice = try #require(try decode(bom + bom + Array(#"{"Records":[{}]}"#.utf8)).error())
        #expect(twice.code == .invalidJSON)
        #expect(twice.byteOffset == 3)
        // A BOM inside the document is invalid where a value is expected.
        let inside = try #require(try decode(Array(#"{"Records":["#.utf8) + bom + Array("{}]}".utf8)).error())
        #expect(inside.code == .invalidJSON)
        #expect(inside.byteOffset == 12)
    }

    @Test func memberSlicesPointIntoTheRecord() throws {
        let record = #"{ "k\"ey" : "v\\al" , "n":0,"arr":[ ],"obj":{ },"e":"" ,"u":"\u00e9" }"#
        let decoded = try #require(try decode(logText([record])).value())
        let r = try #require(decoded.records.first)
        #expect(!r.isCompact)
        #expect(r.keys == ["k\"ey", "n", "arr", "obj", "e", "u"])
        #expect(r.members.map { r.raw($0.key) } == [#"k\"ey"#, "n", "arr", "obj", "e", "u"])
        #expect(r.members.map(\.key.hasEscapes) == [true, false, false, false, false, false])
        #expect(r.members.map { r.raw($0.value) } == [#"v\\al"#, "0", "[ ]", "{ }", "", #"\u00e9"#])
        #expect(r.members.map(\.value.hasEscapes) == [true, false, false, false, false, true])
        #expect(r.members.map(\.value.kind) == [.string, .number, .array, .object, .string, .string])
        r.bytes.withUnsafeBytes { raw in
            #expect(JSONText.string(raw, r.members[0].value) == "v\\al")
            #expect(JSONText.string(raw, r.members[5].value) == "é")
        }
    }

    @Test func recordViewMemberFindsFirstUnescapedKey() throws {
        let text = logText([#"{"a":1,"b":"x","a":2,"c\u0064":3}"#])
        let reader = try DecompressingReader(bytes: Array(text.utf8))
        var found: [String] = []
        _ = try LogFileDecoder(reader: reader).forEachRecord { record in
            for key: StaticString in ["a", "b", "cd", "missing"] {
                if let slice = record.member(key) {
                    found.append(record.withUnsafeBytes { String(decoding: $0[slice.range], as: UTF8.self) })
                } else {
                    found.append("-")
                }
            }
        }
        // The first of duplicate keys wins; escaped keys are decoded before comparing.
        #expect(found == ["1", "x", "3", "-"])
    }

    @Test func decoderIsReusableAcrossFiles() throws {
        let files: [[UInt8]] = [
            Array(logText([#"{"a":1}"#, #"{"b":2}"#]).utf8),
            Array(#"{"Records":[{"big":""#.utf8) + Array(repeating: UInt8(ascii: "x"), count: 20_000) + Array(#""}]}"#.utf8),
            Array(#"{"Records":[{"a":1},{"b":"#.utf8),  // truncated: fails mid-record
            Array("[1,2]".utf8),
            try Gzip.compress(Array(logText([#"{"c":3}"#]).utf8)),
            Array(#"{"Records":[{"a":1}]} x"#.utf8),
            [],
            Array(logText([#"{"d":[4]}"#, #"{"e":5}"#]).utf8),
        ]
        var options = DecoderOptions()
        options.bufferBytes = 4096
        let reused = LogFileDecoder(reader: try DecompressingReader(bytes: []), options: options)
        for file in files {
            reused.reset(reader: try DecompressingReader(bytes: file))
            let again = run(reused)
            let fresh = try decode(file, options: options)
            switch (again, fresh) {
            case (.success(let a), .success(let b)): #expect(a == b)
            case (.failure(let a), .failure(let b)):
                #expect(a.code == b.code)
                #expect(a.byteOffset == b.byteOffset)
                #expect(a.recordIndex == b.recordIndex)
            default: Issue.record("reused decoder disagrees: \(again) vs \(fresh)")
            }
        }
    }

    @Test func recordsMatchFoundationsView() throws {
        let records = [
            #"{"eventVersion":"1.11","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::1:assumed-role/r/s"},"n":[1,2.5,-3e-2]}"#,
            #"{"eventName":"ConsoleLogin","responseElements":null,"additionalEventData":{"MFAUsed":"No"},"readOnly":false}"#,
            #"{"insightDetails":{"insightContext":{"statistics":{"baseline":{"average":9.82222E-5}}}}}"#,
        ]
        let text = logText(records, space: " ")
        let decoded = try #require(try decode(text).value())
        let oracle = try #require(foundationParse(Array(text.utf8)) as? [String: Any])
        let oracleRecords = try #require(oracle["Records"] as? [Any])
        #expect(decoded.records.count == oracleRecords.count)
        for (record, expected) in zip(decoded.records, oracleRecords) {
            #expect(foundationEqual(foundationParse(record.bytes), expected))
        }
    }
}
