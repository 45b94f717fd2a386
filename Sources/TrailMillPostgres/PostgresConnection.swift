import CLibPQ

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One libpq connection (`PGconn`), used from one thread at a time.
///
/// The class owns the `PGconn` and calls `PQfinish` in `deinit`; every `PGresult` is cleared before a method returns.
/// It is deliberately not `Sendable`: libpq forbids concurrent use of one connection, so give each worker its own.
///
/// SQL text passed to `execute`, `query` and `copyIn` must never contain event content: values travel only as bound
/// parameters (`query(_:parameters:)`) or COPY data (`copyIn`), and configured identifiers go through
/// `quoteIdentifier(_:)`.
public final class PostgresConnection {
    /// The `PGconn`; never nil, never shared.
    fileprivate let handle: OpaquePointer

    /// Connects, blocking until the connection is ready or has failed.
    ///
    /// - Parameter conninfo: a libpq connection string (`host=... dbname=...`) or URI (`postgresql://...`). When nil,
    ///   the `DATABASE_URL` environment variable is used if set and non-empty; otherwise (and for an empty string)
    ///   libpq's own environment applies (`PGHOST`, `PGPORT`, `PGUSER`, `PGDATABASE`, `PGPASSWORD`, `~/.pgpass`...).
    /// - Throws: `PostgresError` with code `connectionFailed`. Its message never contains the connection string or
    ///   the password.
    ///
    /// The session's `client_encoding` is set to UTF8, whatever the environment says, because COPY data and
    /// parameters are sent as UTF-8.
    public init(conninfo: String?) throws(PostgresError) {
        var effective = conninfo ?? ""
        if conninfo == nil, let url = getenv("DATABASE_URL"), url.pointee != 0 {
            effective = String(cString: url)
        }
        guard !effective.utf8.contains(0) else {
            throw PostgresError(code: .invalidArgument, message: "connection string contains U+0000")
        }
        let secrets = try Self.secrets(in: effective)
        guard let handle = PQconnectdb(effective) else {
            throw PostgresError(code: .connectionFailed, message: "libpq could not allocate a connection")
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = ConninfoRedaction.scrub(Self.text(PQerrorMessage(handle)) ?? "connection failed", secrets: secrets)
            PQfinish(handle)
            throw PostgresError(code: .connectionFailed, message: message)
        }
        guard PQsetClientEncoding(handle, "UTF8") == 0 else {
            let message = ConninfoRedaction.scrub(Self.text(PQerrorMessage(handle)) ?? "", secrets: secrets)
            PQfinish(handle)
            throw PostgresError(code: .connectionFailed, message: "could not set client_encoding to UTF8: \(message)")
        }
        // libpq's default notice processor prints NOTICE/WARNING lines to stderr; TrailMill's stderr is for its own
        // logs, so notices (such as "drop cascades to ...") are dropped.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        self.handle = handle
    }

    deinit { PQfinish(handle) }

    // MARK: Watching statements

    /// What to watch while a statement runs; see ``watch``.
    public struct StatementWatch {
        /// Polled about ten times a second while a statement runs: once it returns true, the statement is
        /// cancelled on the server (`PQcancel`) and fails with SQLSTATE 57014.
        public var isCancelled: () -> Bool
        /// A statement still running after this long is reported once, through `onLongWait`.
        public var reportAfter: Duration
        /// Called (on the calling thread, while the statement runs) when a statement passes `reportAfter`.
        public var onLongWait: () -> Void

        /// Creates a watch.
        public init(isCancelled: @escaping () -> Bool, reportAfter: Duration, onLongWait: @escaping () -> Void) {
            self.isCancelled = isCancelled
            self.reportAfter = reportAfter
            self.onLongWait = onLongWait
        }
    }

    /// When set, every statement is sent without blocking and its results are awaited by polling the socket, so
    /// a long wait (a lock another session holds) can be reported and a stop request can cancel the statement.
    /// When nil, libpq's blocking calls are used.
    public var watch: StatementWatch?

    // MARK: State

    /// Where the session stands with respect to transactions (`PQtransactionStatus`).
    public enum TransactionStatus: Sendable, Hashable {
        /// No transaction open.
        case idle
        /// A command is in progress.
        case active
        /// Inside a transaction block (`BEGIN` issued, no error yet).
        case inTransaction
        /// Inside a failed transaction block: only `ROLLBACK` is accepted.
        case inFailedTransaction
        /// The connection is bad.
        case unknown
    }

