import Foundation
import Testing
import TrailMillCompression
import TrailMillDecoding

/// `JSONText`: string decoding, comparisons, navigation and compaction over validated text.
@Suite struct JSONTextTests {
    // MARK: string / unescape

    @Test(arguments: [
        (#""#, ""),
        (#"plain"#, "plain"),
        (#"\""#, "\""),
        (#"\\"#, "\\"),
        (#"\/"#, "/"),
        (#"\b"#, "\u{08}"),
        (#"\f"#, "\u{0C}"),
        (#"\n"#, "\n"),
        (#"\r"#, "\r"),
        (#"\t"#, "\t"),
        (#"\u0041"#, "A"),
        (#"\u0000"#, "\u{0}"),
        (#"\u001F"#, "\u{1F}"),
        (#"\u00e9\u00C9"#, "éÉ"),
        (#"\u20ac"#, "€"),
        (#"\uffff"#, "\u{FFFF}"),
        (#"\u2028\u2029"#, "\u{2028}\u{2029}"),
        (#"\ud83d\ude00"#, "😀"),
        (#"\uDBFF\uDFFF"#, "\u{10FFFF}"),
        (#"\uD800\uDC00"#, "\u{10000}"),
        (#"\ud800"#, "\u{FFFD}"),
        (#"\udfff"#, "\u{FFFD}"),
        (#"\ud800x"#, "\u{FFFD}x"),
        (#"\ud800\u0041"#, "\u{FFFD}A"),  // high surrogate then a non-surrogate escape: both kept
        (#"\ud800\ud800\udc00"#, "\u{FFFD}\u{10000}"),  // a high surrogate then a pair
        (#"\ude00\ud83d"#, "\u{FFFD}\u{FFFD}"),  // pair in the wrong order
        (#"\\u0041"#, "\\u0041"),  // an escaped backslash, not an escape
        (#"\\\""#, "\\\""),
        (#"a\nb\tc\u00e9d😀e"#, "a\nb\tcéd😀e"),
        ("é€😀\u{2028}", "é€😀\u{2028}"),
        (#"|\\=\r\n"#, "|\\=\r\n"),
    ])
    func stringDecodesEscapes(content: String, expected: String) throws {
        let result = try withValidatedValue("\"" + content + "\"") { raw, slice in
            (JSONText.string(raw, slice), slice.hasEscapes)
        }
        #expect(result?.0 == expected)
        #expect(result?.1 == content.contains("\\"))
        // unescape appends to what is already there.
        var out: [UInt8] = Array("pre:".utf8)
        Array(content.utf8).withUnsafeBytes { JSONText.unescape($0, into: &out) }
        #expect(String(decoding: out, as: UTF8.self) == "pre:" + expected)
    }

    @Test func appendUTF8MatchesSwift() {
        for scalar: UInt32 in [0, 0x41, 0x7F, 0x80, 0xE9, 0x7FF, 0x800, 0x20AC, 0x2028, 0xD7FF, 0xE000, 0xFFFD, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF] {
            var out: [UInt8] = []
            JSONText.appendUTF8(scalar, to: &out)
            #expect(out == Array(String(Unicode.Scalar(scalar)!).utf8), "U+\(String(scalar, radix: 16))")
        }
    }

    // MARK: equals

    @Test func equalsWithAndWithoutEscapes() throws {
        let record = #"{"a":"eventName","b":"event\u004eame","c":"\u0065ventName","d":"eventNam","e":"","f":"\"","g":"\u00e9","h":"é","i":"eventName\u0000"}"#
        let decoded = try #require(try decode(logText([record])).value())
        let r = try #require(decoded.records.first)
        r.bytes.withUnsafeBytes { raw in
            let values = r.members.map(\.value)
            #expect(values.map { JSONText.equals(raw, $0, "eventName") } == [true, true, true, false, false, false, false, false, false])
            #expect(values.map { JSONText.equals(raw, $0, Array("eventName".utf8)) }
                == [true, true, true, false, false, false, false, false, false])
            #expect(values.map { JSONText.equals(raw, $0, "") } == [false, false, false, false, true, false, false, false, false])
            #expect(values.map { JSONText.equals(raw, $0, []) } == [false, false, false, false, true, false, false, false, false])
            #expect(JSONText.equals(raw, values[5], "\""))
            #expect(JSONText.equals(raw, values[6], "é"))
            #expect(JSONText.equals(raw, values[7], "é"))
            #expect(JSONText.equals(raw, values[6], Array("é".utf8)))
            #expect(JSONText.equals(raw, values[8], Array("eventName\u{0}".utf8)))
            // Keys too.
            #expect(JSONText.equals(raw, r.members[0].key, "a"))
            #expect(!JSONText.equals(raw, r.members[0].key, "b"))
        }
    }

    @Test func equalsOnRawBytes() {
        Array("abc".utf8).withUnsafeBytes { raw in
            #expect(JSONText.equals(raw, "abc"))
            #expect(!JSONText.equals(raw, "abd"))
            #expect(!JSONText.equals(raw, "ab"))
            #expect(!JSONText.equals(raw, "abcd"))
        }
        [UInt8]().withUnsafeBytes { raw in
            #expect(JSONText.equals(raw, ""))
            #expect(!JSONText.equals(raw, "a"))
        }
    }

    @Test func bytesEqualAtEveryLengthAndPosition() {
        for length in 0..<40 {
            let a = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            a.withUnsafeBytes { pa in
                var same = a
                same.withUnsafeBytes { pb in
                    #expect(JSONText.bytesEqual(pa.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, pb.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, length))
                }
                for position in 0..<length {
                    same = a
                    same[position] ^= 0x01
                    same.withUnsafeBytes { pb in
                        #expect(!JSONText.bytesEqual(pa.baseAddress!, pb.baseAddress!, length), "length \(length) at \(position)")
                    }
                }
            }
        }
    }

    // MARK: navigation

    static let nested = #"""
        { "a" : 1 ,
          "s\"}" : "x}]\"\\" ,
          "arr" : [ 1 , -2.5e+3 , "]" , [ [ ] , { } ] , { "k" : [ "v" ] } , true , false , null ] ,
          "obj" : { "in\u006eer" : { "deep" : "\u00e9" } , "n" : 0 } ,
          "last" : 123
        }
        """#

    @Test func forEachMemberOnNestedValues() throws {
        let result = try withValidatedValue(Self.nested) { raw, slice -> [String] in
            var seen: [String] = []
            JSONText.forEachMember(raw, object: slice) { member in
                let value = String(decoding: raw[member.value.range], as: UTF8.self)
                seen.append(JSONText.string(raw, member.key) + "=" + "\(member.value.kind):" + value)
                return true
            }
            return seen
        }
        #expect(result == [
            "a=number:1",
            #"s"}=string:x}]\"\\"#,
            #"arr=array:[ 1 , -2.5e+3 , "]" , [ [ ] , { } ] , { "k" : [ "v" ] } , true , false , null ]"#,
            #"obj=object:{ "in\u006eer" : { "deep" : "\u00e9" } , "n" : 0 }"#,
            "last=number:123",
        ])
    }

    @Test func forEachMemberStopsEarly() throws {
        let keys = try withValidatedValue(Self.nested) { raw, slice -> [String] in
            var keys: [String] = []
            JSONText.forEachMember(raw, object: slice) { member in
                keys.append(JSONText.string(raw, member.key))
                return keys.count < 2
            }
            return keys
        }
        #expect(keys == ["a", "s\"}"])
    }

    @Test func forEachElementOnNestedValues() throws {
        let result = try withValidatedValue(Self.nested) { raw, slice -> [String] in
            guard let array = JSONText.member(raw, slice, "arr") else { return [] }
            var seen: [String] = []
            JSONText.forEachElement(raw, array: array) { element in
                seen.append("\(element.kind):" + String(decoding: raw[element.range], as: UTF8.self))
            }
            return seen
        }
        #expect(result == [
            "number:1", "number:-2.5e+3", "string:]", "array:[ [ ] , { } ]", #"object:{ "k" : [ "v" ] }"#,
            "true:true", "false:false", "null:null",
        ])
    }

    @Test func forEachOnEmptyAndWrongKinds() throws {
        for empty in ["[]", "[ ]", "[\n\t]"] {
            let count = try withValidatedValue(empty) { raw, slice -> Int in
                var n = 0
                JSONText.forEachElement(raw, array: slice) { _ in n += 1 }
                JSONText.forEachMember(raw, object: slice) { _ in n += 100; return true }  // not an object: nothing
                return n
            }
            #expect(count == 0)
        }
        for empty in ["{}", "{ }", "{\r\n}"] {
            let count = try withValidatedValue(empty) { raw, slice -> Int in
                var n = 0
                JSONText.forEachMember(raw, object: slice) { _ in n += 1; return true }
                JSONText.forEachElement(raw, array: slice) { _ in n += 100 }  // not an array: nothing
                return n
            }
            #expect(count == 0)
        }
        let onString = try withValidatedValue(#""[1,2]""#) { raw, slice -> Int in
            var n = 0
            JSONText.forEachElement(raw, array: slice) { _ in n += 1 }
            return n + (JSONText.member(raw, slice, "a") == nil ? 0 : 100)
        }
        #expect(onString == 0)
    }

    @Test func numbersAtTheEndOfContainers() throws {
        let result = try withValidatedValue(#"[1,-0,2.5e-3,{"n":-1E+2},[7]]"#) { raw, slice -> [String] in
            var seen: [String] = []
            JSONText.forEachElement(raw, array: slice) { element in
                seen.append(String(decoding: raw[element.range], as: UTF8.self))
                if element.kind == .object, let n = JSONText.member(raw, element, "n") {
                    seen.append(String(decoding: raw[n.range], as: UTF8.self))
                }
                if element.kind == .array {
                    JSONText.forEachElement(raw, array: element) { seen.append(String(decoding: raw[$0.range], as: UTF8.self)) }
                }
            }
            return seen
        }
        #expect(result == ["1", "-0", "2.5e-3", #"{"n":-1E+2}"#, "-1E+2", "[7]", "7"])
    }

    @Test func memberLookup() throws {
        let result = try withValidatedValue(Self.nested) { raw, slice -> [String?] in
            func text(_ s: JSONSlice?) -> String? { s.map { String(decoding: raw[$0.range], as: UTF8.self) } }
            let obj = JSONText.member(raw, slice, "obj")
            let inner = obj.flatMap { JSONText.member(raw, $0, "inner") }  // the key is escaped in the input
            let deep = inner.flatMap { JSONText.member(raw, $0, "deep") }
            return [
                text(JSONText.member(raw, slice, "a")),
                text(JSONText.member(raw, slice, "s\"}")),
                text(JSONText.member(raw, slice, "last")),
                text(JSONText.member(raw, slice, "missing")),
                text(JSONText.member(raw, slice, "deep")),  // not a top-level member
                text(deep),
                deep.map { JSONText.string(raw, $0) },
                text(obj.flatMap { JSONText.member(raw, $0, "n") }),
            ]
        }
        #expect(result == ["1", #"x}]\"\\"#, "123", nil, nil, #"\u00e9"#, "é", "0"])
    }

    @Test func describeKinds() {
        #expect([JSONKind.object, .array, .string, .number, .true, .false, .null].map(JSONText.describe)
            == ["an object", "an array", "a string", "a number", "true", "false", "null"])
    }

    // MARK: appendCompact

    static func compact(_ text: String, insideString: Bool = false, capacity: Int = 16) -> String {
        let out = OutputBuffer(capacity: capacity)
        Array(text.utf8).withUnsafeBytes { JSONText.appendCompact($0, to: out, insideString: insideString) }
        return String(decoding: out.bytes, as: UTF8.self)
    }

    @Test(arguments: [
        ("{ }", "{}"),
        ("[ 1 ,\n\t2 ]", "[1,2]"),
        (#"{ "a b" : "c d" }"#, #"{"a b":"c d"}"#),
        (#"{"a":"\"  \\" , "b" : [ ] }"#, #"{"a":"\"  \\","b":[]}"#),
        (#"[ "\\" , "\\\"" , 1 ]"#, #"["\\","\\\"",1]"#),
        ("{\r\n  \"x\" :\r\n  null\r\n}", #"{"x":null}"#),
        (#"[ "\u2028" , "\n" ]"#, #"["\u2028","\n"]"#),  // escapes are kept verbatim
        ("[\"a\u{2028}b\u{2029}c\"]", #"["a\u2028b\u2029c"]"#),
        ("{\"\u{2028}\" : 1}", #"{"\u2028":1}"#),
        ("\"\u{2028}\u{2028}\"", #""\u2028\u2028""#),
        ("[\"\u{2027}\u{202A}€ é 😀\"]", "[\"\u{2027}\u{202A}€ é 😀\"]"),
        ("[ \"\u{85}\" ]", "[\"\\u0085\"]"),  // NEL is escaped like U+2028/U+2029 (Python's splitlines breaks on it)
        ("  \t\n", ""),
        ("", ""),
    ])
    func appendCompactCases(input: String, expected: String) {
        #expect(Self.compact(input) == expected)
        #expect(Self.compact(expected) == expected)  // idempotent
    }

    @Test func appendCompactAppends() {
        let out = OutputBuffer(capacity: 64)
        out.append("prefix:")
        Array("[ 1 ]".utf8).withUnsafeBytes { JSONText.appendCompact($0, to: out) }
        out.append(UInt8(ascii: ";"))
        Array("{ \"a\" : \"\u{2029}\" }".utf8).withUnsafeBytes { JSONText.appendCompact($0, to: out) }
        #expect(String(decoding: out.bytes, as: UTF8.self) == #"prefix:[1];{"a":"\u2029"}"#)
    }

    @Test(arguments: [
        ("a b  c", "a b  c"),
        (#"x \" y"#, #"x \" y"#),
        ("x\u{2028}y\u{2029}", #"x\u2028y\u2029"#),
        (#"\\"#, #"\\"#),
        (#"end" : [ 1 , "b c" ]"#, #"end":[1,"b c"]"#),  // the string ends, the rest is compacted
        (#"\" : 1"#, #"\" : 1"#),  // an escaped quote does not end the string
        (#"\\" : 1"#, #"\\":1"#),  // an escaped backslash then a quote does
        ("", ""),
    ])
    func appendCompactInsideString(input: String, expected: String) {
        #expect(Self.compact(input, insideString: true) == expected)
    }

    @Test func appendCompactOfStringSliceContent() throws {
        // A string slice's content copied with insideString: the separators are escaped, nothing else changes.
        let content = try withValidatedValue("\"a  b\\n\u{2028}\\\"\u{2029}\"") { raw, slice -> String in
            let out = OutputBuffer()
            JSONText.appendCompact(UnsafeRawBufferPointer(rebasing: raw[slice.range]), to: out, insideString: true)
            return String(decoding: out.bytes, as: UTF8.self)
        }
        #expect(content == #"a  b\n\u2028\"\u2029"#)
    }

    // MARK: Hostile strings and documents

    static let hostile: [(String, String)] = [
        ("pipe", "a|b||c|"),
        ("backslash", "\\"),
        ("backslashes", "\\\\\\n\\u0041"),
        ("equals", "a=b==c="),
        ("CR LF", "line1\r\nline2\rline3\n"),
        ("NUL", "a\u{0}b\u{0}"),
        ("controls", String((0..<32).map { Character(Unicode.Scalar(UInt8($0))) })),
        ("quotes", "\"'\"\"'"),
        ("U+2028", "before\u{2028}after\u{2029}"),
        ("emoji", "😀👩‍👩‍👧🇯🇵\u{1F9D1}\u{200D}\u{1F4BB}"),
        ("non-BMP edge", "\u{10000}\u{10FFFF}\u{FFFF}\u{E000}"),
        ("JSON inside", #"{"Records":[{"a":1}]}"#),
        ("CEF-ish", "CEF:0|AWS|CloudTrail|1.0|x|y|5|msg=a\\=b\\|c"),
        ("big", String(repeating: "0123456789 é😀\\\"\n", count: 250_000 / 16)),
    ]

    @Test(arguments: 0..<hostile.count)
    func hostileStringSurvives(index: Int) throws {
        let (name, value) = Self.hostile[index]
        for escapeAll in [false, true] {
            let literal = jsonString(value, escapeAll: escapeAll)
            let record = #"{"v":"# + literal + #","n":[1,{"v":"# + literal + "}]}"
            let bytes = Array(logText([record]).utf8)
            let decoded = try #require(try decode(bytes).value(), "\(name)")
            let r = try #require(decoded.records.first)
            #expect(r.text == record, "\(name)")
            r.bytes.withUnsafeBytes { raw in
                #expect(JSONText.string(raw, r.members[0].value) == value, "\(name)")
                #expect(JSONText.equals(raw, r.members[0].value, Array(value.utf8)), "\(name)")
                // Through navigation too.
                if let n = r.members.last?.value {
                    var inner: String?
                    JSONText.forEachElement(raw, array: n) { element in
                        if element.kind == .object, let v = JSONText.member(raw, element, "v") {
                            inner = JSONText.string(raw, v)
                        }
                    }
                    #expect(inner == value, "\(name)")
                }
                // Compacting keeps the value.
                let out = OutputBuffer(capacity: 64)
                JSONText.appendCompact(raw, to: out)
                let compact = out.bytes
                let parsed = foundationParse(compact) as? [String: Any]
                #expect(parsed?["v"] as? String == value, "\(name)")
                #expect(foundationEqual(parsed, foundationParse(r.bytes)), "\(name)")
                #expect(!compact.contains(0x0A) && occurrences(of: [0xE2, 0x80, 0xA8], in: compact).isEmpty)
            }
        }
    }

    @Test func loneSurrogatesSurviveAsEscapes() throws {
        // A Swift String cannot hold a lone surrogate: `string` gives U+FFFD, while the escape stays verbatim in
        // the record and in compacted output, so no information is lost on the way through.
        let record = #"{"v":"a\ud800b\udc00c", "w" : "\ud83d"}"#
        let decoded = try #require(try decode(logText([record])).value())
        let r = try #require(decoded.records.first)
        r.bytes.withUnsafeBytes { raw in
            #expect(JSONText.string(raw, r.members[0].value) == "a\u{FFFD}b\u{FFFD}c")
            #expect(JSONText.string(raw, r.members[1].value) == "\u{FFFD}")
            let out = OutputBuffer()
            JSONText.appendCompact(raw, to: out)
            #expect(String(decoding: out.bytes, as: UTF8.self) == #"{"v":"a\ud800b\udc00c","w":"\ud83d"}"#)
        }
    }

    @Test func deepNestingCompactsAndNavigates() throws {
        let depth = 150
        let value = String(repeating: #"{ "k" : [ "#, count: depth) + #""\u2028 x""# + String(repeating: " ] }", count: depth)
        let result = try withValidatedValue(value) { raw, slice -> (String, String?) in
            let out = OutputBuffer(capacity: 8)
            JSONText.appendCompact(UnsafeRawBufferPointer(rebasing: raw[slice.range]), to: out)
            // Walk down to the innermost string.
            var current = slice
            for _ in 0..<depth {
                guard let k = JSONText.member(raw, current, "k") else { return (String(decoding: out.bytes, as: UTF8.self), nil) }
                var first: JSONSlice?
                JSONText.forEachElement(raw, array: k) { element in if first == nil { first = element } }
                guard let next = first else { break }
                current = next
            }
            return (String(decoding: out.bytes, as: UTF8.self), JSONText.string(raw, current))
        }
        let expectedCompact = String(repeating: #"{"k":["#, count: depth) + #""\u2028 x""# + String(repeating: "]}", count: depth)
        #expect(result?.0 == expectedCompact)
        #expect(result?.1 == "\u{2028} x")
        #expect(foundationEqual(foundationParse(Array(expectedCompact.utf8)), foundationParse(Array(value.utf8))))
    }

    @Test func hostileDocumentsCompactToTheSameValue() throws {
        let documents = [
            "{\n \"a\" : \"  spaced  \" ,\t\"b\" : [ \"\\\"\" , \"\\\\\" , \"\\\\\\\"\" ] }",
            "{ \"sep\" : \"\u{2028}\u{2029}\\u2028\" , \"n\" : [ -0 , 1E+2 , 9.82222E-5 , 12345678901234567890 ] }",
            "{ \"emoji\" : \"😀 \\ud83d\\ude00\" , \"nul\" : \"\\u0000\" , \"slash\" : \"\\/\" , \"ctl\" : \"\\b\\f\\n\\r\\t\" }",
            "{ \"\" : { \"\" : [ { } , [ ] , \"\" ] } , \"k\\\"ey\" : \"v\\\\\" }",
            "{\"x\":\"}\",\"y\":\"]\",\"z\":\"{[\",\"w\":\" , : \"}",
        ]
        for document in documents {
            let decoded = try #require(try decode(logText([document])).value(), "\(document)")
            let r = try #require(decoded.records.first)
            let out = OutputBuffer(capacity: 1)
            r.bytes.withUnsafeBytes { JSONText.appendCompact($0, to: out) }
            #expect(foundationEqual(foundationParse(out.bytes), foundationParse(Array(document.utf8))), "\(document)")
            let again = try #require(try decode(Array(#"{"Records":["#.utf8) + out.bytes + Array("]}".utf8)).value())
            #expect(again.records.first?.isCompact == true)
        }
    }
}
