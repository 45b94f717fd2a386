/// The CloudTrail folder a file sits in, under `AWSLogs/[o-id/]<account>/`.
public enum TrailFolder: String, Sendable, Hashable, CaseIterable {
    /// Management and data events.
    case cloudTrail = "CloudTrail"
    /// Insights events.
    case insight = "CloudTrail-Insight"
    /// Network activity events.
    case networkActivity = "CloudTrail-NetworkActivity"
    /// Hourly digest files (integrity chain), never events.
    case digest = "CloudTrail-Digest"

    /// Whether files in this folder hold `{"Records":[...]}` events.
    public var holdsEvents: Bool { self != .digest }
}

/// A file found in the archive whose key follows CloudTrail's layout, with what its path says.
public struct TrailFile: Sendable, Hashable {
    /// Path relative to the archive root, `/`-separated (the S3 key when the root is a bucket copy).
    public var relativePath: String
    /// Absolute path on disk.
    public var absolutePath: String
    /// Key prefix before `AWSLogs/`, without a trailing `/`; empty when there is none.
    public var prefix: String
    /// `o-…` for organization trails, else nil.
    public var organizationID: String?
    /// The account folder under `AWSLogs/` (the member account for organization trails).
    public var accountID: String
    /// Which CloudTrail folder.
    public var folder: TrailFolder
    /// Region folder: the region that delivered the file.
    public var region: String
    /// Delivery date from `YYYY/MM/DD` (UTC). Events in the file may be older.
    public var deliveryDate: CivilDate
    /// Size on disk in bytes.
    public var size: Int
    /// Modification time (nanoseconds since 1970) and inode number when listed; 0 = unknown. With the size, what
    /// a job compares to notice a rewritten file cheaply (it hashes only when these changed).
    public var modifiedNanos: Int64 = 0
    public var inode: UInt64 = 0

    /// Creates a value.
    public init(
        relativePath: String, absolutePath: String, prefix: String, organizationID: String?, accountID: String,
        folder: TrailFolder, region: String, deliveryDate: CivilDate, size: Int
    ) {
        self.relativePath = relativePath
        self.absolutePath = absolutePath
        self.prefix = prefix
        self.organizationID = organizationID
        self.accountID = accountID
        self.folder = folder
        self.region = region
        self.deliveryDate = deliveryDate
        self.size = size
    }
}

/// A file that discovery saw but will not read as events, and why.
public struct SkippedFile: Sendable, Hashable {
    /// Path relative to the archive root.
    public var relativePath: String
    /// Why it was skipped, for the run summary.
    public var reason: String

    /// Creates a value.
    public init(relativePath: String, reason: String) {
        self.relativePath = relativePath
        self.reason = reason
    }
}
