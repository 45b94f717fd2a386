public import TrailMillArchive
public import TrailMillIntegrity
public import TrailMillPipeline

/// A declarative job, loaded from a YAML job file by ``JobLoader`` (reference: `Schemas/job-v1.md`).
///
/// Every path in it is absolute: relative paths in the file were resolved against the job file's directory, and
/// every `${VAR}` reference was substituted. Printing a job never shows a database password (see
/// ``DatabaseConninfo``).
public struct JobFile: Sendable {
    /// Job file format version (always 1).
    public var version = 1
    /// The job's name: `[A-Za-z0-9._-]`, used for the default state file and output file stems.
    public var name: String
    /// The job file's path as given to the loader.
    public var filePath: String
    /// The absolute directory of the job file (relative paths in the file resolve against it).
    public var directory: String
    /// The archive root (`source.path`).
    public var sourcePath: String
    /// Which files to read.
    public var selection: JobSelection
    /// Which events to keep.
    public var filters: JobFilters
    /// Where events go; at least one.
    public var sinks: [JobSink]
    /// Parallel decoders (`parallelism.jobs`); default: the active processor count.
    public var jobs: Int
    /// Safety limits and retry policy.
    public var limits: JobLimits
    /// Digest-chain verification (`verify_digests`); nil = off.
    public var digestVerification: DigestVerification?
    /// The SQLite state store (`state`); default `<XDG state directory>/<name>.sqlite` (see `JobPaths`).
    public var statePath: String
    /// Where each run writes its JSON summary (`summary`), atomically; nil = not written.
    public var summaryPath: String?

    /// The run lock file next to the state store: `<state>.lock`.
    public var lockPath: String { statePath + ".lock" }

    /// The file sinks (NDJSON, CEF, LEEF), in file order.
    public var fileSinks: [FileSink] { sinks.compactMap { if case .file(let sink) = $0 { sink } else { nil } } }

    /// The PostgreSQL sinks, in file order.
    public var postgresSinks: [PostgresSink] {
        sinks.compactMap { if case .postgres(let sink) = $0 { sink } else { nil } }
    }

    /// Creates a job; ``JobLoader`` is the usual way.
    public init(
        name: String, filePath: String, directory: String, sourcePath: String, selection: JobSelection = JobSelection(),
        filters: JobFilters = JobFilters(), sinks: [JobSink], jobs: Int, limits: JobLimits = JobLimits(),
        statePath: String
    ) {
        self.name = name
        self.filePath = filePath
        self.directory = directory
        self.sourcePath = sourcePath
        self.selection = selection
        self.filters = filters
        self.sinks = sinks
        self.jobs = jobs
        self.limits = limits
        self.statePath = statePath
    }
}

/// `select`: which archive files a run lists.
public struct JobSelection: Sendable, Hashable {
    /// Account folders; empty = all.
    public var accounts: Set<String> = []
    /// Region folders; empty = all.
    public var regions: Set<String> = []
    /// Event folders (`CloudTrail`, `CloudTrail-Insight`, `CloudTrail-NetworkActivity`); default all three.
    public var eventFolders: Set<TrailFolder> = [.cloudTrail, .insight, .networkActivity]
    /// The delivery dates read: a lookback window (default 3 days) or a fixed range.
    public var window: DeliveryWindow = .lookback(Lookback(hours: 72))

    /// Creates the default selection (everything delivered in the last 3 days).
    public init() {}
}

/// Which delivery dates a run reads.
public enum DeliveryWindow: Sendable, Hashable {
    /// Incremental: from `today - lookback.days` through today.
    case lookback(Lookback)
    /// Backfill: a fixed, inclusive range of delivery dates (`from`/`to`).
    case range(ClosedRange<CivilDate>)
}

/// `filters`: which events to keep; maps one to one onto ``EventFilter``.
public struct JobFilters: Sendable, Hashable {
    /// Keep events at or after this time (UTC ms), from `since` (RFC 3339, or `YYYY-MM-DD` = start of day).
    public var sinceMillis: Int64?
    /// Keep events at or before this time (UTC ms), from `until` (RFC 3339, or `YYYY-MM-DD` = end of day).
    public var untilMillis: Int64?
    /// `event_names`.
    public var eventNames: [String] = []
    /// `event_sources`.
    public var eventSources: [String] = []
    /// `users`: user name, role name, actor or ARN (`root`, and `dave` for `dave@example.com`, as `--user`).
    public var users: [String] = []
    /// `user_types`: `userIdentity.type`, as `--user-type`.
    public var userTypes: [String] = []
    /// `resources`: a resource ARN or name, as `--resource`.
    public var resources: [String] = []
    /// `categories`: Management, Data, Insight, NetworkActivity.
    public var categories: [String] = []
    /// `read_only`: true = only read-only events, false = only writes, nil = both.
    public var readOnly: Bool?
    /// `errors_only`: only failed calls.
    public var errorsOnly = false

    /// Creates an empty filter (keeps everything).
    public init() {}

    /// The pipeline's filter.
    public var eventFilter: EventFilter {
        var filter = EventFilter()
        filter.sinceMillis = sinceMillis
        filter.untilMillis = untilMillis
        filter.eventNames = eventNames
        filter.eventSources = eventSources
        filter.users = users
        filter.userTypes = userTypes
        filter.resources = resources
        filter.categories = categories
        filter.readOnly = readOnly.map { $0 ? .readOnly : .writesOnly } ?? .any
        filter.errorsOnly = errorsOnly
        return filter
    }
}

/// `limits`: safety limits and the dead-file retry policy.
public struct JobLimits: Sendable, Hashable {
    /// Per-file limit on decompressed bytes (gzip bomb guard); default 2 GiB.
    public var maxDecompressedBytes = 2 << 30
    /// How many later runs retry a dead file before it stays dead; default 3.
    public var deadFileRetries = 3

    /// Attempts a file gets in all: the first plus `deadFileRetries` (the `maxAttempts` of ``JobState``).
    public var maxAttempts: Int { deadFileRetries + 1 }

    /// Creates the defaults.
    public init() {}
}
