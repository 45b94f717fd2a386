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
    /// Throws when the archive cannot be read or the output cannot be written (nothing partial is published).
    public func run() throws(RunFailure) -> RunSummary {
        let sink: any EventSink
        if output.isStandardOutput {
            sink = StandardOutputSink(output: output)
        } else {
            let files = FileOutputSink(name: output.stem, output: output)
            if let observer = control.observer { files.onFirstLine = { observer(.firstLineWritten) } }
            sink = files
        }
        var engine = RunEngine(input: input, control: control, sinks: [sink], logger: logger)
        engine.showProgress = showProgress
        let outcome = try engine.run()
        if let failure = outcome.sinks[0].failure { throw failure }
        var summary = outcome.summary(sink: 0)
        summary.format = output.format.rawValue
        summary.verdict = .finished(deadFiles: summary.files.dead, interrupted: outcome.interrupted)
        return summary
    }
}
