public import TrailMillPostgres
import TrailMillArchive
import TrailMillDecoding
import TrailMillNormalize

/// The TrailMill tables of one schema, used through one connection: the load lock, runs, loaded files, daily
/// partitions and the batch load itself.
///
/// Values reach the server only as bound parameters or COPY data; the schema name is quoted as an identifier.
public final class EventStore {
    /// The schema name (not quoted).
    public let schema: String
    /// The connection; owned by the store.
    public let connection: PostgresConnection
    /// `"schema"`.
    let q: String
    /// Whether the COPY rows end with the `raw` column.
    let keepsRawRecords: Bool

    /// Wraps `connection` for `schema`.
    ///
    /// - Parameter keepsRawRecords: the rows carry the `raw` column last (`EventRowEncoding(keepsRawRecords:)`).
    public init(connection: PostgresConnection, schema: String, keepsRawRecords: Bool = false) {
        self.connection = connection
        self.schema = schema
        self.keepsRawRecords = keepsRawRecords
        q = PostgresConnection.quoteIdentifier(schema)
    }

    // MARK: Load lock

    /// The outcome of `tryLock`.
    public enum LockResult: Sendable, Hashable {
        /// This session holds the load lock for the schema until it disconnects or calls `unlock`.
        case acquired
        /// Another session holds it; its server process id when visible.
        case busy(holderPID: Int?)
    }

    /// Takes the schema's load lock without waiting (`pg_try_advisory_lock`). Two loads into the same schema never
    /// run at once; the lock ends with the session, so a killed load never blocks the next one.
    public func tryLock() throws(PostgresError) -> LockResult {
        let got = try connection.queryValue(
            "SELECT pg_try_advisory_lock(\(AdvisoryLock.classID), hashtext($1::text))", parameters: [schema])
        if got == "t" { return .acquired }
        let holder = try connection.queryValue(
            """
            SELECT pid::text FROM pg_locks
            WHERE locktype = 'advisory' AND granted AND classid = \(AdvisoryLock.classID)::oid
              AND objid = hashtext($1::text)::oid AND objsubid = 2
            LIMIT 1
            """, parameters: [schema])
        return .busy(holderPID: holder.flatMap { Int($0) })
    }

    /// Releases the schema's load lock now. Closing the connection releases it too, but only once the server
    /// process has exited, which happens after the client has gone: a next load started at once could still find
    /// the lock held by this finished one.
    public func unlock() throws(PostgresError) {
        _ = try connection.queryValue(
            "SELECT pg_advisory_unlock(\(AdvisoryLock.classID), hashtext($1::text))::text", parameters: [schema])
    }

    // MARK: Runs

    /// Records the start of a run and returns its id.
    public func startRun(source: String, host: String) throws(PostgresError) -> Int64 {
        let id = try connection.queryValue(
            "INSERT INTO \(q).load_runs (source, host) VALUES ($1::text, $2::text) RETURNING run_id::text",
            parameters: [source, host])
        return Int64(id ?? "") ?? 0
    }

    /// Records the end of a run with its summary (JSON text).
    public func finishRun(_ runID: Int64, failed: Bool, exitStatus: Int, summaryJSON: String) throws(PostgresError) {
        _ = try connection.query(
            """
            UPDATE \(q).load_runs SET finished_at = now(), status = $2::text, exit_status = $3::int, summary = $4::jsonb
            WHERE run_id = $1::bigint
            """,
            parameters: [String(runID), failed ? "failed" : "finished", String(exitStatus), summaryJSON])
    }

    // MARK: Loaded files

    /// A row of `loaded_files`.
    public struct LoadedFile: Sendable, Hashable {
        public var key: String
        public var size: Int
        public var contentSHA256: String
        public var eventsInserted: Int
        public var duplicates: Int
        public var runID: Int64
        /// `YYYY-MM-DDTHH:MM:SSZ`.
        public var loadedAt: String
    }

