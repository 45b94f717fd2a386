import Foundation
import Logging
import TrailMillIntegrity
import TrailMillPipeline
import TrailMillTestSupport

/// What one test export reads, how it runs and where it writes, with shortcuts for the settings tests change.
struct ExportSetup {
    var input: InputSelection
    var control = RunControl()
    var output: FileOutput

    var filter: EventFilter {
        get { input.filter }
        set { input.filter = newValue }
    }
    var digestVerification: DigestVerification? {
        get { input.digestVerification }
        set { input.digestVerification = newValue }
    }
    var format: OutputFormat {
        get { output.format }
        set { output.format = newValue }
    }
    var maxDecompressedBytes: Int {
        get { control.maxDecompressedBytes }
        set { control.maxDecompressedBytes = newValue }
    }
    var spillThresholdBytes: Int {
        get { control.spillThresholdBytes }
        set { control.spillThresholdBytes = newValue }
    }
}

/// Runs an export of `root` into a fresh output directory and returns the summary and where the output went.
func runExport(
    _ root: TemporaryDirectory, jobs: Int = 2, logger: Logger? = nil, configure: (inout ExportSetup) -> Void = { _ in }
) throws -> (summary: RunSummary, output: TemporaryDirectory) {
    let output = try TemporaryDirectory("out")
    var setup = ExportSetup(
        input: InputSelection(root: root.path), output: FileOutput(directory: output.path, stem: "test"))
    setup.control.jobs = jobs
    setup.control.spillDirectory = output.path
    configure(&setup)
    let logger = logger ?? Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    let summary = try ExportRun(input: setup.input, control: setup.control, output: setup.output, logger: logger).run()
    return (summary, output)
}

extension RunSummary {
    /// The reason recorded for `file` among skipped or dead files.
    func reason(for file: String) -> (status: String, reason: String)? {
        if let entry = dead.first(where: { $0.file == file }) { return ("dead", entry.reason) }
        if let entry = skipped.first(where: { $0.file == file }) { return ("skipped", entry.reason) }
        return nil
    }

    /// read = written + duplicates + conflicts + filtered, and every file counted once.
    var isBalanced: Bool {
        events.read == events.written + events.duplicates + events.conflicts + events.filtered
            && files.skipped == skipped.count && files.dead == dead.count
    }
}
