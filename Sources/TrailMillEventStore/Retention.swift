import TrailMillArchive
public import TrailMillPostgres

extension EventStore {
    /// What `prune` removed.
    public struct PruneResult: Sendable, Hashable {
        /// Dropped daily partitions, oldest first.
        public var droppedPartitions: [String] = []
        /// Rows deleted from `events_default` (times older than the window that had no daily partition).
        public var defaultRowsDeleted = 0
        /// The first day kept (UTC, `YYYY-MM-DD`).
        public var keptFrom = ""
    }

    /// Drops every daily partition that lies wholly before `today - keepDays` and deletes older rows from the
    /// default partition, in one transaction. `loaded_files` keeps its rows, so pruned files are not loaded again.
    ///
    /// - Parameters:
    ///   - keepDays: the window, in days (CloudTrail's console keeps 90).
    ///   - today: days since 1970-01-01 of the current UTC date.
    ///   - dryRun: report what would go, change nothing.
    public func prune(keepDays: Int, today: Int, dryRun: Bool = false) throws(PostgresError) -> PruneResult {
        let firstKept = today - keepDays
        var result = PruneResult(keptFrom: CivilDate(daysSinceEpoch: firstKept).description)
        let old = try partitionDays().filter { $0 < firstKept }.sorted()
        result.droppedPartitions = old.map(Self.partitionName(day:))
        let cutoff = "\(result.keptFrom) 00:00:00+00"
        if dryRun {
            let rows = try connection.queryValue(
                "SELECT count(*)::text FROM \(q).events_default WHERE event_time < $1::timestamptz", parameters: [cutoff])
            result.defaultRowsDeleted = Int(rows ?? "") ?? 0
            return result
        }
        try connection.execute("BEGIN")
        do throws(PostgresError) {
            for name in result.droppedPartitions {
                try connection.execute("DROP TABLE \(q).\(PostgresConnection.quoteIdentifier(name))")
            }
            let rows = try connection.queryValue(
                """
                WITH gone AS (DELETE FROM \(q).events_default WHERE event_time < $1::timestamptz RETURNING 1)
                SELECT count(*)::text FROM gone
                """, parameters: [cutoff])
            result.defaultRowsDeleted = Int(rows ?? "") ?? 0
            try connection.execute("COMMIT")
        } catch {
            if connection.isAlive && connection.transactionStatus != .idle { try? connection.execute("ROLLBACK") }
            throw error
        }
        return result
    }

    /// Figures for `trailmill db status`.
    public struct Overview: Sendable, Hashable {
        /// One row of `load_runs`.
        public struct Run: Sendable, Hashable {
            public var id: Int64
            /// `YYYY-MM-DDTHH:MM:SSZ`.
            public var startedAt: String
            /// `running`, `finished` or `failed`.
            public var status: String
            public var exitStatus: Int?
        }

        public var partitions = 0
        public var oldestPartition: String?
        public var newestPartition: String?
        /// The planner's row estimate for `events` (cheap; exact counts on big tables are not).
        public var estimatedRows = 0
        public var loadedFiles = 0
        /// The last runs, newest first: id, start, status, exit status.
        public var lastRuns: [Run] = []
    }

    /// The exact number of rows in `events` (a full count: slow on big tables; `db status --exact`).
    public func exactRowCount() throws(PostgresError) -> Int {
        Int(try connection.queryValue("SELECT count(*)::text FROM \(q).events") ?? "") ?? 0
    }

    /// Reads partitions, row estimate, loaded-file count and the last `runs` runs.
    public func overview(runs: Int = 5) throws(PostgresError) -> Overview {
        var overview = Overview()
        let days = try partitionDays().sorted()
        overview.partitions = days.count
        overview.oldestPartition = days.first.map { CivilDate(daysSinceEpoch: $0).description }
        overview.newestPartition = days.last.map { CivilDate(daysSinceEpoch: $0).description }
        let estimate = try connection.queryValue(
            """
            SELECT coalesce(sum(greatest(c.reltuples, 0)), 0)::bigint::text FROM pg_inherits i
            JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = to_regclass(format('%I.events', $1::text))
            """, parameters: [schema])
        overview.estimatedRows = Int(estimate ?? "") ?? 0
        overview.loadedFiles = Int(try connection.queryValue("SELECT count(*)::text FROM \(q).loaded_files") ?? "") ?? 0
        for row in try connection.query(
            """
            SELECT run_id::text, to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), status,
                   exit_status::text
            FROM \(q).load_runs ORDER BY run_id DESC LIMIT $1::int
            """, parameters: [String(runs)])
        {
            overview.lastRuns.append(
                Overview.Run(
                    id: Int64(row[0] ?? "") ?? 0, startedAt: row[1] ?? "", status: row[2] ?? "",
                    exitStatus: (row[3] ?? nil).flatMap { Int($0) }))
        }
        return overview
    }
}
