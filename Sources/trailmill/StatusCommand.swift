import ArgumentParser
import Foundation
import TrailMillJobs
import TrailMillPipeline

/// `trailmill status JOB`.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show what a job's state holds: files done, skipped and dead, and the last runs. Read-only.",
        discussion: """
            Exit status: 0 = shown, 1 = the state cannot be read, 2 = usage error or bad job file.
            """
    )

    @Argument(help: "The job file (YAML).")
    var job: String

    @Option(help: "How many recent runs to show.")
    var runs = 5

    @Flag(help: "List every skipped file too.")
    var verbose = false

    @Option(
        help: ArgumentHelp(
            "Forget a file (its key as listed): a rewritten or dead file is then new to the next run (repeatable).",
            valueName: "key"))
    var forget: [String] = []

    func validate() throws {
        if runs < 0 { throw ValidationError("--runs must be 0 or more.") }
    }

    func run() throws {
        let jobFile: JobFile
        do { jobFile = try JobLoader().load(path: job) } catch {
            StandardError.write("trailmill: \(error)\n")
            throw ExitCode(RunVerdict.badConfiguration.exitStatus)
        }
        let maxAttempts = jobFile.limits.maxAttempts
        if !forget.isEmpty { try forgetFiles(jobFile) }
        do throws(JobStateError) {
            guard let state = try JobState.openReadOnly(path: jobFile.statePath) else {
                print("job \(jobFile.name): no state yet at \(jobFile.statePath) (the job has not run)")
                return
            }
            let counts = try state.statusCounts(maxAttempts: maxAttempts)
            print("job \(jobFile.name)")
            print("state: \(jobFile.statePath)")
            print(
                "files: \(counts.done) done, \(counts.skipped) skipped, \(counts.dead) dead "
                    + "(\(counts.permanentlyDead) permanently: \(maxAttempts) attempts used)")
            print("delivered event keys held for dedupe: \(counts.deliveredKeys)")
            if counts.pendingIntents > 0 {
                print("pending publications (a run was killed; the next run recovers them): \(counts.pendingIntents)")
            }
            let dead = try state.files(status: .dead)
            if !dead.isEmpty {
                print("dead files:")
                for record in dead {
                    let permanent = record.attempts >= maxAttempts ? ", permanently dead (not retried)" : ""
                    print("  \(LogText.escapingControlCharacters(record.identity.key)): \(LogText.escapingControlCharacters(record.reason ?? "")) (attempts \(record.attempts)\(permanent))")
                }
            }
            let skipped = try state.files(status: .skipped)
            if !skipped.isEmpty {
                print("skipped files (retried every run): \(skipped.count)")
                for record in verbose ? skipped : Array(skipped.prefix(20)) {
                    print("  \(LogText.escapingControlCharacters(record.identity.key)): \(LogText.escapingControlCharacters(record.reason ?? ""))")
                }
                if !verbose && skipped.count > 20 { print("  ... (--verbose lists all)") }
            }
            let recent = try state.recentRuns(limit: runs)
            if !recent.isEmpty { print("last runs:") }
            for run in recent {
                var line = "  run \(run.id): started \(Self.time(run.startedMillis))"
                if let finished = run.finishedMillis {
                    line += ", finished \(Self.time(finished)), exit \(run.exitStatus.map(String.init) ?? "?")"
                } else {
                    line += ", not finished (running, or killed)"
                }
                if run.dryRun { line += " (dry run)" }
                print(line)
                if let json = run.summaryJSON, let summary = try? JSONDecoder().decode(
                    JobRunSummary.self, from: Data(json.utf8))
                {
                    print("    " + summary.oneLine)
                    if let failure = summary.failure { print("    failed: \(failure)") }
                }
            }
        } catch {
            StandardError.write("trailmill: \(error)\n")
            throw ExitCode(1)
        }
    }

    /// `--forget`: under the job's lock (never during a run), drops the files' records.
    private func forgetFiles(_ jobFile: JobFile) throws {
        let lock: RunLock
        do { lock = try RunLock.acquire(path: jobFile.lockPath) } catch {
            StandardError.write("trailmill: \(error)\n")
            throw ExitCode(error.isAlreadyRunning ? RunVerdict.alreadyRunning.exitStatus : 1)
        }
        defer { lock.release() }
        do throws(JobStateError) {
            let state = try JobState(path: jobFile.statePath)
            for key in forget {
                let known = try state.forget(key)
                let shown = LogText.escapingControlCharacters(key)
                print(known ? "forgot \(shown): the next run treats it as new" : "\(shown): not in the state")
            }
        } catch {
            StandardError.write("trailmill: \(error)\n")
            throw ExitCode(1)
        }
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`.
    static func time(_ millis: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
    }
}
