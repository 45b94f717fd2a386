/// A clean-room strict CEF line parser for the test suite, written from the rules in
/// `shared/reference/cef.md` §1.2–1.9 and §4.1/§4.5 (no parser's code was copied or consulted).
///
/// It is strict in the way the reference describes the strictest public parser (the Elastic `decode_cef`
/// grammar), plus the extra rules TrailMill's encoder promises (alphanumeric keys, IPv4-only `src`, 13-digit
/// epoch-millisecond times, no raw control characters, label pairing, dictionary lengths):
///
/// - the line starts with `CEF:` (optionally after a syslog prefix, see `allowSyslogPrefix`), then version `0` or `1`;
/// - header fields are split on unescaped `|`; in the header a backslash may only precede `\` or `|`;
/// - exactly 7 header fields (version included), each terminated by `|`, then the extension;
/// - severity is an integer 0–10 or one of `Unknown`, `Low`, `Medium`, `High`, `Very-High`;
/// - the extension is `key=value` pairs separated by spaces; a key starts after a space that is followed by
///   `key=`; keys are ASCII alphanumeric; the only value escapes are `\\`, `\=`, `\n`, `\r`;
///   an unescaped `=` that does not end a following key is an error (so `request=https://h/p?a=b` is rejected,
///   while `msg=see foo=bar here` yields an extra key `foo`, exactly like the Elastic grammar);
/// - when several spaces precede a key, all but the last belong to the previous value; trailing spaces of the
///   final value are dropped (CEF "Trailing spaces are not preserved for the final key-value pair");
/// - no C0 control character (TAB, CR, LF, NUL, …) or DEL anywhere in the line;
/// - each key at most once; `csN`/`cnN`/`c6aN`/`flexStringN`/… only together with their `…Label`;
/// - typed keys: `src`/`dst`/`dvc` strict IPv4, `c6a1`–`c6a4` IPv6, `rt`/`start`/`end` 13-digit epoch ms,
///   `cnN`/`cnt`/… integers, ports 0–65535;
/// - dictionary lengths (§1.8) on the **unescaped** value, counted in Unicode scalars.
struct StrictCEFParser {
    /// Accept (and ignore) anything before the first `CEF:` like the Elastic grammar does. TrailMill writes files
    /// without a syslog prefix, so the default is off.
    var allowSyslogPrefix = false

    init(allowSyslogPrefix: Bool = false) {
        self.allowSyslogPrefix = allowSyslogPrefix
    }

    static let strict = StrictCEFParser()

    /// Parses one line (without its `\n`).
    static func parse(_ line: String) throws(CEFParseError) -> CEFEvent { try strict.parse(line) }

    /// Parses one line given as bytes; the bytes must be valid UTF-8.
    static func parse(bytes: some Collection<UInt8>) throws(CEFParseError) -> CEFEvent {
        guard let line = String(validating: bytes, as: UTF8.self) else {
            throw CEFParseError(.encoding, at: 0, "the line is not valid UTF-8")
        }
        return try strict.parse(line)
    }

    func parse(_ line: String) throws(CEFParseError) -> CEFEvent {
        let s = Array(line.unicodeScalars)
        // Raw control characters anywhere (C0 and DEL): CEF has no escape for TAB/NUL/…, CR and LF must be `\r`/`\n`.
        if let bad = s.firstIndex(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw CEFParseError(.controlCharacter, at: bad, "raw control character U+\(hex(s[bad].value)) in the line")
        }
        var i = 0
        let magic: [Unicode.Scalar] = ["C", "E", "F", ":"]
        func hasMagic(at p: Int) -> Bool { p + 4 <= s.count && Array(s[p..<(p + 4)]) == magic }
        if allowSyslogPrefix {
            guard let start = s.indices.first(where: hasMagic) else {
                throw CEFParseError(.prefix, at: 0, "no `CEF:` in the line")
            }
            i = start
        } else if !hasMagic(at: 0) {
            throw CEFParseError(.prefix, at: 0, "the line does not start with `CEF:`")
        }
        i += 4

        // Header: version + 6 fields, each terminated by an unescaped pipe.
        var header: [String] = []
        let names = ["version", "deviceVendor", "deviceProduct", "deviceVersion", "deviceEventClassId", "name", "severity"]
        for field in 0..<7 {
            var value = String.UnicodeScalarView()
            var terminated = false
            while i < s.count {
                let c = s[i]
                if c == "|" {
                    i += 1
                    terminated = true
                    break
                }
                if c == "\\" {
                    guard i + 1 < s.count else {
                        throw CEFParseError(.headerEscape, at: i, "lone backslash at the end of header field \(names[field])")
                    }
                    let next = s[i + 1]
                    guard next == "\\" || next == "|" else {
                        throw CEFParseError(
                            .headerEscape, at: i,
                            "invalid header escape `\\\(Character(next))` in \(names[field]) (only `\\\\` and `\\|`)")
                    }
                    value.append(next)
                    i += 2
                    continue
                }
                value.append(c)
                i += 1
            }
            guard terminated else {
                throw CEFParseError(
                    .headerFieldCount, at: i,
                    "header field \(names[field]) is not terminated by `|` (found \(field) complete header fields, need 7)")
            }
            header.append(String(value))
        }

        guard header[0] == "0" || header[0] == "1" else {
            throw CEFParseError(.version, at: 4, "CEF version must be 0 or 1, found `\(header[0])`")
        }
        guard Self.isValidSeverity(header[6]) else {
            throw CEFParseError(.severity, at: i - 1, "severity `\(header[6])` is neither 0–10 nor Unknown/Low/Medium/High/Very-High")
        }
        for (index, limit) in [(1, 63), (2, 63), (3, 31), (4, 1023), (5, 512)] where header[index].unicodeScalars.count > limit {
            throw CEFParseError(
                .length, at: 0,
                "header \(names[index]) has \(header[index].unicodeScalars.count) characters, limit \(limit)")
        }

        let pairs = try Self.parseExtension(s, from: i)
        try Self.checkSemantics(pairs)
        return CEFEvent(header: header, extension: pairs)
    }

