import Foundation
public import TrailMillArchive
public import TrailMillPipeline

extension JobFile {
    /// The delivery dates a run reads: `override` when given (`trailmill run --from/--to`), else the job's
    /// `from`/`to` range, else `today - lookback.days ... today`.
    public func deliveryDates(today: CivilDate, override: ClosedRange<CivilDate>? = nil) -> ClosedRange<CivilDate> {
        if let override { return override }
        switch selection.window {
        case .range(let range): return range
        case .lookback(let lookback): return today.adding(days: -lookback.days)...today
        }
    }

    /// The earliest event time (UTC ms) whose delivered keys matter to a run: midnight of the first delivery date
    /// read, minus `marginDays` (a file holds events from before its delivery day). Load keys from here on for
    /// cross-run dedupe; an incremental (lookback) job may prune older keys.
    public func dedupeWindowStartMillis(
        today: CivilDate, override: ClosedRange<CivilDate>? = nil, marginDays: Int = 2
    ) -> Int64 {
        Int64(deliveryDates(today: today, override: override).lowerBound.adding(days: -marginDays).daysSinceEpoch)
            * 86_400_000
    }

    /// What to list in the archive for a run on `today` (UTC), optionally overriding the dates.
    public func archiveSelection(today: CivilDate, override: ClosedRange<CivilDate>? = nil) -> ArchiveSelection {
        ArchiveSelection(
            accounts: selection.accounts, regions: selection.regions,
            deliveryDates: deliveryDates(today: today, override: override), eventFolders: selection.eventFolders)
    }

    /// Export options for one file sink. `outputStem` defaults to the sink's name; the caller may make it unique
    /// per run. The options' own `selection` (derived from the time filter) is not what a job lists: use
    /// ``archiveSelection(today:override:)`` for that.
    public func exportOptions(for sink: FileSink, outputStem: String? = nil) -> ExportOptions {
        var options = ExportOptions(
            source: sourcePath, outputDirectory: sink.directory, outputStem: outputStem ?? sink.name)
        applyInput(to: &options)
        options.format = sink.format
        options.gzip = sink.gzip
        options.syslog = sink.syslog
        options.maxBytesPerOutputFile = sink.maxFileBytes
        return options
    }

    /// Load options for a PostgreSQL sink. `spillDirectory` holds spill files of very large log files.
    public func loadOptions(for sink: PostgresSink, spillDirectory: String) -> LoadOptions {
        var input = ExportOptions(source: sourcePath, outputDirectory: spillDirectory, outputStem: sink.name)
        applyInput(to: &input)
        var options = LoadOptions(input: input)
        options.conninfo = sink.database?.reveal()
        options.schema = sink.schema
        options.migrate = sink.migrate
        return options
    }

    private func applyInput(to options: inout ExportOptions) {
        options.accounts = selection.accounts
        options.regions = selection.regions
        options.filter = filters.eventFilter
        options.jobs = jobs
        options.maxDecompressedBytes = limits.maxDecompressedBytes
        options.digestVerification = digestVerification
    }
}

/// Dates for runs.
public enum JobClock {
    /// The current UTC date (inject a fixed date in tests instead of calling this).
    public static func today() -> CivilDate { CivilDate.today() }

    /// The current time as UTC milliseconds since 1970.
    public static func nowMillis() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }
}
