import Testing

/// One hand-written line per strictness rule of `StrictCEFParser`.
@Suite struct StrictCEFParserTests {
    static let head = "CEF:0|Amazon|AWS CloudTrail|1.09|x|n|5|"

    func parse(_ line: String) throws -> CEFEvent { try StrictCEFParser.parse(line) }
    func ext(_ text: String) throws -> [String: String] { try parse(Self.head + text).ext }

    func rejects(_ line: String, _ kind: CEFParseError.Kind, key: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let event = try StrictCEFParser.parse(line)
            Issue.record("accepted \(line.debugDescription) as \(event.header) \(event.ext)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.kind == kind, "\(line.debugDescription): \(error)", sourceLocation: sourceLocation)
            if let key { #expect(error.key == key, "\(error)", sourceLocation: sourceLocation) }
        }
    }

    func rejectsExt(_ text: String, _ kind: CEFParseError.Kind, key: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        rejects(Self.head + text, kind, key: key, sourceLocation: sourceLocation)
    }

    // MARK: Prefix, version, header

    @Test func prefixAndVersion() throws {
        #expect(try parse("CEF:0|a|b|c|d|e|5|").header == ["0", "a", "b", "c", "d", "e", "5"])
        #expect(try parse("CEF:1|a|b|c|d|e|5|").version == "1")
        rejects("CEF:2|a|b|c|d|e|5|", .version)
        rejects("CEF:|a|b|c|d|e|5|", .version)
        rejects("CEF:01|a|b|c|d|e|5|", .version)
        rejects("cef:0|a|b|c|d|e|5|", .prefix)
        rejects(" CEF:0|a|b|c|d|e|5|", .prefix)
        rejects("\u{FEFF}CEF:0|a|b|c|d|e|5|", .prefix)
        rejects("Jan 18 11:07:53 host CEF:0|a|b|c|d|e|5|", .prefix)
        rejects("", .prefix)
    }

    @Test func exactlySevenHeaderFieldsEachTerminatedByAPipe() throws {
        rejects("CEF:0|a|b|c|d|e|5", .headerFieldCount)  // severity not terminated
        rejects("CEF:0|a|b|c|d|5|", .headerFieldCount)  // six fields
        rejects("CEF:0|a|b|c|d|e", .headerFieldCount)
        // An eighth pipe belongs to the extension, where it is a literal character inside a value …
        #expect(try ext("msg=a|b") == ["msg": "a|b"])
        // … but an extension cannot start with it.
        rejects("CEF:0|a|b|c|d|e|5||suser=x", .extensionSyntax)
        // Empty header fields are allowed (T34).
        #expect(try parse("CEF:0||||||5|suser=alice").header == ["0", "", "", "", "", "", "5"])
        // No extension at all (T35) and an extension of only spaces.
        #expect(try parse("CEF:0|a|b|c|d|e|5|").extension.isEmpty)
        #expect(try parse("CEF:0|a|b|c|d|e|5|   ").extension.isEmpty)
    }

    @Test func headerEscapesAreOnlyBackslashAndPipe() throws {
        #expect(try parse(#"CEF:0|Amazon|AWS CloudTrail|1.09|x|Delete\|User|7|"#).name == "Delete|User")
        #expect(try parse(#"CEF:0|Acme\\|Prod|1|id|name|5|"#).vendor == #"Acme\"#)
        #expect(try parse(#"CEF:0|Acme\\\|X|Prod|1|id|name|5|"#).vendor == #"Acme\|X"#)
        #expect(try parse(#"CEF:0|security\\\||threatmanager\\|1.0|100|n|10|"#).header[1...2] == [#"security\|"#, #"threatmanager\"#])
        // `=` needs no escape in the header and `\=` is not a header escape.
        #expect(try parse("CEF:0|a|b|c|d|a=b|5|").name == "a=b")
        rejects(#"CEF:0|a|b|c|d|a\=b|5|"#, .headerEscape)
        rejects(#"CEF:0|Ac\me|Prod|1|id|name|5|suser=alice"#, .headerEscape)  // T33
        rejects(#"CEF:0|a|b|c|d|e\n|5|"#, .headerEscape)
        rejects(#"CEF:0|a|b|c|d|e\ x|5|"#, .headerEscape)  // no `\<space>` either
        rejects(#"CEF:0|a|b|c|d|e|5\"#, .headerEscape)  // lone trailing backslash
        rejects(#"CEF:0|a|b|c|d|e\"#, .headerEscape)
        // Spaces in the header are plain.
        #expect(try parse("CEF:0| a b |c|d|e|f|5|").vendor == " a b ")
    }

    @Test func severityIsZeroToTenOrAWord() throws {
        for severity in ["0", "1", "5", "9", "10", "Unknown", "Low", "Medium", "High", "Very-High"] {
            #expect(try parse("CEF:0|a|b|c|d|e|\(severity)|").severity == severity)
        }
        for severity in ["11", "-1", "05", "", " 5", "5 ", "Very High", "high", "Critical", "3.5", "100"] {
            rejects("CEF:0|a|b|c|d|e|\(severity)|", .severity)
        }
    }

    @Test func headerLengthLimits() throws {
        let ok = "CEF:0|\(String(repeating: "v", count: 63))|\(String(repeating: "p", count: 63))|\(String(repeating: "1", count: 31))|\(String(repeating: "c", count: 1023))|\(String(repeating: "n", count: 512))|5|"
        #expect(try parse(ok).header.count == 7)
        rejects("CEF:0|\(String(repeating: "v", count: 64))|p|1|c|n|5|", .length)
        rejects("CEF:0|v|\(String(repeating: "p", count: 64))|1|c|n|5|", .length)
        rejects("CEF:0|v|p|\(String(repeating: "1", count: 32))|c|n|5|", .length)
        rejects("CEF:0|v|p|1|\(String(repeating: "c", count: 1024))|n|5|", .length)
        rejects("CEF:0|v|p|1|c|\(String(repeating: "n", count: 513))|5|", .length)
        // Counted after unescaping, in Unicode scalars: 63 escaped pipes (126 bytes of wire) and 63 `é` are fine.
        #expect(try parse("CEF:0|\(String(repeating: #"\|"#, count: 63))|\(String(repeating: "é", count: 63))|1|c|n|5|").vendor.count == 63)
        rejects("CEF:0|\(String(repeating: "é", count: 64))|p|1|c|n|5|", .length)
    }

    // MARK: Control characters

    @Test func rawControlCharactersAnywhereAreErrors() {
        for control in ["\n", "\r", "\r\n", "\t", "\u{0}", "\u{1B}", "\u{7F}", "\u{0B}", "\u{0C}"] {
            rejectsExt("msg=a\(control)b suser=alice", .controlCharacter)
            rejects("CEF:0|a\(control)|b|c|d|e|5|", .controlCharacter)
            rejectsExt("suser=alice\(control)", .controlCharacter)  // not even as trailing whitespace
        }
        rejectsExt("msg=Tab is not a separator\tsrc=127.0.0.1", .controlCharacter)
    }

    @Test func nonControlUnicodeIsFine() throws {
        #expect(try ext("suser=ユーザー msg=café ✓") == ["suser": "ユーザー", "msg": "café ✓"])
        #expect(try ext("msg=a\u{2028}b\u{85}c 🦀") == ["msg": "a\u{2028}b\u{85}c 🦀"])
    }

    @Test func invalidUTF8IsRejected() {
        #expect(throws: CEFParseError.self) { try StrictCEFParser.parse(bytes: Array("CEF:0|a|b|c|d|e|5|msg=".utf8) + [0xFF]) }
        #expect(throws: CEFParseError.self) { try StrictCEFParser.parse(bytes: Array("CEF:0|a|b|c|d|e|5|msg=".utf8) + [0xED, 0xA0, 0x80]) }
    }

    // MARK: Extension grammar

    @Test func pairsAreSeparatedBySpacesAndValuesMayContainSpacesAndPipes() throws {
        #expect(try ext("rt=1700000000000 src=203.0.113.5 suser=alice msg=hello world")
            == ["rt": "1700000000000", "src": "203.0.113.5", "suser": "alice", "msg": "hello world"])
        #expect(try ext("filePath=/user/username/dir/my file name.txt suser=a")["filePath"] == "/user/username/dir/my file name.txt")
        #expect(try ext("msg=a|b suser=alice") == ["msg": "a|b", "suser": "alice"])
        #expect(try ext("msg=a  b   suser=alice")["msg"] == "a  b  ")  // all spaces but the last stay (T16)
        #expect(try ext("msg= leading suser=alice")["msg"] == " leading")  // T31
        #expect(try ext("cs1= cs1Label=requestParameters")["cs1"] == "")  // T17
        #expect(try ext("msg=")["msg"] == "")
        let trailing = try ext("msg=Trailing space in non-final extensions is  preserved    src=10.0.0.192 ")
        #expect(trailing == ["msg": "Trailing space in non-final extensions is  preserved   ", "src": "10.0.0.192"])
        #expect(try ext("suser=bob msg=end   ")["msg"] == "end")  // final value: trailing spaces dropped
        #expect(try ext("  suser=bob") == ["suser": "bob"])  // leading spaces before the first key, as Elastic
        // Order is kept.
        #expect(try parse(Self.head + "b=1 a=2 c=3").keys == ["b", "a", "c"])
    }

    @Test func valueEscapesAreOnlyBackslashEqualsNAndR() throws {
        #expect(try ext(#"msg=a\=b suser=alice"#)["msg"] == "a=b")
        #expect(try ext(#"filePath=C:\\Windows\\x.exe suser=alice"#)["filePath"] == #"C:\Windows\x.exe"#)
        #expect(try ext(#"msg=line1\nline2\rline3 suser=alice"#)["msg"] == "line1\nline2\rline3")
        #expect(try ext(#"msg=trailing\\ suser=bob"#)["msg"] == #"trailing\"#)
        #expect(try ext(#"suser=bob msg=end\\"#)["msg"] == #"end\"#)
        #expect(try ext(#"msg=a\\\=b suser=alice"#)["msg"] == #"a\=b"#)
        #expect(try ext(#"msg=a+b\=c x=c\\d\=z"#) == ["msg": "a+b=c", "x": #"c\d=z"#])
        #expect(try ext(#"msg=\\\\\\\\"#)["msg"] == #"\\\\"#)
        // `\ ` before a key start is an escape error, not a separator.
        rejectsExt(#"msg=a\ suser=alice"#, .valueEscape)
        rejectsExt(#"msg=a\|b suser=alice"#, .valueEscape)  // T12
        rejectsExt(#"moo=this\|has an escaped pipe"#, .valueEscape)  // LS1
        rejectsExt(#"msg=a\tb suser=alice"#, .valueEscape)  // T23
        rejectsExt(#"msg=a\"b"#, .valueEscape)
        rejectsExt(#"msg=a\u0041"#, .valueEscape)
        rejectsExt(#"msg=end\"#, .valueEscape)  // lone trailing backslash
        rejectsExt(#"msg=end\\\"#, .valueEscape)
        rejectsExt(#"msg=a\ "#, .valueEscape)
    }

    @Test func newlineEscapesDecodeInOrder() throws {
        let value = try ext(#"msg=Newlines in messages\nare allowed.\r\nAnd so are carriage feeds\\newlines\\\=."#)["msg"]
        #expect(value == "Newlines in messages\nare allowed.\r\nAnd so are carriage feeds\\newlines\\=.")
        let event = try parse(#"CEF:0|security\\compliance|threat\|->manager|1.0|100|n|10|msg=x"#)
        #expect(event.vendor == #"security\compliance"#)
        #expect(event.product == "threat|->manager")
    }

    @Test func unescapedEqualsThatDoesNotStartAKeyIsAnError() throws {
        rejectsExt("request=https://h/p?a=b suser=alice", .unescapedEquals)  // T13
        rejectsExt("moo=this =has = equals\\=", .unescapedEquals)  // LS2
        rejectsExt("msg=Hello World error=Failed because id==old_id user=root", .unescapedEquals)
        rejectsExt("angle=106.7<=180", .unescapedEquals)
        rejectsExt(#"key1=\\hi= key2=a"#, .unescapedEquals)
        rejectsExt("msg==x", .unescapedEquals)
        rejectsExt("msg=x=", .unescapedEquals)
        // A space followed by `key=` starts a key even inside what was meant as one value (T14): field injection is
        // syntactically valid CEF, so only the encoder can prevent it.
        #expect(try ext("msg=see foo=bar here suser=alice") == ["msg": "see", "foo": "bar here", "suser": "alice"])
        #expect(try ext(#"msg=see foo\=bar here suser=alice"#) == ["msg": "see foo=bar here", "suser": "alice"])
    }

    @Test func keysAreASCIIAlphanumeric() throws {
        #expect(try ext("cs1Label=a cs1=b flexString1Label=c flexString1=d 9x=1 X=2") == [
            "cs1Label": "a", "cs1": "b", "flexString1Label": "c", "flexString1": "d", "9x": "1", "X": "2",
        ])
        rejectsExt("aws.region=us-east-1 suser=alice", .invalidKey)  // T29
        rejectsExt("suser=alice aws.region=us-east-1", .invalidKey)
        rejectsExt("_x=1", .invalidKey)
        rejectsExt("a_b=1", .invalidKey)
        rejectsExt("a[0]=1", .invalidKey)
        rejectsExt("a,b=1", .invalidKey)
        rejectsExt("-a=1", .extensionSyntax)
        rejectsExt("ключ=1", .extensionSyntax)
        rejectsExt("=value", .extensionSyntax)
        rejectsExt("suser", .extensionSyntax)
        rejectsExt("suser alice", .extensionSyntax)
        rejectsExt("msg=a ключ=1", .unescapedEquals)  // not a key start, so the `=` sits inside msg
    }

    @Test func eachKeyAtMostOnce() {
        rejectsExt("suser=a suser=b", .duplicateKey)
        rejectsExt("msg=x foo=1 msg=y", .duplicateKey)
        rejectsExt("msg=see suser=x here suser=y", .duplicateKey)
    }

    // MARK: Types

    @Test func addressesAreTyped() throws {
        for ip in ["203.0.113.5", "0.0.0.0", "255.255.255.255", "10.0.0.1"] {
            #expect(try ext("src=\(ip) dst=\(ip) dvc=\(ip)")["src"] == ip)
        }
        for bad in ["ec2.amazonaws.com", "AWS Internal", "253.252.51.07", "256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4",
            "1.2.3.4 ", "2001:db8::1", "::ffff:1.2.3.4", "1.2.3.4,5.6.7.8", "", "1..3.4", "+1.2.3.4"] {
            rejectsExt("src=\(bad) suser=x", .type, key: "src")
        }
        rejectsExt("dst=ec2.amazonaws.com", .type, key: "dst")
        rejectsExt("dvc=1.2.3.999", .type, key: "dvc")
        for ip in ["2001:db8::42", "::1", "::", "fe80::1:2:3:4", "2001:0db8:0000:0000:0000:ff00:0042:8329", "::ffff:1.2.3.4",
            "1:2:3:4:5:6:7::", "1:2:3:4:5:6:1.2.3.4"] {
            #expect(try ext("c6a2=\(ip) c6a2Label=Source IPv6 Address")["c6a2"] == ip)
        }
        for bad in ["203.0.113.5", "2001:db8:::1", "2001:db8::1::2", "1:2:3:4:5:6:7:8:9", "12345::1", "fe80::1%eth0",
            "[::1]", "g::1", "1:2:3:4:5:6:7", ":1::2", "::ffff:1.2.3.04", "x"] {
            rejectsExt("c6a1=\(bad) c6a1Label=l", .type, key: "c6a1")
        }
    }

    @Test func timesAre13DigitEpochMilliseconds() throws {
        #expect(try ext("rt=1700000000000 start=1700000000000 end=1700000000001")["end"] == "1700000000001")
        for bad in ["1700000000", "17000000000000", "2023-11-14T22:13:20Z", "2023-11-14T22:13:20.000Z",
            "Nov 14 2023 22:13:20", "Nov 14 22:13:20", "-170000000000", "1700000000000.5", "", "１７００００００００００００"] {
            rejectsExt("rt=\(bad) suser=x", .type, key: "rt")
        }
        rejectsExt("start=1700000000", .type, key: "start")
        rejectsExt("end=now", .type, key: "end")
    }

    @Test func numbersAndPortsAreTyped() throws {
        #expect(try ext("cn1=0 cn1Label=readOnly cn2=-5 cn2Label=x cn3=9223372036854775807 cn3Label=y cnt=3 spt=0 dpt=65535")
            .count == 9)
        rejectsExt("cn1=1.5 cn1Label=readOnly", .type, key: "cn1")
        rejectsExt("cn1=true cn1Label=readOnly", .type, key: "cn1")
        rejectsExt("cn2=9223372036854775808 cn2Label=x", .type, key: "cn2")
        rejectsExt("cnt=", .type, key: "cnt")
        rejectsExt("spt=65536", .type, key: "spt")
        rejectsExt("dpt=-1", .type, key: "dpt")
        rejectsExt("dpt=http", .type, key: "dpt")
    }

    @Test func customKeysComeWithTheirLabels() throws {
        #expect(try ext("cs1Label=userIdentityArn cs1=arn cs6=k cs6Label=accessKeyId").count == 4)
        rejectsExt("cs1=orphan", .label, key: "cs1")
        rejectsExt("cs4Label=requestParameters", .label, key: "cs4")
        rejectsExt("cn1=1", .label, key: "cn1")
        rejectsExt("cn3Label=x", .label, key: "cn3")
        rejectsExt("c6a2=2001:db8::1", .label, key: "c6a2")
        rejectsExt("c6a4Label=x", .label, key: "c6a4")
        rejectsExt("flexString1=123", .label, key: "flexString1")
        rejectsExt("flexString2Label=sessionIssuerArn", .label, key: "flexString2")
        rejectsExt("cs1=a cs2Label=b", .label)
    }

    @Test func dictionaryLengthsApplyToTheUnescapedValueInScalars() throws {
        let limits: [(String, Int)] = [
            ("act", 63), ("externalId", 40), ("deviceExternalId", 255), ("msg", 1023), ("reason", 1023), ("suser", 1023),
            ("duser", 1023), ("suid", 1023), ("shost", 1023), ("requestClientApplication", 1023), ("cat", 1023),
            ("destinationServiceName", 1023), ("sourceServiceName", 1023), ("devicePayloadId", 128), ("outcome", 63),
        ]
        for (key, limit) in limits {
            #expect(try ext("\(key)=\(String(repeating: "a", count: limit))")[key]?.count == limit)
            // Escapes count once: `\=` is one character of the limit.
            #expect(try ext("\(key)=\(String(repeating: #"\="#, count: limit))")[key]?.count == limit)
            // Scalars, not bytes: `ユ` is three bytes.
            #expect(try ext("\(key)=\(String(repeating: "ユ", count: limit))")[key]?.unicodeScalars.count == limit)
            rejectsExt("\(key)=\(String(repeating: "a", count: limit + 1))", .length, key: key)
            rejectsExt("\(key)=\(String(repeating: "ユ", count: limit + 1))", .length, key: key)
        }
        for n in 1...6 {
            #expect(try ext("cs\(n)Label=l cs\(n)=\(String(repeating: "x", count: 4000))")["cs\(n)"]?.count == 4000)
            rejectsExt("cs\(n)Label=l cs\(n)=\(String(repeating: "x", count: 4001))", .length, key: "cs\(n)")
        }
        // Scalars, not grapheme clusters: "e\u{301}" is one Character but two scalars.
        rejectsExt("act=\(String(repeating: "e\u{301}", count: 32))", .length, key: "act")
        // The final value's trailing spaces are trimmed before the length check.
        #expect(try ext("act=\(String(repeating: "a", count: 63))   ")["act"]?.count == 63)
    }

    @Test func errorsAreDescriptive() {
        do {
            _ = try StrictCEFParser.parse(Self.head + "request=https://h/p?a=b suser=alice")
            Issue.record("accepted")
        } catch {
            #expect(error.description.contains("request"))
            #expect(error.position == 60)  // the offending `=` (Elastic reports 61, one past it)
        }
    }
}
