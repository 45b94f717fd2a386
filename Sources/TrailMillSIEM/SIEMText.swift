import TrailMillDecoding

/// How CEF and LEEF values are made safe, byte by byte over UTF-8 (cef.md §0, §1.4, §3).
///
/// - Every value and header field is trimmed first: whitespace, control characters (CR and LF included) and the
///   Unicode line separators U+0085, U+2028, U+2029 are removed from both ends. Inside, those separators become
///   spaces (neither format can escape them, and Python's `splitlines` breaks lines on them).
/// - CEF header field: `\` → `\\`, `|` → `\|`; CR, LF and every other control character (C0, DEL) → space.
/// - CEF extension value: `\` → `\\`, `=` → `\=`, LF → `\n`,
///   CR → `\r`; other control characters (TAB, NUL, C0, DEL) → space; `|` is left as it is (the spec needs no
///   escape there). A value that is empty after trimming is not written, and neither is its label.
/// - LEEF (no escaping exists): the delimiter (TAB), CR, LF and every other control character → space; in header
///   fields `|` → space too.
/// - Length limits count Unicode scalars of the value before escaping; a longer value keeps `limit − 1` scalars
///   and ends with `…` (U+2026) to mark the cut.
enum SIEMText {
    static let ellipsis: StaticString = "\u{2026}"

