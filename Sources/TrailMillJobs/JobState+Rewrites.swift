import GRDB

/// Rewrite detection: each listed file's modification time and inode (cheap to compare on every run), and the files
/// found rewritten after they were done, which stay dead until an operator acknowledges them
/// (``forget(_:)``, `trailmill status JOB --forget KEY`).
extension JobState {
    /// A file's listing stamp.
    public struct FileStamp: Sendable, Hashable {
        /// Modification time, nanoseconds since 1970.
        public var modifiedNanos: Int64
        /// Inode number.
        public var inode: UInt64

        /// Creates a stamp.
        public init(modifiedNanos: Int64, inode: UInt64) {
            self.modifiedNanos = modifiedNanos
            self.inode = inode
        }
    }

    /// The recorded stamps of `keys`.
    public func stamps(keys: [String]) throws(JobStateError) -> [String: FileStamp] {
        try rows(of: "file_stamps", columns: "modified_ns, inode", keys: keys, operation: "read file stamps") { row in
            let inode: Int64 = row["inode"]
            return FileStamp(modifiedNanos: row["modified_ns"], inode: UInt64(bitPattern: inode))
        }
    }

    /// Records the stamps of files as listed now.
    public func recordStamps(_ stamps: [String: FileStamp]) throws(JobStateError) {
        guard !stamps.isEmpty else { return }
        try write("record file stamps") { db in
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO file_stamps (key, modified_ns, inode) VALUES (?, ?, ?)
                    ON CONFLICT (key) DO UPDATE SET modified_ns = excluded.modified_ns, inode = excluded.inode
                    """)
            for (key, stamp) in stamps {
                try statement.execute(arguments: [key, stamp.modifiedNanos, Int64(bitPattern: stamp.inode)])
            }
        }
    }

    /// Files found rewritten after they were done, with the reason recorded then.
    public func rewrittenFiles(among keys: [String]) throws(JobStateError) -> [String: String] {
        try rows(of: "rewritten_files", columns: "reason", keys: keys, operation: "read rewritten files") { $0["reason"] }
    }

    /// Records that a done file was rewritten: it stays dead on every later run until ``forget(_:)``.
    public func recordRewritten(_ key: String, reason: String, nowMillis: Int64 = JobClock.nowMillis()) throws(JobStateError) {
        try write("record rewritten file") { db in
            try db.execute(
                sql: "INSERT INTO rewritten_files (key, reason, noticed_ms) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING",
                arguments: [key, reason, nowMillis])
        }
    }

    /// Forgets everything about `key` (its record, stamp, rewrite and per-sink records), so the next run treats
    /// it as new. Events of it already delivered within the dedupe window are still kept out. Returns whether the
    /// state knew the file.
    @discardableResult
    public func forget(_ key: String) throws(JobStateError) -> Bool {
        try write("forget file") { db in
            var known = false
            for table in ["files", "file_stamps", "rewritten_files", "sink_files"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE key = ?", arguments: [key])
                known = known || db.changesCount > 0
            }
            return known
        }
    }

    /// `columns` of the rows of `table` whose `key` is among `keys` (asked 500 at a time), by key.
    private func rows<T>(
        of table: String, columns: String, keys: [String], operation: String, _ value: @escaping (Row) -> T
    ) throws(JobStateError) -> [String: T] {
        try read(operation) { db in
            var result: [String: T] = [:]
            for start in stride(from: 0, to: keys.count, by: 500) {
                let chunk = Array(keys[start..<min(start + 500, keys.count)])
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                for row in try Row.fetchAll(
                    db, sql: "SELECT key, \(columns) FROM \(table) WHERE key IN (\(marks))",
                    arguments: StatementArguments(chunk))
                {
                    result[row["key"]] = value(row)
                }
            }
            return result
        }
    }
}
