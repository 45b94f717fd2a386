import Logging
import Foundation
public import TrailMillArchive
import TrailMillPipeline

/// What a run would do with the files it lists: built from a fresh listing and the state's record of each file.
public struct JobPlan: Sendable {
    /// Delivery dates read.
    public var dates: ClosedRange<CivilDate>
    /// Every event file listed, in path order.
    public var listed: [TrailFile] = []
    /// New files, skipped ones, dead ones with attempts left: processed this run.
    public var toProcess: [TrailFile] = []
    /// Of `toProcess`, the files the state knows already (retries).
    public var retries = 0
    /// Done by an earlier run, with that run's id.
    public var alreadyDone: [(file: TrailFile, runID: Int64?)] = []
    /// Done earlier but now of another size, with the reason (recorded dead; CloudTrail never rewrites a file).
    public var changed: [(TrailFile, String)] = []
    /// Dead with no attempts left: listed, not retried.
    public var permanentlyDead: [FileRecord] = []
    /// Files in the listing that are not event files (digests, foreign files).
    public var ignored = 0
    /// Directories in the selection that could not be listed: their files were never seen, so the run cannot
    /// be complete (it ends with status 1, and nothing about those files is recorded).
    public var unlisted: [SkippedFile] = []
    /// Listing stamps (modification time, inode) to record: files to process, and done files whose stamp changed
    /// while their content did not.
    public var stamps: [String: JobState.FileStamp] = [:]
    /// Of `changed`, the files noticed as rewritten this run (recorded so they stay dead).
    public var newlyRewritten: Set<String> = []
    /// Publications a crashed run left (recovered before anything else).
    public var pendingIntents = 0

    /// Every listed file a load may read: all but the permanently dead.
    public var loadable: [TrailFile] {
        let dead = Set(permanentlyDead.map(\.identity.key))
        return listed.filter { !dead.contains($0.relativePath) }
    }
}

extension JobRunner {
    /// Lists the selection and checks every file against `state` (nil = no state yet: every file is new).
    func makePlan(state: JobState?) throws(JobRunFailure) -> JobPlan {
        let selection = archiveSelection
        var plan = JobPlan(dates: selection.deliveryDates ?? options.today...options.today)
        let discovery: DiscoveryResult
        do { discovery = try ArchiveDiscovery(root: job.sourcePath, selection: selection).discover() } catch {
            throw JobRunFailure(message: "cannot read the archive: \(error)")
        }
        plan.listed = discovery.eventFiles
        plan.ignored = discovery.skipped.count + discovery.digestFiles.count
        plan.unlisted = discovery.unlisted
        guard let state else {
            plan.toProcess = plan.listed
            return plan
        }
        let checks = try JobRunFailure.wrap { () throws(JobStateError) in
            try state.check(plan.listed.map { FileIdentity(key: $0.relativePath, size: $0.size) }, maxAttempts: maxAttempts)
        }
        plan.pendingIntents = try JobRunFailure.wrap { () throws(JobStateError) in try state.pendingIntents().count }
        let keys = plan.listed.map(\.relativePath)
        let rewritten = try JobRunFailure.wrap { () throws(JobStateError) in try state.rewrittenFiles(among: keys) }
        let stamps = try JobRunFailure.wrap { () throws(JobStateError) in try state.stamps(keys: keys) }
        for (file, check) in zip(plan.listed, checks) {
            let stamp = JobState.FileStamp(modifiedNanos: file.modifiedNanos, inode: file.inode)
            if let reason = rewritten[file.relativePath] {
                // Rewritten after it was done: dead until an operator acknowledges it (`status --forget`).
                plan.changed.append((file, reason))
                continue
            }
            switch check {
            case .new:
                plan.toProcess.append(file)
                plan.stamps[file.relativePath] = stamp
            case .retry:
                plan.toProcess.append(file)
                plan.stamps[file.relativePath] = stamp
                plan.retries += 1
            case .done(let record):
                if let before = stamps[file.relativePath], before != stamp, file.inode != 0 {
                    // Same size, but touched or replaced: compare the content's hash (only now, not every run).
                    if let recorded = record.identity.sha256, let now = ContentHash.sha256(path: file.absolutePath),
                        now != recorded
                    {
                        let run = record.runID.map { " by run \($0)" } ?? ""
                        plan.changed.append(
                            (
                                file,
                                "changed since it was done\(run): same size (\(file.size) bytes), other content "
                                    + "(SHA-256 \(recorded.prefix(12))… then, \(now.prefix(12))… now; CloudTrail never "
                                    + "rewrites a log file)"
                            ))
                        plan.newlyRewritten.insert(file.relativePath)
                        continue
                    }
                }
                if stamps[file.relativePath] != stamp && file.inode != 0 { plan.stamps[file.relativePath] = stamp }
                plan.alreadyDone.append((file, record.runID))
            case .changed(let record) where record.status == .done:
                let run = record.runID.map { " by run \($0)" } ?? ""
                plan.changed.append(
                    (
                        file,
                        "changed since it was done\(run): \(record.identity.size) bytes then, \(file.size) now "
                            + "(CloudTrail never rewrites a log file)"
                    ))
                plan.newlyRewritten.insert(file.relativePath)
            case .changed:
                plan.toProcess.append(file)
                plan.stamps[file.relativePath] = stamp
                plan.retries += 1
            case .permanentlyDead(let record):
                plan.permanentlyDead.append(record)
            }
        }
        return plan
    }

