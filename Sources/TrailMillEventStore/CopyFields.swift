import TrailMillDecoding
import TrailMillHex
import TrailMillPostgres

/// What PostgreSQL cannot store and a row therefore holds in another form, counted per file for the run summary.
///
/// Policy (`Schemas/postgres/README.md`): `text` and `jsonb` cannot hold U+0000, and `jsonb` rejects lone UTF-16
/// surrogate escapes, so both become U+FFFD; a JSON number whose exponent `numeric` cannot represent is stored as a
/// JSON string holding its text. A COPY therefore never fails because of event content.
public struct ReplacedCharacters: Sendable, Hashable {
    /// U+0000 (`\u0000`) replaced with U+FFFD.
    public var nul = 0
    /// Unpaired `\uD800`–`\uDFFF` escapes replaced with U+FFFD.
    public var loneSurrogates = 0
    /// JSON numbers out of `numeric`'s range, stored as strings.
    public var hugeNumbers = 0

    /// Creates zero counts.
    public init() {}

    /// All replacements together.
    public var total: Int { nul + loneSurrogates + hugeNumbers }

    /// Adds another count.
    public static func += (lhs: inout ReplacedCharacters, rhs: ReplacedCharacters) {
        lhs.nul += rhs.nul
        lhs.loneSurrogates += rhs.loneSurrogates
        lhs.hugeNumbers += rhs.hugeNumbers
    }
}

/// COPY text-format fields (tab-separated, `\N` for NULL, backslash escapes) written straight from JSON input.
///
/// Written for the load hot path: escape-free strings, the usual case, are one `memcpy`; nothing is decoded into an
/// intermediate `String`.
enum CopyFields {
    static let replacement: StaticString = "\u{FFFD}"

    /// Appends raw UTF-8 with COPY escaping (`CopyText`'s rules: backslash, TAB, LF, CR, BS, FF and VT become
    /// two-byte escapes and U+0000 becomes U+FFFD). Off the hot path: provenance once per file, and the rare
    /// control character a `\u` escape decodes to.
    static func appendEscaped(_ utf8: UnsafeRawBufferPointer, to out: OutputBuffer, replaced: inout ReplacedCharacters) {
        var escaped: [UInt8] = []
        replaced.nul += CopyText.append(utf8, to: &escaped)
        out.append(escaped)
    }

    /// Appends a text column's value from a scanned JSON slice: a string's decoded content, or a number's or
    /// boolean's literal text.
    static func appendText(
        _ bytes: UnsafeRawBufferPointer, _ slice: JSONSlice, to out: OutputBuffer, replaced: inout ReplacedCharacters
    ) {
        let content = UnsafeRawBufferPointer(rebasing: bytes[slice.range])
        // Escape-free JSON string content holds no backslash and no control character: nothing to escape.
        guard slice.kind == .string, slice.hasEscapes else {
            out.append(content)
            return
        }
        appendDecoded(content, to: out, replaced: &replaced)
    }

    /// Decodes escaped JSON string content into COPY text. JSON's `\b \f \n \r \t \\` are COPY's escapes too.
    static func appendDecoded(_ raw: UnsafeRawBufferPointer, to out: OutputBuffer, replaced: inout ReplacedCharacters) {
        var i = 0
        var runStart = 0
        let n = raw.count
        var scalarBytes: [UInt8] = []
        while i < n {
            guard raw[i] == 0x5C, i + 1 < n else {
                i += 1
                continue
            }
            out.append(UnsafeRawBufferPointer(rebasing: raw[runStart..<i]))
            let e = raw[i + 1]
            switch e {
            case UInt8(ascii: "u"):
                let (scalar, length) = unicodeEscape(raw, at: i)
                i += length
                switch scalar {
                case 0:
                    out.append(replacement)
                    replaced.nul += 1
                case nil:
                    out.append(replacement)
                    replaced.loneSurrogates += 1
                case let value?:
                    scalarBytes.removeAll(keepingCapacity: true)
                    JSONText.appendUTF8(value, to: &scalarBytes)
                    scalarBytes.withUnsafeBytes { appendEscaped($0, to: out, replaced: &replaced) }
                }
            case UInt8(ascii: "\""), UInt8(ascii: "/"):
                out.append(e)
                i += 2
            default:  // \\ \b \f \n \r \t: the same two bytes in COPY text
                out.append(0x5C)
                out.append(e)
                i += 2
            }
            runStart = i
        }
        out.append(UnsafeRawBufferPointer(rebasing: raw[runStart..<n]))
    }

