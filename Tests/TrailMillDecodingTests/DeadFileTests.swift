import Foundation
import Testing
import TrailMillCompression
import TrailMillDecoding

/// Files that must fail: the right code, the offset of the culprit and the record it is in.
@Suite struct DeadFileTests {
    // MARK: Truncation

    /// Three records with numbers, escapes, multi-byte UTF-8 and whitespace, plus a member after Records.
    static let threeRecords = [
        #"{"a":-1.5e+3,"s":"é😀\"x\u00e9","t":true}"#,
        #"{"b":[null,false,{"c":0.25}] ,"u":"\u2028"}"#,
        "{\"d\":\"\u{2028}\",  \"e\":12,\"f\":-0}",
    ]
    static let threeRecordText = "{\"Records\":[" + threeRecords.joined(separator: ", ") + "],\"x\":[1.0E-2]}"

    /// The record index a truncation at `length` reports: the last record whose `{` is in the prefix, nil
    /// before the first record and after the array's `]`.
    static func expectedRecordIndex(prefixLength length: Int) -> Int? {
        let bytes = Array(threeRecordText.utf8)
        let starts = threeRecords.map { firstOffset(of: Array($0.utf8), in: bytes)! }
        let arrayEnd = firstOffset(of: Array("],\"x\"".utf8), in: bytes)!
        if length > arrayEnd { return nil }
        return starts.lastIndex { $0 < length }
    }

    @Test func everyPrefixIsTruncated() throws {
        let bytes = Array(Self.threeRecordText.utf8)
        let full = try #require(try decode(bytes).value())
        #expect(full.content == .records(count: 3))
        #expect(full.records.map(\.text) == Self.threeRecords)
        #expect(try decode([]).value()?.content == .notCloudTrail(reason: "no JSON content (empty after decompression)"))
        for length in 1..<bytes.count {
            let prefix = Array(bytes[..<length])
            let (records, result) = runKeepingRecords(LogFileDecoder(reader: try DecompressingReader(bytes: prefix)))
            guard case .failure(let error) = result else {
                Issue.record("prefix of \(length) bytes decoded without error: \(result)")
                continue
            }
            // A file cut short anywhere, even inside a number or a UTF-8 sequence, is truncated JSON.
            #expect(error.code == .truncatedJSON, "prefix \(length): \(error)")
            #expect(error.byteOffset == length, "prefix \(length)")
            #expect(error.recordIndex == Self.expectedRecordIndex(prefixLength: length), "prefix \(length)")
            #expect(error.message == "JSON ends early (file cut short?)")
            // Records completed before the cut were handed out, byte-identical to the full decode.
            #expect(records == Array(full.records.prefix(records.count)), "prefix \(length)")
        }
    }

    @Test func everyPrefixThroughGzipIsTruncatedToo() throws {
        let bytes = Array(Self.threeRecordText.utf8)
        for length in 1..<bytes.count {
            let prefix = Array(bytes[..<length])
            let plain = try #require(try decode(prefix).error())
            for input in [try Gzip.compress(prefix), try multiMemberGzip(prefix, splits: Array(1..<length))] {
                let error = try #require(try decode(input).error())
                #expect(error.code == plain.code, "prefix \(length)")
                #expect(error.byteOffset == plain.byteOffset, "prefix \(length)")
                #expect(error.recordIndex == plain.recordIndex, "prefix \(length)")
            }
        }
    }

    @Test func truncatedGzipStreamIsACompressionError() throws {
        let bytes = Array(Self.threeRecordText.utf8)
        let gz = try Gzip.compress(bytes)
        for cut in 2..<gz.count {
            let error = try #require(try decode(Array(gz[..<cut])).error())
            #expect(error.code == .compression, "cut \(cut)")
            #expect(error.compressionError?.code == .truncated, "cut \(cut)")
        }
    }

    // MARK: Trailing data

