import ArgumentParser
import Foundation
import TrailMillPOSIX
import TrailMillPipeline

/// How `export`, `load` and `run` end: the summary file written on every exit (`-` = stdout; special files in
/// place), the target checked before any work, and one line per error on stderr.
enum RunReporting {
    /// Refuses, before anything is read or published, a `--summary-json` path that cannot be written.
    static func checkSummaryTarget(_ path: String?) throws {
        guard let path, path != "-" else { return }
        do throws(SystemCallError) { try FileSystem.checkWritable(path) } catch {
            fail("cannot write the summary to \(path): \(error.reason)")
            throw ExitCode(RunVerdict.failed.exitStatus)
        }
    }

    /// Writes the summary to `path` (`-` = stdout); false, with the reason on stderr, when it cannot.
    @discardableResult
    static func writeSummary(_ summary: RunSummary, to path: String?) -> Bool {
        guard let path else { return true }
        if path == "-" {
            FileHandle.standardOutput.write(Data(summary.jsonBytes))
            return true
        }
        do throws(SystemCallError) { try summary.write(to: path) } catch {
            fail("cannot write the summary to \(path): \(error.reason)")
            return false
        }
        return true
    }

    /// A run that failed as a whole: its summary (or an empty one naming the failure) is written, the message
    /// printed on one line; the process then exits with the failure's status.
    static func finish(failure: RunFailure, summaryPath: String?) -> ExitCode {
        var summary = failure.summary ?? RunSummary()
        if summary.failure == nil {
            summary.failure = failure.message
            summary.verdict = failure.isLockBusy ? .alreadyRunning : .failed
        }
        fail(failure.message)
        writeSummary(summary, to: summaryPath)
        return ExitCode(Int32(summary.exitStatus))
    }

    /// `trailmill: <message>` on one line: libpq's multi-line messages are joined, control characters escaped.
    static func fail(_ message: String) {
        StandardError.write("trailmill: \(oneLine(message))\n")
    }

    /// `text` on one line.
    static func oneLine(_ text: String) -> String {
        let joined = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: "; ")
        return LogText.escapingControlCharacters(joined)
    }
}
