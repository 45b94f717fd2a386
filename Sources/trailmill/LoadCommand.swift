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

    @Option(help: ArgumentHelp("Commit a transaction after this size of rows, e.g. 32MiB (whole files per transaction).", valueName: "size"))
    var batchBytes = ByteSize(32 << 20)

    @Option(help: "Reconnection attempts after a lost connection, with exponential backoff, before giving up.")
    var retries = 5

    @Flag(help: "Also store each record itself (the raw jsonb column), so `trailmill history --event-id` shows it as CloudTrail wrote it.")
    var keepRaw = false

    func validate() throws {
        if retries < 0 { throw ValidationError("--retries must be 0 or more.") }
    }

    func run() throws {
        let logger = LoggingSetup.bootstrap(input.logging)
        var target = PostgresTarget(conninfo: self.target.database)
        target.schema = self.target.schema
        target.migrate = migrate
        target.batchBytes = batchBytes.bytes
        target.maxRetries = retries
        target.keepsRawRecords = keepRaw
        target.host = ProcessInfo.processInfo.hostName

        let stdin = try input.standardInputCopy()
        let selection = input.selection(stdinCopy: stdin?.path)
        let summary: RunSummary
        do {
            summary = try LoadRun(
                input: selection, control: input.control, target: target, logger: logger,
                showProgress: !input.quiet
            ).run()
        } catch {
            StandardError.write("trailmill: \(error.message)\n")
            throw ExitCode((error.isLockBusy ? RunVerdict.alreadyRunning : .failed).exitStatus)
        }
        try input.finish(summary, filter: selection.filter)
    }
}