    /// Reads the `\uXXXX` escape at `i` (and a low surrogate escape after a high one).
    /// - Returns: the scalar (nil for an unpaired surrogate) and how many bytes the escape(s) took.
    static func unicodeEscape(_ raw: UnsafeRawBufferPointer, at i: Int) -> (UInt32?, Int) {
        guard let high = hex4(raw, i + 2) else { return (nil, min(6, raw.count - i)) }
        switch high {
        case 0xD800...0xDBFF:
            if i + 12 <= raw.count, raw[i + 6] == 0x5C, raw[i + 7] == UInt8(ascii: "u"), let low = hex4(raw, i + 8),
                (0xDC00...0xDFFF).contains(low)
            {
                return (0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00), 12)
            }
            return (nil, 6)
        case 0xDC00...0xDFFF: return (nil, 6)
        default: return (high, 6)
        }
    }

    private static func hex4(_ raw: UnsafeRawBufferPointer, _ i: Int) -> UInt32? {
        guard i + 4 <= raw.count else { return nil }
        var value: UInt32 = 0
        for k in 0..<4 {
            guard let digit = Hex.value(ofDigit: raw[i + k]) else { return nil }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// Appends a validated JSON value as `jsonb` input in COPY text: insignificant whitespace dropped, `\u0000`
    /// and unpaired surrogate escapes rewritten as `\ufffd`, numbers `numeric` cannot hold quoted, every backslash
    /// doubled for COPY.
    static func appendJSON(_ text: UnsafeRawBufferPointer, to out: OutputBuffer, replaced: inout ReplacedCharacters) {
        var i = 0
        var runStart = 0
        var inString = false
        let n = text.count
        @inline(__always) func flush(to end: Int) {
            out.append(UnsafeRawBufferPointer(rebasing: text[runStart..<end]))
        }
        while i < n {
            let byte = text[i]
            if inString {
                if byte == UInt8(ascii: "\"") {
                    inString = false
                    i += 1
                } else if byte == 0x5C, i + 1 < n {
                    flush(to: i)
                    if text[i + 1] == UInt8(ascii: "u") {
                        let (scalar, length) = unicodeEscape(text, at: i)
                        if scalar == 0 || scalar == nil {
                            out.append(#"\\ufffd"#)
                            if scalar == 0 { replaced.nul += 1 } else { replaced.loneSurrogates += 1 }
                        } else {
                            // Kept as written; only the backslashes are doubled for COPY.
                            for k in i..<(i + length) {
                                if text[k] == 0x5C { out.append(0x5C) }
                                out.append(text[k])
                            }
                        }
                        i += length
                    } else {
                        // `\"`, `\\`, `\n`...: COPY doubles each backslash, including an escaped one.
                        out.append(0x5C)
                        out.append(0x5C)
                        if text[i + 1] == 0x5C { out.append(0x5C) }
                        out.append(text[i + 1])
                        i += 2
                    }
                    runStart = i
                } else {
                    i += 1
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
                i += 1
            case 0x09, 0x0A, 0x0D:
                flush(to: i)
                i += 1
                runStart = i
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                var end = i + 1
                while end < n, isNumberByte(text[end]) { end += 1 }
                let number = UnsafeRawBufferPointer(rebasing: text[i..<end])
                if !fitsNumeric(number) {
                    flush(to: i)
                    out.append(UInt8(ascii: "\""))
                    out.append(number)
                    out.append(UInt8(ascii: "\""))
                    replaced.hugeNumbers += 1
                    runStart = end
                }
                i = end
            default:
                i += 1
            }
        }
        flush(to: n)
    }

    @inline(__always)
    private static func isNumberByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e")
            || byte == UInt8(ascii: "E") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
    }

    /// Whether `numeric` accepts the number: its decimal exponent stays well inside the type's limits (131072
    /// digits before the point, 16383 after); the margin keeps long mantissas safe too.
    static func fitsNumeric(_ number: UnsafeRawBufferPointer) -> Bool {
        if number.count > 1000 { return false }
        guard let e = number.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) else { return true }
        var exponent = 0
        for byte in number[(e + 1)...] where byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
            exponent = exponent * 10 + Int(byte - UInt8(ascii: "0"))
            if exponent > 15_000 { return false }
        }
        return true
    }
}
