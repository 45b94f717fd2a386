import Foundation
import Logging
import TrailMillPipeline
import TrailMillTestSupport

/// Runs an export of `root` into a fresh output directory and returns the summary and where the output went.
func runExport(
    _ root: TemporaryDirectory, jobs: Int = 2, configure: (inout ExportOptions) -> Void = { _ in }
) throws -> (summary: RunSummary, output: TemporaryDirectory) {
    let output = try TemporaryDirectory("out")
    var options = ExportOptions(source: root.path, outputDirectory: output.path, outputStem: "test")
    options.jobs = jobs
    configure(&options)
    let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    let summary = try ExportRun(options: options, logger: logger).run()
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