    /// The recorded files among `keys`, by key (asked in chunks of 5,000 keys).
    public func loadedFiles(among keys: [String]) throws(PostgresError) -> [String: LoadedFile] {
        var found: [String: LoadedFile] = [:]
        var start = 0
        while start < keys.count {
            let chunk = Array(keys[start..<min(keys.count, start + 5_000)])
            start += chunk.count
            let rows = try connection.query(
                """
                SELECT source_key, size::text, content_sha256, events_inserted::text, duplicates::text, run_id::text,
                       to_char(loaded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                FROM \(q).loaded_files WHERE source_key = ANY($1::text[])
                """, parameters: [ArrayLiteral.text(chunk)])
            for row in rows {
                guard let key = row[0] else { continue }
                found[key] = LoadedFile(
                    key: key, size: Int(row[1] ?? "") ?? -1, contentSHA256: row[2] ?? "",
                    eventsInserted: Int(row[3] ?? "") ?? 0, duplicates: Int(row[4] ?? "") ?? 0,
                    runID: Int64(row[5] ?? "") ?? 0, loadedAt: row[6] ?? "")
            }
        }
        return found
    }

    // MARK: Partitions

    /// Days (since 1970-01-01) that get a daily partition: 2000-01-01 up to two days after `today`. Rows outside
    /// land in `events_default`, so an absurd `eventTime` never creates a partition.
    public static func wantsPartition(day: Int, today: Int) -> Bool {
        day >= CivilDate(year: 2000, month: 1, day: 1)!.daysSinceEpoch && day <= today + 2
    }

    /// `events_pYYYYMMDD`.
    public static func partitionName(day: Int) -> String {
        let date = CivilDate(daysSinceEpoch: day)
        return "events_p" + String(date.description.filter { $0 != "-" })
    }

    /// The days that have a daily partition.
    public func partitionDays() throws(PostgresError) -> Set<Int> {
        var days = Set<Int>()
        for row in try connection.query(
            """
            SELECT c.relname FROM pg_inherits i
            JOIN pg_class c ON c.oid = i.inhrelid
            JOIN pg_class p ON p.oid = i.inhparent
            JOIN pg_namespace n ON n.oid = p.relnamespace
            WHERE n.nspname = $1::text AND p.relname = 'events'
            """, parameters: [schema])
        {
            if let name = row[0], let day = Self.day(fromPartitionName: name) { days.insert(day) }
        }
        return days
    }

    static func day(fromPartitionName name: String) -> Int? {
        guard name.hasPrefix("events_p"), name.utf8.count == 16 else { return nil }
        let digits = name.dropFirst(8)
        guard let year = Int(digits.prefix(4)), let month = Int(digits.dropFirst(4).prefix(2)),
            let day = Int(digits.suffix(2)), let date = CivilDate(year: year, month: month, day: day)
        else { return nil }
        return date.daysSinceEpoch
    }

    /// Creates the daily partition for `day` (autocommit; a no-op when it exists).
    ///
    /// - Returns: false when PostgreSQL refused because `events_default` already holds rows of that day; those
    ///   rows, and later ones of the day, then stay in the default partition.
    public func createPartition(day: Int) throws(PostgresError) -> Bool {
        let from = CivilDate(daysSinceEpoch: day).description
        let to = CivilDate(daysSinceEpoch: day + 1).description
        do {
            try connection.execute(
                """
                CREATE TABLE IF NOT EXISTS \(q).\(PostgresConnection.quoteIdentifier(Self.partitionName(day: day)))
                PARTITION OF \(q).events FOR VALUES FROM ('\(from) 00:00:00+00') TO ('\(to) 00:00:00+00')
                """)
            return true
        } catch where error.sqlState == "23514" {
            return false
        }
    }

    // MARK: Batch load

    /// Creates the session's temporary tables (emptied at every commit): the staging table for the fallback path
    /// and the key table for the duplicate check. Call once per connection.
    public func prepareStaging() throws(PostgresError) {
        // JIT compiling the key check's plan costs more than the check (measured: up to 100 ms per batch).
        try connection.execute("SET jit = off")
        try connection.execute(
            """
            CREATE TEMPORARY TABLE IF NOT EXISTS trailmill_staging (LIKE \(q).events INCLUDING DEFAULTS)
            ON COMMIT DELETE ROWS;
            CREATE TEMPORARY TABLE IF NOT EXISTS trailmill_keys (
                n integer NOT NULL, event_time timestamptz NOT NULL, event_id text NOT NULL,
                recipient_account_id text NOT NULL
            ) ON COMMIT DELETE ROWS
            """)
    }

    /// One file's accounting in a batch.
    public struct FileRecord: Sendable, Hashable {
        public var key: String
        public var size: Int
        public var contentSHA256: String
        public var eventsRead: Int
        /// Rows sent in the COPY (after filters and in-run deduplication).
        public var rowsSent: Int
        /// Duplicates dropped before the COPY (the same event earlier in this run).
        public var duplicatesInRun: Int
        public var filtered: Int
        public var replacedCharacters: Int

