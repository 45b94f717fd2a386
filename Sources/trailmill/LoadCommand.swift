import ArgumentParser
import Foundation
import TrailMillPipeline

/// `trailmill load`.
struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load an archive's events into PostgreSQL: idempotent, partitioned by day, duplicates dropped.",
        discussion: """
            Files already recorded in <schema>.loaded_files are skipped, so running the same load again inserts \
            nothing. Exit status: 0 = every file done or skipped, 1 = some file dead or the load could not finish, \
            2 = usage error, 3 = another load into the same schema is running.

            Examples:
              trailmill load --source /data/cloudtrail --database postgresql://trailmill@db/security --migrate
              PGHOST=/run/postgresql trailmill load --source ./archive --since 2026-01-01 --summary-json run.json
            """
    )

    @OptionGroup var input: InputOptions
    @OptionGroup var target: DatabaseOptions

    @Flag(help: "Apply pending schema migrations first (otherwise an unmigrated schema stops the load).")
    var migrate = false

    @Option(help: "Commit a transaction after this many bytes of rows (whole files per transaction).")
    var batchBytes: Int = 32 << 20

    @Option(help: "Reconnection attempts after a lost connection, with exponential backoff, before giving up.")
    var retries = 5

    @Option(help: "Seconds a statement may wait for a lock another session holds before the load gives up (1-86400).")
    var lockTimeout = 60

    func validate() throws {
        if batchBytes < 1 { throw ValidationError("--batch-bytes must be positive.") }
        if !(0...1000).contains(retries) { throw ValidationError("--retries must be between 0 and 1000.") }
        if !(1...86_400).contains(lockTimeout) { throw ValidationError("--lock-timeout must be between 1 and 86400 seconds.") }
    }

    func run() throws {
        let logger = LoggingSetup.bootstrap(quiet: input.quiet, verbose: input.verbose)
        var target = PostgresTarget(conninfo: self.target.database)
        target.schema = self.target.schema
        target.migrate = migrate
        target.batchBytes = batchBytes
        target.maxRetries = retries
        target.host = ProcessInfo.processInfo.hostName
        target.lockTimeout = .seconds(lockTimeout)
        try RunReporting.checkSummaryTarget(input.summaryJSON)
        var control = input.control
        let cancellation = RunCancellation()
        control.cancellation = cancellation
        target.cancellation = cancellation
        let signals = StopSignals.install(cancelling: cancellation, logger: logger)
        defer { withExtendedLifetime(signals) {} }

        let summary: RunSummary
        do {
            summary = try LoadRun(
                input: input.selection, control: control, target: target, logger: logger, showProgress: !input.quiet
            ).run()
        } catch {
            throw RunReporting.finish(failure: error, summaryPath: input.summaryJSON)
        }
        try input.finish(summary)
    }
}