    /// True while libpq considers the connection healthy (`PQstatus == CONNECTION_OK`).
    ///
    /// libpq learns about a dead server only when it next talks to it, so this reflects the last call: after a
    /// server restart it stays true until a command fails with `connectionLost`.
    public var isAlive: Bool { PQstatus(handle) == CONNECTION_OK }

    /// The session's transaction state.
    public var transactionStatus: TransactionStatus {
        switch PQtransactionStatus(handle) {
        case PQTRANS_IDLE: .idle
        case PQTRANS_ACTIVE: .active
        case PQTRANS_INTRANS: .inTransaction
        case PQTRANS_INERROR: .inFailedTransaction
        default: .unknown
        }
    }

    /// The server version as an integer, such as `150018` for 15.18; 0 when the connection is bad.
    public var serverVersion: Int { Int(PQserverVersion(handle)) }

    /// The server process id of this session (`PQbackendPID`), as `pg_backend_pid()` reports it.
    public var backendPID: Int { Int(PQbackendPID(handle)) }

    // MARK: Commands and queries

    /// Runs SQL that returns no rows the caller needs: DDL, `BEGIN`/`COMMIT`/`ROLLBACK`, `SET`, several
    /// `;`-separated statements (migrations).
    ///
    /// - Throws: `queryFailed` with the server's SQLSTATE, `connectionLost` when the connection broke,
    ///   `invalidArgument` for SQL containing U+0000 or a `COPY` (use `copyIn`).
    public func execute(_ sql: String) throws(PostgresError) {
        try Self.checkNoNUL(sql, what: "SQL text")
        let result = exec(sql)
        defer { PQclear(result) }
        try check(result, accepting: [PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY], code: .queryFailed)
    }

