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

    /// What a run of the job reads: its source, selection and filters (a run sets the files and dates).
    public var inputSelection: InputSelection {
        var input = InputSelection(root: sourcePath)
        input.accounts = selection.accounts
        input.regions = selection.regions
        input.eventFolders = selection.eventFolders
        input.filter = filters.eventFilter
        input.digestVerification = digestVerification
        return input
    }

    /// How a run of the job executes.
    public var runControl: RunControl {
        var control = RunControl()
        control.jobs = jobs
        control.maxDecompressedBytes = limits.maxDecompressedBytes
        return control
    }

    /// Where a PostgreSQL sink loads.
    public func postgresTarget(for sink: PostgresSink) -> PostgresTarget {
        var target = PostgresTarget(conninfo: sink.database?.reveal())
        target.schema = sink.schema
        target.migrate = sink.migrate
        return target
    }
}

/// Dates for runs.
public enum JobClock {
    /// The current UTC date (inject a fixed date in tests instead of calling this).
    public static func today() -> CivilDate { CivilDate.today() }

    /// The current time as UTC milliseconds since 1970.
    public static func nowMillis() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }
}