        /// Creates a record.
        public init(
            key: String, size: Int, contentSHA256: String, eventsRead: Int, rowsSent: Int, duplicatesInRun: Int,
            filtered: Int, replacedCharacters: Int
        ) {
            self.key = key
            self.size = size
            self.contentSHA256 = contentSHA256
            self.eventsRead = eventsRead
            self.rowsSent = rowsSent
            self.duplicatesInRun = duplicatesInRun
            self.filtered = filtered
            self.replacedCharacters = replacedCharacters
        }
    }

    /// Calls `row` for every row of a batch, in order, with the index of the row's file in the batch; it may be
    /// called more than once per batch (the duplicate check reads the keys first).
    public typealias RowEnumerator = ((_ file: Int, _ row: UnsafeRawBufferPointer) throws -> Void) throws -> Void

    /// How the next batch is sent; `loadBatch` adapts it to what it finds.
    public enum LoadStrategy: Sendable, Hashable {
        /// COPY straight into `events`: as fast as a plain COPY while no row is already stored.
        case direct
        /// Ask which keys are already stored first (a COPY of the keys alone), then COPY only the new rows.
        case checkKeys
    }

    /// Loads one batch in one transaction: the rows that are new go into `events`, every file is recorded in
    /// `loaded_files`, then commit. Either all of it happens or none.
    ///
    /// A row is new when no stored row has its primary key. `.direct` sends every row straight into `events`
    /// under a savepoint; a unique violation rolls back to it and the batch goes the `.checkKeys` way, which the
    /// following batches keep while they find stored keys. Should a COPY of checked rows still collide (a writer
    /// other than TrailMill), the rows go through a staging table and `INSERT ... ON CONFLICT DO NOTHING`.
    ///
    /// - Returns: rows inserted per file key (keys with no new row are absent).
    public func loadBatch(
        _ files: [FileRecord], runID: Int64, strategy: inout LoadStrategy, rows: RowEnumerator
    ) throws(PostgresError) -> [String: Int] {
        try connection.execute("BEGIN")
        do throws(PostgresError) {
            var inserted = try insertRows(files, strategy: &strategy, rows: rows)
            inserted = inserted.filter { $0.value > 0 }
            try recordFiles(files, inserted: inserted, runID: runID)
            try connection.execute("COMMIT")
            return inserted
        } catch {
            if connection.isAlive && connection.transactionStatus != .idle { try? connection.execute("ROLLBACK") }
            throw error
        }
    }

    private func insertRows(
        _ files: [FileRecord], strategy: inout LoadStrategy, rows: RowEnumerator
    ) throws(PostgresError) -> [String: Int] {
        let all = Dictionary(files.map { ($0.key, $0.rowsSent) }, uniquingKeysWith: +)
        if strategy == .direct {
            try connection.execute("SAVEPOINT trailmill_direct")
            do throws(PostgresError) {
                try copyRows(into: "\(q).events", rows: rows, skipping: [])
                return all
            } catch where error.sqlState == "23505" {
                try connection.execute("ROLLBACK TO SAVEPOINT trailmill_direct")
                strategy = .checkKeys
            }
        }
        let stored = try storedRows(rows: rows)
        if stored.rows.isEmpty { strategy = .direct }
        var inserted = all
        for (file, count) in stored.perFile { inserted[files[file].key, default: 0] -= count }
        try connection.execute("SAVEPOINT trailmill_checked")
        do throws(PostgresError) {
            try copyRows(into: "\(q).events", rows: rows, skipping: stored.rows)
            return inserted
        } catch where error.sqlState == "23505" {
            try connection.execute("ROLLBACK TO SAVEPOINT trailmill_checked")
        }
        return try insertThroughStaging(files, rows: rows)
    }

    /// `COPY target FROM STDIN` of the batch's rows, leaving out the rows numbered in `skipping`.
    private func copyRows(into target: String, rows: RowEnumerator, skipping: Set<Int>) throws(PostgresError) {
        try connection.copyIn("COPY \(target) (\(EventColumns.copyList(keepingRaw: keepsRawRecords))) FROM STDIN") { writer in
            var n = 0
            try rows { _, row in
                defer { n += 1 }
                if !skipping.isEmpty && skipping.contains(n) { return }
                try writer.appendEncodedRows(row, rows: 1)
            }
        }
    }

