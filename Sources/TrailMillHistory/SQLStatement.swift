/// One SQL statement with its parameters: values travel only as bound `$n` parameters, never in the text.
public struct SQLStatement: Sendable, Hashable {
    /// The statement text, with `$1`, `$2`, ... placeholders.
    public var text: String
    /// The parameter values in text form, `$1` first; nil binds SQL NULL.
    public var parameters: [String?]

    /// A statement with the given text and parameters.
    public init(text: String, parameters: [String?]) {
        self.text = text
        self.parameters = parameters
    }
}

/// Collects parameters while a statement is built: `bind` returns the placeholder to write into the text.
struct ParameterList {
    private(set) var values: [String?] = []

    /// Appends `value` and returns its placeholder with `cast` (for example `$3::timestamptz`).
    ///
    /// U+0000 becomes U+FFFD, as the load stores it (PostgreSQL text cannot hold U+0000), so such a value still
    /// matches its event literally.
    mutating func bind(_ value: String?, as cast: String = "text") -> String {
        values.append(value.map { $0.contains("\u{0}") ? String($0.map { $0 == "\u{0}" ? "\u{FFFD}" : $0 }) : $0 })
        return "$\(values.count)::\(cast)"
    }
}
