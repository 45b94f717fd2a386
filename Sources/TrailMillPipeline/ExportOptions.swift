import Synchronization
public import TrailMillArchive
public import TrailMillDedupe
public import TrailMillSIEM
import TrailMillNormalize

/// How each event is written.
public enum OutputFormat: String, Sendable, Hashable, CaseIterable {
    /// One flat-schema-v1 JSON object per line.
    case flat
    /// The original CloudTrail record, verbatim but on one line.
    case raw
    /// ArcSight Common Event Format lines (`Schemas/cef-leef-mapping-v1.md`).
    case cef
    /// QRadar LEEF 2.0 lines, TAB-delimited (`Schemas/cef-leef-mapping-v1.md`).
    case leef

    /// Output file extension (before `.gz`).
    public var fileExtension: String {
        switch self {
        case .flat, .raw: "ndjson"
        case .cef: "cef"
        case .leef: "leef"
        }
    }
}

/// Everything an export run needs to know.
public struct ExportOptions: Sendable {
    /// Archive root.
    public var source: String
    /// Output directory.
    public var outputDirectory: String
    /// Line format.
    public var format: OutputFormat = .flat
    /// gzip the output files.
    public var gzip = false
    /// Check files against CloudTrail's digest chains first (`--verify-digests`); nil = no check.
    public var digestVerification: DigestVerification?
    /// A syslog header before each CEF or LEEF line (ignored for NDJSON).
    public var syslog: SyslogHeader = .none
    /// Which files to read (accounts, regions; delivery dates are derived from `filter`'s time range).
    public var accounts: Set<String> = []
    /// Region folders to read; empty = all.
    public var regions: Set<String> = []
    /// Which events to keep.
    public var filter = EventFilter()
    /// Extra delivery days read after `until` (events can be delivered late). The day before `since` is read too.
    public var deliveryMarginDays = 1
    /// Parallel decoders (files in flight); defaults to the active processor count.
    public var jobs = 1
    /// Per-file limit on decompressed bytes (gzip bomb guard).
    public var maxDecompressedBytes = 2 << 30
    /// Rotate output files after this many uncompressed bytes.
    public var maxBytesPerOutputFile = 256 << 20
    /// A file's encoded lines are held until the whole file has decoded; past this many bytes they move to an
    /// anonymous temporary file in the output directory, so memory stays bounded for very large log files.
    public var spillThresholdBytes = 64 << 20
    /// File name stem for outputs; files are `<stem>-00001.ndjson[.gz]` and so on.
    public var outputStem: String

    // MARK: Used by the job runner (`trailmill run`)

    /// Read exactly these files, in this order, instead of discovering the archive (the digest gate still
    /// applies). Discovery's non-event files are then not listed in the summary: the caller listed the archive.
    public var files: [TrailFile]?
    /// The archive selection to use instead of the one derived from `filter`'s time range (a job's delivery
    /// dates); also what the digest gate reads digests for.
    public var archiveSelection: ArchiveSelection?
    /// Event keys delivered by earlier runs: events with one of these keys are dropped as duplicates.
    public var alreadyDelivered: Set<EventKey> = []
    /// Collect the key and event time of every event written (``ExportRun/Outcome/delivered``).
    public var collectDeliveredKeys = false
    /// Checked before each file: once cancelled, the run takes no new file, finishes the output of the files
    /// already consumed and returns (``ExportRun/Outcome/interrupted``).
    public var cancellation: RunCancellation?
    /// Called on the sequencing thread at points of the run (fault-injection tests).
    public var observer: (@Sendable (ExportEvent) -> Void)?

    /// Creates options.
    public init(source: String, outputDirectory: String, outputStem: String) {
        self.source = source
        self.outputDirectory = outputDirectory
        self.outputStem = outputStem
    }

    /// The archive selection implied by these options (`archiveSelection` when set).
    public var selection: ArchiveSelection {
        if let archiveSelection { return archiveSelection }
        var dates: ClosedRange<CivilDate>?
        if filter.sinceMillis != nil || filter.untilMillis != nil {
            let low = filter.sinceMillis.map { TimeArgument.date(ofMillis: $0).adding(days: -1) }
                ?? CivilDate(year: 1, month: 1, day: 1)!
            let high = filter.untilMillis.map { TimeArgument.date(ofMillis: $0).adding(days: deliveryMarginDays) }
                ?? CivilDate(year: 9999, month: 12, day: 31)!
            dates = low <= high ? low...high : low...low
        }
        return ArchiveSelection(accounts: accounts, regions: regions, deliveryDates: dates)
    }
}

/// A stop request shared between a signal handler and a run: set once, checked between files.
public final class RunCancellation: Sendable {
    private let flag = Atomic<Bool>(false)

    /// Creates a token that is not cancelled.
    public init() {}

    /// Asks the runs holding this token to stop after the file in hand.
    public func cancel() { flag.store(true, ordering: .relaxed) }

    /// Whether ``cancel()`` was called.
    public var isCancelled: Bool { flag.load(ordering: .relaxed) }
}

/// A point in an export's life, for ``ExportOptions/observer``.
public enum ExportEvent: Sendable, Hashable {
    /// The sequencer consumed file `index` (0-based) of the run's list and wrote its lines.
    case fileConsumed(index: Int)
    /// The first output line of the run was handed to the writer (the output is not finished yet).
    case firstLineWritten
}

/// Parsing `--since` / `--until` values.
public enum TimeArgument {
    /// Parses an RFC 3339 time (a missing zone means UTC) or a plain `YYYY-MM-DD` date.
    /// A plain date means the start of that day for `since` and the end of that day for `until`.
    public static func parse(_ text: String, endOfDay: Bool) -> Int64? {
        guard let millis = Timestamp.parseMillis(text) else { return nil }
        if endOfDay && text.utf8.count == 10 { return millis + 86_400_000 - 1 }
        return millis
    }

    /// The UTC date containing `millis`.
    public static func date(ofMillis millis: Int64) -> CivilDate {
        CivilDate(daysSinceEpoch: day(ofMillis: millis))
    }

    /// Days since 1970-01-01 of the UTC date containing `millis` (floor division).
    @inline(__always)
    public static func day(ofMillis millis: Int64) -> Int {
        Int(millis >= 0 ? millis / 86_400_000 : (millis - 86_399_999) / 86_400_000)
    }
}
