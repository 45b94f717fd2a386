public import Logging

/// One `trailmill load`: the run engine with one PostgreSQL sink.
public struct LoadRun: Sendable {
    /// What to read.
    public var input: InputSelection
    /// How to run.
    public var control: RunControl
    /// Where to load.
    public var target: PostgresTarget
    /// Where to log.
    public var logger: Logger
    /// Draw a progress bar on stderr when it is a terminal.
    public var showProgress: Bool

    /// Creates a run.
    public init(
        input: InputSelection, control: RunControl, target: PostgresTarget, logger: Logger, showProgress: Bool = false
    ) {
        self.input = input
        self.control = control
        self.target = target
        self.logger = logger
        self.showProgress = showProgress
    }

    /// Runs the load and returns its summary. Per-file problems never throw: they are counted in the summary.
    /// Throws when the load cannot start or finish, with the summary so far (``RunFailure/summary``); everything
    /// committed before stays committed and recorded. A stop (``RunControl/cancellation``) cancels the statement
    /// in progress and returns an interrupted summary.
    public func run() throws(RunFailure) -> RunSummary {
        var target = self.target
        if target.source.isEmpty { target.source = input.source.location }
        if target.cancellation == nil { target.cancellation = control.cancellation }
        let sink = PostgresEventSink(name: "postgres", target: target, logger: logger, observer: control.observer)
        var engine = RunEngine(input: input, control: control, sinks: [sink], logger: logger)
        engine.showProgress = showProgress
        engine.extraWindow = PostgresEventSink.filesDecodedAhead
        let outcome = try engine.run()
        var summary = outcome.summary(sink: 0)
        summary.format = "postgres"
        if summary.database == nil { summary.database = RunSummary.Database(schema: target.schema) }
        if let failure = outcome.sinks[0].failure {
            if control.cancellation?.isCancelled == true {
                // The stop cancelled the statement in progress: an interruption, not a failure.
                summary.interrupted = true
                summary.verdict = .interrupted
                sink.finishRun(summary: summary, failed: true, exitStatus: Int(summary.exitStatus))
                return summary
            }
            summary.failure = failure.message
            summary.verdict = failure.isLockBusy ? .alreadyRunning : .failed
            sink.finishRun(summary: summary, failed: true, exitStatus: Int(summary.exitStatus))
            throw RunFailure(message: failure.message, isLockBusy: failure.isLockBusy, summary: summary)
        }
        summary.verdict = .finished(deadFiles: summary.files.dead, interrupted: outcome.interrupted)
        sink.finishRun(summary: summary, failed: false, exitStatus: Int(summary.exitStatus))
        return summary
    }
}
