/// The one place that knows what in a libpq connection string is secret: masking conninfos for display (job
/// files, logs) and scrubbing libpq's error messages, which may quote the connection string.
public enum ConninfoRedaction {
    /// Masks passwords in a conninfo (key/value or URI form) for display: the URI password and every `password`
    /// parameter (key/value or URI query) become `***`.
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

    /// Removes every secret from a message, longest first (the whole connection string before the password in it).
    static func scrub(_ message: String, secrets: [String]) -> String {
        var message = message
        for secret in secrets.sorted(by: { $0.count > $1.count }) where !secret.isEmpty {
            message = message.replacing(secret, with: "***")
        }
        return message
    }

    /// Replaces the content of every `"..."` fragment with `***`.
    static func redactQuoted(_ message: String) -> String {
        var result = ""
        var inside = false
        for character in message {
            if character == "\"" {
                if inside { result += "***" }
                inside.toggle()
                result.append(character)
            } else if !inside {
                result.append(character)
            }
        }
        if inside { result += "***" }
        return result
    }
}
