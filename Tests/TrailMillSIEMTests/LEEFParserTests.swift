import Testing

/// The strict LEEF 2.0 parser, rule by rule.
@Suite struct LEEFParserTests {
    static let head = "LEEF:2.0|Amazon|AWS CloudTrail|1.08|DeleteUser|x09|"

    func rejects(_ line: String, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let event = try LEEFParser.parse(line)
            Issue.record("accepted \(line.debugDescription) as \(event.attrs)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.message.contains(fragment), "\(line.debugDescription): \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func theReferenceSketchParses() throws {
        let line = Self.head
            + "devTime=1709296496000\tcat=iam.amazonaws.com\tsev=8\tsrc=203.0.113.7\tusrName=alice\taccountName=111122223333\tresource=bob"
        let event = try LEEFParser.parse(line)
        #expect(event.vendor == "Amazon")
        #expect(event.product == "AWS CloudTrail")
        #expect(event.productVersion == "1.08")
        #expect(event.eventID == "DeleteUser")
        #expect(event.delimiterSpec == "x09")
        #expect(event.delimiter == "\t")
        #expect(event.keys == ["devTime", "cat", "sev", "src", "usrName", "accountName", "resource"])
        #expect(event["resource"] == "bob")
    }

    @Test func delimiterSpecs() throws {
        #expect(try LEEFParser.parse("LEEF:2.0|V|P|1|E|^|a=1^b=2").attrs == ["a": "1", "b": "2"])
        #expect(try LEEFParser.parse("LEEF:2.0|V|P|1|E|0x5E|a=1^b=2").delimiter == "^")
        #expect(try LEEFParser.parse("LEEF:2.0|V|P|1|E|x5e|a=1^b=2").delimiter == "^")
        #expect(try LEEFParser.parse("LEEF:2.0|V|P|1|E|0x09|a=1\tb=2").attrs == ["a": "1", "b": "2"])
        #expect(try LEEFParser.parse("LEEF:2.0|V|P|1|E|x0009|a=1\tb=2").delimiter == "\t")
        #expect(try LEEFParser.parse("LEEF:2.0|V|P|1|E|||a=1|b=2").attrs == ["a": "1", "b": "2"])  // a literal pipe
        #expect(try LEEFParser.parse("LEEF:2.0|V|P|1|E|x09|").attributes.isEmpty)
        rejects("LEEF:2.0|V|P|1|E||a=1", "delimiter")
        rejects("LEEF:2.0|V|P|1|E|ab|a=1", "neither one character")
        #expect(try LEEFParser.parse("LEEF:2.0|V|P|1|E|x|a=1xb=2").delimiter == "x")  // one character: a literal `x`
        rejects("LEEF:2.0|V|P|1|E|0x|a=1", "hex")
        rejects("LEEF:2.0|V|P|1|E|x12345|a=1", "hex")
        rejects("LEEF:2.0|V|P|1|E|xZZ|a=1", "hex")
        rejects("LEEF:2.0|V|P|1|E|=|a=1", "`=` cannot be the delimiter")
        rejects("LEEF:2.0|V|P|1|E|x3D|a=1", "`=` cannot be the delimiter")
        rejects("LEEF:2.0|V|P|1|E|\t|a=1", "control character")
        rejects("LEEF:2.0|V|P|1|E|x09", "no `|` after the delimiter")
    }

    @Test func headerRules() throws {
        rejects("LEEF:1.0|V|P|1|E|a=1", "version must be 2.0")
        rejects("LEEF:2|V|P|1|E|x09|a=1", "version must be 2.0")
        rejects("CEF:0|V|P|1|E|x09|a=1", "does not start with `LEEF:`")
        rejects(" LEEF:2.0|V|P|1|E|x09|a=1", "does not start with `LEEF:`")
        rejects("LEEF:2.0|V|P|1|E", "pipe-terminated fields")
        rejects("LEEF:2.0||P|1|E|x09|a=1", "vendor is empty")
        rejects("LEEF:2.0|V|P|1||x09|a=1", "eventID is empty")
        #expect(try LEEFParser.parse("LEEF:2.0|V|P||E|x09|a=1").productVersion == "")
        rejects("LEEF:2.0|V\t|P|1|E|x09|a=1", "control character")
        rejects("LEEF:2.0|V|P|1|E\n|x09|a=1", "control character")
        #expect(try LEEFParser.parse("LEEF:2.0|V|P|1|\(String(repeating: "e", count: 255))|x09|a=1").eventID.count == 255)
        rejects("LEEF:2.0|V|P|1|\(String(repeating: "e", count: 256))|x09|a=1", "EventID has 256")
        // A pipe in a header field shifts every field: `E` becomes the delimiter and the rest garbage.
        rejects("LEEF:2.0|V|P|x|1|E|x09|a=1", "contains a space or pipe")
        // A pipe in an attribute value is plain text (LEEF has no escaping).
        #expect(try LEEFParser.parse(Self.head + "a=x|y")["a"] == "x|y")
    }

    @Test func attributesSplitOnTheDelimiterAndTheFirstEquals() throws {
        #expect(try LEEFParser.parse(Self.head + "url=https://h/p?a=b&c==d\tx=").attrs == ["url": "https://h/p?a=b&c==d", "x": ""])
        #expect(try LEEFParser.parse(Self.head + "msg=a b  c ").attrs == ["msg": "a b  c "])  // spaces are kept
        #expect(try LEEFParser.parse(Self.head + "a=1\tb=ユーザー ✓").attrs == ["a": "1", "b": "ユーザー ✓"])
        rejects(Self.head + "a=1\ta=2", "more than once")
        rejects(Self.head + "=1", "empty key")
        rejects(Self.head + "a=1\t\tb=2", "empty attribute")
        rejects(Self.head + "a=1\t", "empty attribute")
        rejects(Self.head + "novalue", "without `=`")
        rejects(Self.head + "a b=1", "contains a space")
    }

    @Test func controlCharactersOtherThanTheDelimiterAreErrors() throws {
        for control in ["\n", "\r", "\r\n", "\u{0}", "\u{1B}", "\u{7F}"] {
            rejects(Self.head + "a=x\(control)y", "control character")
        }
        // With `^` as the delimiter a TAB is a control character too.
        rejects("LEEF:2.0|V|P|1|E|^|a=x\ty", "control character")
        // With TAB as the delimiter a TAB is a separator.
        #expect(try LEEFParser.parse(Self.head + "a=x\ty=z").attrs == ["a": "x", "y": "z"])
    }

    @Test func typedAttributes() throws {
        #expect(try LEEFParser.parse(Self.head + "devTime=1709296496000\tsev=1\tsrc=2001:db8::1\tdst=10.0.0.1\tsrcPort=0\tdstPort=65535")
            .attributes.count == 6)
        #expect(try LEEFParser.parse(Self.head + "sev=10")["sev"] == "10")
        for bad in ["1709296496", "2024-03-01T12:34:56Z", "Mar 01 2024 12:34:56", ""] {
            rejects(Self.head + "devTime=\(bad)", "devTime")
        }
        for bad in ["0", "11", "05", "-1", "high", ""] { rejects(Self.head + "sev=\(bad)", "sev") }
        #expect(try LEEFParser.parse(Self.head + "usrName=\(String(repeating: "ü", count: 255))")["usrName"]?.count == 255)
        rejects(Self.head + "usrName=\(String(repeating: "u", count: 256))", "usrName")
        for bad in ["ec2.amazonaws.com", "AWS Internal", "253.252.51.07", "1.2.3.4,5.6.7.8", "fe80::1%eth0", ""] {
            rejects(Self.head + "src=\(bad)", "src must be an IP")
        }
        rejects(Self.head + "srcPort=70000", "srcPort")
    }
}
