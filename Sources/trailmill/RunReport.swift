import TrailMillJobs
import TrailMillPipeline

/// What a finished run prints on stderr: the one-line summary, and under `--quiet` only what cron must mail (one
/// line per dead file and the summary line when a file is dead or the selection found no files).
enum RunReport {
    /// The note for a selection that listed no log files (under cron, almost always a misconfiguration).
    static let nothingFound = "trailmill: warning: the selection found no log files (check --source, --account, --region and the time range)\n"

    /// An export's or load's ending.
    static func print(_ summary: RunSummary, quiet: Bool, filtered: Bool) {
        let foundNothing = summary.files.listed == 0
        if quiet {
            guard summary.files.dead > 0 || foundNothing else { return }
            for dead in summary.dead { StandardError.write("trailmill: dead: \(dead.file): \(dead.reason)\n") }
        }
        StandardError.write(summary.oneLine + "\n")
        if foundNothing { StandardError.write(nothingFound) }
        if !quiet && filtered && summary.events.read > 0 && summary.events.filtered == summary.events.read {
            StandardError.write(
                "trailmill: note: no event matched the filters (\(summary.events.read) events read); "
                    + "names and sources match case-insensitively, * is a wildcard\n")
        }
    }

    /// A job run's ending (`trailmill run`).
    static func print(_ summary: JobRunSummary, quiet: Bool) {
        let foundNothing = summary.files.listed == 0
        if quiet {
            guard summary.files.dead > 0 || foundNothing else { return }
            for dead in summary.dead { StandardError.write("trailmill: dead: \(dead.file): \(dead.reason)\n") }
        }
        StandardError.write(summary.oneLine + "\n")
        if foundNothing { StandardError.write(nothingFound) }
    }
}
