import Foundation
public import Logging
public import TrailMillArchive
public import TrailMillNormalize
import TrailMillEventStore
import TrailMillPostgres

/// Rows in PostgreSQL (`trailmill load`, a job's `postgres` sink): idempotent batches of whole files, each
/// committed in one transaction together with the files' `loaded_files` rows, so a file is loaded and recorded,
/// or neither.
///
/// `loaded_files` is the authority: a recorded file is already delivered (not decoded again unless another sink
/// wants it), and a recorded file whose size changed is refused (CloudTrail never rewrites a log file). A lost
/// connection rolls the open batch back (the server does); the batch is sent again on a new connection after a
/// bounded exponential backoff, once `loaded_files` shows that its commit did not land.
public final class PostgresEventSink: EventSink {
    public let name: String
    public let encoding: any EventEncoding
    public var needsContentDigest: Bool { true }
    public var commitIsDurable: Bool { true }

    private let target: PostgresTarget
    private let logger: Logger
    private let observer: (@Sendable (RunEvent) -> Void)?
    private var loader: BatchLoader?
    private var pending: [SinkFile] = []
    private var pendingBytes = 0
    private var filesAlreadyLoaded = 0
    private var failed = false

    /// Files decoded ahead of the sequencer for this sink beyond the engine's own window: about one batch of
    /// synthetic CloudTrail files (measured with trailmill-bench phase G), so workers decode the next batch while
    /// the server takes the current one.
    public static let filesDecodedAhead = 96

    /// Creates a sink loading into `target`; nothing is connected until the run admits files.
    public init(name: String, target: PostgresTarget, logger: Logger, observer: (@Sendable (RunEvent) -> Void)? = nil) {
        self.name = name
        self.target = target
        encoding = EventRowEncoding(keepsRawRecords: target.keepsRawRecords)
        self.logger = logger
        self.observer = observer
    }

    /// Connects (migrating when asked), takes the schema's load lock, records the run, and asks `loaded_files`
    /// about every file.
    public func admit(_ files: [TrailFile]) throws(SinkFailure) -> [SinkAdmission] {
        let session = try LoadSession.open(target: target, logger: logger)
        let runID: Int64
        do { runID = try session.store.startRun(source: target.source, host: target.host) } catch {
            throw SinkFailure(message: "cannot record the run: \(error)")
        }
        loader = BatchLoader(session: session, runID: runID, target: target, logger: logger, observer: observer)
        let loaded: [String: EventStore.LoadedFile]
        do { loaded = try session.store.loadedFiles(among: files.map(\.relativePath)) } catch {
            throw SinkFailure(message: "cannot read loaded_files: \(error)")
        }
        return files.map { file in
            guard let record = loaded[file.relativePath] else { return .take }
            if record.size == file.size {
                filesAlreadyLoaded += 1
                return .alreadyDelivered(reason: "already loaded (run \(record.runID), \(record.loadedAt))")
            }
            return .refuse(
                reason: "changed since it was loaded by run \(record.runID): \(record.size) bytes then, "
                    + "\(file.size) now (CloudTrail never rewrites a log file; not loaded again)")
        }
    }

    public func consume(_ file: SinkFile) throws(SinkFailure) -> SinkReceipt {
        pending.append(file)
        pendingBytes += file.lineBytes
        return .pending
    }

    public var wantsFlush: Bool { pendingBytes >= target.batchBytes || pending.count >= 2_000 }

    public func flush() throws(SinkFailure) -> FlushResult {
        let batch = pending
        pending = []
        pendingBytes = 0
        guard !batch.isEmpty, var loader else { return .committed }
        defer { self.loader = loader }
        do throws(SinkFailure) {
            return try loader.commit(batch)
        } catch {
            failed = true
            throw error
        }
    }

    /// Nothing to do: every flushed batch is committed.
    public func checkpoint() throws(SinkFailure) {}

    /// Hands the schema's load lock back before the connection closes (see ``EventStore/unlock()``); on a lost
    /// connection there is nothing to hand back.
    deinit { try? loader?.session.store.unlock() }

    public func abandon() {
        pending = []
        pendingBytes = 0
        failed = true
    }

    public func report() -> SinkReport {
        var report = SinkReport()
        guard let loader else { return report }
        var database = loader.database
        database.filesAlreadyLoaded = filesAlreadyLoaded
        report.database = database
        report.eventsWritten = loader.inserted
        report.duplicatesInTarget = loader.alreadyStored
        report.bytesWritten = loader.bytesSent
        return report
    }

    /// Records the end of the run in `load_runs` (with its summary as JSON); a failure here is only logged.
    public func finishRun(summary: RunSummary, failed runFailed: Bool, exitStatus: Int) {
        guard let loader else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = (try? encoder.encode(summary)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        do {
            try loader.session.store.finishRun(
                loader.runID, failed: runFailed || failed, exitStatus: exitStatus, summaryJSON: runFailed ? "{}" : json)
        } catch {
            logger.warning("could not record the run's summary", metadata: ["error": "\(error)"])
        }
    }

    /// What a load of `files` would find, asked read-only (`trailmill run --dry-run`): nothing is created,
    /// migrated or locked.
    public static func plan(target: PostgresTarget, files: [TrailFile]) throws(SinkFailure) -> LoadPlan {
        do {
            let connection = try PostgresConnection(conninfo: target.conninfo)
            try connection.execute("SET default_transaction_read_only = on")
            let status = try Migrator(connection: connection, schema: target.schema).status()
            var plan = LoadPlan(schemaVersion: status.version, pendingMigrations: status.pending.count)
            guard status.version > 0 else {
                plan.notLoaded = files.count
                return plan
            }
            let loaded = try EventStore(connection: connection, schema: target.schema)
                .loadedFiles(among: files.map(\.relativePath))
            for file in files {
                switch loaded[file.relativePath] {
                case nil: plan.notLoaded += 1
                case let record? where record.size == file.size: plan.alreadyLoaded += 1
                case _?: plan.changed += 1
                }
            }
            return plan
        } catch {
            throw SinkFailure(message: "cannot read schema \"\(target.schema)\": \(error)")
        }
    }
}

@available(*, unavailable)
extension PostgresEventSink: Sendable {}

/// How many of a load's files are in `loaded_files` (see ``PostgresEventSink/plan(target:files:)``).
public struct LoadPlan: Sendable, Hashable {
    /// The schema's migration version; 0 = not created yet.
    public var schemaVersion: Int
    /// Migrations not yet applied.
    public var pendingMigrations: Int
    /// Files `loaded_files` does not record: a load would read them.
    public var notLoaded = 0
    /// Files recorded with the same size: a load would skip them.
    public var alreadyLoaded = 0
    /// Files recorded with another size: a load would report them dead.
    public var changed = 0
}