    /// Runs one statement with text parameters bound as `$1`, `$2`, ... (`PQexecParams`) and returns every row as
    /// text, NULL as nil. Parameter values are never spliced into the SQL text.
    ///
    /// - Parameters:
    ///   - sql: one statement; use casts (`$1::int`) where the parameter type cannot be inferred.
    ///   - parameters: values in text form; nil binds SQL NULL.
    /// - Returns: rows in server order, each with one entry per column; empty for commands.
    /// - Throws: `queryFailed`, `connectionLost`, or `invalidArgument` when the SQL or a parameter contains U+0000
    ///   (PostgreSQL text cannot hold it; apply the U+FFFD policy of `CopyText` first).
    public func query(_ sql: String, parameters: [String?] = []) throws(PostgresError) -> [[String?]] {
        try Self.checkNoNUL(sql, what: "SQL text")
        for (index, parameter) in parameters.enumerated() {
            if let parameter { try Self.checkNoNUL(parameter, what: "parameter $\(index + 1)") }
        }
        let copies: [UnsafeMutablePointer<CChar>?] = parameters.map { $0.flatMap { strdup($0) } }
        defer { for copy in copies { free(copy) } }
        for (copy, parameter) in zip(copies, parameters) where copy == nil && parameter != nil {
            throw PostgresError(code: .invalidArgument, message: "out of memory copying parameters")
        }
        let values: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } }
        let result: OpaquePointer?
        if watch == nil {
            result = PQexecParams(handle, sql, Int32(values.count), nil, values, nil, nil, 0)
        } else if PQsendQueryParams(handle, sql, Int32(values.count), nil, values, nil, nil, 0) == 1 {
            result = collectResults()
        } else {
            result = nil
        }
        defer { PQclear(result) }
        try check(result, accepting: [PGRES_TUPLES_OK, PGRES_COMMAND_OK], code: .queryFailed)
        guard let result else { return [] }
        let rowCount = PQntuples(result)
        let columnCount = PQnfields(result)
        var rows: [[String?]] = []
        rows.reserveCapacity(Int(rowCount))
        for row in 0..<rowCount {
            var values: [String?] = []
            values.reserveCapacity(Int(columnCount))
            for column in 0..<columnCount {
                if PQgetisnull(result, row, column) != 0 {
                    values.append(nil)
                } else if let bytes = PQgetvalue(result, row, column) {
                    let length = Int(PQgetlength(result, row, column))
                    values.append(String(decoding: UnsafeRawBufferPointer(start: bytes, count: length), as: UTF8.self))
                } else {
                    values.append(nil)
                }
            }
            rows.append(values)
        }
        return rows
    }

    /// Runs one statement like `query(_:parameters:)` and returns the first column of its first row: nil when there
    /// is no row or the value is NULL.
    public func queryValue(_ sql: String, parameters: [String?] = []) throws(PostgresError) -> String? {
        try query(sql, parameters: parameters).first?.first ?? nil
    }

    /// Runs `COPY ... FROM STDIN` and streams the rows the body writes, in PostgreSQL text format.
    ///
    /// The writer buffers and sends ~1 MiB `PQputCopyData` chunks; after the body returns the rest is sent,
    /// `PQputCopyEnd` ends the COPY and the results are read until libpq has none left. When the body throws, the
    /// COPY is aborted (the server discards everything it received) and the body's error is rethrown. A COPY is one
    /// statement: it loads all rows or none, but in an open transaction a failure leaves the transaction failed
    /// (`ROLLBACK` it).
    ///
    /// - Parameters:
    ///   - copyStatement: for example `COPY "s"."t" (a, b) FROM STDIN` (text format, tab delimiter, `\N` NULL).
    ///   - body: writes rows through the `CopyWriter`, which is only valid during the call.
    /// - Returns: the number of rows the server reports in the `COPY n` command tag.
    /// - Throws: `copyFailed` with the server's SQLSTATE (for example `22P02` for a value of the wrong type, with the
    ///   line in `context`), `connectionLost`, the body's error when it is a `PostgresError`, or `copyAborted` with
    ///   the body's error in `cause`.
    @discardableResult
    public func copyIn(_ copyStatement: String, body: (CopyWriter) throws -> Void) throws(PostgresError) -> Int {
        try Self.checkNoNUL(copyStatement, what: "SQL text")
        do {
            let start = exec(copyStatement)
            defer { PQclear(start) }
            try check(start, accepting: [PGRES_COPY_IN], code: .copyFailed)
        }
        let writer = CopyWriter(connection: self)
        var failure: PostgresError?
        do {
            try body(writer)
            try writer.flush()
        } catch let error as PostgresError {
            failure = error
        } catch {
            failure = PostgresError(code: .copyAborted, message: "COPY aborted by the caller: \(error)", cause: error)
        }
        writer.close()
        if let failure {
            // Abort: the server answers with an error (57014) that we drain and drop in favour of the cause.
            _ = PQputCopyEnd(handle, "COPY aborted by the client")
            _ = drainResults(code: .copyFailed)
            if PQstatus(handle) != CONNECTION_OK && failure.code != .connectionLost {
                throw lostError(from: failure)
            }
            throw failure
        }
        if PQputCopyEnd(handle, nil) != 1 {
            let error = connectionError(code: .copyFailed)
            _ = drainResults(code: .copyFailed)
            throw error
        }
        switch drainResults(code: .copyFailed) {
        case .success(let rows): return rows
        case .failure(let error): throw error
        }
    }

    /// Quotes a configured identifier (schema, table, column) for SQL text: wraps it in double quotes and doubles
    /// any double quote inside, so `a"b` becomes `"a""b"`. Case is preserved.
    ///
    /// Use it only for identifiers from configuration, never for values. An identifier containing U+0000 yields
    /// SQL that `execute` rejects with `invalidArgument`.
    public static func quoteIdentifier(_ identifier: String) -> String {
        // Bytes, not `Character`s: a `"` followed by a combining mark is one grapheme that is not equal to `"`,
        // yet the server sees the quote byte and would end the identifier there.
        var quoted: [UInt8] = [UInt8(ascii: "\"")]
        quoted.reserveCapacity(identifier.utf8.count + 8)
        for byte in identifier.utf8 {
            quoted.append(byte)
            if byte == UInt8(ascii: "\"") { quoted.append(byte) }
        }
        quoted.append(UInt8(ascii: "\""))
        return String(decoding: quoted, as: UTF8.self)
    }

    // MARK: COPY plumbing (used by CopyWriter)

    /// Sends bytes with `PQputCopyData`, in pieces of at most `CopyWriter.chunkSize`.
    fileprivate func putCopyData(_ bytes: [UInt8]) throws(PostgresError) {
        var failed = false
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count && !failed {
                let count = min(CopyWriter.chunkSize, raw.count - offset)
                let base = raw.baseAddress.map { ($0 + offset).assumingMemoryBound(to: CChar.self) }
                if PQputCopyData(handle, base, Int32(count)) != 1 { failed = true }
                offset += count
            }
        }
        if failed { throw connectionError(code: .copyFailed) }
    }

    // MARK: Sending and waiting

    /// `PQexec`, or with a ``watch``, `PQsendQuery` and the results awaited by polling.
    private func exec(_ sql: String) -> OpaquePointer? {
        guard watch != nil else { return PQexec(handle, sql) }
        guard PQsendQuery(handle, sql) == 1 else { return nil }
        return collectResults()
    }

    /// The results of the statement(s) just sent, as `PQexec` returns them: the first failure, else the last
    /// result; a COPY start is returned at once (the caller continues the COPY).
    private func collectResults() -> OpaquePointer? {
        var kept: OpaquePointer?
        while true {
            waitUntilReady()
            guard let result = PQgetResult(handle) else { break }
            let status = PQresultStatus(result)
            if status == PGRES_COPY_IN || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH {
                PQclear(kept)
                return result
            }
            if let kept, PQresultStatus(kept) == PGRES_FATAL_ERROR {
                PQclear(result)
                continue
            }
            PQclear(kept)
            kept = result
        }
        return kept
    }

    /// With a ``watch``: returns once `PQgetResult` will not block, cancelling the statement when asked to and
    /// reporting a long wait once. Without one, returns at once (`PQgetResult` then blocks).
    private func waitUntilReady() {
        guard let watch else { return }
        let clock = ContinuousClock()
        let started = clock.now
        var reported = false
        var cancelled = false
        while PQisBusy(handle) != 0 {
            let socket = PQsocket(handle)
            guard socket >= 0 else { return }
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            if poll(&descriptor, 1, 100) > 0 && PQconsumeInput(handle) == 0 { return }
            if !cancelled && watch.isCancelled() {
                cancelled = true
                requestCancel()
            }
            if !reported && !cancelled && clock.now - started >= watch.reportAfter {
                reported = true
                watch.onLongWait()
            }
        }
    }

    /// Asks the server to cancel the statement in progress (`PQcancel`, over a connection of its own); the
    /// statement then fails with SQLSTATE 57014.
    public func requestCancel() {
        guard let cancel = PQgetCancel(handle) else { return }
        defer { PQfreeCancel(cancel) }
        var message = [CChar](repeating: 0, count: 256)
        _ = PQcancel(cancel, &message, Int32(message.count))
    }

    // MARK: Results and errors

    /// Reads results until libpq returns NULL; returns the first failure, or the row count of the command tag.
    private func drainResults(code: PostgresError.Code) -> Result<Int, PostgresError> {
        var outcome: Result<Int, PostgresError> = .success(0)
        var failed = false
        // Bounded: a connection stuck in COPY state must not loop forever.
        for _ in 0..<10_000 {
            waitUntilReady()
            guard let result = PQgetResult(handle) else { break }
            defer { PQclear(result) }
            let status = PQresultStatus(result)
            if status == PGRES_COPY_IN {
                if PQputCopyEnd(handle, "COPY aborted by the client") != 1 { break }
                continue
            }
            if status == PGRES_COPY_OUT {
                discardCopyOut()
                continue
            }
            if status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK {
                if !failed, let tag = Self.text(PQcmdTuples(result)), let rows = Int(tag) { outcome = .success(rows) }
            } else if !failed {
                failed = true
                outcome = .failure(error(from: result, code: code))
            }
        }
        if !failed && PQstatus(handle) != CONNECTION_OK {
            outcome = .failure(connectionError(code: code))
        }
        return outcome
    }

    /// Throws unless `result` has one of the accepted statuses; leaves the connection out of any COPY state a
    /// statement put it in.
    private func check(_ result: OpaquePointer?, accepting accepted: [ExecStatusType], code: PostgresError.Code)
        throws(PostgresError)
    {
        guard let result else { throw connectionError(code: code) }
        let status = PQresultStatus(result)
        if accepted.contains(status) { return }
        switch status {
        case PGRES_COPY_IN:
            _ = PQputCopyEnd(handle, "COPY FROM STDIN is only supported through copyIn")
            _ = drainResults(code: code)
            throw PostgresError(code: .invalidArgument, message: "COPY FROM STDIN is only supported through copyIn")
        case PGRES_COPY_OUT:
            discardCopyOut()
            _ = drainResults(code: code)
            throw PostgresError(code: .invalidArgument, message: "COPY TO STDOUT is not supported")
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            throw PostgresError(code: .invalidArgument, message: "statement did not start COPY ... FROM STDIN")
        default:
            throw error(from: result, code: code)
        }
    }

    private func discardCopyOut() {
        var buffer: UnsafeMutablePointer<CChar>?
        while PQgetCopyData(handle, &buffer, 0) > 0 {
            PQfreemem(buffer)
            buffer = nil
        }
    }

    /// An error from a failed `PGresult`, with the server's diagnostic fields.
    private func error(from result: OpaquePointer, code: PostgresError.Code) -> PostgresError {
        func field(_ name: Int32) -> String? { Self.text(PQresultErrorField(result, name)) }
        let message =
            field(DiagnosticField.primary) ?? Self.text(PQresultErrorMessage(result))
            ?? Self.text(PQerrorMessage(handle)) ?? "unknown error"
        let sqlState = field(DiagnosticField.sqlstate)
        let lost = PQstatus(handle) != CONNECTION_OK || (sqlState?.hasPrefix("08") ?? false)
        return PostgresError(
            code: lost ? .connectionLost : code, message: message, sqlState: sqlState,
            detail: field(DiagnosticField.detail), hint: field(DiagnosticField.hint),
            context: field(DiagnosticField.context))
    }

    /// An error from `PQerrorMessage` when libpq returned no result or refused to send.
    private func connectionError(code: PostgresError.Code) -> PostgresError {
        let message = Self.text(PQerrorMessage(handle)) ?? "libpq reported no result"
        return PostgresError(code: PQstatus(handle) != CONNECTION_OK ? .connectionLost : code, message: message)
    }

    private func lostError(from failure: PostgresError) -> PostgresError {
        var lost = connectionError(code: .connectionLost)
        lost.code = .connectionLost
        if lost.message.isEmpty { lost.message = failure.message }
        return lost
    }

    // MARK: Helpers

    /// A C string as Swift text without trailing newlines; nil for NULL or empty.
    fileprivate static func text(_ pointer: UnsafePointer<CChar>?) -> String? {
        guard let pointer else { return nil }
        var text = String(cString: pointer)
        while let last = text.last, last.isNewline || last == " " { text.removeLast() }
        return text.isEmpty ? nil : text
    }

    private static func checkNoNUL(_ text: String, what: String) throws(PostgresError) {
        if text.utf8.contains(0) {
            throw PostgresError(
                code: .invalidArgument, message: "\(what) contains U+0000, which PostgreSQL text cannot hold")
        }
    }

    /// The password in `conninfo`, parsed by libpq, so it can be removed from error messages.
    ///
    /// When libpq cannot parse the string, its message may quote parts of it (a URI, a password): every quoted
    /// fragment is replaced before the error is thrown.
    private static func secrets(in conninfo: String) throws(PostgresError) -> [String] {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &errorMessage) else {
            let raw = text(errorMessage) ?? "invalid connection string"
            PQfreemem(errorMessage)
            throw PostgresError(code: .connectionFailed, message: ConninfoRedaction.redactQuoted(raw))
        }
        defer { PQconninfoFree(options) }
        var secrets: [String] = []
        var option = options
        while let keyword = option.pointee.keyword {
            if String(cString: keyword) == "password", let value = text(option.pointee.val) { secrets.append(value) }
            option += 1
        }
        if !conninfo.isEmpty { secrets.append(conninfo) }
        return secrets
    }

}

