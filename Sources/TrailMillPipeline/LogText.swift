/// Text that goes into one log or terminal line: file names and reasons come from the archive, so a name holding
/// a newline or an escape sequence must not start a forged line or move the cursor.
public enum LogText {
    /// `text` with every control character (C0, DEL, C1, and U+2028/U+2029) written as an escape: `\n`, `\r`,
    /// `\t`, else `\u{…}`. Everything else is kept as it is.
    public static func escapingControlCharacters(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count + 8)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where isControl(scalar): result += "\\u{\(String(scalar.value, radix: 16))}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool { isControl(scalar) }
}