    @Test(arguments: [
        ("x", "unexpected 'x' after the end of the top-level value", 0),
        (" x", "unexpected 'x' after the end of the top-level value", 1),
        ("\n\n{}", "unexpected '{' after the end of the top-level value", 2),
        ("{\"Records\":[{}]}", "unexpected '{' after the end of the top-level value", 0),
        (",", "unexpected ',' after the end of the top-level value", 0),
        ("]", "unexpected ']' after the end of the top-level value", 0),
        ("\u{0}", "unexpected byte after the end of the top-level value", 0),
        ("\u{7F}", "unexpected byte after the end of the top-level value", 0),
        (" \u{FEFF}", "unexpected byte after the end of the top-level value", 1),
        ("é", "unexpected byte after the end of the top-level value", 0),
        ("\u{0B}", "unexpected byte after the end of the top-level value", 0),  // vertical tab is not JSON whitespace
        ("\u{0C}", "unexpected byte after the end of the top-level value", 0),  // nor is form feed
        ("\u{A0}", "unexpected byte after the end of the top-level value", 0),  // nor NBSP
    ])
    func trailingData(suffix: String, message: String, offsetInSuffix: Int) throws {
        let body = #"{"Records":[{"a":1}]}"#
        let text = body + suffix
        let (records, result) = runKeepingRecords(LogFileDecoder(reader: try DecompressingReader(bytes: Array(text.utf8))))
        guard case .failure(let error) = result else {
            Issue.record("trailing data accepted: \(result)")
            return
        }
        #expect(error.code == .trailingData)
        #expect(error.message == message)
        #expect(error.byteOffset == body.utf8.count + offsetInSuffix)
        #expect(error.recordIndex == nil)
        // The record was handed out before the error was found; the caller must discard it.
        #expect(records.map(\.text) == [#"{"a":1}"#])
        // Same when the garbage arrives in its own gzip member.
        let gz = try multiMemberGzip(Array(text.utf8), splits: [body.utf8.count])
        #expect(try decode(gz).error()?.code == .trailingData)
    }

    @Test func trailingWhitespaceIsFine() throws {
        for suffix in ["", " ", "\n", "\r\n", "\t \n\n"] {
            #expect(try decode(#"{"Records":[{}]}"# + suffix).value()?.content == .records(count: 1))
        }
    }