@available(*, unavailable)
extension PostgresConnection: Sendable {}

/// `PG_DIAG_*` field codes from `postgres_ext.h`. They are character-literal macros, which Swift does not import;
/// the values are fixed by the frontend/backend protocol (ErrorResponse field types).
private enum DiagnosticField {
    static let sqlstate = Int32(UInt8(ascii: "C"))  // PG_DIAG_SQLSTATE
    static let primary = Int32(UInt8(ascii: "M"))  // PG_DIAG_MESSAGE_PRIMARY
    static let detail = Int32(UInt8(ascii: "D"))  // PG_DIAG_MESSAGE_DETAIL
    static let hint = Int32(UInt8(ascii: "H"))  // PG_DIAG_MESSAGE_HINT
    static let context = Int32(UInt8(ascii: "W"))  // PG_DIAG_CONTEXT
}

/// Writes rows into a running `COPY ... FROM STDIN` in PostgreSQL text format (see `CopyText`).
///
/// Fields of a row are appended one by one, then `endRow()` terminates the row; the writer sends a chunk each time
/// its buffer passes about 1 MiB. U+0000 in values is replaced with U+FFFD and counted in `replacedNULCount`.
///
/// - Warning: valid only inside the `copyIn` body it was passed to; afterwards `endRow()` throws `invalidArgument`.
public final class CopyWriter {
    /// The buffer size at which a row end sends a chunk, and the largest `PQputCopyData` call: 1 MiB.
    public static let chunkSize = 1 << 20