    // MARK: Extension grammar

    /// Characters the Elastic grammar accepts in a key (first: alnum or `_`; then also `. , [ ]`). Used only to
    /// *recognise* a key start; the key itself must then be ASCII alphanumeric.
    static func isKeyStartChar(_ c: Unicode.Scalar) -> Bool { isASCIIAlnum(c) || c == "_" }
    static func isKeyChar(_ c: Unicode.Scalar) -> Bool {
        isASCIIAlnum(c) || c == "_" || c == "." || c == "," || c == "[" || c == "]"
    }
    static func isASCIIAlnum(_ c: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c)
    }

    /// Whether `key=` starts at `p`; returns the index of the `=`.
    static func keyEnd(_ s: [Unicode.Scalar], at p: Int) -> Int? {
        guard p < s.count, isKeyStartChar(s[p]) else { return nil }
        var j = p + 1
        while j < s.count, isKeyChar(s[j]) { j += 1 }
        return j < s.count && s[j] == "=" ? j : nil
    }

    static func parseExtension(_ s: [Unicode.Scalar], from start: Int) throws(CEFParseError) -> [(key: String, value: String)] {
        var i = start
        // Leading spaces before the first key are tolerated (the Elastic grammar does).
        while i < s.count, s[i] == " " { i += 1 }
        var pairs: [(key: String, value: String)] = []
        var seen: Set<String> = []
        while i < s.count {
            // A key.
            guard let eq = keyEnd(s, at: i) else {
                let rest = String(String.UnicodeScalarView(s[i..<min(s.count, i + 20)]))
                throw CEFParseError(.extensionSyntax, at: i, "expected `key=` at extension position, found `\(rest)`")
            }
            let key = String(String.UnicodeScalarView(s[i..<eq]))
            guard key.unicodeScalars.allSatisfy(isASCIIAlnum) else {
                throw CEFParseError(.invalidKey, at: i, "extension key `\(key)` is not ASCII alphanumeric")
            }
            guard seen.insert(key).inserted else {
                throw CEFParseError(.duplicateKey, at: i, "extension key `\(key)` appears more than once")
            }
            i = eq + 1
            // Its value, up to the space that precedes the next `key=` (or the end).
            var value = String.UnicodeScalarView()
            var final = true
            scan: while i < s.count {
                let c = s[i]
                if c == "\\" {
                    guard i + 1 < s.count else {
                        throw CEFParseError(.valueEscape, at: i, "lone backslash at the end of the value of \(key)")
                    }
                    switch s[i + 1] {
                    case "\\": value.append("\\")
                    case "=": value.append("=")
                    case "n": value.append("\n")
                    case "r": value.append("\r")
                    default:
                        throw CEFParseError(
                            .valueEscape, at: i,
                            "invalid escape `\\\(Character(s[i + 1]))` in the value of \(key) (only `\\\\`, `\\=`, `\\n`, `\\r`)")
                    }
                    i += 2
                } else if c == "=" {
                    throw CEFParseError(.unescapedEquals, at: i, "unescaped `=` in the value of \(key)")
                } else if c == " ", keyEnd(s, at: i + 1) != nil {
                    i += 1
                    final = false
                    break scan
                } else {
                    value.append(c)
                    i += 1
                }
            }
            if final {
                while value.last == " " { value.removeLast() }
            }
            pairs.append((key, String(value)))
        }
        return pairs
    }

    // MARK: Types, labels, lengths

    static let ipv4Keys: Set<String> = ["src", "dst", "dvc", "sourceTranslatedAddress", "destinationTranslatedAddress"]
    static let ipv6Keys: Set<String> = ["c6a1", "c6a2", "c6a3", "c6a4"]
    static let timeKeys: Set<String> = ["rt", "start", "end"]
    static let integerKeys: Set<String> = ["cn1", "cn2", "cn3", "cnt", "type", "in", "out", "spid", "dpid", "fsize", "oldFileSize"]
    static let portKeys: Set<String> = ["spt", "dpt", "sourceTranslatedPort", "destinationTranslatedPort"]

    /// Keys that require a `…Label` partner (and whose label requires them).
    static let labelled: [String] =
        (1...6).map { "cs\($0)" } + (1...3).map { "cn\($0)" } + (1...4).map { "c6a\($0)" } + (1...4).map { "cfp\($0)" }
        + ["flexString1", "flexString2", "deviceCustomDate1", "deviceCustomDate2", "flexDate1"]

    /// Dictionary lengths (CEF v27, `cef.md` §1.8), in Unicode scalars of the unescaped value.
    static let lengthLimits: [String: Int] = {
        var limits: [String: Int] = [
            "act": 63, "app": 31, "cat": 1023, "deviceExternalId": 255, "deviceFacility": 1023, "deviceProcessName": 1023,
            "devicePayloadId": 128, "dhost": 1023, "dpriv": 1023, "spriv": 1023, "duser": 1023, "suser": 1023,
            "duid": 1023, "suid": 1023, "dvchost": 100, "dtz": 255, "externalId": 40, "fname": 1023, "filePath": 1023,
            "msg": 1023, "outcome": 63, "proto": 31, "reason": 1023, "request": 1023, "requestClientApplication": 1023,
            "requestMethod": 1023, "requestContext": 2048, "shost": 1023, "sourceServiceName": 1023,
            "destinationServiceName": 1023, "flexString1": 1023, "flexString2": 1023, "flexString1Label": 128,
            "flexString2Label": 128, "flexDate1Label": 128,
        ]
        for n in 1...6 {
            limits["cs\(n)"] = 4000
            limits["cs\(n)Label"] = 1023
        }
        for n in 1...3 { limits["cn\(n)Label"] = 1023 }
        return limits
    }()

    static func checkSemantics(_ pairs: [(key: String, value: String)]) throws(CEFParseError) {
        var values: [String: String] = [:]
        for pair in pairs { values[pair.key] = pair.value }
        for (key, value) in pairs {
            if ipv4Keys.contains(key), !IPAddressText.isIPv4(value) {
                throw CEFParseError(.type, key: key, "`\(key)` must be an IPv4 address, found `\(value)`")
            }
            if ipv6Keys.contains(key), !IPAddressText.isIPv6(value) {
                throw CEFParseError(.type, key: key, "`\(key)` must be an IPv6 address, found `\(value)`")
            }
            if timeKeys.contains(key), !(value.utf8.count == 13 && value.utf8.allSatisfy { (0x30...0x39).contains($0) }) {
                throw CEFParseError(.type, key: key, "`\(key)` must be 13-digit epoch milliseconds, found `\(value)`")
            }
            if integerKeys.contains(key), !isInteger(value) {
                throw CEFParseError(.type, key: key, "`\(key)` must be an integer, found `\(value)`")
            }
            if portKeys.contains(key), !(isUnsigned(value) && (Int(value).map { (0...65535).contains($0) } ?? false)) {
                throw CEFParseError(.type, key: key, "`\(key)` must be a port 0–65535, found `\(value)`")
            }
            if let limit = lengthLimits[key], value.unicodeScalars.count > limit {
                throw CEFParseError(
                    .length, key: key, "`\(key)` has \(value.unicodeScalars.count) characters, limit \(limit)")
            }
        }
        for key in labelled {
            let hasValue = values[key] != nil
            let hasLabel = values[key + "Label"] != nil
            if hasValue != hasLabel {
                throw CEFParseError(
                    .label, key: key,
                    hasValue ? "`\(key)` without `\(key)Label`" : "`\(key)Label` without `\(key)`")
            }
        }
    }

    static func isValidSeverity(_ text: String) -> Bool {
        if ["Unknown", "Low", "Medium", "High", "Very-High"].contains(text) { return true }
        guard isUnsigned(text), text.utf8.count <= 2, let n = Int(text) else { return false }
        return (0...10).contains(n) && (text == "0" || !text.hasPrefix("0"))
    }

    static func isUnsigned(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { (0x30...0x39).contains($0) }
    }

    static func isInteger(_ text: String) -> Bool {
        let digits = text.hasPrefix("-") ? String(text.dropFirst()) : text
        return isUnsigned(digits) && Int64(text) != nil
    }
}

