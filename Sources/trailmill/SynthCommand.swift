import ArgumentParser
import TrailMillPipeline
import TrailMillSynth

/// `trailmill synth`.
struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Write a realistic synthetic CloudTrail archive in the real S3 key layout.",
        discussion: "Global-service events (IAM, STS, sign-in) are delivered by every region's trail, as with several "
            + "single-region trails, so the archive contains cross-region duplicates."
    )

    @Option(help: "Directory to write the archive into.")
    var out: String

    @Option(help: "Number of accounts.")
    var accounts = 2

    @Option(help: "Number of regions.")
    var regions = 3

    @Option(help: "Number of delivery days.")
    var days = 2

    @Option(parsing: .unconditional, help: ArgumentHelp("First delivery day (YYYY-MM-DD or any --since form, e.g. -3d, yesterday; UTC).", valueName: "date"))
    var start = "2026-01-15"

    @Option(help: "Log files per account, region and day.")
    var filesPerDay = 4

    @Option(help: "Records per log file.")
    var eventsPerFile = 50

    @Option(help: "Also write the first account's files under this organization trail id (o-...).")
    var organization: String?

    @Option(help: "PRNG seed; the same seed gives the same archive.")
    var seed: UInt64 = 1

    func validate() throws {
        for (name, value) in [("accounts", accounts), ("regions", regions), ("days", days),
                              ("files-per-day", filesPerDay), ("events-per-file", eventsPerFile)] where value < 1 {
            throw ValidationError("Please specify a '--\(name)' of at least 1.")
        }
        if RunCommand.date(start) == nil { throw ValidationError("--start '\(start)' is not a date: YYYY-MM-DD or \(TimeArgument.forms).") }
    }

    func run() throws {
        var options = SyntheticArchiveOptions()
        options.accounts = accounts
        options.regions = regions
        options.days = days
        if let date = RunCommand.date(start) { options.startDate = date }
        options.filesPerDay = filesPerDay
        options.eventsPerFile = eventsPerFile
        options.organizationID = organization
        options.seed = seed
        let manifest = try SyntheticArchive.write(to: out, options: options)
        print(
            "wrote \(manifest.files) files, \(manifest.records) records (\(manifest.distinctEvents) distinct events), "
                + "\(manifest.compressedBytes) bytes gzip to \(out)")
    }
}
