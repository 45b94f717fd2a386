import Foundation
import GRDB

/// A job's state: which input files are done, skipped or dead, the runs, the published outputs, the event keys
/// already delivered (cross-run dedupe) and the publish intents of in-flight publications. One SQLite file per job.
///
/// Durability: the file is in WAL mode with `synchronous = FULL`, so every committed transaction is on disk before
/// the call returns. `NORMAL` would survive `kill -9` too (the WAL is in the OS cache), but on power loss it may
/// drop the last commits: a completed intent could roll back after its outputs were published (and consumed),
/// which would deliver those events again. Commits are few (one per published batch), so FULL costs little.
/// Every write is one transaction; a process killed at any point leaves the state as of its last commit.
///
/// Safe to share between threads (GRDB serializes access). Several processes may read at once; the run lock keeps
/// writers of one job apart.
public final class JobState: Sendable {
    /// The SQLite file.
    public let path: String
    let queue: DatabaseQueue

    /// Opens the state at `path`, creating the file and applying schema migrations as needed.
    public convenience init(path: String) throws(JobStateError) {
        var configuration = Self.configuration()
        // Not `configuration.journalMode = .wal`: GRDB then sets `synchronous = NORMAL` after this setup runs.
        configuration.prepareDatabase { db in
            guard try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") == "wal" else {
                throw JobStateError(path: path, operation: "open", message: "cannot switch to WAL mode")
            }
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw JobStateError(path: path, operation: "open", cause: error)
        }
        let migrator = StateSchema.migrator
        do {
            if try queue.read({ try migrator.hasBeenSuperseded($0) }) {
                throw JobStateError(
                    path: path, operation: "open", message: "written by a newer TrailMill (unknown schema migrations)")
            }
            try migrator.migrate(queue)
        } catch let error as JobStateError {
            throw error
        } catch {
            throw JobStateError(path: path, operation: "migrate", cause: error)
        }
        self.init(path: path, queue: queue)
    }

    /// Opens an existing state read-only without creating or migrating anything (for `--dry-run` and `status`);
    /// nil when there is no file at `path`.
    public static func openReadOnly(path: String) throws(JobStateError) -> JobState? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        var configuration = configuration()
        configuration.readonly = true
        let queue: DatabaseQueue
        do {
            queue = try openQueue(readOnly: path, configuration: configuration)
            let migrator = StateSchema.migrator
            guard try queue.read({ try migrator.hasCompletedMigrations($0) }) else {
                throw JobStateError(
                    path: path, operation: "open",
                    message: "the state needs a schema migration; run without --dry-run once")
            }
        } catch let error as JobStateError {
            throw error
        } catch {
            throw JobStateError(path: path, operation: "open", cause: error)
        }
        return JobState(path: path, queue: queue)
    }

    /// A read-only queue that leaves no trace. Opening a WAL database read-only makes SQLite create the `-wal` and
    /// `-shm` files when they are absent, which a dry run must not do. They are absent only when no writer has the
    /// state open, and then the file is opened as `immutable` (no locks, no sidecars). That needs URI filenames
    /// (Debian's SQLite has them on); without them, the plain read-only open is the fallback.
    private static func openQueue(readOnly path: String, configuration: Configuration) throws -> DatabaseQueue {
        if !FileManager.default.fileExists(atPath: path + "-wal") {
            var encoded = ""
            for byte in path.utf8 {
                switch byte {
                case UInt8(ascii: "%"), UInt8(ascii: "?"), UInt8(ascii: "#"), UInt8(ascii: " "), 0..<0x20, 0x7F...:
                    encoded += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
                default:
                    encoded.unicodeScalars.append(Unicode.Scalar(byte))
                }
            }
            if let queue = try? DatabaseQueue(path: "file:\(encoded)?immutable=1", configuration: configuration) {
                return queue
            }
        }
        return try DatabaseQueue(path: path, configuration: configuration)
    }

    private init(path: String, queue: DatabaseQueue) {
        self.path = path
        self.queue = queue
    }

    private static func configuration() -> Configuration {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.label = "TrailMillJobs.JobState"
        return configuration
    }

    /// Runs `body` in one write transaction; any error rolls it back and is wrapped with `operation`.
    func write<T>(_ operation: String, _ body: (Database) throws -> T) throws(JobStateError) -> T {
        do {
            return try queue.write(body)
        } catch let error as JobStateError {
            throw error
        } catch {
            throw JobStateError(path: path, operation: operation, cause: error)
        }
    }

    /// Runs `body` in a read transaction.
    func read<T>(_ operation: String, _ body: (Database) throws -> T) throws(JobStateError) -> T {
        do {
            return try queue.read(body)
        } catch let error as JobStateError {
            throw error
        } catch {
            throw JobStateError(path: path, operation: operation, cause: error)
        }
    }

    /// SQLite's own consistency check (`PRAGMA quick_check`): nil when the file is sound, else what is wrong.
    public func quickCheck() throws(JobStateError) -> String? {
        let rows = try read("quick_check") { try String.fetchAll($0, sql: "PRAGMA quick_check") }
        return rows == ["ok"] ? nil : rows.joined(separator: "; ")
    }

    // MARK: Runs

    /// Records the start of a run and returns its id.
    public func beginRun(dryRun: Bool = false, nowMillis: Int64 = JobClock.nowMillis()) throws(JobStateError) -> Int64 {
        try write("begin run") { db in
            try db.execute(sql: "INSERT INTO runs (started_ms, dry_run) VALUES (?, ?)", arguments: [nowMillis, dryRun])
            return db.lastInsertedRowID
        }
    }

    /// Records the end of run `id`: its exit status and summary JSON.
    public func finishRun(
        _ id: Int64, exitStatus: Int, summaryJSON: String?, nowMillis: Int64 = JobClock.nowMillis()
    ) throws(JobStateError) {
        try write("finish run") { db in
            try db.execute(
                sql: "UPDATE runs SET finished_ms = ?, exit_status = ?, summary = ? WHERE id = ?",
                arguments: [nowMillis, exitStatus, summaryJSON, id])
            guard db.changesCount == 1 else {
                throw JobStateError(path: path, operation: "finish run", message: "no run \(id)")
            }
        }
    }

    /// The last `limit` runs, newest first.
    public func recentRuns(limit: Int = 10) throws(JobStateError) -> [RunRecord] {
        try read("list runs") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, started_ms, finished_ms, exit_status, dry_run, summary
                    FROM runs ORDER BY id DESC LIMIT ?
                    """,
                arguments: [limit]
            ).map { row in
                RunRecord(
                    id: row["id"], startedMillis: row["started_ms"], finishedMillis: row["finished_ms"],
                    exitStatus: row["exit_status"], dryRun: row["dry_run"], summaryJSON: row["summary"])
            }
        }
    }

    /// Outputs published by run `runID`, or by every run when nil, in publication order.
    public func outputs(runID: Int64? = nil) throws(JobStateError) -> [OutputRecord] {
        try read("list outputs") { db in
            let sql = "SELECT run_id, sink, path, events, bytes, sha256 FROM outputs"
            let rows =
                try runID.map { try Row.fetchAll(db, sql: sql + " WHERE run_id = ? ORDER BY id", arguments: [$0]) }
                ?? Row.fetchAll(db, sql: sql + " ORDER BY id")
            return rows.map { row in
                OutputRecord(
                    runID: row["run_id"], sink: row["sink"], path: row["path"], events: row["events"],
                    bytes: row["bytes"], sha256: row["sha256"])
            }
        }
    }
}

/// A state store operation that failed.
public struct JobStateError: Error, Sendable, CustomStringConvertible {
    /// The state file.
    public var path: String
    /// What was being done (`open`, `complete intent`, ...).
    public var operation: String
    /// What went wrong.
    public var message: String

    /// Creates an error.
    public init(path: String, operation: String, message: String) {
        self.path = path
        self.operation = operation
        self.message = message
    }

    init(path: String, operation: String, cause: any Error) {
        let message = (cause as? DatabaseError).map { "SQLite error \($0.resultCode.rawValue): \($0.message ?? "")" }
        self.init(path: path, operation: operation, message: message ?? "\(cause)")
    }

    /// `state <path>: <operation>: <message>`.
    public var description: String { "state \(path): \(operation): \(message)" }
}
