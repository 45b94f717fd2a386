import Foundation
public import Logging
public import TrailMillArchive
import TrailMillDedupe
import TrailMillEventStore
import TrailMillPostgres

/// One `trailmill load`: discovery → parallel decode/normalize/filter/COPY-encode → in-order dedupe → batched,
/// idempotent transactions into PostgreSQL.
///
/// A batch is several whole files committed in one transaction together with their `loaded_files` rows, so a file
/// is loaded and recorded, or neither. Files already recorded are skipped before decoding. A lost connection rolls
/// the open batch back (the server does), and the batch is sent again on a new connection after a bounded
/// exponential backoff, once `loaded_files` shows that its commit did not land.
public struct LoadRun: Sendable {
    /// What to do.
    public var options: LoadOptions
    /// Where to log.
    public var logger: Logger
    /// Draw a progress bar on stderr when it is a terminal.
    public var showProgress: Bool

    /// Creates a run.
    public init(options: LoadOptions, logger: Logger, showProgress: Bool = false) {
        self.options = options
        self.logger = logger
        self.showProgress = showProgress
    }

    /// A failure that stops the whole run. Everything committed before it stays committed and recorded.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// What went wrong (never a password).
        public var message: String
        /// 1: the run could not finish; 3: another load holds the schema's lock.
        public var exitStatus: Int32
        public var description: String { message }
    }

    /// Files decoded ahead of the loading thread beyond the pool's own window: about one batch of synthetic
    /// CloudTrail files (measured with trailmill-bench phase G).
    static let filesDecodedAhead = 96

    /// The exit status for "another load into the same schema is running".
    public static let lockBusyExitStatus: Int32 = 3

    /// What a load did, beyond its summary (for the job runner).
    public struct Outcome: Sendable {
        /// The run's account.
        public var summary: RunSummary
        /// Files committed by this run (with their `loaded_files` rows), in order.
        public var loaded: [String] = []
        /// Files `loaded_files` already recorded with the same size.
        public var alreadyLoaded: [String] = []
        /// The run stopped early because its `input.cancellation` was set (the pending batch was committed).
        public var interrupted = false
    }

    /// Runs the load and returns its summary. Per-file problems never throw: they are counted in the summary.
    public func run() throws(Failure) -> RunSummary {
        try execute().summary
    }

    /// Runs the load and returns what it did. Per-file problems never throw: they are counted in the summary.
    public func execute() throws(Failure) -> Outcome {
        var outcome = Outcome(summary: RunSummary())
        let clock = ContinuousClock()
        let started = clock.now
        var summary = RunSummary()
        summary.format = "postgres"
        summary.database = RunSummary.Database(schema: options.schema)

        var session = try LoadSession.open(options: options, logger: logger)
        let runID: Int64
        do { runID = try session.store.startRun(source: options.input.source, host: options.host) } catch {
            throw Failure(message: "cannot record the run: \(error)", exitStatus: 1)
        }
        summary.database?.runID = runID

        var loader = BatchLoader(session: session, runID: runID, options: options, logger: logger)
        do throws(Failure) {
            let files = try admittedFiles(session: session, summary: &summary, outcome: &outcome)
            try decodeAndLoad(files, loader: &loader, summary: &summary, outcome: &outcome)
        } catch {
            session = loader.session
            try? session.store.finishRun(runID, failed: true, exitStatus: Int(error.exitStatus), summaryJSON: "{}")
            throw error
        }
        session = loader.session
        summary.skipped.sort { $0.file.utf8.lexicographicallyPrecedes($1.file.utf8) }
        summary.dead.sort { $0.file.utf8.lexicographicallyPrecedes($1.file.utf8) }
        summary.exitStatus = summary.files.dead > 0 ? 1 : 0
        summary.seconds = (clock.now - started) / .seconds(1)
        if outcome.interrupted { summary.interrupted = true }
        do {
            try session.store.finishRun(
                runID, failed: false, exitStatus: summary.exitStatus, summaryJSON: Self.json(summary))
        } catch {
            logger.warning("could not record the run's summary", metadata: ["error": "\(error)"])
        }
        outcome.summary = summary
        return outcome
    }

    /// Discovery, the digest gate, then files `loaded_files` already records are skipped (or dead, when their
    /// size changed since: CloudTrail never rewrites a log file).
    private func admittedFiles(
        session: LoadSession, summary: inout RunSummary, outcome: inout Outcome
    ) throws(Failure) -> [TrailFile] {
        let candidates: [TrailFile]
        do throws(RunInputs.Failure) {
            candidates = try RunInputs.eventFiles(options: options.input, summary: &summary, logger: logger)
        } catch {
            throw Failure(message: error.message, exitStatus: 1)
        }
        let loaded: [String: EventStore.LoadedFile]
        do { loaded = try session.store.loadedFiles(among: candidates.map(\.relativePath)) } catch {
            throw Failure(message: "cannot read loaded_files: \(error)", exitStatus: 1)
        }
        var files: [TrailFile] = []
        for file in candidates {
            guard let record = loaded[file.relativePath] else {
                files.append(file)
                continue
            }
            if record.size == file.size {
                outcome.alreadyLoaded.append(file.relativePath)
                summary.database?.filesAlreadyLoaded += 1
                summary.markSkipped(file.relativePath, reason: "already loaded (run \(record.runID), \(record.loadedAt))")
            } else {
                let reason = "changed since it was loaded by run \(record.runID): \(record.size) bytes then, "
                    + "\(file.size) now (CloudTrail never rewrites a log file; not loaded again)"
                summary.markDead(file.relativePath, reason: reason, logger: logger)
            }
        }
        return files
    }

    private func decodeAndLoad(
        _ files: [TrailFile], loader: inout BatchLoader, summary: inout RunSummary, outcome: inout Outcome
    ) throws(Failure) {
        var input = options.input
        if input.outputDirectory.isEmpty { input.outputDirectory = NSTemporaryDirectory() }
        let processor = FileProcessor(
            encoding: .postgresRow, filter: input.filter, maxDecompressedBytes: input.maxDecompressedBytes,
            spillThreshold: input.spillThresholdBytes, spillDirectory: input.outputDirectory)
        let pool = WorkerPool(files: files, processor: processor, jobs: max(1, input.jobs))
        let progress = ProgressReporter(
            totalFiles: files.count, totalBytes: files.reduce(0) { $0 + $1.size }, enabled: showProgress)
        var table = DedupeTable(expected: max(1 << 16, files.reduce(0) { $0 + $1.size } / 160))
        var failure: Failure?
        pool.start()
        // Let workers decode the next batch while the server takes the current one (the export's window of
        // 2 × jobs files would leave them idle for most of a COPY).
        for _ in 0..<Self.filesDecodedAhead { pool.advance() }
        var consumed = 0
        for index in files.indices {
            if options.input.cancellation?.isCancelled == true {
                outcome.interrupted = true
                logger.info("stopping: no new files; committing the pending batch", metadata: ["files.consumed": "\(index)"])
                break
            }
            let result = pool.result(at: index)
            consumed = index + 1
            pool.advance()
            let path = files[index].relativePath
            summary.bytes.compressed += result.compressedBytes
            summary.bytes.decompressed += result.decompressedBytes
            switch result.status {
            case .skipped(let reason):
                summary.markSkipped(path, reason: reason)
                pool.recycle(result.lines)
            case .dead(let reason):
                summary.markDead(path, reason: reason, logger: logger)
                pool.recycle(result.lines)
            case .done:
                loader.add(PendingFile(file: files[index], result: result, table: &table))
                if loader.isFull {
                    do throws(Failure) { try loader.flush(pool: pool, summary: &summary) } catch {
                        failure = error
                    }
                }
            }
            progress.update(
                files: index + 1, events: summary.events.read, compressedBytes: summary.bytes.compressed,
                decompressedBytes: summary.bytes.decompressed)
            if failure != nil { break }
        }
        if failure == nil {
            do throws(Failure) { try loader.flush(pool: pool, summary: &summary) } catch { failure = error }
        }
        pool.waitUntilStopped()
        progress.finish()
        summary.dedupeKeys = table.count
        summary.dedupeTableBytes = table.storageBytes
        if let failure { throw failure }
        // Everything consumed was committed (or is listed as dead or skipped).
        let notLoaded = Set(summary.dead.map(\.file)).union(summary.skipped.map(\.file))
        outcome.loaded = files.prefix(consumed).map(\.relativePath).filter { !notLoaded.contains($0) }
    }

    /// What a load of `files` would find, asked read-only (`trailmill run --dry-run`): nothing is created,
    /// migrated or locked.
    public static func plan(options: LoadOptions, files: [TrailFile]) throws(Failure) -> Plan {
        do {
            let connection = try PostgresConnection(conninfo: options.conninfo)
            try connection.execute("SET default_transaction_read_only = on")
            let status = try Migrator(connection: connection, schema: options.schema).status()
            var plan = Plan(schemaVersion: status.version, pendingMigrations: status.pending.count)
            guard status.version > 0 else {
                plan.notLoaded = files.count
                return plan
            }
            let loaded = try EventStore(connection: connection, schema: options.schema)
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
            throw Failure(message: "cannot read schema \"\(options.schema)\": \(error)", exitStatus: 1)
        }
    }

    /// How many of a load's files are in `loaded_files` (see ``plan(options:files:)``).
    public struct Plan: Sendable, Hashable {
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

    static func json(_ summary: RunSummary) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(summary) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// A decoded file waiting in the current batch, with the in-run deduplication already decided.
struct PendingFile {
    let file: TrailFile
    let result: FileResult
    /// Per record: send it (false = the same event was already delivered in this run).
    var keep: [Bool]
    var duplicatesInRun = 0
    var conflicts = 0
    var rowsSent = 0

    /// Deduplicates `result`'s records against everything earlier in the run (path order, like `export`).
    init(file: TrailFile, result: FileResult, table: inout DedupeTable) {
        self.file = file
        self.result = result
        keep = [Bool](repeating: true, count: result.records.count)
        for (n, entry) in result.records.enumerated() {
            guard let key = entry.key else { continue }
            switch table.insert(key, contentHash: entry.contentHash) {
            case .new: continue
            case .duplicate: duplicatesInRun += 1
            case .conflict: conflicts += 1
            }
            keep[n] = false
        }
        rowsSent = result.records.count - duplicatesInRun - conflicts
    }

    var record: EventStore.FileRecord {
        EventStore.FileRecord(
            key: file.relativePath, size: file.size, contentSHA256: result.contentSHA256,
            eventsRead: result.eventsRead, rowsSent: rowsSent, duplicatesInRun: duplicatesInRun + conflicts,
            filtered: result.eventsFiltered, replacedCharacters: result.replaced.total)
    }

    /// The distinct UTC days of the rows this file sends.
    var days: Set<Int> {
        var days = Set<Int>()
        for (n, entry) in result.records.enumerated() where keep[n] { days.insert(Int(entry.eventDay)) }
        return days
    }
}
