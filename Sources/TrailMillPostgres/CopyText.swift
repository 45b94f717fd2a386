/// PostgreSQL `COPY ... FROM STDIN` text format (the default `FORMAT text`, tab delimiter, `\N` for NULL), as a pure
/// encoder with no libpq dependency.
///
/// Escaping follows the COPY documentation: backslash, newline, carriage return and the delimiter (tab) must be
/// escaped; like the server's own `COPY TO`, backspace, form feed and vertical tab are escaped as `\b`, `\f`, `\v`
/// too. Every other byte, including UTF-8 multi-byte sequences, passes through unchanged. Because every backslash in
/// data is doubled, data can never produce `\N` or the end-of-data marker `\.`.
///
/// **U+0000 policy.** PostgreSQL `text` and `jsonb` cannot hold U+0000. Each NUL byte is replaced with U+FFFD
/// (REPLACEMENT CHARACTER, bytes `EF BF BD`) and counted, so a COPY never fails because of it and callers can report
/// how many were replaced.
///
/// Input must be valid UTF-8 (every Swift `String` is). Invalid sequences pass through unchanged and the server
/// rejects them (`22021`, invalid byte sequence for encoding UTF8).
public enum CopyText {
    /// The row delimiter, `\n`.
    public static let rowTerminator: UInt8 = 0x0A
    /// The column delimiter, tab.
    public static let columnDelimiter: UInt8 = 0x09
    /// The NULL marker, `\N`.
    public static let null: [UInt8] = [0x5C, 0x4E]
    /// U+FFFD in UTF-8, written in place of each U+0000.
    public static let replacementCharacter: [UInt8] = [0xEF, 0xBF, 0xBD]

    /// Appends one field value, escaped, to `buffer` (no delimiter, no row terminator).
    ///
    /// - Returns: how many NUL bytes were replaced with U+FFFD.
    @discardableResult
    public static func append(_ utf8: UnsafeRawBufferPointer, to buffer: inout [UInt8]) -> Int {
        var replaced = 0
        var runStart = 0
        var index = 0
        let count = utf8.count
        buffer.reserveCapacity(buffer.count + count + 8)
        while index < count {
            let byte = utf8[index]
            // Fast path: bytes above 0x0D other than the backslash are copied in runs.
            if byte > 0x0D && byte != 0x5C {
                index += 1
                continue
            }
            let escape: UInt8
            switch byte {
            case 0x5C: escape = 0x5C  // \\
            case 0x09: escape = 0x74  // \t
            case 0x0A: escape = 0x6E  // \n
            case 0x0D: escape = 0x72  // \r
            case 0x08: escape = 0x62  // \b
            case 0x0C: escape = 0x66  // \f
            case 0x0B: escape = 0x76  // \v
            case 0x00: escape = 0
            default:
                index += 1
                continue
            }
            if runStart < index { buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: utf8[runStart..<index])) }
            if escape == 0 {
                buffer.append(contentsOf: replacementCharacter)
                replaced += 1
            } else {
                buffer.append(0x5C)
                buffer.append(escape)
            }
            index += 1
            runStart = index
        }
        if runStart < count { buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: utf8[runStart..<count])) }
        return replaced
    }

    /// Appends one `String` value, escaped, to `buffer`; nil appends `\N`.
    ///
    /// - Returns: how many U+0000 were replaced with U+FFFD.
    @discardableResult
    public static func append(_ value: String?, to buffer: inout [UInt8]) -> Int {
        guard var value else {
            buffer.append(contentsOf: null)
            return 0
        }
        return value.withUTF8 { append(UnsafeRawBufferPointer($0), to: &buffer) }
    }

    /// Appends a whole row: values separated by tabs, nil as `\N`, then `\n`.
    ///
    /// - Returns: how many U+0000 were replaced with U+FFFD.
    @discardableResult
    public static func appendRow(_ values: [String?], to buffer: inout [UInt8]) -> Int {
        var replaced = 0
        for (position, value) in values.enumerated() {
            if position > 0 { buffer.append(columnDelimiter) }
            replaced += append(value, to: &buffer)
        }
        buffer.append(rowTerminator)
        return replaced
    }
}
