public import TrailMillArchive

/// Settings for a synthetic CloudTrail archive.
public struct SyntheticArchiveOptions: Sendable, Hashable {
    /// Number of member accounts (12-digit IDs derived from the seed).
    public var accounts: Int = 2
    /// Number of regions, taken in order from a fixed list of real region names starting with us-east-1.
    public var regions: Int = 3
    /// Number of consecutive delivery days.
    public var days: Int = 2
    /// First delivery day.
    public var startDate: CivilDate = CivilDate(year: 2026, month: 1, day: 15)!
    /// Log files per account, region and day.
    public var filesPerDay: Int = 4
    /// Records per log file (before cross-region copies of global events are added).
    public var eventsPerFile: Int = 50
    /// Share of events that are global-service events (IAM, STS, sign-in) which every region's trail also delivers,
    /// producing cross-region duplicates with the same eventID and identical content.
    public var globalEventShare: Double = 0.1
    /// When set, the first account's files are also written under an organization trail
    /// (`AWSLogs/<org>/<account>/…`), duplicating every one of its events.
    public var organizationID: String? = nil
    /// Optional bucket prefix before `AWSLogs/` (may contain `/`).
    public var prefix: String = ""
    /// gzip level for the files.
    public var compressionLevel: Int32 = 6
    /// Seed: the same options and seed give byte-identical archives.
    public var seed: UInt64 = 1

    /// Creates options with the defaults above.
    public init() {}
}

/// What a synthetic archive holds, so tests can assert exact counts.
public struct SyntheticArchiveManifest: Sendable, Hashable, Codable {
    /// Event log files written.
    public var files: Int
    /// Records written across all files, copies included.
    public var records: Int
    /// Distinct (eventID, recipientAccountId) keys.
    public var distinctEvents: Int
    /// Uncompressed JSON bytes written.
    public var uncompressedBytes: Int
    /// Compressed bytes written.
    public var compressedBytes: Int

    /// Creates a value.
    public init(files: Int, records: Int, distinctEvents: Int, uncompressedBytes: Int, compressedBytes: Int) {
        self.files = files
        self.records = records
        self.distinctEvents = distinctEvents
        self.uncompressedBytes = uncompressedBytes
        self.compressedBytes = compressedBytes
    }
}

/// Writes realistic synthetic CloudTrail archives in the real S3 key layout.
public enum SyntheticArchive {
    /// Writes an archive under `directory` (created if needed) and returns its manifest.
    /// Also writes `synth-manifest.json` at the root (outside `AWSLogs/`).
    public static func write(to directory: String, options: SyntheticArchiveOptions) throws -> SyntheticArchiveManifest {
        fatalError("unimplemented")
    }
}
