import TrailMillHex

/// Why a scan stopped before finishing a value.
@usableFromInline
enum ScanStop: Error, Sendable {
    /// The buffer ended inside the value: more input may complete it.
    case incomplete
    /// The input is not valid JSON at `offset` (relative to the scanned buffer).
    case invalid(offset: Int, reason: InvalidReason)
    /// Nesting passed the depth limit at `offset`.
    case tooDeep(offset: Int)
}

/// What is wrong with invalid JSON; a closed set so the hot path never builds strings.
@usableFromInline
enum InvalidReason: Sendable {
    case unexpectedByte(UInt8), controlCharacterInString, badEscape, badUnicodeEscape, badUTF8
    case badNumber, badLiteral, expectedColon, expectedCommaOrEnd, expectedKey

    var message: String {
        switch self {
        case .unexpectedByte(let byte): "unexpected \(describe(byte))"
        case .controlCharacterInString: "raw control character in a string (must be escaped)"
        case .badEscape: "invalid escape sequence in a string"
        case .badUnicodeEscape: "\\u escape without four hex digits"
        case .badUTF8: "invalid UTF-8"
        case .badNumber: "invalid number"
        case .badLiteral: "invalid literal (expected true, false or null)"
        case .expectedColon: "expected ':' after an object key"
        case .expectedCommaOrEnd: "expected ',' or the end of the object or array"
        case .expectedKey: "expected a string key"
        }
    }

    private func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        let hex = String(byte, radix: 16, uppercase: true)
        return "byte 0x\(hex.count == 1 ? "0" : "")\(hex)"
    }
}

/// A strict RFC 8259 validator over bytes in memory that records where values are.
///
/// It is a recursive-descent scanner that never allocates on the happy path: it checks grammar, string
/// escapes and UTF-8, caps nesting depth, and reports `.incomplete` when the buffer ends inside a value so the
/// caller can read more and scan again. Offsets are relative to `base`.
///
/// - Warning: `base` must stay valid for the scanner's lifetime; the scanner is used inside a `with…` scope.
@usableFromInline
struct JSONValidator {
    @usableFromInline let base: UnsafePointer<UInt8>
    @usableFromInline let end: Int
    /// True when no more input will follow `end` (so a number may end at the buffer's end).
    @usableFromInline let isFinal: Bool
    @usableFromInline let maxDepth: Int
    /// Set when whitespace was skipped anywhere (the text is not already compact).
    @usableFromInline var sawWhitespace = false
    /// Set when a string contains U+0085, U+2028 or U+2029 (escaped on output so line splitters stay safe).
    @usableFromInline var sawLineSeparator = false

    @usableFromInline
    init(base: UnsafePointer<UInt8>, end: Int, isFinal: Bool, maxDepth: Int) {
        self.base = base
        self.end = end
        self.isFinal = isFinal
        self.maxDepth = maxDepth
    }

    @inline(__always)
    func byte(_ i: Int) -> UInt8 { base[i] }

    /// Skips JSON whitespace; `i` ends at the first other byte (or `end`).
    @inline(__always)
    mutating func skipWhitespace(_ i: inout Int) {
        while i < end {
            switch base[i] {
            case 0x20, 0x0A, 0x0D, 0x09:
                i += 1
                sawWhitespace = true
            default: return
            }
        }
    }

    /// Skips whitespace and returns the next byte, or throws `.incomplete` at the end of the buffer.
    @inline(__always)
    mutating func nextSignificant(_ i: inout Int) throws(ScanStop) -> UInt8 {
        skipWhitespace(&i)
        guard i < end else { throw .incomplete }
        return base[i]
    }

