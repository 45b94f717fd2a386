import Foundation
import Testing

/// Hostile text in the fields an attacker controls (userAgent, errorMessage, principalId, userName,
/// requestParameters) and in the fields that reach the CEF/LEEF headers: every line must stay one line, parse
/// strictly, carry exactly the mapped keys (no forged key) and the sanitized values the mapping promises.
@Suite struct HostileStringTests {
    /// Hostile strings as JSON string **contents** (JSON escapes are part of the test).
    static let hostile: [(name: String, json: String)] = [
        ("pipe", "a|b|c"),
        ("backslash", #"a\\b"#),
        ("equals", "a=b"),
        ("forged key", "x suser=evil act=forged cs1=arn:aws:iam::999999999999:root"),
        ("forged key after a space run", "x    rt=1 src=6.6.6.6  "),
        ("CR", #"a\rb"#),
        ("LF", #"a\nb"#),
        ("CRLF", #"a\r\nb"#),
        ("LF then forged key", #"a\nsuser=evil"#),
        ("TAB", #"a\tb"#),
        ("TAB then forged LEEF key", #"a\tusrName=evil"#),
        ("NUL", #"a\u0000b"#),
        ("ESC sequence", #"\u001b[31mred\u001b[0m"#),
        ("DEL", #"a\u007fb"#),
        ("C1 control", #"a\u0085b"#),
        ("lone high surrogate", #"a\ud800b"#),
        ("lone low surrogate", #"\udc00"#),
        ("reversed surrogates", #"x\udc00\ud800y"#),
        ("U+2028 escaped", #"a\u2028b"#),
        ("U+2028/2029 raw", "a\u{2028}b\u{2029}c"),
        ("emoji", "🦀 👩‍👩‍👧 🇺🇦"),
        ("emoji escaped", #"\ud83e\udd80"#),
        ("leading CEF:", "CEF:0|Evil|Corp|1|x|y|10|src=6.6.6.6"),
        ("leading LEEF:", #"LEEF:2.0|Evil|Corp|1|x|x09|sev=10\tsrc=6.6.6.6"#),
        ("backslash run", String(repeating: #"\\"#, count: 33)),
        ("backslash before equals", #"\\=\\\\="#),
        ("backslash before pipe", #"\\|x"#),
        ("trailing backslash", #"abc\\"#),
        ("escape look-alikes", #"\\n\\r\\t\\=\\|"#),
        ("blank", #"  \t "#),
        ("padded", #"  padded value \t"#),
        ("JSON escapes of ASCII", #"Delete\u0055ser"#),
        ("non-ASCII", "ünï ユーザー ✓"),
        ("5000 a", String(repeating: "a", count: 5000)),
        ("5000 backslashes", String(repeating: #"\\"#, count: 5000)),
        ("5000 equals", String(repeating: "=", count: 5000)),
        ("5000 pipes", String(repeating: "|", count: 5000)),
        ("5000 LF", String(repeating: #"\n"#, count: 5000)),
        ("5000 ユ", String(repeating: "ユ", count: 5000)),
        ("5000 emoji", String(repeating: "🦀", count: 5000)),
        ("space at the cut", String(repeating: "a", count: 1021) + "  " + String(repeating: "b", count: 100)),
        ("LF at the cut", String(repeating: "a", count: 1021) + #"\n"# + String(repeating: "b", count: 100)),
        ("backslash at the cut", String(repeating: "a", count: 1021) + #"\\"# + String(repeating: "b", count: 100)),
        ("equals at the cut", String(repeating: "a", count: 62) + "=" + String(repeating: "b", count: 100)),
        ("TAB at the cut", String(repeating: "a", count: 254) + #"\t"# + String(repeating: "b", count: 100)),
    ]

    /// A record with `h` in the attacker-controlled payload fields.
    static func payloadRecord(_ h: String, _ n: Int) -> String {
        #"{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"\#(h)","arn":"arn:aws:iam::111122223333:user/x","accountId":"111122223333","accessKeyId":"AKIAEXAMPLE","userName":"\#(h)"},"eventTime":"2024-03-15T12:00:00Z","eventSource":"iam.amazonaws.com","eventName":"CreateUser","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.7","userAgent":"\#(h)","errorCode":"ValidationError","errorMessage":"\#(h)","requestParameters":{"userName":"\#(h)","policyDocument":"\#(h)"},"responseElements":null,"requestID":"r","eventID":"00000000-0000-4000-8000-\#(String(format: "%012d", n))","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}"#
    }

    /// A record with `h` in the fields that reach the headers and the identity/location keys.
    static func headerRecord(_ h: String, _ n: Int) -> String {
        #"{"eventVersion":"\#(h)","userIdentity":{"type":"AssumedRole","principalId":"AROA:s","arn":"\#(h)","accountId":"111122223333","accessKeyId":"\#(h)","invokedBy":"\#(h)","sessionContext":{"sessionIssuer":{"type":"Role","userName":"\#(h)"}}},"eventTime":"2024-03-15T12:00:00.\#(String(format: "%03d", n))Z","eventSource":"\#(h)","eventName":"\#(h)","awsRegion":"\#(h)","sourceIPAddress":"\#(h)","userAgent":"ua","requestParameters":"\#(h)","responseElements":null,"eventID":"\#(h)","readOnly":"\#(n % 2 == 0 ? "TRUE" : "false")","eventType":"\#(h)","recipientAccountId":"\#(h)"}"#
    }

    /// JSON text with lone surrogate escapes replaced by `\ufffd`: what the decoder documents for them
    /// (`JSONText.string`: "a lone surrogate escape becomes U+FFFD"), so Foundation can give the oracle's view.
    static func replacingLoneSurrogates(_ json: String) -> String {
        var out = ""
        var s = Substring(json)
        func surrogate(_ t: Substring) -> UInt32? {
            guard t.hasPrefix("\\u"), t.count >= 6, let v = UInt32(t.dropFirst(2).prefix(4), radix: 16),
                (0xD800...0xDFFF).contains(v)
            else { return nil }
            return v
        }
        while let i = s.firstIndex(of: "\\") {
            out += s[..<i]
            s = s[i...]
            if s.hasPrefix("\\\\") {
                out += "\\\\"
                s = s.dropFirst(2)
                continue
            }
            if let high = surrogate(s) {
                if high < 0xDC00, let low = surrogate(s.dropFirst(6)), low >= 0xDC00 {
                    out += s.prefix(12)
                    s = s.dropFirst(12)
                } else {
                    out += "\\ufffd"
                    s = s.dropFirst(6)
                }
                continue
            }
            out += s.prefix(2)
            s = s.dropFirst(2)
        }
        return out + s
    }

    static func run(_ make: (String, Int) -> String) throws -> (cef: ProblemLog, leef: ProblemLog, outputs: [EncoderHarness.Output]) {
        let records = hostile.enumerated().map { make($0.element.json, $0.offset) }
        let outputs = try EncoderHarness.encode(records)  // throws if any output is not exactly one line
        #expect(outputs.count == records.count)
        let objects = try records.map { text in
            try #require(
                try JSONSerialization.jsonObject(with: Data(replacingLoneSurrogates(text).utf8)) as? [String: Any], "\(text)")
        }
        // Foundation sees the U+FFFD version; the raw text (for the exact cs4 text, escapes as written) is the original.
        let result = RoundTripTests.check(records, objects: objects, labels: hostile.map(\.name), outputs: outputs)
        return (result.cef, result.leef, outputs)
    }

    @Test func hostilePayloadFieldsStayInsideTheirValues() throws {
        let (cef, leef, outputs) = try Self.run(Self.payloadRecord)
        #expect(cef.isEmpty, "CEF:\n\(cef)")
        #expect(leef.isEmpty, "LEEF:\n\(leef)")
        for (n, output) in outputs.enumerated() {
            // The exact key set, whatever the value: nothing forged.
            let event = try StrictCEFParser.parse(bytes: output.cef)
            let allowed: Set<String> = [
                "rt", "externalId", "act", "destinationServiceName", "src", "suser", "suid", "duser",
                "requestClientApplication", "outcome", "reason", "msg", "cat", "deviceExternalId", "cs1Label", "cs1",
                "cs2Label", "cs2", "cs3Label", "cs3", "cs4Label", "cs4", "cs6Label", "cs6", "cn1Label", "cn1",
            ]
            #expect(Set(event.keys).isSubset(of: allowed), "\(Self.hostile[n].name): \(event.keys)")
            #expect(event["src"] == "203.0.113.7" && event["act"] == "CreateUser", "\(Self.hostile[n].name)")
            // Mapping §8: "with every value at its limit a line can exceed 30 KB, and much more where values are
            // multi-byte or need escaping" — bounded all the same (five 1023-scalar values and one 4000-scalar cs4).
            #expect(output.cef.count < 64 * 1024, "\(Self.hostile[n].name): \(output.cef.count) bytes")
            let leefEvent = try LEEFParser.parse(output.leefText)
            #expect(leefEvent["src"] == "203.0.113.7" && leefEvent["act"] == "CreateUser", "\(Self.hostile[n].name)")
        }
    }

    @Test func hostileHeaderAndIdentityFieldsAreEscapedOrSanitized() throws {
        let (cef, leef, _) = try Self.run(Self.headerRecord)
        #expect(cef.isEmpty, "CEF:\n\(cef)")
        #expect(leef.isEmpty, "LEEF:\n\(leef)")
    }

    @Test func truncationKeepsLimitMinusOneScalarsAndMarksTheCut() throws {
        let output = try EncoderHarness.encode([Self.payloadRecord(String(repeating: "ユ", count: 5000), 1)])[0]
        let event = try StrictCEFParser.parse(bytes: output.cef)
        for (key, limit) in [("requestClientApplication", 1023), ("msg", 1023), ("suid", 1023), ("suser", 1023), ("duser", 1023), ("cs4", 4000)] {
            let value = try #require(event[key], "\(key)")
            #expect(value.unicodeScalars.count == limit, "\(key)")
            #expect(value.hasSuffix("\u{2026}"), "\(key)")
        }
        let leefEvent = try LEEFParser.parse(output.leefText)
        #expect(leefEvent["usrName"]?.unicodeScalars.count == 255)
        #expect(leefEvent["usrName"]?.hasSuffix("\u{2026}") == true)
    }

    @Test func aForgedKeyIsEscapedOnTheWire() throws {
        let output = try EncoderHarness.encode([Self.payloadRecord("x suser=evil", 1)])[0]
        #expect(output.cefText.contains(#"requestClientApplication=x suser\=evil"#))
        #expect(!output.cefText.contains(" suser=evil"))
        let leef = try EncoderHarness.encode([Self.payloadRecord(#"x\tusrName=evil"#, 1)])[0]
        #expect(leef.leefText.contains("requestClientApplication=x usrName=evil\t"))
        #expect(try LEEFParser.parse(leef.leefText)["usrName"] == "x usrName=evil")
    }
}
