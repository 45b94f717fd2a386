import GRDB

extension JobState {
    /// What each listed file needs, in the order given. Dead files with `attempts >= maxAttempts` are permanently
    /// dead. A file recorded with another size, or another hash when both are known, is ``FileCheck/changed(_:)``.
    public func check(_ files: [FileIdentity], maxAttempts: Int) throws(JobStateError) -> [FileCheck] {
        let records = try records(keys: files.map(\.key))
        return files.map { file in
            guard let record = records[file.key] else { return .new }
            let sameContent =
                record.identity.size == file.size
                && (record.identity.sha256 == nil || file.sha256 == nil || record.identity.sha256 == file.sha256)
            switch record.status {
            case .done: return sameContent ? .done(record) : .changed(record)
            case .skipped: return .retry(record)
            case .dead:
                if !sameContent { return .changed(record) }
                return record.attempts >= maxAttempts ? .permanentlyDead(record) : .retry(record)
            }
        }
    }

    /// Whether a run should try `file` (new, changed, skipped earlier, or dead with attempts left).
    public func shouldRetry(_ file: FileIdentity, maxAttempts: Int) throws(JobStateError) -> Bool {
        switch try check([file], maxAttempts: maxAttempts).first {
        case .done, .permanentlyDead: false
        case .new, .changed, .retry, nil: true
        }
    }

    /// The record of one file, or nil.
    public func record(key: String) throws(JobStateError) -> FileRecord? {
        try records(keys: [key])[key]
    }

    /// Records that `file` failed; returns its attempt count: one more than before when it was already dead with
    /// the same size, else 1.
    @discardableResult
    public func recordDead(
        _ file: FileIdentity, reason: String, runID: Int64?, nowMillis: Int64 = JobClock.nowMillis()
    ) throws(JobStateError) -> Int {
        try write("record dead file") { db in
            try db.execute(
                sql: """
                    INSERT INTO files
                        (key, size, sha256, status, reason, attempts, first_seen_ms, last_attempt_ms, run_id)
                    VALUES (?, ?, ?, 'dead', ?, 1, ?, ?, ?)
                    ON CONFLICT (key) DO UPDATE SET
                        attempts = CASE WHEN status = 'dead' AND size = excluded.size THEN attempts + 1 ELSE 1 END,
                        sha256 = coalesce(excluded.sha256, CASE WHEN size = excluded.size THEN sha256 END),
                        size = excluded.size, status = 'dead', reason = excluded.reason,
                        last_attempt_ms = excluded.last_attempt_ms, run_id = excluded.run_id
                    """,
                arguments: [file.key, file.size, file.sha256, reason, nowMillis, nowMillis, runID])
            return try Int.fetchOne(db, sql: "SELECT attempts FROM files WHERE key = ?", arguments: [file.key]) ?? 1
        }
    }

    /// Records that `file` was skipped for `reason` (retried on every later run). Its attempt count is kept.
    public func recordSkipped(
        _ file: FileIdentity, reason: String, runID: Int64?, nowMillis: Int64 = JobClock.nowMillis()
    ) throws(JobStateError) {
        try write("record skipped file") { db in
            try db.execute(
                sql: """
                    INSERT INTO files
                        (key, size, sha256, status, reason, attempts, first_seen_ms, last_attempt_ms, run_id)
                    VALUES (?, ?, ?, 'skipped', ?, 0, ?, ?, ?)
                    ON CONFLICT (key) DO UPDATE SET
                        sha256 = coalesce(excluded.sha256, CASE WHEN size = excluded.size THEN sha256 END),
                        size = excluded.size, status = 'skipped', reason = excluded.reason,
                        last_attempt_ms = excluded.last_attempt_ms, run_id = excluded.run_id
                    """,
                arguments: [file.key, file.size, file.sha256, reason, nowMillis, nowMillis, runID])
        }
    }

