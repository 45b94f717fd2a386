import ArgumentParser
import Foundation
import TrailMillArchive
import TrailMillJobs
import TrailMillPOSIX
import TrailMillPipeline

/// `trailmill run JOB`.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a job file once: process every listed file not yet done, exactly once per sink.",
        discussion: """
            Each run lists the job's selection and asks the job's state about every file (never a watermark), so \
            files delivered late or out of order are picked up. Outputs appear atomically and each event reaches \
            each sink exactly once, across crashes and reruns. Overlapping runs of a job are refused.

            Exit status: 0 = every file done, 1 = some file dead (the rest processed) or the run failed, \
            2 = usage error or bad job file, 3 = already running (another run holds the job's lock, or another \
            load holds the schema's lock), 4 = stopped by SIGINT/SIGTERM (state consistent; rerun to resume).

            Examples:
              trailmill run /etc/trailmill/nightly-siem-cef.yaml --quiet
              trailmill run Jobs/backfill-2026-q1.yaml --dry-run
              trailmill run /etc/trailmill/nightly-postgres.yaml --from 2026-01-01 --to 2026-01-31
            """
    )

    @Argument(help: "The job file (YAML).")
    var job: String

    @Flag(help: "Print the plan (files, bytes, dates, per sink what would happen) and change nothing anywhere.")
    var dryRun = false

    @Option(help: "First delivery date to read (YYYY-MM-DD, UTC); with --to, turns the job into a backfill.")
    var from: String?

    @Option(help: "Last delivery date to read (YYYY-MM-DD, UTC).")
    var to: String?

    @Option(help: .hidden)
    var today: String?

    @Option(help: "Also write the run summary as JSON to this file (atomically; '-' = stdout; a FIFO or /dev/stdout is written in place).")
    var summaryJSON: String?

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    @Flag(help: "Log every step.")
    var verbose = false

    func validate() throws {
        if (from == nil) != (to == nil) { throw ValidationError("Use --from and --to together.") }
        if let from, let to {
            guard let low = Self.date(from), let high = Self.date(to) else {
                throw ValidationError("--from and --to take dates as YYYY-MM-DD.")
            }
            if low > high { throw ValidationError("--from \(from) is after --to \(to).") }
        }
        if let today, Self.date(today) == nil { throw ValidationError("--today takes a date as YYYY-MM-DD.") }
    }

    func run() throws {
        let logger = LoggingSetup.bootstrap(quiet: quiet, verbose: verbose)
        try RunReporting.checkSummaryTarget(summaryJSON)
        let jobFile: JobFile
        do { jobFile = try JobLoader().load(path: job) } catch {
            StandardError.write("trailmill: \(error)\n")
            throw ExitCode(RunVerdict.badConfiguration.exitStatus)
        }
        var options = JobRunner.Options()
        options.dryRun = dryRun
        if let from, let to, let low = Self.date(from), let high = Self.date(to) { options.dates = low...high }
        if let today, let date = Self.date(today) { options.today = date }
        options.faults = FaultInjector(environment: ProcessInfo.processInfo.environment)
        options.host = ProcessInfo.processInfo.hostName
        let signals = dryRun ? nil : StopSignals.install(cancelling: options.cancellation, logger: logger)
        let result = JobRunner(job: jobFile, options: options, logger: logger).run()
        withExtendedLifetime(signals) {}

        let summary = result.summary
        if let planText = result.planText { print(planText, terminator: "") }
        if let failure = summary.failure { RunReporting.fail(failure) }
        if let summaryJSON {
            if summaryJSON == "-" {
                print(summary.json(pretty: true))
            } else {
                do throws(SystemCallError) { try summary.write(to: summaryJSON) } catch {
                    RunReporting.fail("cannot write the summary to \(summaryJSON): \(error.reason)")
                }
            }
        }
        if !quiet && !dryRun && summary.failure == nil { StandardError.write(summary.oneLine + "\n") }
        if summary.exitStatus != 0 { throw ExitCode(summary.exitStatus) }
    }

    /// `YYYY-MM-DD` as a date.
    static func date(_ text: String) -> CivilDate? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 10, parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]),
            let day = Int(parts[2])
        else { return nil }
        return CivilDate(year: year, month: month, day: day)
    }
}
