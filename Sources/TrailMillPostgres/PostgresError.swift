/// A failure reported by libpq or by the PostgreSQL server.
///
/// `code` is a struct over a private enum, so new codes never break callers. The `description` never contains a
/// connection string or a password: connection errors are built from libpq's message with the password and any quoted
/// fragment of the connection string removed.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case connectionFailed, connectionLost, queryFailed, copyFailed, copyAborted, invalidArgument
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// Connecting failed: bad connection string, unreachable server, authentication refused.
        public static let connectionFailed = Code(.connectionFailed)
        /// An established connection broke (server restart, terminated backend, network loss). Retry on a new
        /// connection; the open transaction, if any, was rolled back by the server.
        public static let connectionLost = Code(.connectionLost)
        /// The server rejected a command or query (see `sqlState`).
        public static let queryFailed = Code(.queryFailed)
        /// A `COPY ... FROM STDIN` failed: the statement, the data, or the caller's body (see `sqlState`).
        public static let copyFailed = Code(.copyFailed)
        /// The `copyIn` body threw an error that is not a `PostgresError` (kept in `cause`); the COPY was aborted and
        /// the server discarded its rows.
        public static let copyAborted = Code(.copyAborted)
        /// The caller passed something libpq cannot send, such as SQL text or a parameter containing U+0000.
        public static let invalidArgument = Code(.invalidArgument)

        /// A stable kebab-case name, such as `connection-lost`.
        public var description: String {
            switch value {
            case .connectionFailed: "connection-failed"
            case .connectionLost: "connection-lost"
            case .queryFailed: "query-failed"
            case .copyFailed: "copy-failed"
            case .copyAborted: "copy-aborted"
            case .invalidArgument: "invalid-argument"
            }
        }
    }

    /// What kind of failure this is.
    public var code: Code
    /// The five-character SQLSTATE from the server (`PG_DIAG_SQLSTATE`), such as `22P02`; nil for client-side errors.
    public var sqlState: String?
    /// The primary message.
    public var message: String
    /// The server's DETAIL line, when present. It may quote data values (for example a duplicate key).
    public var detail: String?
    /// The server's HINT line, when present.
    public var hint: String?
    /// The server's CONTEXT line, when present; for COPY it names the failing line (`COPY t, line 5, column a: ...`)
    /// and may quote data, so it is kept out of `description`.
    public var context: String?
    /// The underlying error for `copyAborted`.
    public var cause: (any Error)?

    /// Creates an error; the body of `PostgresConnection.copyIn` can throw one to abort the COPY.
    public init(
        code: Code, message: String, sqlState: String? = nil, detail: String? = nil, hint: String? = nil,
        context: String? = nil, cause: (any Error)? = nil
    ) {
        self.code = code
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
        self.hint = hint
        self.context = context
        self.cause = cause
    }

    /// True for `connectionFailed`, `connectionLost`, SQLSTATE class 08 (connection exception) and the shutdown codes
    /// `57P01`–`57P03` (the server is stopping, crashed or starting): cases where a new connection, not a changed
    /// statement, may succeed.
    public var isConnectionError: Bool {
        code == .connectionFailed || code == .connectionLost || (sqlState?.hasPrefix("08") ?? false)
            || sqlState == "57P01" || sqlState == "57P02" || sqlState == "57P03"
    }

    /// `<code> [SQLSTATE]: <message> (hint: ...)`. The DETAIL and CONTEXT lines are left out: the server quotes row
    /// values in them (a duplicate key, the failing COPY line), and row data must not reach logs, dead-file reasons
    /// or summaries. They stay available in ``detail`` and ``context`` for code that needs them.
    public var description: String {
        var text = "\(code)"
        if let sqlState { text += " [\(sqlState)]" }
        text += ": \(message)"
        if let hint { text += " (hint: \(hint))" }
        return text
    }
}