    /// Marks files done directly, for files whose delivery needs no publication (e.g. every event was filtered
    /// out or already delivered). Files with published events are marked done by
    /// ``completeIntent(_:nowMillis:)`` instead.
    public func markDone(
        _ files: [FileIdentity], runID: Int64?, nowMillis: Int64 = JobClock.nowMillis()
    ) throws(JobStateError) {
        try write("mark files done") { db in try Self.markDone(files, runID: runID, nowMillis: nowMillis, db: db) }
    }

    static func markDone(_ files: [FileIdentity], runID: Int64?, nowMillis: Int64, db: Database) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO files
                    (key, size, sha256, status, reason, attempts, first_seen_ms, last_attempt_ms, run_id)
                VALUES (?, ?, ?, 'done', NULL, 0, ?, ?, ?)
                ON CONFLICT (key) DO UPDATE SET
                    sha256 = coalesce(excluded.sha256, CASE WHEN size = excluded.size THEN sha256 END),
                    size = excluded.size, status = 'done', reason = NULL,
                    last_attempt_ms = excluded.last_attempt_ms, run_id = excluded.run_id
                """)
        for file in files {
            try statement.execute(arguments: [file.key, file.size, file.sha256, nowMillis, nowMillis, runID])
        }
    }

    // MARK: status

    /// File counts per status, pending intents and delivered keys.
    public func statusCounts(maxAttempts: Int) throws(JobStateError) -> StatusCounts {
        try read("count files") { db in
            var counts = StatusCounts()
            for row in try Row.fetchAll(db, sql: "SELECT status, count(*) AS n FROM files GROUP BY status") {
                let n: Int = row["n"]
                switch FileStatus(rawValue: row["status"]) {
                case .done: counts.done = n
                case .skipped: counts.skipped = n
                case .dead: counts.dead = n
                case nil: break
                }
            }
            counts.permanentlyDead =
                try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM files WHERE status = 'dead' AND attempts >= ?",
                    arguments: [maxAttempts]) ?? 0
            counts.pendingIntents = try Int.fetchOne(db, sql: "SELECT count(*) FROM publish_intents") ?? 0
            counts.deliveredKeys = try Int.fetchOne(db, sql: "SELECT count(*) FROM delivered_keys") ?? 0
            return counts
        }
    }

    /// Files with `status`, by key.
    public func files(status: FileStatus) throws(JobStateError) -> [FileRecord] {
        try read("list files") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM files WHERE status = ? ORDER BY key", arguments: [status.rawValue])
                .compactMap(Self.record)
        }
    }

    /// Dead files with attempts ≥ `maxAttempts`: they are not retried, and `status` lists them.
    public func permanentlyDeadFiles(maxAttempts: Int) throws(JobStateError) -> [FileRecord] {
        try files(status: .dead).filter { $0.attempts >= maxAttempts }
    }

    // MARK: rows

    private func records(keys: [String]) throws(JobStateError) -> [String: FileRecord] {
        try read("read files") { db in
            var result: [String: FileRecord] = [:]
            var start = keys.startIndex
            while start < keys.endIndex {
                let chunk = keys[start..<min(start + 500, keys.endIndex)]
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                for row in try Row.fetchAll(
                    db, sql: "SELECT * FROM files WHERE key IN (\(marks))", arguments: StatementArguments(Array(chunk)))
                {
                    if let record = Self.record(row) { result[record.identity.key] = record }
                }
                start = chunk.endIndex
            }
            return result
        }
    }

    private static func record(_ row: Row) -> FileRecord? {
        guard let status = FileStatus(rawValue: row["status"]) else { return nil }
        return FileRecord(
            identity: FileIdentity(key: row["key"], size: row["size"], sha256: row["sha256"]), status: status,
            reason: row["reason"], attempts: row["attempts"], firstSeenMillis: row["first_seen_ms"],
            lastAttemptMillis: row["last_attempt_ms"], runID: row["run_id"])
    }
}
