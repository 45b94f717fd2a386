#if canImport(Glibc)
import Glibc
#endif
import Logging
import TrailMillArchive
import TrailMillEventStore
import TrailMillPostgres

/// Groups decoded files into transactions and commits them, reconnecting with bounded exponential backoff when the
/// connection is lost.
struct BatchLoader {
    private(set) var session: LoadSession
    let runID: Int64
    let options: LoadOptions
    let logger: Logger
    private var pending: [PendingFile] = []
    private var pendingBytes = 0
    /// Days with a daily partition (loaded once, kept up to date).
    private var partitionDays: Set<Int>?
    /// Days PostgreSQL refused a partition for (the default partition already holds rows of them).
    private var refusedDays = Set<Int>()
    /// Batches attempted so far (for `LoadOptions.batchObserver`).
    private var attempts = 0
    /// How the next batch is sent: straight COPY until stored keys show up (see `EventStore.loadBatch`).
    private var strategy = EventStore.LoadStrategy.direct

    init(session: LoadSession, runID: Int64, options: LoadOptions, logger: Logger) {
        self.session = session
        self.runID = runID
        self.options = options
        self.logger = logger
    }

    /// True when the pending files should be committed now.
    var isFull: Bool { pendingBytes >= options.batchBytes || pending.count >= 2_000 }

    mutating func add(_ file: PendingFile) {
        pendingBytes += file.result.lines?.totalBytes ?? 0
        pending.append(file)
    }

    /// Commits the pending files (one transaction), or marks a file dead when the server rejects its rows.
    mutating func flush(pool: WorkerPool, summary: inout RunSummary) throws(LoadRun.Failure) {
        let batch = pending
        pending = []
        pendingBytes = 0
        guard !batch.isEmpty else { return }
        try commit(batch, summary: &summary)
        for file in batch { pool.recycle(file.result.lines) }
    }

    private mutating func commit(_ files: [PendingFile], summary: inout RunSummary) throws(LoadRun.Failure) {
        var batch = files
        var attempt = 0
        while !batch.isEmpty {
            do throws(PostgresError) {
                try ensurePartitions(for: batch, summary: &summary)
                attempts += 1
                let number = attempts
                let observer = options.batchObserver
                var announced = false
                let inserted = try session.store.loadBatch(
                    batch.map(\.record), runID: runID, strategy: &strategy
                ) { row in
                    if !announced {
                        announced = true
                        observer?(.copying(batch: number))
                    }
                    try Self.forEachRow(of: batch, row)
                }
                options.batchObserver?(.committed(batch: number))
                for file in batch { account(file, inserted: inserted[file.file.relativePath] ?? 0, summary: &summary) }
                summary.database?.batches += 1
                logger.debug("batch committed", metadata: ["files": "\(batch.count)"])
                return
            } catch {
                if !error.isConnectionError {
                    try isolate(batch, error: error, summary: &summary)
                    return
                }
                attempt += 1
                logger.warning(
                    "lost the connection to PostgreSQL; the open transaction was rolled back",
                    metadata: ["attempt": "\(attempt)", "error": "\(error)"])
                batch = try reconnect(after: error, attempt: &attempt, batch: batch, summary: &summary)
            }
        }
    }

    /// The server rejected a batch for a reason other than the connection (rows are sanitized, so this means a bug
    /// or a changed table). Files are retried one by one so that only the offending file ends dead.
    private mutating func isolate(
        _ batch: [PendingFile], error: PostgresError, summary: inout RunSummary
    ) throws(LoadRun.Failure) {
        if batch.count > 1 {
            for file in batch { try commit([file], summary: &summary) }
            return
        }
        guard let file = batch.first else { return }
        var reason = "PostgreSQL rejected its rows: \(error)"
        if let context = error.context { reason += " (\(context.prefix(200)))" }
        summary.markDead(file.file.relativePath, reason: reason, logger: logger)
    }

