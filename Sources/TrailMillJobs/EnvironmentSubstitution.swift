/// `${VAR}` and `${VAR:-default}` references inside scalar values of a job file.
///
/// - `${VAR}`: the variable's value; an unset variable is an error.
/// - `${VAR:-default}`: the variable's value, or `default` when it is unset or empty (as in the shell). The default
///   is taken literally (no nested references) and may be empty: `${VAR:-}`.
/// - `$${` stands for a literal `${`. Any other `$` is kept as it is.
///
/// Variable names are `[A-Za-z_][A-Za-z0-9_]*`.
public enum EnvironmentSubstitution {
    /// The result of substituting one value.
    public struct Result: Sendable, Hashable {
        /// The value with every reference replaced.
        public var text: String
        /// The value with every reference replaced by `***`: safe to print when the substituted parts are secret.
        public var masked: String
        /// Whether any reference was replaced.
        public var substituted: Bool
    }

    /// Why a value cannot be substituted.
    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// `${NAME}` without a default, and `NAME` is not set.
        case missingVariable(String)
        /// `${` without a closing `}`.
        case unterminated
        /// `${...}` whose name is not a valid variable name.
        case badName(String)

        /// A message for a job file error.
        public var description: String {
            switch self {
            case .missingVariable(let name):
                "environment variable \(name) is not set (write ${\(name):-default} to give a default)"
            case .unterminated: "unterminated ${ reference (write $${ for a literal ${)"
            case .badName(let name): "\"\(name)\" is not a valid environment variable name"
            }
        }
    }

    /// Substitutes every reference in `text` from `environment`.
    public static func substitute(_ text: String, environment: [String: String]) -> Swift.Result<Result, Failure> {
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var masked = String.UnicodeScalarView()
        var substituted = false
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            // `$${` → literal `${`.
            if c == "$", i + 2 < scalars.count, scalars[i + 1] == "$", scalars[i + 2] == "{" {
                out.append(contentsOf: "${".unicodeScalars)
                masked.append(contentsOf: "${".unicodeScalars)
                i += 3
                continue
            }
            guard c == "$", i + 1 < scalars.count, scalars[i + 1] == "{" else {
                out.append(c)
                masked.append(c)
                i += 1
                continue
            }
            guard let close = scalars[(i + 2)...].firstIndex(of: "}") else { return .failure(.unterminated) }
            let body = String(String.UnicodeScalarView(scalars[(i + 2)..<close]))
            let name: String
            let fallback: String?
            if let colon = body.firstIndex(of: ":"), body[colon...].hasPrefix(":-") {
                name = String(body[..<colon])
                fallback = String(body[body.index(colon, offsetBy: 2)...])
            } else {
                name = body
                fallback = nil
            }
            guard isValidName(name) else { return .failure(.badName(name)) }
            let value: String
            if let set = environment[name], !(fallback != nil && set.isEmpty) {
                value = set
            } else if let fallback {
                value = fallback
            } else {
                return .failure(.missingVariable(name))
            }
            out.append(contentsOf: value.unicodeScalars)
            masked.append(contentsOf: "***".unicodeScalars)
            substituted = true
            i = close + 1
        }
        return .success(Result(text: String(out), masked: String(masked), substituted: substituted))
    }

    /// Whether `name` is `[A-Za-z_][A-Za-z0-9_]*`.
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic)
        else { return false }
        return name.unicodeScalars.allSatisfy {
            $0 == "_" || ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0)
        }
    }
}