    private let connection: PostgresConnection
    private var buffer: [UInt8] = []
    private var fieldsInRow = 0
    private var isOpen = true

    /// How many U+0000 were replaced with U+FFFD so far.
    public private(set) var replacedNULCount = 0
    /// How many rows were terminated with `endRow()` so far.
    public private(set) var rowCount = 0

    fileprivate init(connection: PostgresConnection) {
        self.connection = connection
        buffer.reserveCapacity(Self.chunkSize + Self.chunkSize / 8)
    }

    /// Appends one field to the current row; nil is SQL NULL.
    public func appendField(_ value: String?) {
        separate()
        replacedNULCount += CopyText.append(value, to: &buffer)
    }

    /// Appends one field from UTF-8 bytes, escaped.
    ///
    /// - Warning: the pointer is read only during the call and not kept.
    public func appendField(utf8: UnsafeRawBufferPointer) {
        separate()
        replacedNULCount += CopyText.append(utf8, to: &buffer)
    }

    /// Appends a SQL NULL field.
    public func appendNull() {
        separate()
        buffer.append(contentsOf: CopyText.null)
    }

    /// Ends the current row and sends a chunk when the buffer is full.
    public func endRow() throws(PostgresError) {
        guard isOpen else {
            throw PostgresError(code: .invalidArgument, message: "CopyWriter used after its copyIn returned")
        }
        buffer.append(CopyText.rowTerminator)
        fieldsInRow = 0
        rowCount += 1
        if buffer.count >= Self.chunkSize { try flush() }
    }

