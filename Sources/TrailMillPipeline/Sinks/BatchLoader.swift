#if canImport(Glibc)
import Glibc
#endif
import Logging
import TrailMillArchive
import TrailMillEventStore
import TrailMillPostgres

/// Commits batches of whole files in one transaction each, reconnecting with bounded exponential backoff when the
/// connection is lost. A batch the server refuses for another reason is rolled back and reported, so the engine
/// can offer its files again one at a time.
struct BatchLoader {
    private(set) var session: LoadSession
    let runID: Int64
    let target: PostgresTarget
    let logger: Logger
    let observer: (@Sendable (RunEvent) -> Void)?
    /// Days with a daily partition (loaded once, kept up to date).
    private var partitionDays: Set<Int>?
    /// Days PostgreSQL refused a partition for (the default partition already holds rows of them).
    private var refusedDays = Set<Int>()
    /// Batches attempted so far (for the observer).
    private var attempts = 0
    /// How the next batch is sent: straight COPY until stored keys show up (see `EventStore.loadBatch`).
    private var strategy = EventStore.LoadStrategy.direct
    /// What the committed batches did.
    private(set) var database: RunSummary.Database
    /// Rows inserted by committed batches.
    private(set) var inserted = 0
    /// Rows sent by committed batches that the table held already.
    private(set) var alreadyStored = 0
    /// COPY bytes of committed batches.
    private(set) var bytesSent = 0

    init(
        session: LoadSession, runID: Int64, target: PostgresTarget, logger: Logger,
        observer: (@Sendable (RunEvent) -> Void)?
    ) {
        self.session = session
        self.runID = runID
        self.target = target
        self.logger = logger
        self.observer = observer
        database = RunSummary.Database(schema: target.schema)
        database.runID = runID
    }

    /// Commits `files` in one transaction with their `loaded_files` rows.
    mutating func commit(_ files: [SinkFile]) throws(SinkFailure) -> FlushResult {
        var batch = files
        var attempt = 0
        while !batch.isEmpty {
            do throws(PostgresError) {
                try ensurePartitions(for: batch)
                attempts += 1
                let number = attempts
                let observer = self.observer
                var announced = false
                // A batch's statements grow with the batch: only `lock_timeout` bounds them.
                try session.store.connection.execute("SET statement_timeout = 0")
                defer {
                    try? session.store.connection.execute(
                        "SET statement_timeout = \(LoadSession.milliseconds(target.bookkeepingTimeout))")
                }
                let counts = try session.store.loadBatch(batch.map(Self.record), runID: runID, strategy: &strategy) { row in
                    if !announced {
                        announced = true
                        observer?(.copying(batch: number))
                    }
                    try Self.forEachRow(of: batch, row)
                }
                observer?(.committed(batch: number))
                for file in batch { account(file, inserted: counts[file.file.relativePath] ?? 0) }
                database.batches += 1
                logger.debug("batch committed", metadata: ["files": "\(batch.count)"])
                return .committed
            } catch {
                if error.sqlState == "55P03" || error.sqlState == "57014" {
                    // A lock wait that timed out, a stop request or a time limit: the sink stops, nothing is dead.
                    throw LoadSession.failure(error, target: target, doing: "cannot load a batch")
                }
                if !error.isConnectionError {
                    // The description leaves out the server's DETAIL and CONTEXT lines: they quote row values.
                    return .rejected(reason: "PostgreSQL rejected its rows: \(error)")
                }
                attempt += 1
                logger.warning(
                    "lost the connection to PostgreSQL; the open transaction was rolled back",
                    metadata: ["attempt": "\(attempt)", "error": "\(error)"])
                batch = try reconnect(after: error, attempt: &attempt, batch: batch)
            }
        }
        return .committed
    }