    /// Which of the batch's rows (numbered in enumeration order) have a primary key already in `events`.
    private func storedRows(rows: RowEnumerator) throws(PostgresError) -> (rows: Set<Int>, perFile: [Int: Int]) {
        var fileOfRow: [Int32] = []
        try connection.copyIn("COPY pg_temp.trailmill_keys (n, event_time, event_id, recipient_account_id) FROM STDIN") {
            writer in
            let line = OutputBuffer(capacity: 128)
            try rows { file, row in
                // A row starts with event_time, event_id, recipient_account_id: the primary key, already escaped.
                var tabs = 0
                var end = 0
                while end < row.count {
                    if row[end] == 0x09 {
                        tabs += 1
                        if tabs == 3 { break }
                    }
                    end += 1
                }
                line.removeAll()
                JSONOutput.appendInt(fileOfRow.count, to: line)
                line.append(0x09)
                line.append(UnsafeRawBufferPointer(rebasing: row[0..<end]))
                line.append(0x0A)
                fileOfRow.append(Int32(file))
                try line.withUnsafeBytes { try writer.appendEncodedRows($0, rows: 1) }
            }
        }
        // One index probe per key: never let the planner hash or scan the whole history (until the transaction
        // ends; nothing after this in the batch is planned with joins).
        try connection.execute("SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off")
        let found = try connection.query(
            """
            SELECT k.n::text FROM pg_temp.trailmill_keys k
            WHERE EXISTS (
                SELECT 1 FROM \(q).events e
                WHERE e.event_time = k.event_time AND e.event_id = k.event_id
                  AND e.recipient_account_id = k.recipient_account_id)
            """)
        var stored = Set<Int>()
        var perFile: [Int: Int] = [:]
        for row in found {
            guard let text = row[0], let n = Int(text), n < fileOfRow.count else { continue }
            stored.insert(n)
            perFile[Int(fileOfRow[n]), default: 0] += 1
        }
        return (stored, perFile)
    }

    /// The always-correct path: COPY into staging, then `INSERT ... SELECT ... ON CONFLICT DO NOTHING`.
    private func insertThroughStaging(_ files: [FileRecord], rows: RowEnumerator) throws(PostgresError) -> [String: Int] {
        try connection.execute("TRUNCATE pg_temp.trailmill_staging")
        try copyRows(into: "pg_temp.trailmill_staging", rows: rows, skipping: [])
        var inserted: [String: Int] = [:]
        for row in try connection.query(
            """
            WITH ins AS (
                INSERT INTO \(q).events SELECT * FROM pg_temp.trailmill_staging ON CONFLICT DO NOTHING
                RETURNING source_file
            )
            SELECT source_file, count(*)::text FROM ins GROUP BY source_file
            """)
        {
            if let key = row[0] { inserted[key] = Int(row[1] ?? "") ?? 0 }
        }
        return inserted
    }

    /// Records every file of the batch in `loaded_files` (one statement, arrays as bound parameters).
    private func recordFiles(_ files: [FileRecord], inserted: [String: Int], runID: Int64) throws(PostgresError) {
        let duplicates = files.map { $0.duplicatesInRun + $0.rowsSent - (inserted[$0.key] ?? 0) }
        _ = try connection.query(
            """
            INSERT INTO \(q).loaded_files (source_key, size, content_sha256, events_read, events_inserted,
                duplicates, filtered, replaced_characters, run_id)
            SELECT k, s, h, r, i, d, f, c, $9::bigint
            FROM unnest($1::text[], $2::bigint[], $3::text[], $4::int[], $5::int[], $6::int[], $7::int[], $8::int[])
                AS t(k, s, h, r, i, d, f, c)
            """,
            parameters: [
                ArrayLiteral.text(files.map(\.key)), ArrayLiteral.integers(files.map(\.size)),
                ArrayLiteral.text(files.map(\.contentSHA256)), ArrayLiteral.integers(files.map(\.eventsRead)),
                ArrayLiteral.integers(files.map { inserted[$0.key] ?? 0 }), ArrayLiteral.integers(duplicates),
                ArrayLiteral.integers(files.map(\.filtered)), ArrayLiteral.integers(files.map(\.replacedCharacters)),
                String(runID),
            ])
    }
}