    // MARK: Invalid JSON inside a record

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let record: [UInt8]
        let culprit: [UInt8]
        let message: String
        init(_ name: String, _ record: String, at culprit: String, _ message: String) {
            self.name = name
            self.record = Array(record.utf8)
            self.culprit = Array(culprit.utf8)
            self.message = message
        }
        init(_ name: String, bytes: [UInt8], at culprit: [UInt8], _ message: String) {
            self.name = name
            record = bytes
            self.culprit = culprit
            self.message = message
        }
        var testDescription: String { name }
    }

    static let number = "invalid number"
    static let escape = "invalid escape sequence in a string"
    static let unicodeEscape = "\\u escape without four hex digits"
    static let commaOrEnd = "expected ',' or the end of the object or array"
    static let key = "expected a string key"
    static let colon = "expected ':' after an object key"
    static let literal = "invalid literal (expected true, false or null)"
    static let utf8 = "invalid UTF-8"

    static let invalidRecords: [Case] = [
        Case("NaN", #"{"n":NaN}"#, at: "NaN", "unexpected 'N'"),
        Case("Infinity", #"{"n":Infinity}"#, at: "Infinity", "unexpected 'I'"),
        Case("-Infinity", #"{"n":-Infinity}"#, at: "-Infinity", number),
        Case("+1", #"{"n":+1}"#, at: "+1", "unexpected '+'"),
        Case("01", #"{"n":01}"#, at: "1}", commaOrEnd),
        Case("-01", #"{"n":-01}"#, at: "1}", commaOrEnd),
        Case("00", #"{"n":[00]}"#, at: "0]", commaOrEnd),
        Case("1.", #"{"n":1.}"#, at: "1.", number),
        Case(".5", #"{"n":.5}"#, at: ".5", "unexpected '.'"),
        Case("1e", #"{"n":1e}"#, at: "1e", number),
        Case("1e+", #"{"n":1e+}"#, at: "1e+", number),
        Case("1E-x", #"{"n":1E-x}"#, at: "1E-", number),
        Case("1.e5", #"{"n":1.e5}"#, at: "1.e5", number),
        Case("1ee5", #"{"n":1ee5}"#, at: "1ee5", number),
        Case("lone minus", #"{"n":-}"#, at: "-", number),
        Case("minus space", #"{"n":- 1}"#, at: "- 1", number),
        Case("hex", #"{"n":0x10}"#, at: "x", commaOrEnd),
        Case("underscore", #"{"n":1_000}"#, at: "_", commaOrEnd),
        Case("single-quoted key", #"{'a':1}"#, at: "'a'", key),
        Case("single-quoted value", #"{"a":'x'}"#, at: "'x'", "unexpected '''"),
        Case("unquoted key", #"{a:1}"#, at: "a:1", key),
        Case("numeric key", #"{1:1}"#, at: "1:1", key),
        Case("trailing comma in object", #"{"a":1,}"#, at: "}", key),
        Case("trailing comma in nested object", #"{"a":{"b":1,}}"#, at: "}", key),
        Case("trailing comma in array", #"{"a":[1,]}"#, at: "]", "unexpected ']'"),
        Case("leading comma in array", #"{"a":[,1]}"#, at: ",1", "unexpected ','"),
        Case("leading comma in object", #"{,"a":1}"#, at: #","a""#, key),
        Case("double comma", #"{"a":1,,"b":2}"#, at: #","b""#, key),
        Case("missing colon", #"{"a" 1}"#, at: "1", colon),
        Case("key without value", #"{"a"}"#, at: "}", colon),
        Case("colon without value", #"{"a":}"#, at: "}", "unexpected '}'"),
        Case("equals for colon", #"{"a"=1}"#, at: "=", colon),
        Case("missing comma", #"{"a":1 "b":2}"#, at: #""b""#, commaOrEnd),
        Case("missing comma in array", #"{"a":[1 2]}"#, at: "2]", commaOrEnd),
        Case("colon for comma", #"{"a":1:"b":2}"#, at: #":"b""#, commaOrEnd),
        Case("bracket mismatch", #"{"a":[1}"#, at: "}", commaOrEnd),
        Case("brace mismatch", #"{"a":{"b":1]}"#, at: "]", commaOrEnd),
        Case("\\x", #"{"a":"\x"}"#, at: #"\x"#, escape),
        Case("\\U", #"{"a":"\U0041"}"#, at: #"\U"#, escape),
        Case("\\'", #"{"a":"\'"}"#, at: #"\'"#, escape),
        Case("\\a", #"{"a":"\a"}"#, at: #"\a"#, escape),
        Case("\\0", #"{"a":"\0"}"#, at: #"\0"#, escape),
        Case("backslash space", #"{"a":"\ "}"#, at: #"\ "#, escape),
        Case("escaped newline", "{\"a\":\"\\\n\"}", at: "\\\n", escape),
        Case("\\u12", #"{"a":"\u12"}"#, at: #"\u12"#, unicodeEscape),
        Case("\\u12G4", #"{"a":"\u12G4"}"#, at: #"\u12G4"#, unicodeEscape),
        Case("\\u without digits", #"{"a":"\u"}"#, at: #"\u"#, unicodeEscape),
        Case("\\u+123", #"{"a":"x\u+123"}"#, at: #"\u+123"#, unicodeEscape),
        Case("bad escape in key", #"{"k\x":1}"#, at: #"\x"#, escape),
        Case("tru", #"{"a":tru}"#, at: "tru", literal),
        Case("True", #"{"a":True}"#, at: "True", "unexpected 'T'"),
        Case("nulll", #"{"a":nulll}"#, at: "l}", commaOrEnd),
        Case("fals", #"{"a":fals,"b":1}"#, at: "fals", literal),
        Case("undefined", #"{"a":undefined}"#, at: "undefined", "unexpected 'u'"),
        Case("comment", #"{"a":1/*c*/}"#, at: "/*", commaOrEnd),
        Case("line comment", "{\"a\":1 // c\n}", at: "//", commaOrEnd),
        Case("vertical tab between tokens", "{\"a\":\u{0B}1}", at: "\u{0B}", "unexpected byte 0x0B"),
        Case("form feed between tokens", "{\"a\":1\u{0C}}", at: "\u{0C}", commaOrEnd),
        Case("NBSP between tokens", "{\"a\":\u{A0}1}", at: "\u{A0}", "unexpected byte 0xC2"),
        Case("BOM between tokens", "{\"a\":\u{FEFF}1}", at: "\u{FEFF}", "unexpected byte 0xEF"),
    ]

    static let invalidUTF8: [Case] = [
        Case("lone continuation", bytes: [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0x80, 0x22, 0x7D], at: [0x80], utf8),
        Case("continuation after ASCII", bytes: Array(#"{"a":"ab"#.utf8) + [0xBF] + Array(#""}"#.utf8), at: [0xBF], utf8),
        Case("overlong C0 AF", bytes: Array(#"{"a":""#.utf8) + [0xC0, 0xAF] + Array(#""}"#.utf8), at: [0xC0], utf8),
        Case("overlong C1 BF", bytes: Array(#"{"a":""#.utf8) + [0xC1, 0xBF] + Array(#""}"#.utf8), at: [0xC1], utf8),
        Case("overlong E0 80 80", bytes: Array(#"{"a":""#.utf8) + [0xE0, 0x80, 0x80] + Array(#""}"#.utf8), at: [0xE0], utf8),
        Case("overlong E0 9F BF", bytes: Array(#"{"a":""#.utf8) + [0xE0, 0x9F, 0xBF] + Array(#""}"#.utf8), at: [0xE0], utf8),
        Case("overlong F0 8F BF BF", bytes: Array(#"{"a":""#.utf8) + [0xF0, 0x8F, 0xBF, 0xBF] + Array(#""}"#.utf8), at: [0xF0], utf8),
        Case("surrogate ED A0 80", bytes: Array(#"{"a":""#.utf8) + [0xED, 0xA0, 0x80] + Array(#""}"#.utf8), at: [0xED], utf8),
        Case("surrogate ED BF BF", bytes: Array(#"{"a":""#.utf8) + [0xED, 0xBF, 0xBF] + Array(#""}"#.utf8), at: [0xED], utf8),
        Case("above U+10FFFF F4 90 80 80", bytes: Array(#"{"a":""#.utf8) + [0xF4, 0x90, 0x80, 0x80] + Array(#""}"#.utf8), at: [0xF4], utf8),
        Case("F5 lead", bytes: Array(#"{"a":""#.utf8) + [0xF5, 0x80, 0x80, 0x80] + Array(#""}"#.utf8), at: [0xF5], utf8),
        Case("FE", bytes: Array(#"{"a":""#.utf8) + [0xFE] + Array(#""}"#.utf8), at: [0xFE], utf8),
        Case("FF", bytes: Array(#"{"a":""#.utf8) + [0xFF] + Array(#""}"#.utf8), at: [0xFF], utf8),
        Case("bad second byte C3 28", bytes: Array(#"{"a":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8), at: [0xC3], utf8),
        Case("bad third byte E2 82 28", bytes: Array(#"{"a":""#.utf8) + [0xE2, 0x82, 0x28] + Array(#""}"#.utf8), at: [0xE2], utf8),
        Case("bad fourth byte F0 9F 98 28", bytes: Array(#"{"a":""#.utf8) + [0xF0, 0x9F, 0x98, 0x28] + Array(#""}"#.utf8), at: [0xF0], utf8),
        Case("sequence cut by the closing quote", bytes: Array(#"{"a":"x"#.utf8) + [0xE2, 0x82] + Array(#""}"#.utf8), at: [0xE2], utf8),
        Case("4-byte sequence cut by the quote", bytes: Array(#"{"a":""#.utf8) + [0xF0, 0x9F, 0x98] + Array(#""}"#.utf8), at: [0xF0], utf8),
        Case("2-byte lead at string end", bytes: Array(#"{"a":""#.utf8) + [0xC3] + Array(#""}"#.utf8), at: [0xC3], utf8),
        Case("invalid UTF-8 in a key", bytes: [0x7B, 0x22, 0xC0, 0x80, 0x22, 0x3A, 0x31, 0x7D], at: [0xC0], utf8),
        Case("invalid UTF-8 after 8 ASCII bytes", bytes: Array(#"{"a":"12345678"#.utf8) + [0xFF] + Array(#""}"#.utf8), at: [0xFF], utf8),
    ]

    static let prefix = #"{"Records":[{"a":1},"#
    static let suffix = #",{"z":2}]}"#

    @Test(arguments: invalidRecords + invalidUTF8)
    func invalidJSONInsideARecord(_ c: Case) throws {
        let input = Array(Self.prefix.utf8) + c.record + Array(Self.suffix.utf8)
        let culprit = try #require(firstOffset(of: c.culprit, in: c.record))
        let (records, result) = runKeepingRecords(LogFileDecoder(reader: try DecompressingReader(bytes: input)))
        guard case .failure(let error) = result else {
            Issue.record("accepted: \(result)")
            return
        }
        #expect(error.code == .invalidJSON)
        #expect(error.message == c.message)
        #expect(error.byteOffset == Self.prefix.utf8.count + culprit)
        #expect(error.recordIndex == 1)
        #expect(records.map(\.text) == [#"{"a":1}"#])
        // Foundation agrees these are not JSON, except trailing commas, which it accepts (a documented
        // disagreement: RFC 8259 has no trailing commas; swift-foundation's parser on Linux lets them through).
        if c.name.hasPrefix("trailing comma") {
            #expect(foundationParse(input) != nil)
        } else {
            #expect(foundationParse(input) == nil)
        }
        // The same through gzip split at every byte of the bad record.
        for split in stride(from: Self.prefix.utf8.count, through: Self.prefix.utf8.count + c.record.count, by: 1) {
            let error = try #require(try decode(try multiMemberGzip(input, splits: [split])).error())
            #expect(error.code == .invalidJSON && error.byteOffset == Self.prefix.utf8.count + culprit, "split \(split)")
        }
    }

    @Test(arguments: 0..<0x20)
    func rawControlCharacterInAString(byte: Int) throws {
        for (record, culprit) in [
            (Array(#"{"a":"x"#.utf8) + [UInt8(byte)] + Array(#"y"}"#.utf8), 7),
            (Array(#"{"a":"12345678"#.utf8) + [UInt8(byte)] + Array(#""}"#.utf8), 14),  // after the 8-byte fast path
            ([0x7B, 0x22, UInt8(byte), 0x22, 0x3A, 0x31, 0x7D], 2),  // in a key
        ] {
            let input = Array(Self.prefix.utf8) + record + Array(Self.suffix.utf8)
            let error = try #require(try decode(input).error())
            #expect(error.code == .invalidJSON)
            #expect(error.message == "raw control character in a string (must be escaped)")
            #expect(error.byteOffset == Self.prefix.utf8.count + culprit)
            #expect(error.recordIndex == 1)
        }
    }

    @Test func delIsAllowedRaw() throws {
        // 0x7F is not a control character for JSON.
        let decoded = try #require(try decode(Self.prefix + "{\"a\":\"\u{7F}\"}" + Self.suffix).value())
        #expect(decoded.content == .records(count: 3))
    }

    @Test func truncatedUTF8AtTheEndOfTheFile() throws {
        // A sequence cut by the end of the file is a cut file (the string is unterminated too)...
        for tail: [UInt8] in [[0xC3], [0xE2], [0xE2, 0x82], [0xF0], [0xF0, 0x9F], [0xF0, 0x9F, 0x98]] {
            let input = Array(#"{"Records":[{"a":"x"#.utf8) + tail
            let error = try #require(try decode(input).error())
            #expect(error.code == .truncatedJSON, "\(tail)")
            #expect(error.byteOffset == input.count)
            #expect(error.recordIndex == 0)
        }
        // ...but bytes that can never start a valid sequence are invalid even at the end.
        for tail: [UInt8] in [[0xE2, 0x41], [0xE0, 0x80], [0xED, 0xA0], [0xF4, 0x90], [0xF0, 0x9F, 0x41], [0xC0], [0x80]] {
            let input = Array(#"{"Records":[{"a":"x"#.utf8) + tail
            let error = try #require(try decode(input).error())
            #expect(error.code == .invalidJSON, "\(tail)")
            #expect(error.message == "invalid UTF-8")
            #expect(error.byteOffset == 19)
        }
    }

    @Test func invalidBytesOutsideRecords() throws {
        for (text, offset, message) in [
            (#"{"Records":[{}] ,}"#, 17, Self.key),
            (#"{"Records" [{}]}"#, 11, Self.colon),
            (#"{"Records":[{}] "x":1}"#, 16, Self.commaOrEnd),
            (#"{"Records":[{}],"x"}"#, 19, Self.colon),
            (#"{"Records":[{} {}]}"#, 15, Self.commaOrEnd),
            (#"{Records:[{}]}"#, 1, Self.key),
            (#"{'Records':[{}]}"#, 1, Self.key),
            (#"{"Records":[{}],}"#, 16, Self.key),
            (#"{,"Records":[]}"#, 1, Self.key),
            (#"{"Records":[,{}]}"#, 12, "unexpected ','"),
            (#"{"Records":[{},]}"#, 15, "unexpected ']'"),
            (#"{"Records":[{},,{}]}"#, 15, "unexpected ','"),
            (#"{"a":01,"Records":[{}]}"#, 6, Self.commaOrEnd),
            (#"{"a\x":1}"#, 3, Self.escape),
            (#"x"#, 0, "unexpected 'x'"),
            (#"{"Records":[{}]]"#, 15, Self.commaOrEnd),
        ] {
            let error = try #require(try decode(text).error(), "\(text)")
            #expect(error.code == .invalidJSON, "\(text)")
            #expect(error.byteOffset == offset, "\(text)")
            #expect(error.message == message, "\(text)")
        }
    }

    @Test func errorRecordIndexBetweenRecords() throws {
        // Between records the index is that of the last record started.
        let error = try #require(try decode(#"{"Records":[{},{} x]}"#).error())
        #expect(error.code == .invalidJSON)
        #expect(error.recordIndex == 1)
        #expect(error.byteOffset == 18)
        // After the array it is nil.
        let after = try #require(try decode(#"{"Records":[{},{}],"x":tru}"#).error())
        #expect(after.code == .invalidJSON)
        #expect(after.recordIndex == nil)
    }

    // MARK: Records elements that are not objects

    @Test(arguments: [
        (#"{"Records":[1]}"#, 0, 12, "a number"),
        (#"{"Records":[ "x" ]}"#, 0, 13, "a string"),
        (#"{"Records":[{},[]]}"#, 1, 15, "an array"),
        (#"{"Records":[{"a":1}, [{"a":1}]]}"#, 1, 21, "an array"),
        (#"{"Records":[{},{},null]}"#, 2, 18, "null"),
        (#"{"Records":[true,{}]}"#, 0, 12, "true"),
        (#"{"Records":[{},false]}"#, 1, 15, "false"),
        (#"{"Records":[-0.5e7]}"#, 0, 12, "a number"),
    ])
    func recordNotObject(text: String, index: Int, offset: Int, kind: String) throws {
        let (records, result) = runKeepingRecords(LogFileDecoder(reader: try DecompressingReader(bytes: Array(text.utf8))))
        guard case .failure(let error) = result else {
            Issue.record("accepted: \(result)")
            return
        }
        #expect(error.code == .recordNotObject)
        #expect(error.recordIndex == index)
        #expect(error.byteOffset == offset)
        #expect(error.message == "element of \"Records\" is \(kind), not an object")
        #expect(records.count == index)
    }

    @Test func nonObjectElementIsValidatedFirst() throws {
        #expect(try decode(#"{"Records":[{},[1,]]}"#).error()?.code == .invalidJSON)
        #expect(try decode(#"{"Records":[{},"abc"#).error()?.code == .truncatedJSON)
        #expect(try decode(#"{"Records":[{},"\q"]}"#).error()?.code == .invalidJSON)
    }

    // MARK: Duplicate Records

    @Test(arguments: [
        (#"{"Records":[{"a":1}],"Records":[{"b":2}]}"#, 31, 1),
        (#"{"Records":null,"Records":[{}]}"#, 26, 0),
        (#"{"Records":[],"x":1,"Records":null}"#, 30, 0),
        (#"{"Records":{},"Records":{}}"#, 24, 0),
        (#"{"Records" : [{}] , "Records" : "x"}"#, 32, 1),
    ])
    func duplicateRecordsMember(text: String, offset: Int, delivered: Int) throws {
        let (records, result) = runKeepingRecords(LogFileDecoder(reader: try DecompressingReader(bytes: Array(text.utf8))))
        guard case .failure(let error) = result else {
            Issue.record("accepted: \(result)")
            return
        }
        #expect(error.code == .invalidJSON)
        #expect(error.message == "duplicate \"Records\" member")
        #expect(error.byteOffset == offset)
        #expect(error.recordIndex == nil)
        #expect(records.count == delivered)
        // Foundation accepts duplicate keys (last wins); the decoder refuses an ambiguous Records.
        #expect(foundationParse(Array(text.utf8)) != nil)
    }

    // MARK: Depth

    /// `levels` nested objects: 1 → `{}`, 2 → `{"a":{}}`.
    static func nestedObjects(_ levels: Int) -> String {
        String(repeating: #"{"a":"#, count: levels - 1) + "{}" + String(repeating: "}", count: levels - 1)
    }

    /// A record of `levels` levels whose inner levels are arrays: 1 → `{}`, 3 → `{"a":[[]]}`.
    static func recordWithArrays(_ levels: Int) -> String {
        levels == 1 ? "{}" : #"{"a":"# + String(repeating: "[", count: levels - 1) + String(repeating: "]", count: levels - 1) + "}"
    }

    /// Offset of the `n`-th (1-based) `{` or `[` in `text`.
    static func nthOpening(_ n: Int, in text: String) -> Int {
        var seen = 0
        for (offset, byte) in text.utf8.enumerated() where byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
            seen += 1
            if seen == n { return offset }
        }
        return -1
    }

    @Test(arguments: [3, 4, 5, 8, 20])
    func depthLimitCountsEveryLevel(maxDepth: Int) throws {
        var options = DecoderOptions()
        options.maxDepth = maxDepth
        // Depth counts the document's nesting: top-level object 1, Records array 2, a record 3.
        // `extra`: openings before the record that are not enclosing levels; `index`: the record index reported.
        let shapes: [(name: String, make: (Int) -> String, extra: Int, index: Int?)] = [
            ("record of objects", { total in logText([Self.nestedObjects(total - 2)]) }, 0, 0),
            ("record of arrays", { total in logText([#"{"x":1}"#, Self.recordWithArrays(total - 2)]) }, 1, 1),
            ("non-object element", { total in
                #"{"Records":["# + String(repeating: "[", count: total - 2) + String(repeating: "]", count: total - 2) + "]}"
            }, 0, 0),
            ("other member", { total in #"{"x":"# + Self.nestedObjects(total - 1) + #","Records":[{}]}"# }, 0, nil),
            ("top-level array", { total in String(repeating: "[", count: total) + String(repeating: "]", count: total) }, 0, nil),
        ]
        for shape in shapes {
            let fits = shape.make(maxDepth)
            let result = try decode(fits, options: options)
            if case .failure(let error) = result {
                // Exactly maxDepth is fine (a non-object element then fails for what it is, not for depth).
                #expect(shape.name == "non-object element" && error.code == .recordNotObject, "\(shape.name): \(error)")
            }
            let tooDeep = shape.make(maxDepth + 1)
            let error = try #require(try decode(tooDeep, options: options).error(), "\(shape.name)")
            #expect(error.code == .depthLimit, "\(shape.name)")
            #expect(error.message == "nesting deeper than \(maxDepth) levels")
            #expect(error.byteOffset == Self.nthOpening(maxDepth + 1 + shape.extra, in: tooDeep), "\(shape.name)")
            #expect(error.recordIndex == shape.index, "\(shape.name)")
        }
    }

    @Test func defaultDepthLimit() throws {
        // 150-deep nesting inside a record passes with the defaults.
        let deep150 = logText([Self.nestedObjects(150)])
        #expect(try decode(deep150).value()?.content == .records(count: 1))
        let arrays150 = logText([Self.recordWithArrays(150)])
        #expect(try decode(arrays150).value()?.content == .records(count: 1))
        // The default is 512 levels in all.
        #expect(DecoderOptions().maxDepth == 512)
        #expect(try decode(logText([Self.nestedObjects(510)])).value()?.content == .records(count: 1))
        let error = try #require(try decode(logText([Self.nestedObjects(511)])).error())
        #expect(error.code == .depthLimit)
        #expect(error.recordIndex == 0)
        // Absurd nesting stops at the limit instead of exhausting the stack.
        let absurd = #"{"Records":[{"a":"# + String(repeating: "[", count: 200_000)
        let absurdError = try #require(try decode(absurd).error())
        #expect(absurdError.code == .depthLimit)
        #expect(absurdError.byteOffset == Self.nthOpening(513, in: absurd))
    }

    // MARK: Compression

    @Test func corruptGzipIsACompressionError() throws {
        let bytes = Array(StreamingTests.bigText.utf8)
        let full = try #require(try decode(bytes).value())
        // The second gzip member is stored (level 0) with a broken block length: zlib fails on it before it
        // inflates a byte, so the failure is exactly at `split` in the decompressed stream.
        let split = bytes.count / 2 + 7
        var second = try Gzip.compress(Array(bytes[split...]), level: 0)
        second[11] ^= 0xFF
        let corrupt = try Gzip.compress(Array(bytes[..<split])) + second
        let (records, result) = runKeepingRecords(LogFileDecoder(reader: try DecompressingReader(bytes: corrupt)))
        guard case .failure(let error) = result else {
            Issue.record("corrupt gzip accepted")
            return
        }
        #expect(error.code == .compression)
        let underlying = try #require(error.compressionError)
        #expect(underlying.code == .corruptData)
        #expect(error.byteOffset == split)
        #expect(underlying.decompressedOffset == split)
        #expect(error.recordIndex != nil)
        #expect(error.description == underlying.description)
        // Every record complete before the failure was handed out, byte-identical.
        #expect(records == full.records.filter { $0.streamOffset + $0.bytes.count <= split })

        // A bad CRC is found after all the data.
        var badCRC = try Gzip.compress(bytes)
        badCRC[badCRC.count - 8] ^= 0xFF
        let crcError = try #require(try decode(badCRC).error())
        #expect(crcError.code == .compression)
        #expect(crcError.compressionError?.code == .badTrailer)
    }

    @Test func compressionErrorOnTheFirstRead() throws {
        // A gzip header followed by garbage fails before any JSON byte is seen.
        let garbage: [UInt8] = [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0, 0xFF] + Array(repeating: 0xFF, count: 32)
        let error = try #require(try decode(garbage).error())
        #expect(error.code == .compression)
        #expect(error.compressionError != nil)
        #expect(error.recordIndex == nil)
    }

    @Test func sizeLimitIsACompressionError() throws {
        let bytes = Array(StreamingTests.bigText.utf8)
        var options = DecoderOptions()
        options.bufferBytes = 4096
        for input in [bytes, try Gzip.compress(bytes)] {
            let reader = try DecompressingReader(bytes: input, maxDecompressedBytes: 50_000)
            let (records, result) = runKeepingRecords(LogFileDecoder(reader: reader, options: options))
            guard case .failure(let error) = result else {
                Issue.record("size limit not enforced")
                continue
            }
            #expect(error.code == .compression)
            #expect(error.compressionError?.code == .sizeLimitExceeded)
            #expect(error.byteOffset == 50_000)
            #expect(error.recordIndex != nil)  // the limit is hit inside Records
            #expect(records.allSatisfy { $0.streamOffset + $0.bytes.count <= 50_000 })
            #expect(!records.isEmpty)
        }
    }

    // MARK: Error values

    @Test func errorDescriptions() throws {
        let inRecord = try #require(try decode(#"{"Records":[{"a":1},{"a":x}]}"#).error())
        #expect(inRecord.description == "invalid-json: unexpected 'x' at byte 25 (record 1)")
        let outside = try #require(try decode(#"{"Records":[{}]} x"#).error())
        #expect(outside.description == "trailing-data: unexpected 'x' after the end of the top-level value at byte 17")
        let compression = try #require(try decode(Array(try Gzip.compress(Array("{}".utf8)).dropLast(3))).error())
        #expect(compression.description == compression.compressionError?.description)
        let codes: [DecodeError.Code] = [
            .invalidJSON, .truncatedJSON, .trailingData, .recordNotObject, .depthLimit, .recordTooLarge, .compression,
        ]
        #expect(codes.map(\.description) == [
            "invalid-json", "truncated-json", "trailing-data", "record-not-object", "depth-limit", "record-too-large",
            "compression",
        ])
        #expect(Set(codes).count == 7)
    }
}
