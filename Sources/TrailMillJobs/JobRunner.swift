import Foundation
public import Logging
public import TrailMillArchive
public import TrailMillPipeline

/// Runs a job once (`trailmill run`): under the job's lock, repairs what a crashed run left, lists the selection,
/// asks the state about every file (never a watermark), and runs the engine once with every sink: each file is
/// decoded once, each sink takes what it does not hold yet and keeps its own bookkeeping (a file sink through
/// publish intents, exactly once across crashes; a PostgreSQL sink through its `loaded_files`, the authority).
/// Then it records every file's outcome for the job and writes the run summary.
///
/// ```swift
/// let result = JobRunner(job: job, options: JobRunner.Options(), logger: logger).run()
/// exit(result.summary.exitStatus)
/// ```
public struct JobRunner: Sendable {
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
        /// Draw the progress bar on stderr when it is a terminal.
        public var showProgress = false

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
    /// `verdict`.
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
            summary.verdict = error.isAlreadyRunning ? .alreadyRunning : .failed
            return Result(summary: summary)
        } catch {
            summary.failure = "cannot create the state directory: \(error)"
            summary.verdict = .failed
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
            summary.verdict = .failed
            return Result(summary: summary)
        }
        summary.runID = runID
        logger.info("run started", metadata: ["job": "\(job.name)", "run.id": "\(runID)"])

        do throws(JobRunFailure) {
            try execute(state: state, runID: runID, summary: &summary)
        } catch {
            summary.failure = error.message
            summary.verdict = error.verdict
        }
        if summary.failure == nil {
            summary.interrupted = summary.interrupted || options.cancellation.isCancelled
            summary.verdict = .finished(
                deadFiles: summary.files.dead + summary.files.permanentlyDead, interrupted: summary.interrupted)
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
        summary.files.permanentlyDead = plan.permanentlyDead.count
        summary.bytesToProcess = plan.toProcess.reduce(0) { $0 + $1.size }
        for record in plan.permanentlyDead {
            summary.dead.append(
                .init(file: record.identity.key, reason: record.reason ?? "", attempts: record.attempts, permanent: true))
        }
        for directory in plan.unlisted {
            summary.files.dead += 1
            summary.dead.append(.init(file: directory.relativePath, reason: directory.reason, attempts: 0, permanent: false))
            logger.warning("file is dead", metadata: ["file.key": "\(directory.relativePath)", "reason": "\(directory.reason)"])
        }
        try JobRunFailure.wrap { () throws(JobStateError) in try state.recordStamps(plan.stamps) }
        for (file, reason) in plan.changed {
            let attempts = try JobRunFailure.wrap { () throws(JobStateError) in
                if plan.newlyRewritten.contains(file.relativePath) {
                    try state.recordRewritten(file.relativePath, reason: reason)
                }
                return try state.recordDead(FileIdentity(key: file.relativePath, size: file.size), reason: reason, runID: runID)
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

        // The files the engine is offered: those the state does not hold as done, plus, when the job loads into
        // PostgreSQL, every other loadable file too (the database decides what it holds).
        let doneForJob = Set(plan.alreadyDone.map(\.file.relativePath))
        let changed = Set(plan.changed.map(\.0.relativePath))
        let offered = job.postgresSinks.isEmpty
            ? plan.toProcess : plan.loadable.filter { !changed.contains($0.relativePath) }

        let keyWindowStart = job.dedupeWindowStartMillis(today: options.today, override: options.dates)
        var sinks: [any EventSink] = []
        for sink in job.sinks {
            switch sink {
            case .file(let file):
                sinks.append(
                    JobFileSink(
                        sink: file, state: state, runID: runID, naming: OutputNaming(runID: runID), doneForJob: doneForJob,
                        keyWindowStart: keyWindowStart, faults: options.faults, logger: logger))
            case .postgres(let postgres):
                var target = job.postgresTarget(for: postgres)
                target.today = options.today.daysSinceEpoch
                target.host = options.host
                target.source = job.sourcePath
                target.cancellation = options.cancellation
                sinks.append(PostgresEventSink(name: postgres.name, target: target, logger: logger, observer: options.faults.runObserver))
            }
        }
        var input = job.inputSelection
        input.files = offered
        input.deliveryDates = job.deliveryDates(today: options.today, override: options.dates)
        var control = job.runControl
        control.spillDirectory = JobPaths.directory(of: job.statePath)
        control.cancellation = options.cancellation
        control.checkpointEvery = (options.publishBatchBytes, options.publishBatchFiles)
        control.observer = options.faults.runObserver
        var engine = RunEngine(input: input, control: control, sinks: sinks, logger: logger)
        engine.showProgress = options.showProgress
        if !job.postgresSinks.isEmpty { engine.extraWindow = PostgresEventSink.filesDecodedAhead }
        let outcome: RunOutcome
        do { outcome = try engine.run() } catch { throw JobRunFailure(message: error.message) }
        try record(outcome, sinks: sinks, plan: plan, doneForJob: doneForJob, state: state, runID: runID, summary: &summary)
        for sink in job.fileSinks { JobFileSink.removeStagingRoot(of: sink) }
        summary.dead.sort { $0.file.utf8.lexicographicallyPrecedes($1.file.utf8) }
        summary.skipped.sort { $0.file.utf8.lexicographicallyPrecedes($1.file.utf8) }
        if outcome.interrupted { summary.interrupted = true }
        // A sink that could not take its files (its lock is busy, its database is gone) fails the run.
        let failures = zip(job.sinks, outcome.sinks).compactMap { sink, result in
            result.failure.map { (sink.name, $0) }
        }
        if let (name, failure) = failures.first {
            if options.cancellation.isCancelled && !failure.isLockBusy {
                // The stop cancelled a sink's statement in progress: an interruption, and the state is consistent.
                summary.interrupted = true
                return
            }
            throw JobRunFailure(
                message: "sink \(name): \(failure.message)", verdict: failure.isLockBusy ? .alreadyRunning : .failed)
        }
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

/// A failure that ends a run early, with its verdict.
struct JobRunFailure: Error {
    var message: String
    var verdict: RunVerdict = .failed

    /// Runs a state operation, turning its error into a run failure.
    static func wrap<T>(_ body: () throws(JobStateError) -> T) throws(JobRunFailure) -> T {
        do { return try body() } catch { throw JobRunFailure(message: error.description) }
    }
}
