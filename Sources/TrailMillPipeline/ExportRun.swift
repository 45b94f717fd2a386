public import Logging

/// One `trailmill export`: the run engine with one file sink (NDJSON, CEF or LEEF files).
public struct ExportRun: Sendable {
    /// What to read.
    public var input: InputSelection
    /// How to run.
    public var control: RunControl
    /// Where and how to write.
    public var output: FileOutput
    /// Where to log (warnings for dead files and conflicts; debug per file).
    public var logger: Logger
    /// Draw a progress bar on stderr when it is a terminal.
    public var showProgress: Bool

    /// Creates a run.
    public init(input: InputSelection, control: RunControl, output: FileOutput, logger: Logger, showProgress: Bool = false) {
        self.input = input
        self.control = control
        self.output = output
        self.logger = logger
        self.showProgress = showProgress
    }

    /// Runs the export and returns its summary. Per-file problems never throw: they are counted in the summary.
    ///
    /// Publication is all or nothing: every output file (rotated ones included) waits under a hidden temporary
    /// name and all are named together once the run has finished. A stopped run (``RunControl/cancellation``)
    /// publishes nothing and returns an interrupted summary; so does a failure, which throws with the summary
    /// (``RunFailure/summary``). Throws when the archive cannot be read or the output cannot be written.
    public func run() throws(RunFailure) -> RunSummary {
        var output = self.output
        output.publishAtEnd = true
        let sink = FileOutputSink(name: output.stem, output: output)
        if let observer = control.observer { sink.onFirstLine = { observer(.firstLineWritten) } }
        var engine = RunEngine(input: input, control: control, sinks: [sink], logger: logger)
        engine.showProgress = showProgress
        let outcome = try engine.run()
        var summary = outcome.summary(sink: 0)
        summary.format = output.format.rawValue
        var failure = outcome.sinks[0].failure?.message
        if failure == nil && !outcome.interrupted {
            do throws(SinkFailure) { try sink.publish() } catch { failure = error.message }
        }
        if failure != nil || outcome.interrupted { sink.abandon() }
        summary.outputs = sink.report().outputs
        if let failure {
            summary.failure = failure
            summary.verdict = .failed
            throw RunFailure(message: failure, summary: summary)
        }
        summary.verdict = .finished(deadFiles: summary.files.dead, interrupted: outcome.interrupted)
        return summary
    }
}