    /// `--dry-run`: the plan, from a read-only look at the state and the databases. Creates, locks and writes
    /// nothing (not even the state file).
    func dryRun(summary: JobRunSummary) -> Result {
        var summary = summary
        let state: JobState?
        let plan: JobPlan
        do {
            state = try JobState.openReadOnly(path: job.statePath)
            plan = try makePlan(state: state)
        } catch let error as JobStateError {
            summary.failure = error.description
            summary.verdict = .failed
            return Result(summary: summary)
        } catch {
            summary.failure = (error as? JobRunFailure)?.message ?? "\(error)"
            summary.verdict = .failed
            return Result(summary: summary)
        }
        summary.files.listed = plan.listed.count
        summary.files.toProcess = plan.toProcess.count
        summary.files.alreadyDone = plan.alreadyDone.count
        summary.files.permanentlyDead = plan.permanentlyDead.count
        summary.files.dead = plan.changed.count
        summary.bytesToProcess = plan.toProcess.reduce(0) { $0 + $1.size }

        var lines: [String] = []
        lines.append("job \(job.name): dry run, nothing is changed")
        lines.append("state: \(job.statePath)\(state == nil ? " (none yet: every file is new)" : "")")
        lines.append("delivery dates: \(plan.dates.lowerBound) to \(plan.dates.upperBound)")
        let listedBytes = plan.listed.reduce(0) { $0 + $1.size }
        lines.append("listed: \(plan.listed.count) event files, \(Self.bytes(listedBytes))"
            + (plan.ignored > 0 ? " (\(plan.ignored) other file\(plan.ignored == 1 ? "" : "s") ignored)" : ""))
        if let first = plan.toProcess.map(\.deliveryDate).min(), let last = plan.toProcess.map(\.deliveryDate).max() {
            lines.append(
                "to process: \(plan.toProcess.count) files, \(Self.bytes(summary.bytesToProcess)), delivered "
                    + "\(first) to \(last) (\(plan.toProcess.count - plan.retries) new, \(plan.retries) retried)")
        } else {
            lines.append("to process: nothing")
        }
        lines.append("already done: \(plan.alreadyDone.count) files")
        for (file, reason) in plan.changed { lines.append("would be dead: \(file.relativePath): \(reason)") }
        lines.append("permanently dead (not retried): \(plan.permanentlyDead.count) files")
        for record in plan.permanentlyDead {
            lines.append("  \(record.identity.key): \(record.reason ?? "") (\(record.attempts) attempts)")
        }
        if plan.pendingIntents > 0 {
            lines.append("a crashed run left \(plan.pendingIntents) publications: the run recovers them first")
        }
        for sink in job.fileSinks {
            let action =
                plan.toProcess.isEmpty
                ? "nothing to write"
                : "would export \(plan.toProcess.count) files into new \(sink.format.fileExtension) files"
            lines.append("sink \(sink.name) (\(sink.type.rawValue) → \(sink.directory)): \(action)")
        }
        for sink in job.postgresSinks {
            let files = plan.loadable.filter { file in !plan.changed.contains { $0.0.relativePath == file.relativePath } }
            do {
                let load = try PostgresEventSink.plan(target: job.postgresTarget(for: sink), files: files)
                var text = "sink \(sink.name) (postgres, schema \(sink.schema)): \(load.notLoaded) of \(files.count) "
                    + "files not yet in loaded_files (would load them), \(load.alreadyLoaded) already loaded"
                if load.changed > 0 { text += ", \(load.changed) changed since loaded (would be dead)" }
                if load.schemaVersion == 0 {
                    text += sink.migrate ? "; the schema would be created" : "; the schema does not exist (migrate: false)"
                } else if load.pendingMigrations > 0 {
                    text += "; \(load.pendingMigrations) migrations pending"
                }
                lines.append(text)
            } catch {
                lines.append("sink \(sink.name) (postgres, schema \(sink.schema)): cannot check: \(error.message)")
                summary.failure = error.message
                summary.verdict = .failed
            }
        }
        return Result(summary: summary, planText: lines.joined(separator: "\n") + "\n")
    }

    /// `12.3 MB`-style sizes (powers of 1000).
    static func bytes(_ count: Int) -> String {
        let units = ["bytes", "kB", "MB", "GB", "TB"]
        var value = Double(count)
        var unit = 0
        while value >= 1000 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(count) bytes" : String(format: "%.1f", value) + " " + units[unit]
    }
}