    /// Reconnects with exponential backoff, takes the lock again, and returns the files of `batch` whose commit
    /// did not land (a commit whose acknowledgement was lost is found in `loaded_files`).
    private mutating func reconnect(
        after error: PostgresError, attempt: inout Int, batch: [PendingFile], summary: inout RunSummary
    ) throws(LoadRun.Failure) -> [PendingFile] {
        var lastError = error
        while attempt <= options.maxRetries {
            sleep(backoff(attempt: attempt))
            let fresh: LoadSession
            do throws(PostgresError) { fresh = try LoadSession.reopen(options: options) } catch {
                lastError = error
                attempt += 1
                continue
            }
            try fresh.lockAndPrepare()
            do throws(PostgresError) {
                session = fresh
                summary.database?.reconnects += 1
                partitionDays = nil
                let recorded = try fresh.store.loadedFiles(among: batch.map(\.file.relativePath))
                var remaining: [PendingFile] = []
                for file in batch {
                    if let row = recorded[file.file.relativePath] {
                        account(file, inserted: row.eventsInserted, summary: &summary)
                    } else {
                        remaining.append(file)
                    }
                }
                if remaining.count < batch.count { summary.database?.batches += 1 }
                logger.info("reconnected to PostgreSQL", metadata: ["files.to_send_again": "\(remaining.count)"])
                return remaining
            } catch {
                lastError = error
                attempt += 1
            }
        }
        throw LoadRun.Failure(
            message: "lost the connection to PostgreSQL and could not finish after \(options.maxRetries) reconnection "
                + "attempts: \(lastError). Everything committed before stays loaded and recorded; run the load "
                + "again to load the rest.",
            exitStatus: 1)
    }

    private func backoff(attempt: Int) -> Duration {
        var wait = options.initialBackoff
        for _ in 1..<max(1, attempt) where wait < options.maxBackoff { wait *= 2 }
        return min(wait, options.maxBackoff)
    }

    private func sleep(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) == -1 && errno == EINTR { request = remaining }
    }

    /// Creates the daily partitions the batch's rows need (autocommit, before the batch's transaction).
    private mutating func ensurePartitions(for batch: [PendingFile], summary: inout RunSummary) throws(PostgresError) {
        if partitionDays == nil { partitionDays = try session.store.partitionDays() }
        let today = options.today ?? CivilDate.today().daysSinceEpoch
        var needed = Set<Int>()
        for file in batch { needed.formUnion(file.days) }
        for day in needed.sorted()
        where EventStore.wantsPartition(day: day, today: today) && !(partitionDays?.contains(day) ?? false)
            && !refusedDays.contains(day)
        {
            if try session.store.createPartition(day: day) {
                partitionDays?.insert(day)
                summary.database?.partitionsCreated += 1
            } else {
                refusedDays.insert(day)
                logger.warning(
                    "events_default already holds rows of this day; its rows stay in the default partition",
                    metadata: ["day": "\(EventStore.partitionName(day: day))"])
            }
        }
    }

    /// Calls `body` with each file's kept rows, in order.
    private static func forEachRow(
        of batch: [PendingFile], _ body: (Int, UnsafeRawBufferPointer) throws -> Void
    ) throws {
        for (index, file) in batch.enumerated() {
            guard let lines = file.result.lines else { continue }
            var failure: (any Error)?
            try lines.forEachLine(file.result.records) { n, line in
                guard failure == nil, file.keep[n] else { return }
                do { try body(index, line) } catch { failure = error }
            }
            if let failure { throw failure }
        }
    }

    /// Counts a committed file in the summary.
    private func account(_ file: PendingFile, inserted: Int, summary: inout RunSummary) {
        let inDatabase = max(0, file.rowsSent - inserted)
        summary.files.done += 1
        summary.events.read += file.result.eventsRead
        summary.events.filtered += file.result.eventsFiltered
        summary.events.written += inserted
        summary.events.duplicates += file.duplicatesInRun + inDatabase
        summary.events.conflicts += file.conflicts
        summary.database?.duplicatesInDatabase += inDatabase
        summary.database?.replacedNUL += file.result.replaced.nul
        summary.database?.replacedLoneSurrogates += file.result.replaced.loneSurrogates
        summary.database?.hugeNumbersAsStrings += file.result.replaced.hugeNumbers
        summary.bytes.written += file.result.lines?.totalBytes ?? 0
    }
}
