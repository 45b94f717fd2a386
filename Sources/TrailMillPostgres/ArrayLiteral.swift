/// PostgreSQL array input syntax for bound parameters (`$1::text[]`), so a whole column of values travels as one
/// parameter instead of being spliced into SQL text.
public enum ArrayLiteral {
    /// `{"a","b\"c"}`: every element double-quoted, with `"` and `\` backslash-escaped; nil elements are `NULL`.
    public static func text(_ values: [String?]) -> String {
        // Bytes, not `Character`s: a `"` or `\\` followed by a combining mark is one grapheme, yet the server reads
        // the byte on its own.
        var literal: [UInt8] = [UInt8(ascii: "{")]
        for (index, value) in values.enumerated() {
            if index > 0 { literal.append(UInt8(ascii: ",")) }
            guard let value else {
                literal.append(contentsOf: "NULL".utf8)
                continue
            }
            literal.append(UInt8(ascii: "\""))
            for byte in value.utf8 {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { literal.append(UInt8(ascii: "\\")) }
                literal.append(byte)
            }
            literal.append(UInt8(ascii: "\""))
        }
        literal.append(UInt8(ascii: "}"))
        return String(decoding: literal, as: UTF8.self)
    }

    /// `{1,2,3}`.
    public static func integers(_ values: [Int]) -> String {
        "{" + values.map(String.init).joined(separator: ",") + "}"
    }
}
