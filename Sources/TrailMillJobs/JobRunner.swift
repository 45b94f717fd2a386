import Foundation
public import Logging
public import TrailMillArchive
public import TrailMillPipeline

/// Runs a job once (`trailmill run`): under the job's lock, repairs what a crashed run left, lists the selection,
/// asks the state about every file (never a watermark), exports the files to process into each file sink through
/// a publish intent (exactly once across crashes), loads them into each PostgreSQL sink (whose `loaded_files`
/// is the authority), records every file's outcome and writes the run summary.
///
/// ```swift
/// let result = JobRunner(job: job, options: JobRunner.Options(), logger: logger).run()
/// exit(result.summary.exitStatus)
/// ```
public struct JobRunner: Sendable {
    /// The process exit statuses of `trailmill run`.
    public enum ExitStatus {
        /// Every file done (or skipped, or already done).
        public static let success: Int32 = 0
        /// Some file is dead (the rest were processed), or the run failed (output or database unusable).
        public static let someDead: Int32 = 1
        /// A usage error or a bad job file.
        public static let configuration: Int32 = 2
        /// Another run of the job holds its lock (or another load holds the schema's database lock).
        public static let alreadyRunning: Int32 = 3
        /// Stopped by SIGINT/SIGTERM; the state is consistent and the next run resumes.
        public static let interrupted: Int32 = 4
    }

    /// How to run.
    public struct Options: Sendable {
        /// Print the plan and change nothing anywhere.
        public var dryRun = false
        /// Delivery dates to read instead of the job's (`--from/--to`: a backfill).
        public var dates: ClosedRange<CivilDate>?
        /// The current UTC date (decides a lookback job's dates and a load's partitions).
        public var today = JobClock.today()
        /// Set by the signal handlers: the run stops taking new files.
        public var cancellation = RunCancellation()
        /// Test-only fault injection (see ``FaultInjector``).
        public var faults = FaultInjector.none
        /// Files are published in batches of about this many compressed input bytes (one publish intent each),
        /// so a crash or a stop loses at most one batch of work.
        public var publishBatchBytes = 512 << 20
        /// ... and at most this many files.
        public var publishBatchFiles = 20_000
        /// Recorded in a load's `load_runs.host`.
        public var host = ""

        /// Creates the defaults.
        public init() {}
    }

    /// The job.
    public var job: JobFile
    /// How to run it.
    public var options: Options
    /// Where to log.
    public var logger: Logger

    /// Creates a runner.
    public init(job: JobFile, options: Options = Options(), logger: Logger) {
        self.job = job
        self.options = options
        self.logger = logger
    }

    /// What a run did.
    public struct Result: Sendable {
        /// The run summary (its `exitStatus` is the process exit status).
        public var summary: JobRunSummary
        /// For a dry run: the plan, as text for stdout.
        public var planText: String?
    }

    /// Runs the job (or, with `dryRun`, plans it). Never throws: failures end in the summary's `failure` and
    /// `exitStatus`.
    public func run() -> Result {
        let clock = ContinuousClock()
        let started = clock.now
        var summary = JobRunSummary()
        summary.job = job.name
        summary.dryRun = options.dryRun
        let dates = job.deliveryDates(today: options.today, override: options.dates)
        summary.deliveryFrom = dates.lowerBound.description
        summary.deliveryTo = dates.upperBound.description
        if options.dryRun {
            var result = dryRun(summary: summary)
            result.summary.seconds = (clock.now - started) / .seconds(1)
            return result
        }

        let lock: RunLock
        do {
            try FileManager.default.createDirectory(
                atPath: JobPaths.directory(of: job.statePath), withIntermediateDirectories: true)
            lock = try RunLock.acquire(path: job.lockPath)
        } catch let error as RunLockError {
            summary.failure = error.isAlreadyRunning ? "job \(job.name) is \(error)" : "\(error)"
            summary.exitStatus = error.isAlreadyRunning ? ExitStatus.alreadyRunning : ExitStatus.someDead
            return Result(summary: summary)
        } catch {
            summary.failure = "cannot create the state directory: \(error)"
            summary.exitStatus = ExitStatus.someDead
            return Result(summary: summary)
        }
        defer { lock.release() }

        let state: JobState
        let runID: Int64
        do {
            state = try JobState(path: job.statePath)
            runID = try state.beginRun()
        } catch {
            summary.failure = error.description
            summary.exitStatus = ExitStatus.someDead
            return Result(summary: summary)
        }
        summary.runID = runID
        logger.info("run started", metadata: ["job": "\(job.name)", "run.id": "\(runID)"])

        do throws(JobRunFailure) {
            try execute(state: state, runID: runID, summary: &summary)
        } catch {
            summary.failure = error.message
            summary.exitStatus = error.exitStatus
        }
        if summary.failure == nil {
            if options.cancellation.isCancelled || summary.interrupted {
                summary.interrupted = true
                summary.exitStatus = ExitStatus.interrupted
            } else {
                summary.exitStatus =
                    summary.files.dead + summary.files.permanentlyDead > 0 ? ExitStatus.someDead : ExitStatus.success
            }
        }
        summary.seconds = (clock.now - started) / .seconds(1)
        do {
            try state.finishRun(runID, exitStatus: Int(summary.exitStatus), summaryJSON: summary.json(pretty: false))
        } catch {
            logger.warning("could not record the run's summary", metadata: ["error": "\(error)"])
        }
        if let path = job.summaryPath {
            do { try summary.write(to: path) } catch {
                logger.warning("could not write the run summary", metadata: ["path": "\(path)", "error": "\(error)"])
            }
        }
        return Result(summary: summary)
    }

