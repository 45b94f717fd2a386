import ArgumentParser
import Foundation
import TrailMillArchive
import TrailMillJobs
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

    @Option(parsing: .unconditional, help: ArgumentHelp("First delivery date to read (UTC; YYYY-MM-DD or any --since form, e.g. yesterday, -7d); with --to, turns the job into a backfill.", valueName: "date"))
    var from: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Last delivery date to read (UTC; as --from).", valueName: "date"))
    var to: String?

    @Option(help: .hidden)
    var today: String?

    @Option(help: "Also write the run summary as JSON to this file (atomically).")
    var summaryJSON: String?

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if (from == nil) != (to == nil) { throw ValidationError("Use --from and --to together.") }
        if let from, let to {
            guard let low = Self.date(from), let high = Self.date(to) else {
                throw ValidationError("--from and --to take dates: YYYY-MM-DD or \(TimeArgument.forms).")
            }
            if low > high { throw ValidationError("--from \(from) is after --to \(to).") }
        }
        if let today, Self.date(today) == nil { throw ValidationError("--today takes a date as YYYY-MM-DD.") }
    }

    func run() throws {
        let logger = LoggingSetup.bootstrap(logging)
        let jobFile: JobFile
        do { jobFile = try JobLoader().load(path: job) } catch {
            StandardError.write("trailmill: \(error)\n")
            throw ExitCode(RunVerdict.badConfiguration.exitStatus)
        }
        var options = JobRunner.Options()
        options.dryRun = dryRun
        options.showProgress = !logging.quiet && !dryRun
        if let from, let to, let low = Self.date(from), let high = Self.date(to) { options.dates = low...high }
        if let today, let date = Self.date(today) { options.today = date }
        options.faults = FaultInjector(environment: ProcessInfo.processInfo.environment)
        options.host = ProcessInfo.processInfo.hostName
        let signals = dryRun ? nil : JobSignals.install(cancelling: options.cancellation, logger: logger)
        let result = JobRunner(job: jobFile, options: options, logger: logger).run()
        withExtendedLifetime(signals) {}

        let summary = result.summary
        if let planText = result.planText { print(planText, terminator: "") }
        if let failure = summary.failure { StandardError.write("trailmill: \(failure)\n") }
        if let summaryJSON {
            do { try summary.write(to: summaryJSON) } catch {
                StandardError.write("trailmill: cannot write \(summaryJSON): \(error)\n")
            }
        }
        if !dryRun && summary.failure == nil { RunReport.print(summary, quiet: logging.quiet) }
        if summary.exitStatus != 0 { throw ExitCode(summary.exitStatus) }
    }

    /// A delivery date: `YYYY-MM-DD`, or the UTC day of any ``TimeArgument`` form (`today`, `-7d`, …).
    static func date(_ text: String) -> CivilDate? {
        JobValues.parseDate(text) ?? TimeArgument.day(text)
    }
}