func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}

/// One parsed CEF event: the 7 header fields (version first) and the extension pairs in line order, unescaped.
struct CEFEvent: Sendable {
    var header: [String]
    var `extension`: [(key: String, value: String)]

    /// The extension as a dictionary (keys are unique by construction).
    var ext: [String: String] { Dictionary(`extension`.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a }) }
    var keys: [String] { `extension`.map(\.key) }
    subscript(_ key: String) -> String? { `extension`.first { $0.key == key }?.value }

    var version: String { header[0] }
    var vendor: String { header[1] }
    var product: String { header[2] }
    var deviceVersion: String { header[3] }
    var classId: String { header[4] }
    var name: String { header[5] }
    var severity: String { header[6] }
}

struct CEFParseError: Error, CustomStringConvertible, Equatable {
    enum Kind: String, Sendable {
        case encoding, prefix, version, headerEscape, headerFieldCount, severity, controlCharacter
        case extensionSyntax, invalidKey, duplicateKey, valueEscape, unescapedEquals
        case type, label, length
    }

    var kind: Kind
    /// Unicode-scalar offset into the line (`-1` for checks done after parsing).
    var position: Int
    /// The key a semantic check failed on.
    var key: String?
    var message: String

    init(_ kind: Kind, at position: Int, _ message: String) {
        self.kind = kind
        self.position = position
        self.message = message
    }