    /// ASCII case-insensitive equality with a literal.
    static func equalsIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
        guard bytes.count == literal.utf8CodeUnitCount else { return false }
        let l = literal.utf8Start
        for k in 0..<bytes.count where bytes[k] | 0x20 != l[k] | 0x20 { return false }
        return true
    }

    @inline(__always)
    static func isBlankOrControl(_ byte: UInt8) -> Bool { byte <= 0x20 || byte == 0x7F }

    /// Length of a Unicode line separator (U+0085, U+2028, U+2029) starting at `index`, else 0. Neither CEF nor
    /// LEEF can escape these, and line splitters such as Python's `splitlines` break on them, so they are written
    /// as spaces.
    @inline(__always)
    static func lineSeparatorLength(_ bytes: UnsafeRawBufferPointer, _ index: Int, _ end: Int) -> Int {
        let byte = bytes[index]
        if byte == 0xC2 && index + 1 < end && bytes[index + 1] == 0x85 { return 2 }
        if byte == 0xE2 && index + 2 < end && bytes[index + 1] == 0x80 && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9) {
            return 3
        }
        return 0
    }

    /// The range left after trimming whitespace, control characters (CR and LF included) and Unicode line
    /// separators from both ends; nil when nothing is left.
    static func trimmed(_ bytes: UnsafeRawBufferPointer) -> Range<Int>? {
        var low = 0
        var high = bytes.count
        while low < high {
            if isBlankOrControl(bytes[low]) {
                low += 1
            } else if case let n = lineSeparatorLength(bytes, low, high), n > 0 {
                low += n
            } else {
                break
            }
        }
        while high > low {
            if isBlankOrControl(bytes[high - 1]) {
                high -= 1
            } else if high - low >= 2 && lineSeparatorLength(bytes, high - 2, high) == 2 {
                high -= 2
            } else if high - low >= 3 && lineSeparatorLength(bytes, high - 3, high) == 3 {
                high -= 3
            } else {
                break
            }
        }
        return low < high ? low..<high : nil
    }

    /// End offset of the first `limit` Unicode scalars of `range`, or nil when the range holds no more than that.
    static func cut(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, limit: Int) -> Int? {
        guard range.count > limit else { return nil }  // fewer bytes than the limit: fewer scalars too
        var scalars = 0
        for index in range where bytes[index] & 0xC0 != 0x80 {
            if scalars == limit { return index }
            scalars += 1
        }
        return nil
    }

    /// Appends a CEF extension value (already trimmed to `range`), truncated to `limit` scalars.
    static func appendCEFValue(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, limit: Int, to out: OutputBuffer) {
        let (end, truncated) = truncation(bytes, range, limit: limit)
        out.reserve(end - range.lowerBound + 8)
        var runStart = range.lowerBound
        func flush(_ upTo: Int) {
            if upTo > runStart { out.append(UnsafeRawBufferPointer(rebasing: bytes[runStart..<upTo])) }
        }
        var index = range.lowerBound
        while index < end {
            // Skip 8 bytes at a time while none needs escaping (no control, `\`, `=` or DEL).
            if index &+ 8 <= end {
                let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                if !needsCEFEscape(word) {
                    index &+= 8
                    continue
                }
            }
            let byte = bytes[index]
            if byte == 0xC2 || byte == 0xE2, case let n = lineSeparatorLength(bytes, index, end), n > 0 {
                flush(index)
                out.append(UInt8(ascii: " "))
                index &+= n
                runStart = index
                continue
            }
            index &+= 1
            guard byte < 0x20 || byte == 0x5C || byte == 0x3D || byte == 0x7F else { continue }
            let position = index - 1
            flush(position)
            switch byte {
            case 0x5C: out.append("\\\\")
            case 0x3D: out.append("\\=")
            case 0x0A: out.append("\\n")
            case 0x0D: out.append("\\r")
            default: out.append(UInt8(ascii: " "))
            }
            runStart = index
        }
        flush(end)
        if truncated { out.append(ellipsis) }
    }

    /// Whether any byte of `word` is a control character, `\`, `=`, DEL, or 0xC2 / 0xE2 (which may start a Unicode
    /// line separator) (SWAR; may over-report, never under-report).
    @inline(__always)
    static func needsCEFEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let backslash = word ^ 0x5C5C_5C5C_5C5C_5C5C
        let equals = word ^ 0x3D3D_3D3D_3D3D_3D3D
        let delete = word ^ 0x7F7F_7F7F_7F7F_7F7F
        let control = (word &- 0x2020_2020_2020_2020) & ~word
        let c2 = word ^ 0xC2C2_C2C2_C2C2_C2C2
        let e2 = word ^ 0xE2E2_E2E2_E2E2_E2E2
        let zeros = ((backslash &- ones) & ~backslash) | ((equals &- ones) & ~equals) | ((delete &- ones) & ~delete)
            | ((c2 &- ones) & ~c2) | ((e2 &- ones) & ~e2)
        return ((zeros | control) & 0x8080_8080_8080_8080) != 0
    }

    /// Appends a CEF header field (trimmed like a value), truncated to `limit` scalars; false when it is empty.
    @discardableResult
    static func appendCEFHeader(_ bytes: UnsafeRawBufferPointer, limit: Int, to out: OutputBuffer) -> Bool {
        guard let range = trimmed(bytes) else { return false }
        appendMapped(bytes, range, limit: limit, to: out) { byte, out in
            switch byte {
            case 0x5C: out.append("\\\\")
            case 0x7C: out.append("\\|")
            case 0..<0x20, 0x7F: out.append(UInt8(ascii: " "))
            default: out.append(byte)
            }
        }
        return true
    }

    /// Appends a LEEF value or header field: controls (the TAB delimiter among them) and, in the header, `|`
    /// become spaces; truncated to `limit` scalars.
    static func appendLEEF(
        _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, limit: Int, header: Bool, to out: OutputBuffer
    ) {
        appendMapped(bytes, range, limit: limit, to: out) { byte, out in
            out.append(byte < 0x20 || byte == 0x7F || (header && byte == 0x7C) ? UInt8(ascii: " ") : byte)
        }
    }

    /// The end of `range` after truncation to `limit` scalars (keeping `limit − 1` when cut), and whether it was cut.
    static func truncation(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, limit: Int) -> (end: Int, cut: Bool) {
        if let keep = cut(bytes, range, limit: limit - 1), cut(bytes, range, limit: limit) != nil { return (keep, true) }
        return (range.upperBound, false)
    }

    /// Writes `range` truncated to `limit` scalars: Unicode line separators become spaces, every other byte goes
    /// through `write`, and `…` marks a cut.
    private static func appendMapped(
        _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, limit: Int, to out: OutputBuffer,
        _ write: (UInt8, OutputBuffer) -> Void
    ) {
        let (end, truncated) = truncation(bytes, range, limit: limit)
        var index = range.lowerBound
        while index < end {
            if case let n = lineSeparatorLength(bytes, index, end), n > 0 {
                out.append(UInt8(ascii: " "))
                index += n
                continue
            }
            write(bytes[index], out)
            index += 1
        }
        if truncated { out.append(ellipsis) }
    }
}