    /// Reconnects with exponential backoff, takes the lock again, and returns the files of `batch` whose commit
    /// did not land (a commit whose acknowledgement was lost is found in `loaded_files`).
    private mutating func reconnect(
        after error: PostgresError, attempt: inout Int, batch: [SinkFile]
    ) throws(SinkFailure) -> [SinkFile] {
        var lastError = error
        while attempt <= target.maxRetries {
            sleep(backoff(attempt: attempt))
            let fresh: LoadSession
            do throws(PostgresError) { fresh = try LoadSession.reopen(target: target, logger: logger) } catch {
                lastError = error
                attempt += 1
                continue
            }
            try fresh.lockAndPrepare(replacing: session.backendPID, target: target)
            do throws(PostgresError) {
                session = fresh
                database.reconnects += 1
                partitionDays = nil
                let recorded = try fresh.store.loadedFiles(among: batch.map(\.file.relativePath))
                var remaining: [SinkFile] = []
                for file in batch {
                    if let row = recorded[file.file.relativePath] {
                        account(file, inserted: row.eventsInserted)
                    } else {
                        remaining.append(file)
                    }
                }
                if remaining.count < batch.count { database.batches += 1 }
                logger.info("reconnected to PostgreSQL", metadata: ["files.to_send_again": "\(remaining.count)"])
                return remaining
            } catch {
                lastError = error
                attempt += 1
            }
        }
        throw SinkFailure(
            message: "lost the connection to PostgreSQL and could not finish after \(target.maxRetries) reconnection "
                + "attempts: \(lastError). Everything committed before stays loaded and recorded; run the load "
                + "again to load the rest.")
    }

    private func backoff(attempt: Int) -> Duration {
        var wait = target.initialBackoff
        for _ in 1..<max(1, attempt) where wait < target.maxBackoff { wait *= 2 }
        return min(wait, target.maxBackoff)
    }

    private func sleep(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) == -1 && errno == EINTR { request = remaining }
    }

    /// Creates the daily partitions the batch's rows need (autocommit, before the batch's transaction).
    private mutating func ensurePartitions(for batch: [SinkFile]) throws(PostgresError) {
        if partitionDays == nil { partitionDays = try session.store.partitionDays() }
        let today = target.today ?? CivilDate.today().daysSinceEpoch
        var needed = Set<Int>()
        for file in batch { needed.formUnion(file.takenDays) }
        for day in needed.sorted()
        where EventStore.wantsPartition(day: day, today: today) && !(partitionDays?.contains(day) ?? false)
            && !refusedDays.contains(day)
        {
            if try session.store.createPartition(day: day) {
                partitionDays?.insert(day)
                database.partitionsCreated += 1
            } else {
                refusedDays.insert(day)
                logger.warning(
                    "events_default already holds rows of this day; its rows stay in the default partition",
                    metadata: ["day": "\(EventStore.partitionName(day: day))"])
            }
        }
    }

    /// Calls `body` with each file's taken rows, in order.
    private static func forEachRow(
        of batch: [SinkFile], _ body: (Int, UnsafeRawBufferPointer) throws -> Void
    ) throws {
        for (index, file) in batch.enumerated() {
            do {
                try file.forEachTakenLine { (_, line) throws(any Error) in try body(index, line) }
            } catch {
                switch error {
                case .spill(let message): throw SinkFailure(message: "cannot read back spilled rows: \(message)")
                case .body(let failure): throw failure
                }
            }
        }
    }

    /// The `loaded_files` row of a file.
    private static func record(_ file: SinkFile) -> EventStore.FileRecord {
        EventStore.FileRecord(
            key: file.file.relativePath, size: file.file.size, contentSHA256: file.contentSHA256 ?? "",
            eventsRead: file.eventsRead, rowsSent: file.taken, duplicatesInRun: file.duplicates + file.conflicts,
            filtered: file.eventsFiltered, replacedCharacters: (file.note as? ReplacedCharacters)?.total ?? 0)
    }

    /// Counts a committed file.
    private mutating func account(_ file: SinkFile, inserted rows: Int) {
        let stored = max(0, file.taken - rows)
        inserted += rows
        alreadyStored += stored
        bytesSent += file.lineBytes
        database.duplicatesInDatabase += stored
        if let replaced = file.note as? ReplacedCharacters {
            database.replacedNUL += replaced.nul
            database.replacedLoneSurrogates += replaced.loneSurrogates
            database.hugeNumbersAsStrings += replaced.hugeNumbers
        }
    }
}
