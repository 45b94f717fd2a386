/// A libpq connection string or URI from a job file. It may hold a password, so it prints only in redacted form:
/// `description`, `debugDescription` and its mirror all show `redacted`, never the value itself.
///
/// Redaction masks the password of a URI (`postgresql://u:***@host/db`), the value of every `password=` parameter
/// (key/value form or URI query), and every part that came from an environment reference (`${VAR}` → `***`).
public struct DatabaseConninfo: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    private let value: String
    /// The conninfo with secrets masked; safe to print and log.
    public let redacted: String

    /// Creates a secret from the substituted `value` and its `masked` form (environment parts replaced by `***`).
    public init(value: String, masked: String) {
        self.value = value
        self.redacted = Self.redact(masked)
    }

    /// Creates a secret from a literal value (nothing came from the environment).
    public init(_ value: String) { self.init(value: value, masked: value) }

    /// The real conninfo, to hand to libpq. Never print or log it.
    public func reveal() -> String { value }

    /// The redacted form.
    public var description: String { redacted }
    /// The redacted form.
    public var debugDescription: String { "DatabaseConninfo(\(redacted))" }
    /// Shows only the redacted form, so `dump` cannot leak the value.
    public var customMirror: Mirror { Mirror(self, children: ["redacted": redacted]) }

    /// Masks passwords in a conninfo (key/value or URI form).
    public static func redact(_ conninfo: String) -> String {
        let trimmed = conninfo.drop { $0 == " " }
        if trimmed.hasPrefix("postgresql://") || trimmed.hasPrefix("postgres://") {
            return redactURI(conninfo)
        }
        return redactKeyValue(conninfo)
    }

    /// `scheme://user:secret@host/db?password=secret&x=y` → `scheme://user:***@host/db?password=***&x=y`.
    private static func redactURI(_ uri: String) -> String {
        var text = Array(uri.unicodeScalars)
        guard let schemeEnd = indexOf("://", in: text) else { return uri }
        let authorityStart = schemeEnd + 3
        // The authority ends at the first '/', '?' or '#'; the user info ends at its last '@'.
        let authorityEnd = text[authorityStart...].firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? text.count
        if let at = text[authorityStart..<authorityEnd].lastIndex(of: "@"),
            let colon = text[authorityStart..<at].firstIndex(of: ":")
        {
            text.replaceSubrange((colon + 1)..<at, with: "***".unicodeScalars)
        }
        // Query parameters.
        var result = String(String.UnicodeScalarView(text))
        if let query = result.firstIndex(of: "?") {
            let head = result[...query]
            let parameters = result[result.index(after: query)...].split(
                separator: "&", omittingEmptySubsequences: false
            )
            .map { parameter -> String in
                let parts = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2, parts[0].lowercased() == "password" else { return String(parameter) }
                return "\(parts[0])=***"
            }
            result = head + parameters.joined(separator: "&")
        }
        return result
    }

    /// `host=db password='s e c' user=u` → `host=db password=*** user=u`.
    private static func redactKeyValue(_ conninfo: String) -> String {
        let text = Array(conninfo.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < text.count {
            // At the start of a keyword?
            let atWordStart = i == 0 || text[i - 1] == " " || text[i - 1] == "\t" || text[i - 1] == "\n"
            if atWordStart, matches("password", in: text, at: i) {
                var j = i + 8
                while j < text.count, text[j] == " " || text[j] == "\t" { j += 1 }
                if j < text.count, text[j] == "=" {
                    j += 1
                    while j < text.count, text[j] == " " || text[j] == "\t" { j += 1 }
                    j = endOfValue(text, from: j)
                    out.append(contentsOf: "password=***".unicodeScalars)
                    i = j
                    continue
                }
            }
            out.append(text[i])
            i += 1
        }
        return String(out)
    }

    /// The index after a conninfo value starting at `start`: a single-quoted string (with `\'` and `\\`), or a run
    /// of non-blank characters.
    private static func endOfValue(_ text: [Unicode.Scalar], from start: Int) -> Int {
        var j = start
        if j < text.count, text[j] == "'" {
            j += 1
            while j < text.count, text[j] != "'" {
                j += text[j] == "\\" ? 2 : 1
            }
            return min(j + 1, text.count)
        }
        while j < text.count, text[j] != " ", text[j] != "\t", text[j] != "\n" { j += 1 }
        return j
    }

    private static func matches(_ word: String, in text: [Unicode.Scalar], at index: Int) -> Bool {
        let scalars = Array(word.unicodeScalars)
        guard index + scalars.count <= text.count else { return false }
        for (offset, scalar) in scalars.enumerated()
        where text[index + offset].properties.lowercaseMapping != String(scalar) {
            return false
        }
        return true
    }

    private static func indexOf(_ needle: String, in text: [Unicode.Scalar]) -> Int? {
        let pattern = Array(needle.unicodeScalars)
        guard text.count >= pattern.count else { return nil }
        for start in 0...(text.count - pattern.count) where Array(text[start..<(start + pattern.count)]) == pattern {
            return start
        }
        return nil
    }
}
