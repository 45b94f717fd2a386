public import TrailMillDecoding
import TrailMillHex

/// Appending JSON text to a byte buffer: escaped strings, raw slices of validated input, member names.
public enum JSONOutput {
    /// Appends `text` as a JSON string: `"` and `\` escaped, control characters as `\n`, `\u001f` and so on,
    /// and U+0085 / U+2028 / U+2029 escaped so the line stays one line for every line splitter.
    public static func appendString(_ text: String, to out: OutputBuffer) {
        out.append(UInt8(ascii: "\""))
        var copy = text
        copy.withUTF8 { appendEscaped(UnsafeRawBufferPointer($0), to: out) }
        out.append(UInt8(ascii: "\""))
    }

    /// Appends raw UTF-8 bytes escaped as JSON string content (no quotes).
    public static func appendEscaped(_ bytes: UnsafeRawBufferPointer, to out: OutputBuffer) {
        var runStart = 0
        var i = 0
        let n = bytes.count
        func flush(_ upTo: Int) {
            if upTo > runStart { out.append(UnsafeRawBufferPointer(rebasing: bytes[runStart..<upTo])) }
        }
        while i < n {
            // Skip 8 bytes at a time while none needs escaping (long payloads embedded as strings are mostly such
            // runs), else go straight to the first byte that may.
            if i &+ 8 <= n {
                let flagged = escapeCandidates(bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                if flagged == 0 {
                    i &+= 8
                    continue
                }
                i &+= flagged.trailingZeroBitCount &>> 3
            }
            let c = bytes[i]
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") {
                flush(i)
                out.append(UInt8(ascii: "\\"))
                out.append(c)
                runStart = i + 1
            } else if c < 0x20 {
                flush(i)
                switch c {
                case 0x0A: out.append("\\n")
                case 0x0D: out.append("\\r")
                case 0x09: out.append("\\t")
                default:
                    out.append("\\u00")
                    out.append(Hex.digit(c >> 4))
                    out.append(Hex.digit(c & 0xF))
                }
                runStart = i + 1
            } else if c == 0xC2, i + 1 < n, bytes[i + 1] == 0x85 {
                flush(i)
                out.append("\\u0085")
                i += 2
                runStart = i
                continue
            } else if c == 0xE2, i + 2 < n, bytes[i + 1] == 0x80, bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9 {
                flush(i)
                out.append(bytes[i + 2] == 0xA8 ? "\\u2028" : "\\u2029")
                i += 3
                runStart = i
                continue
            }
            i += 1
        }
        flush(n)
    }

    /// The high bit of each byte of `word` that is `"`, `\\`, a control character, or 0xC2 / 0xE2 (which may start
    /// U+0085, U+2028 or U+2029), little-endian (SWAR). Bytes above the lowest flagged one may be flagged falsely;
    /// the lowest is exact, and none is missed.
    @inline(__always)
    static func escapeCandidates(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let quote = word ^ 0x2222_2222_2222_2222
        let backslash = word ^ 0x5C5C_5C5C_5C5C_5C5C
        let c2 = word ^ 0xC2C2_C2C2_C2C2_C2C2
        let e2 = word ^ 0xE2E2_E2E2_E2E2_E2E2
        let control = (word &- 0x2020_2020_2020_2020) & ~word
        let zeros = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((c2 &- ones) & ~c2)
            | ((e2 &- ones) & ~e2)
        return (zeros | control) & 0x8080_8080_8080_8080
    }

    /// Appends `,"name":"value"`.
    public static func appendMember(_ name: StaticString, string value: String, to out: OutputBuffer) {
        appendName(name, to: out)
        appendString(value, to: out)
    }

    /// Appends `,"name":` (the leading comma is always written; the first member of a line is written by hand).
    @inline(__always)
    public static func appendName(_ name: StaticString, to out: OutputBuffer) {
        out.append(UInt8(ascii: ","))
        out.append(UInt8(ascii: "\""))
        out.append(UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: ":"))
    }

    /// Appends a static ASCII literal.
    @inline(__always)
    public static func appendLiteral(_ text: StaticString, to out: OutputBuffer) {
        out.append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends a text column from validated input as a JSON string: string content is copied with its escapes as
    /// written; a number or boolean's text is quoted. `compact` says the record needs no U+2028 escaping.
    @inline(__always)
    public static func appendText(_ bytes: UnsafeRawBufferPointer, _ slice: JSONSlice, compact: Bool, to out: OutputBuffer) {
        out.append(UInt8(ascii: "\""))
        let content = UnsafeRawBufferPointer(rebasing: bytes[slice.range])
        if compact || slice.kind != .string {
            out.append(content)
        } else {
            // Only line separators can need work here: the content is valid, escaped JSON string text.
            JSONText.appendCompact(content, to: out, insideString: true)
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Appends a raw JSON value from validated input on one line.
    @inline(__always)
    public static func appendValue(_ bytes: UnsafeRawBufferPointer, _ slice: JSONSlice, compact: Bool, to out: OutputBuffer) {
        let text = slice.kind == .string
            ? UnsafeRawBufferPointer(rebasing: bytes[Int(slice.start) - 1..<Int(slice.end) + 1])
            : UnsafeRawBufferPointer(rebasing: bytes[slice.range])
        if compact { out.append(text) } else { JSONText.appendCompact(text, to: out) }
    }

    /// Appends a decimal integer.
    @inline(__always)
    public static func appendInt(_ value: Int, to out: OutputBuffer) {
        if value < 0 {
            out.append(UInt8(ascii: "-"))
            appendInt(-value, to: out)
            return
        }
        if value >= 10 { appendInt(value / 10, to: out) }
        out.append(UInt8(ascii: "0") + UInt8(value % 10))
    }

    /// Appends `true`, `false`.
    @inline(__always)
    public static func appendBool(_ value: Bool, to out: OutputBuffer) {
        if value { appendLiteral("true", to: out) } else { appendLiteral("false", to: out) }
    }
}
