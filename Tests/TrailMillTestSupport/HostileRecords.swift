import Foundation

/// Hostile text for the fields an attacker controls, shared by the encoder tests (SIEM, OCSF, pipeline): CEF/LEEF
/// delimiters, forged keys, control characters, line separators, lone surrogates, long runs, emoji, non-ASCII.
public enum HostileRecords {
    /// Hostile strings as JSON string **contents** (JSON escapes are part of the test).
    public static let strings: [(name: String, json: String)] = [
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
    public static func payloadRecord(_ h: String, _ n: Int) -> String {
        #"{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"\#(h)","arn":"arn:aws:iam::111122223333:user/x","accountId":"111122223333","accessKeyId":"AKIAEXAMPLE","userName":"\#(h)"},"eventTime":"2024-03-15T12:00:00Z","eventSource":"iam.amazonaws.com","eventName":"CreateUser","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.7","userAgent":"\#(h)","errorCode":"ValidationError","errorMessage":"\#(h)","requestParameters":{"userName":"\#(h)","policyDocument":"\#(h)"},"responseElements":null,"requestID":"r","eventID":"00000000-0000-4000-8000-\#(String(format: "%012d", n))","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}"#
    }

    /// A record with `h` in the fields that reach the headers and the identity/location keys.
    public static func headerRecord(_ h: String, _ n: Int) -> String {
        #"{"eventVersion":"\#(h)","userIdentity":{"type":"AssumedRole","principalId":"AROA:s","arn":"\#(h)","accountId":"111122223333","accessKeyId":"\#(h)","invokedBy":"\#(h)","sessionContext":{"sessionIssuer":{"type":"Role","userName":"\#(h)"}}},"eventTime":"2024-03-15T12:00:00.\#(String(format: "%03d", n))Z","eventSource":"\#(h)","eventName":"\#(h)","awsRegion":"\#(h)","sourceIPAddress":"\#(h)","userAgent":"ua","requestParameters":"\#(h)","responseElements":null,"eventID":"\#(h)","readOnly":"\#(n % 2 == 0 ? "TRUE" : "false")","eventType":"\#(h)","recipientAccountId":"\#(h)"}"#
    }

    /// JSON text with lone surrogate escapes replaced by `\ufffd`: what the decoder documents for them
    /// (`JSONText.string`: "a lone surrogate escape becomes U+FFFD"), so Foundation can give the oracle's view.
    public static func replacingLoneSurrogates(_ json: String) -> String {
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

    /// JSON string literals as they appear in a record (quotes included), with the Swift value each means.
    public static let literals: [(json: String, value: String)] = [
        (#""a|b|c""#, "a|b|c"),
        (#""back\\slash \\\\ double""#, #"back\slash \\ double"#),
        (#""k=v key2=v2""#, "k=v key2=v2"),
        (#""line1\r\nline2\nCEF:0|x""#, "line1\r\nline2\nCEF:0|x"),
        (#""nul\u0000byte""#, "nul\u{0}byte"),
        (#""sep\u2028raw-sep\#u{2028}para\#u{2029}nel\#u{85}""#, "sep\u{2028}raw-sep\u{2028}para\u{2029}nel\u{85}"),
        (#""emoji 😀 and \ud83d\ude00""#, "emoji 😀 and 😀"),
        (#""quote \" and slash \/""#, "quote \" and slash /"),
        (#""'); DROP TABLE events;-- $$""#, "'); DROP TABLE events;-- $$"),
        (#""\u001b[31mred\u001b[0m""#, "\u{1B}[31mred\u{1B}[0m"),
    ]
}
