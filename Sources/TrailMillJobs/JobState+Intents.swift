import Foundation
import GRDB

extension JobState {
    /// Records a publication about to happen (before any output is renamed into place) and returns it with its id.
    /// `events` may repeat a key; it is stored once. `sink` names the one sink it publishes for; nil means every
    /// sink of the job (its files become done for the job when it completes).
    public func recordIntent(
        runID: Int64, sink: String? = nil, outputs: [PublishIntent.Output], files: [FileIdentity],
        events: [DeliveredEvent], nowMillis: Int64 = JobClock.nowMillis()
    ) throws(JobStateError) -> PublishIntent {
        try write("record intent") { db in
            try db.execute(
                sql: "INSERT INTO publish_intents (run_id, created_ms, sink) VALUES (?, ?, ?)",
                arguments: [runID, nowMillis, sink])
            let id = db.lastInsertedRowID
            let output = try db.cachedStatement(
                sql: """
                    INSERT INTO intent_outputs (intent_id, position, sink, path, temporary_path, sha256, events, bytes)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for (position, item) in outputs.enumerated() {
                try output.execute(arguments: [
                    id, position, item.sink, item.path, item.temporaryPath, item.sha256, item.events, item.bytes,
                ])
            }
            let file = try db.cachedStatement(
                sql: "INSERT OR REPLACE INTO intent_files (intent_id, key, size, sha256) VALUES (?, ?, ?, ?)")
            for item in files { try file.execute(arguments: [id, item.key, item.size, item.sha256]) }
            let key = try db.cachedStatement(
                sql: "INSERT OR IGNORE INTO intent_keys (intent_id, key, event_time_ms) VALUES (?, ?, ?)")
            for event in events {
                try key.execute(arguments: [id, Data(event.key.bytes), event.eventTimeMillis])
            }
            return PublishIntent(
                id: id, runID: runID, sink: sink, createdMillis: nowMillis, outputs: outputs, files: files,
                events: events)
        }
    }

    /// Intents recorded but neither completed nor discarded (left by a crash), oldest first.
    public func pendingIntents() throws(JobStateError) -> [PublishIntent] {
        try read("read intents") { db in
            try Row.fetchAll(db, sql: "SELECT id, run_id, created_ms, sink FROM publish_intents ORDER BY id").map { row in
                let id: Int64 = row["id"]
                let outputs = try Row.fetchAll(
                    db, sql: "SELECT * FROM intent_outputs WHERE intent_id = ? ORDER BY position", arguments: [id]
                ).map { output in
                    PublishIntent.Output(
                        sink: output["sink"], path: output["path"], temporaryPath: output["temporary_path"],
                        sha256: output["sha256"], events: output["events"], bytes: output["bytes"])
                }
                let files = try Row.fetchAll(
                    db, sql: "SELECT key, size, sha256 FROM intent_files WHERE intent_id = ? ORDER BY key",
                    arguments: [id]
                ).map { FileIdentity(key: $0["key"], size: $0["size"], sha256: $0["sha256"]) }
                let events = try Row.fetchAll(
                    db, sql: "SELECT key, event_time_ms FROM intent_keys WHERE intent_id = ? ORDER BY key",
                    arguments: [id]
                ).compactMap { row -> DeliveredEvent? in
                    let bytes: Data = row["key"]
                    return DeliveredKey(bytes: bytes).map {
                        DeliveredEvent(key: $0, eventTimeMillis: row["event_time_ms"])
                    }
                }
                return PublishIntent(
                    id: id, runID: row["run_id"], sink: row["sink"], createdMillis: row["created_ms"], outputs: outputs,
                    files: files, events: events)
            }
        }
    }

    /// Completes a publication whose outputs are in place (renamed, directory fsynced). In one transaction: marks
    /// its files done (for its sink, or for the job when it publishes for every sink), records its outputs under
    /// the intent's run, adds its event keys to its sink's delivered set and deletes the intent. Returns false
    /// when no such intent is pending (already completed or discarded).
    @discardableResult
    public func completeIntent(_ id: Int64, nowMillis: Int64 = JobClock.nowMillis()) throws(JobStateError) -> Bool {
        try write("complete intent") { db in
            guard
                let intent = try Row.fetchOne(
                    db, sql: "SELECT run_id, sink FROM publish_intents WHERE id = ?", arguments: [id])
            else { return false }
            let runID: Int64 = intent["run_id"]
            let sink: String? = intent["sink"]
            let files = try Row.fetchAll(
                db, sql: "SELECT key, size, sha256 FROM intent_files WHERE intent_id = ?", arguments: [id]
            ).map { FileIdentity(key: $0["key"], size: $0["size"], sha256: $0["sha256"]) }
            if let sink {
                try Self.markSinkDone(sink, keys: files.map(\.key), runID: runID, nowMillis: nowMillis, db: db)
            } else {
                try Self.markDone(files, runID: runID, nowMillis: nowMillis, db: db)
            }
            try db.execute(
                sql: """
                    INSERT INTO outputs (run_id, sink, path, events, bytes, sha256)
                    SELECT ?, sink, path, events, bytes, sha256 FROM intent_outputs
                    WHERE intent_id = ? ORDER BY position
                    """,
                arguments: [runID, id])
            // A key already delivered keeps its first run; its event time is the same.
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO delivered_keys (sink, key, event_time_ms, run_id)
                    SELECT ?, key, event_time_ms, ? FROM intent_keys WHERE intent_id = ?
                    """,
                arguments: [sink ?? Self.everySink, runID, id])
            try db.execute(sql: "DELETE FROM publish_intents WHERE id = ?", arguments: [id])
            return true
        }
    }

    /// Forgets a publication that did not happen (no output in place): its files stay as they were and are
    /// processed again. Returns false when no such intent is pending.
    @discardableResult
    public func discardIntent(_ id: Int64) throws(JobStateError) -> Bool {
        try write("discard intent") { db in
            try db.execute(sql: "DELETE FROM publish_intents WHERE id = ?", arguments: [id])
            return db.changesCount == 1
        }
    }
}
