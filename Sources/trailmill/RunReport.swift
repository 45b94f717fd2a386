import TrailMillJobs
import TrailMillPipeline

/// What a finished run prints on stderr: the one-line summary, and under `--quiet` only what cron must mail (one
/// line per dead file and the summary line when a file is dead or the selection found no files).
enum RunReport {
    /// The note for a selection that listed no log files (under cron, almost always a misconfiguration).
    static let nothingFound = "trailmill: warning: the selection found no log files (check --source, --account, --region and the time range)\n"

    /// An export's or load's ending.
    static func print(_ summary: RunSummary, quiet: Bool, filtered: Bool) {
        let printed = print(
            oneLine: summary.oneLine, dead: summary.dead.map { ($0.file, $0.reason) }, listed: summary.files.listed,
            quiet: quiet)
        if printed && !quiet && filtered && summary.events.read > 0 && summary.events.filtered == summary.events.read {
            StandardError.write(
                "trailmill: note: no event matched the filters (\(summary.events.read) events read); "
                    + "names and sources match case-insensitively, * is a wildcard\n")
        }
    }

    /// A job run's ending (`trailmill run`).
    static func print(_ summary: JobRunSummary, quiet: Bool) {
        print(
            oneLine: summary.oneLine, dead: summary.dead.map { ($0.file, $0.reason) }, listed: summary.files.listed,
            quiet: quiet)
    }

    /// Prints the ending; returns whether anything was printed.
    @discardableResult
    private static func print(oneLine: String, dead: [(file: String, reason: String)], listed: Int, quiet: Bool) -> Bool {
        if quiet {
            guard !dead.isEmpty || listed == 0 else { return false }
            for (file, reason) in dead { StandardError.write("trailmill: dead: \(file): \(reason)\n") }
        }
        StandardError.write(oneLine + "\n")
        if listed == 0 { StandardError.write(nothingFound) }
        return true
    }
}