    /// Scans any value starting at `i` (no leading whitespace); `i` ends just after it.
    @usableFromInline
    mutating func value(_ i: inout Int, depth: Int) throws(ScanStop) -> JSONSlice {
        guard i < end else { throw .incomplete }
        let start = i
        switch base[i] {
        case UInt8(ascii: "{"):
            try object(&i, depth: depth + 1)
            return JSONSlice(start: start, end: i, kind: .object)
        case UInt8(ascii: "["):
            try array(&i, depth: depth + 1)
            return JSONSlice(start: start, end: i, kind: .array)
        case UInt8(ascii: "\""):
            let escaped = try string(&i)
            return JSONSlice(start: start + 1, end: i - 1, kind: .string, hasEscapes: escaped)
        case UInt8(ascii: "t"):
            try literal(&i, "true")
            return JSONSlice(start: start, end: i, kind: .true)
        case UInt8(ascii: "f"):
            try literal(&i, "false")
            return JSONSlice(start: start, end: i, kind: .false)
        case UInt8(ascii: "n"):
            try literal(&i, "null")
            return JSONSlice(start: start, end: i, kind: .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try number(&i)
            return JSONSlice(start: start, end: i, kind: .number)
        case let other:
            throw .invalid(offset: i, reason: .unexpectedByte(other))
        }
    }

    /// Scans an object whose members are reported to `onMember` (used for a record's top level).
    @usableFromInline
    mutating func object(
        _ i: inout Int, depth: Int, onMember: (JSONMember) -> Void = { _ in }
    ) throws(ScanStop) {
        guard depth <= maxDepth else { throw .tooDeep(offset: i) }
        i += 1  // {
        var c = try nextSignificant(&i)
        if c == UInt8(ascii: "}") {
            i += 1
            return
        }
        while true {
            guard c == UInt8(ascii: "\"") else { throw .invalid(offset: i, reason: .expectedKey) }
            let keyStart = i
            let keyEscaped = try string(&i)
            let key = JSONSlice(start: keyStart + 1, end: i - 1, kind: .string, hasEscapes: keyEscaped)
            c = try nextSignificant(&i)
            guard c == UInt8(ascii: ":") else { throw .invalid(offset: i, reason: .expectedColon) }
            i += 1
            _ = try nextSignificant(&i)
            let member = try value(&i, depth: depth)
            onMember(JSONMember(key: key, value: member))
            c = try nextSignificant(&i)
            if c == UInt8(ascii: ",") {
                i += 1
                c = try nextSignificant(&i)
            } else if c == UInt8(ascii: "}") {
                i += 1
                return
            } else {
                throw .invalid(offset: i, reason: .expectedCommaOrEnd)
            }
        }
    }

    @usableFromInline
    mutating func array(_ i: inout Int, depth: Int) throws(ScanStop) {
        guard depth <= maxDepth else { throw .tooDeep(offset: i) }
        i += 1  // [
        var c = try nextSignificant(&i)
        if c == UInt8(ascii: "]") {
            i += 1
            return
        }
        while true {
            _ = try value(&i, depth: depth)
            c = try nextSignificant(&i)
            if c == UInt8(ascii: ",") {
                i += 1
                _ = try nextSignificant(&i)
            } else if c == UInt8(ascii: "]") {
                i += 1
                return
            } else {
                throw .invalid(offset: i, reason: .expectedCommaOrEnd)
            }
        }
    }

    /// Scans a string starting at its opening quote; `i` ends after the closing quote.
    /// Returns whether it contained escapes.
    @usableFromInline
    mutating func string(_ i: inout Int) throws(ScanStop) -> Bool {
        i += 1  // opening quote
        var escaped = false
        while true {
            // Fast path: skip ordinary ASCII 8 bytes at a time, then jump straight to the first special byte.
            while i &+ 8 <= end {
                let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                let special = JSONValidator.specialBytes(word)
                if special == 0 {
                    i &+= 8
                } else {
                    i &+= special.trailingZeroBitCount &>> 3
                    break
                }
            }
            guard i < end else { throw .incomplete }
            let c = base[i]
            if c == UInt8(ascii: "\"") {
                i &+= 1
                return escaped
            } else if c == UInt8(ascii: "\\") {
                escaped = true
                try escape(&i)
            } else if c < 0x20 {
                throw .invalid(offset: i, reason: .controlCharacterInString)
            } else if c >= 0x80 {
                try utf8Sequence(&i)
            } else {
                i &+= 1
            }
        }
    }

    /// The high bit of each byte of `word` (little-endian) that is `"`, `\`, below 0x20 or above 0x7F (SWAR).
    /// Bytes above a true match may be flagged too (borrows propagate upwards), but the lowest set bit is exact,
    /// so `trailingZeroBitCount / 8` is the index of the first special byte.
    @inline(__always)
    static func specialBytes(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ 0x2222_2222_2222_2222
        let backslash = word ^ 0x5C5C_5C5C_5C5C_5C5C
        let hasQuote = (quote &- ones) & ~quote
        let hasBackslash = (backslash &- ones) & ~backslash
        let hasControl = (word &- 0x2020_2020_2020_2020) & ~word
        return (hasQuote | hasBackslash | hasControl | word) & high
    }

    @inline(__always)
    mutating func escape(_ i: inout Int) throws(ScanStop) {
        guard i + 1 < end else { throw .incomplete }
        switch base[i + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            i += 2
        case UInt8(ascii: "u"):
            guard i + 6 <= end else { throw .incomplete }
            for k in 2..<6 where Hex.value(ofDigit: base[i + k]) == nil {
                throw .invalid(offset: i, reason: .badUnicodeEscape)
            }
            // \u2028 and \u2029 are already escaped; lone surrogates are valid JSON text and are kept as written.
            i += 6
        default:
            throw .invalid(offset: i, reason: .badEscape)
        }
    }

    /// Validates one multi-byte UTF-8 sequence (RFC 3629: no overlongs, no surrogates, at most U+10FFFF).
    @inline(__always)
    mutating func utf8Sequence(_ i: inout Int) throws(ScanStop) {
        let lead = base[i]
        let length: Int
        var lower: UInt8 = 0x80
        var upper: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0:
            length = 3
            lower = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED:
            length = 3
            upper = 0x9F
        case 0xF0:
            length = 4
            lower = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4:
            length = 4
            upper = 0x8F
        default: throw .invalid(offset: i, reason: .badUTF8)
        }
        // The buffer may end inside the sequence: check the bytes there are, then wait for more (at the end of
        // final input the string is unterminated, so that is truncated JSON).
        let available = min(length, end - i)
        if available > 1 {
            let second = base[i + 1]
            guard second >= lower && second <= upper else { throw .invalid(offset: i, reason: .badUTF8) }
        }
        if available > 2 {
            for k in 2..<available where base[i + k] & 0xC0 != 0x80 {
                throw .invalid(offset: i, reason: .badUTF8)
            }
        }
        guard available == length else { throw .incomplete }
        let second = base[i + 1]
        if (lead == 0xE2 && second == 0x80 && (base[i + 2] == 0xA8 || base[i + 2] == 0xA9))
            || (lead == 0xC2 && second == 0x85)
        {
            sawLineSeparator = true
        }
        i += length
    }

