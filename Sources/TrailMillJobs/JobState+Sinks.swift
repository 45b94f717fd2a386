import Foundation
import GRDB

/// Per-sink bookkeeping: which files each sink holds, and which event keys it delivered.
extension JobState {
    /// The name under which keys and intents of states written before per-sink bookkeeping are kept: they
    /// belong to every sink.
    static let everySink = "*"

    /// Of `keys`, those `sink` holds (its publication of them completed), with the run that completed it.
    public func sinkFiles(_ sink: String, among keys: [String]) throws(JobStateError) -> [String: Int64?] {
        try read("read sink files") { db in
            var found: [String: Int64?] = [:]
            var start = keys.startIndex
            while start < keys.endIndex {
                let chunk = keys[start..<min(start + 500, keys.endIndex)]
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                for row in try Row.fetchAll(
                    db, sql: "SELECT key, run_id FROM sink_files WHERE sink = ? AND key IN (\(marks))",
                    arguments: StatementArguments([sink] + Array(chunk)))
                {
                    found[row["key"]] = row["run_id"] as Int64?
                }
                start = chunk.endIndex
            }
            return found
        }
    }

    /// Records that `sink` holds `keys` (a sink whose own target is the authority, such as a database, mirrors
    /// what it committed here).
    public func markSinkDone(
        _ sink: String, keys: [String], runID: Int64?, nowMillis: Int64 = JobClock.nowMillis()
    ) throws(JobStateError) {
        try write("mark sink files done") { db in try Self.markSinkDone(sink, keys: keys, runID: runID, nowMillis: nowMillis, db: db) }
    }

    static func markSinkDone(_ sink: String, keys: [String], runID: Int64?, nowMillis: Int64, db: Database) throws {
        let statement = try db.cachedStatement(
            sql: "INSERT OR REPLACE INTO sink_files (sink, key, done_ms, run_id) VALUES (?, ?, ?, ?)")
        for key in keys { try statement.execute(arguments: [sink, key, nowMillis, runID]) }
    }

    /// Forgets what every sink holds of `keys` (a file found changed is delivered again from scratch).
    public func forgetSinkFiles(_ keys: [String]) throws(JobStateError) {
        try write("forget sink files") { db in
            let statement = try db.cachedStatement(sql: "DELETE FROM sink_files WHERE key = ?")
            for key in keys { try statement.execute(arguments: [key]) }
        }
    }
}