    /// Appends rows already encoded in COPY text format (each ending in `\n`), such as rows an encoder prepared on
    /// another thread, and sends a chunk when the buffer is full.
    ///
    /// - Parameter rows: how many rows `bytes` holds (for `rowCount`).
    public func appendEncodedRows(_ bytes: UnsafeRawBufferPointer, rows: Int) throws(PostgresError) {
        guard isOpen else {
            throw PostgresError(code: .invalidArgument, message: "CopyWriter used after its copyIn returned")
        }
        guard fieldsInRow == 0 else {
            throw PostgresError(code: .invalidArgument, message: "encoded rows appended in the middle of a row")
        }
        buffer.append(contentsOf: bytes)
        rowCount += rows
        if buffer.count >= Self.chunkSize { try flush() }
    }

    /// Appends a whole row and ends it.
    public func appendRow(_ values: [String?]) throws(PostgresError) {
        for value in values { appendField(value) }
        try endRow()
    }

    private func separate() {
        if fieldsInRow > 0 { buffer.append(CopyText.columnDelimiter) }
        fieldsInRow += 1
    }

    fileprivate func flush() throws(PostgresError) {
        guard isOpen, !buffer.isEmpty else { return }
        if fieldsInRow > 0 {
            throw PostgresError(code: .invalidArgument, message: "COPY body ended in the middle of a row")
        }
        try connection.putCopyData(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    fileprivate func close() {
        isOpen = false
        buffer = []
    }
}

@available(*, unavailable)
extension CopyWriter: Sendable {}
