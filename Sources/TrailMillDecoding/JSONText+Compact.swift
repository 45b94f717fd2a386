extension JSONText {
    /// Appends validated JSON text to `out` on one line: whitespace between tokens is dropped and raw U+0085,
    /// U+2028 and U+2029 inside strings are written as `\u0085`, `\u2028`, `\u2029` (line splitters such as
    /// Python's `splitlines` treat them as line breaks). Every JSON value keeps exactly its meaning; string escapes stay as written.
    ///
    /// `insideString` starts the copy inside a string (for copying string content without its quotes).
    public static func appendCompact(_ text: UnsafeRawBufferPointer, to out: OutputBuffer, insideString: Bool = false) {
        guard let base = text.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        let n = text.count
        var inString = insideString
        var runStart = 0
        var i = 0
        while i < n {
            let c = base[i]
            if inString {
                if c == UInt8(ascii: "\\") {
                    i += 2
                    continue
                }
                if c == UInt8(ascii: "\"") {
                    inString = false
                } else if c == 0xE2 && i + 2 < n && base[i + 1] == 0x80 && (base[i + 2] == 0xA8 || base[i + 2] == 0xA9) {
                    out.append(UnsafeRawBufferPointer(start: base + runStart, count: i - runStart))
                    out.append(base[i + 2] == 0xA8 ? lineSeparatorEscape : paragraphSeparatorEscape)
                    i += 3
                    runStart = i
                    continue
                } else if c == 0xC2 && i + 1 < n && base[i + 1] == 0x85 {
                    out.append(UnsafeRawBufferPointer(start: base + runStart, count: i - runStart))
                    out.append(nextLineEscape)
                    i += 2
                    runStart = i
                    continue
                }
            } else {
                switch c {
                case UInt8(ascii: "\""): inString = true
                case 0x20, 0x0A, 0x0D, 0x09:
                    out.append(UnsafeRawBufferPointer(start: base + runStart, count: i - runStart))
                    runStart = i + 1
                default: break
                }
            }
            i += 1
        }
        out.append(UnsafeRawBufferPointer(start: base + runStart, count: n - runStart))
    }

    private static let lineSeparatorEscape: [UInt8] = Array(#"\u2028"#.utf8)
    private static let paragraphSeparatorEscape: [UInt8] = Array(#"\u2029"#.utf8)
    private static let nextLineEscape: [UInt8] = Array(#"\u0085"#.utf8)
}