    @inline(__always)
    mutating func literal(_ i: inout Int, _ text: StaticString) throws(ScanStop) {
        let count = text.utf8CodeUnitCount
        let expected = text.utf8Start
        for k in 0..<count {
            guard i + k < end else { throw .incomplete }
            guard base[i + k] == expected[k] else { throw .invalid(offset: i, reason: .badLiteral) }
        }
        i += count
    }

    /// RFC 8259 number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, kept as text.
    ///
    /// Where a digit must follow (after `-`, `.`, `e` or its sign), input that ends there is cut short: that is
    /// `.incomplete` even in final input, like a literal or string cut at the end.
    @usableFromInline
    mutating func number(_ i: inout Int) throws(ScanStop) {
        let start = i
        @inline(__always) func peek(_ j: Int) throws(ScanStop) -> UInt8? {
            if j < end { return base[j] }
            if isFinal { return nil }
            throw .incomplete
        }
        @inline(__always) func isDigit(_ b: UInt8?) -> Bool { b.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }
        if base[i] == UInt8(ascii: "-") { i += 1 }
        guard i < end else { throw .incomplete }
        var c = try peek(i)
        if c == UInt8(ascii: "0") {
            i += 1
        } else if isDigit(c) {
            repeat {
                i += 1
                c = try peek(i)
            } while isDigit(c)
        } else {
            throw .invalid(offset: start, reason: .badNumber)
        }
        c = try peek(i)
        if c == UInt8(ascii: ".") {
            i += 1
            guard i < end else { throw .incomplete }
            guard isDigit(try peek(i)) else { throw .invalid(offset: start, reason: .badNumber) }
            repeat { i += 1 } while isDigit(try peek(i))
            c = try peek(i)
        }
        if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
            i += 1
            c = try peek(i)
            if c == UInt8(ascii: "+") || c == UInt8(ascii: "-") {
                i += 1
                c = try peek(i)
            }
            guard i < end else { throw .incomplete }
            guard isDigit(c) else { throw .invalid(offset: start, reason: .badNumber) }
            repeat { i += 1 } while isDigit(try peek(i))
        }
    }
}
