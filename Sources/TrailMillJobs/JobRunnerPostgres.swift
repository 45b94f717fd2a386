import Logging
import TrailMillArchive
import TrailMillPipeline

/// The PostgreSQL step: each sink is a `trailmill load` of the listed files. The database's `loaded_files`
/// (committed in the same transaction as the rows) is the authority on what is loaded; the job state only
/// mirrors the outcome for `trailmill status` and the dead-file retry limit.
extension JobRunner {
    func runPostgresSinks(
        _ files: [TrailFile], state: JobState, runID: Int64, summary: inout JobRunSummary
    ) throws(JobRunFailure) {
        let mirrorsDone = job.fileSinks.isEmpty
        let sizes = Dictionary(files.map { ($0.relativePath, $0.size) }, uniquingKeysWith: { first, _ in first })
        var recordedDead = Set(summary.dead.map(\.file))
        for sink in job.postgresSinks {
            if options.cancellation.isCancelled { break }
            var load = job.loadOptions(for: sink, spillDirectory: JobPaths.directory(of: job.statePath))
            load.input.files = files
            load.input.archiveSelection = archiveSelection
            load.input.cancellation = options.cancellation
            load.today = options.today.daysSinceEpoch
            load.host = options.host
            load.batchObserver = options.faults.batchObserver
            let outcome: LoadRun.Outcome
            do { outcome = try LoadRun(options: load, logger: logger).execute() } catch {
                let busy = error.exitStatus == LoadRun.lockBusyExitStatus
                throw JobRunFailure(
                    message: "sink \(sink.name): \(error.message)",
                    exitStatus: busy ? ExitStatus.alreadyRunning : ExitStatus.someDead)
            }
            summary.sinks.append(.init(name: sink.name, type: "postgres", summary: outcome.summary))
            if outcome.interrupted { summary.interrupted = true }

            let prefix = job.sinks.count > 1 ? "sink \(sink.name): " : ""
            for item in outcome.summary.dead where !recordedDead.contains(item.file) {
                let reason = prefix + item.reason
                let attempts = try JobRunFailure.wrap { () throws(JobStateError) in
                    try state.recordDead(
                        FileIdentity(key: item.file, size: sizes[item.file] ?? 0), reason: reason, runID: runID)
                }
                recordedDead.insert(item.file)
                summary.files.dead += 1
                summary.dead.append(
                    .init(file: item.file, reason: reason, attempts: attempts, permanent: attempts >= maxAttempts))
            }
            guard mirrorsDone else { continue }
            let loaded = outcome.loaded.map { FileIdentity(key: $0, size: sizes[$0] ?? 0) }
            let already = outcome.alreadyLoaded.map { FileIdentity(key: $0, size: sizes[$0] ?? 0) }
            try JobRunFailure.wrap { () throws(JobStateError) in
                try state.markDone(loaded + already, runID: runID)
            }
            let alreadyLoaded = Set(outcome.alreadyLoaded)
            for item in outcome.summary.skipped where !alreadyLoaded.contains(item.file) && !recordedDead.contains(item.file) {
                try JobRunFailure.wrap { () throws(JobStateError) in
                    try state.recordSkipped(
                        FileIdentity(key: item.file, size: sizes[item.file] ?? 0), reason: prefix + item.reason,
                        runID: runID)
                }
                summary.files.skipped += 1
                summary.skipped.append(.init(file: item.file, reason: prefix + item.reason))
            }
            if sink == job.postgresSinks.first {
                // The database is the authority: its counts replace the state's plan for a PostgreSQL-only job.
                summary.files.done = outcome.loaded.count
                summary.files.alreadyDone = outcome.alreadyLoaded.count
                summary.files.toProcess = files.count - outcome.alreadyLoaded.count
                let handled = Set(outcome.loaded).union(outcome.alreadyLoaded).union(outcome.summary.dead.map(\.file))
                    .union(outcome.summary.skipped.map(\.file))
                summary.files.notReached = files.filter { !handled.contains($0.relativePath) }.count
                summary.events = outcome.summary.events
            }
        }
    }
}
