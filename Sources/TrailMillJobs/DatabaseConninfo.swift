import TrailMillPostgres

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

    /// Masks passwords in a conninfo (key/value or URI form); see ``ConninfoRedaction/redact(_:)``.
    public static func redact(_ conninfo: String) -> String { ConninfoRedaction.redact(conninfo) }
}