    init(_ kind: Kind, key: String, _ message: String) {
        self.kind = kind
        self.position = -1
        self.key = key
        self.message = message
    }

    var description: String {
        position >= 0 ? "\(kind.rawValue) at \(position): \(message)" : "\(kind.rawValue): \(message)"
    }
}

/// Address syntax checks, independent of the code under test (and of `inet_pton`, whose IPv4 leniency varies).
enum IPAddressText {
    /// Dotted quad, each octet 0–255 in decimal without leading zeros (`07` is not an octet).
    static func isIPv4(_ text: some StringProtocol) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { part in
            guard (1...3).contains(part.utf8.count), part.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
                return false
            }
            if part.utf8.count > 1 && part.hasPrefix("0") { return false }
            return Int(part)! <= 255
        }
    }

    /// RFC 4291 text form: 8 groups of 1–4 hex digits, at most one `::`, optionally ending in a dotted quad;
    /// no zone index, no brackets.
    static func isIPv6(_ text: some StringProtocol) -> Bool {
        let text = String(text)
        guard text.contains(":") else { return false }
        // Split at the (single) `::`, without Foundation.
        var halves: [String] = []
        if let range = text.firstRange(of: "::") {
            halves = [String(text[..<range.lowerBound]), String(text[range.upperBound...])]
            if halves[1].contains("::") || halves[1].hasPrefix(":") { return false }
        } else {
            halves = [text]
        }
        func groups(_ part: String, allowV4Tail: Bool) -> Int? {
            if part.isEmpty { return 0 }
            let items = part.split(separator: ":", omittingEmptySubsequences: false)
            var count = 0
            for (n, item) in items.enumerated() {
                if n == items.count - 1, allowV4Tail, item.contains(".") {
                    guard isIPv4(item) else { return nil }
                    count += 2
                    continue
                }
                guard (1...4).contains(item.utf8.count), item.utf8.allSatisfy({ isHexDigit($0) }) else { return nil }
                count += 1
            }
            return count
        }
        if halves.count == 1 {
            return groups(text, allowV4Tail: true) == 8
        }
        guard let left = groups(halves[0], allowV4Tail: false), let right = groups(halves[1], allowV4Tail: true) else {
            return false
        }
        return left + right <= 7
    }

    static func isIP(_ text: some StringProtocol) -> Bool { isIPv4(text) || isIPv6(text) }

    static func isHexDigit(_ b: UInt8) -> Bool {
        (0x30...0x39).contains(b) || (0x41...0x46).contains(b) || (0x61...0x66).contains(b)
    }
}
