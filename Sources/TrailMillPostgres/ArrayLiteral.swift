/// PostgreSQL array input syntax for bound parameters (`$1::text[]`), so a whole column of values travels as one
/// parameter instead of being spliced into SQL text.
public enum ArrayLiteral {
    /// `{"a","b\"c"}`: every element double-quoted, with `"` and `\` backslash-escaped; nil elements are `NULL`.
    public static func text(_ values: [String?]) -> String {
        var literal = "{"
        for (index, value) in values.enumerated() {
            if index > 0 { literal += "," }
            guard let value else {
                literal += "NULL"
                continue
            }
            literal += "\""
            for character in value {
                if character == "\"" || character == "\\" { literal += "\\" }
                literal.append(character)
            }
            literal += "\""
        }
        return literal + "}"
    }

    /// `{1,2,3}`.
    public static func integers(_ values: [Int]) -> String {
        "{" + values.map(String.init).joined(separator: ",") + "}"
    }
}
