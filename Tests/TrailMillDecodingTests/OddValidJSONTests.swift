import Foundation
import Testing
import TrailMillCompression
import TrailMillDecoding

/// Valid-but-odd JSON that must pass, and what the record's members say about it.
@Suite struct OddValidJSONTests {
    /// (value JSON, expected kind, expected decoded string for strings)
    static let values: [(String, JSONKind, String?)] = [
        ("-0", .number, nil),
        ("0", .number, nil),
        ("-0.0", .number, nil),
        ("1E+2", .number, nil),
        ("1e-2", .number, nil),
        ("1E2", .number, nil),
        ("0e0", .number, nil),
        ("9.82222E-5", .number, nil),
        ("12345678901234567890", .number, nil),
        ("-12345678901234567890123456789", .number, nil),
        ("1.7976931348623157e309", .number, nil),  // beyond Double: still valid JSON text
        ("123.456e-789", .number, nil),
        (#""\u0000""#, .string, "\u{0}"),
        (#""\ud800""#, .string, "\u{FFFD}"),  // lone high surrogate
        (#""\udc00""#, .string, "\u{FFFD}"),  // lone low surrogate
        (#""\ud83d\ude00""#, .string, "😀"),
        (#""\uD83D\uDE00""#, .string, "😀"),
        (#""\/""#, .string, "/"),
        (#""a\/b""#, .string, "a/b"),
        (#""\"\\\/\b\f\n\r\t""#, .string, "\"\\/\u{08}\u{0C}\n\r\t"),
        (#""\u00e9\u00E9""#, .string, "éé"),
        (#""\u2028\u2029""#, .string, "\u{2028}\u{2029}"),
        ("\"😀🇯🇵👩‍👩‍👧\"", .string, "😀🇯🇵👩‍👩‍👧"),
        ("\"\u{2028}\"", .string, "\u{2028}"),
        ("\"\u{7F}\u{80}\u{7FF}\u{800}\u{FFFF}\u{10000}\u{10FFFF}\"", .string, "\u{7F}\u{80}\u{7FF}\u{800}\u{FFFF}\u{10000}\u{10FFFF}"),
        ("\"\u{FEFF}\"", .string, "\u{FEFF}"),  // a BOM inside a string is just a character
        (#""""#, .string, ""),
        ("{}", .object, nil),
        ("[]", .array, nil),
        ("[[],{},\"\",[{}]]", .array, nil),
        ("{\"\":\"\"}", .object, nil),
        ("true", .true, nil),
        ("false", .false, nil),
        ("null", .null, nil),
        (#""}]{[,:""#, .string, "}]{[,:"),
        (#""12345678\"12345678\\""#, .string, "12345678\"12345678\\"),
    ]

    @Test(arguments: 0..<values.count)
    func oddValueInARecord(index: Int) throws {
        let (value, kind, string) = Self.values[index]
        let record = #"{"v":"# + value + #","after":1}"#
        let decoded = try #require(try decode(logText([#"{"first":0}"#, record])).value(), "\(value)")
        #expect(decoded.content == .records(count: 2))
        let r = try #require(decoded.records.last)
        #expect(r.text == record)
        #expect(r.keys == ["v", "after"])
        let slice = r.members[0].value
        #expect(slice.kind == kind)
        if kind == .string {
            #expect("\"" + r.raw(slice) + "\"" == value)
            #expect(slice.hasEscapes == value.contains("\\"))
            let text = r.bytes.withUnsafeBytes { JSONText.string($0, slice) }
            #expect(text == string)
        } else {
            #expect(r.raw(slice) == value)
        }
        // The same value with whitespace around it.
        let spaced = try #require(try decode(logText(["{ \"v\" :\n\t" + value + " \r\n}"])).value())
        #expect(spaced.records.first.map { $0.raw($0.members[0].value) } == r.raw(slice))
    }

    @Test func foundationAgreesOnOddValues() throws {
        // Where Foundation parses the value, the decoded record has the same value (numbers beyond Double and
        // lone surrogates are where Foundation may differ; see the disagreements test).
        for (value, _, _) in Self.values where !value.contains("\\ud8") && !value.contains("\\udc") && !value.contains("e309")
            && !value.contains("e-789")
        {
            let text = logText([#"{"v":"# + value + "}"])
            let oracle = try #require(foundationParse(Array(text.utf8)), "Foundation rejects \(value)")
            let decoded = try #require(try decode(text).value())
            let records = (oracle as? [String: Any])?["Records"] as? [Any]
            #expect(foundationEqual(foundationParse(decoded.records[0].bytes), records?.first), "\(value)")
        }
    }

    @Test func duplicateKeysInsideARecordAreAccepted() throws {
        // Documented behaviour: RFC 8259 says names SHOULD be unique; the validator accepts duplicates (only a
        // duplicate top-level "Records" is refused). Members keep both; lookups find the first.
        let record = #"{"eventName":"A","eventName":"B","x":{"k":1,"k":2}}"#
        let decoded = try #require(try decode(logText([record])).value())
        let r = try #require(decoded.records.first)
        #expect(r.keys == ["eventName", "eventName", "x"])
        #expect(r.members.map { r.raw($0.value) } == ["A", "B", #"{"k":1,"k":2}"#])
        r.bytes.withUnsafeBytes { raw in
            let first = JSONText.member(raw, JSONSlice(start: 0, end: raw.count, kind: .object), "eventName")
            #expect(first.map { JSONText.string(raw, $0) } == "A")
            let x = JSONText.member(raw, JSONSlice(start: 0, end: raw.count, kind: .object), "x")!
            #expect(JSONText.member(raw, x, "k").map { String(decoding: raw[$0.range], as: UTF8.self) } == "1")
        }
        // Foundation keeps the last one.
        let oracle = foundationParse(r.bytes) as? [String: Any]
        #expect(oracle?["eventName"] as? String == "B")
    }

    @Test func emptyThings() throws {
        let record = #"{"":"","a":[],"o":{},"n":[[],[{}],{"":[]}],"s":[""]}"#
        let decoded = try #require(try decode(logText([record, "{}", "{ }"])).value())
        #expect(decoded.records.map(\.text) == [record, "{}", "{ }"])
        #expect(decoded.records.map(\.isCompact) == [true, true, false])
        #expect(decoded.records[0].keys == ["", "a", "o", "n", "s"])
        #expect(decoded.records[1].members.isEmpty)
        #expect(decoded.records[2].members.isEmpty)
    }

    @Test func disagreementsWithFoundation() throws {
        // Recorded facts about the oracle on this platform, so a change in either side shows up here.
        // 1. Lone surrogate escapes are valid JSON text (RFC 8259 §8.2 allows them); the decoder accepts them.
        let lone = Array(logText([#"{"v":"\ud800"}"#]).utf8)
        #expect(try decode(lone).value()?.content == .records(count: 1))
        // 2. Trailing commas: Foundation accepts them, the decoder (RFC 8259) does not.
        let trailing = Array(#"{"Records":[{"a":1,}]}"#.utf8)
        #expect(foundationParse(trailing) != nil)
        #expect(try decode(trailing).error()?.code == .invalidJSON)
        // 3. Duplicate "Records": Foundation keeps the last, the decoder refuses the file.
        let duplicate = Array(#"{"Records":[{}],"Records":[{},{}]}"#.utf8)
        #expect(foundationParse(duplicate) != nil)
        #expect(try decode(duplicate).error()?.code == .invalidJSON)
    }
}