    /// The run proper, under the lock.
    private func execute(state: JobState, runID: Int64, summary: inout JobRunSummary) throws(JobRunFailure) {
        if !job.fileSinks.isEmpty { summary.recovery = try recover(state: state) }
        let plan = try makePlan(state: state)
        summary.files.listed = plan.listed.count
        summary.files.toProcess = plan.toProcess.count
        summary.files.alreadyDone = plan.alreadyDone.count
        summary.files.permanentlyDead = plan.permanentlyDead.count
        summary.bytesToProcess = plan.toProcess.reduce(0) { $0 + $1.size }
        for record in plan.permanentlyDead {
            summary.dead.append(
                .init(file: record.identity.key, reason: record.reason ?? "", attempts: record.attempts, permanent: true))
        }
        for (file, reason) in plan.changed {
            let attempts = try JobRunFailure.wrap { () throws(JobStateError) in
                try state.recordDead(FileIdentity(key: file.relativePath, size: file.size), reason: reason, runID: runID)
            }
            summary.files.dead += 1
            summary.dead.append(
                .init(file: file.relativePath, reason: reason, attempts: attempts, permanent: attempts >= maxAttempts))
            logger.warning("file is dead", metadata: ["file.key": "\(file.relativePath)", "reason": "\(reason)"])
        }
        logger.info(
            "plan",
            metadata: [
                "files.listed": "\(plan.listed.count)", "files.to_process": "\(plan.toProcess.count)",
                "files.already_done": "\(plan.alreadyDone.count)",
            ])

        var step = StepOutcome()
        if !job.fileSinks.isEmpty {
            step = try runFileSinks(plan.toProcess, state: state, runID: runID, summary: &summary)
        }
        if !job.postgresSinks.isEmpty && !options.cancellation.isCancelled {
            // The database decides what is loaded: every listed file goes to the load except the permanently dead
            // and the changed, and (with file sinks too) those the file sinks did not finish this run.
            let excluded = Set(plan.changed.map(\.0.relativePath)).union(step.notDone)
            let files = plan.loadable.filter { !excluded.contains($0.relativePath) }
            try runPostgresSinks(files, state: state, runID: runID, summary: &summary)
        }
        summary.dead.sort { $0.file.utf8.lexicographicallyPrecedes($1.file.utf8) }
        summary.skipped.sort { $0.file.utf8.lexicographicallyPrecedes($1.file.utf8) }
        pruneDeliveredKeys(state: state)
    }

    /// Attempts a file gets in all.
    var maxAttempts: Int { job.limits.maxAttempts }

    /// The job's archive selection for this run.
    var archiveSelection: ArchiveSelection { job.archiveSelection(today: options.today, override: options.dates) }

    /// An incremental run forgets delivered keys of events older than its dedupe window.
    private func pruneDeliveredKeys(state: JobState) {
        guard options.dates == nil, case .lookback = job.selection.window, !options.cancellation.isCancelled else {
            return
        }
        do {
            let start = job.dedupeWindowStartMillis(today: options.today)
            let pruned = try state.pruneDeliveredKeys(eventsBefore: start)
            if pruned > 0 { logger.debug("delivered keys pruned", metadata: ["keys": "\(pruned)"]) }
        } catch {
            logger.warning("could not prune delivered keys", metadata: ["error": "\(error)"])
        }
    }
}

/// What the file-sink step left undone, for the PostgreSQL step of a job with both kinds of sinks.
struct StepOutcome {
    /// Files not done by the file sinks this run (dead, skipped or not reached).
    var notDone = Set<String>()
}

/// A failure that ends a run early, with the exit status it maps to.
struct JobRunFailure: Error {
    var message: String
    var exitStatus: Int32 = JobRunner.ExitStatus.someDead

    /// Runs a state operation, turning its error into a run failure.
    static func wrap<T>(_ body: () throws(JobStateError) -> T) throws(JobRunFailure) -> T {
        do { return try body() } catch { throw JobRunFailure(message: error.description) }
    }
}
