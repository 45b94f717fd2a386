/// An input file as the state store identifies it: its path relative to the archive root, its size and (when
/// known) the SHA-256 of its content. (An S3 source would put its ETag in `sha256`'s place.)
public struct FileIdentity: Sendable, Hashable {
    /// Path relative to the archive root.
    public var key: String
    /// Size in bytes.
    public var size: Int
    /// Lowercase hex SHA-256 of the content; nil until known.
    public var sha256: String?

    /// Creates an identity.
    public init(key: String, size: Int, sha256: String? = nil) {
        self.key = key
        self.size = size
        self.sha256 = sha256
    }
}

/// Where a file ended up.
public enum FileStatus: String, Sendable, Hashable, CaseIterable {
    /// Delivered to every sink of the job.
    case done
    /// Not delivered, for a reason that may go away (e.g. held until a digest covers it); retried every run.
    case skipped
    /// Failed (corrupt, too large, ...); retried on later runs up to the job's limit.
    case dead
}

/// What the state store holds about one file.
public struct FileRecord: Sendable, Hashable {
    /// The file as last recorded.
    public var identity: FileIdentity
    /// Its status.
    public var status: FileStatus
    /// Why it was skipped or dead; nil when done.
    public var reason: String?
    /// Failed attempts so far (dead files); 0 otherwise.
    public var attempts: Int
    /// When the store first saw it (UTC ms).
    public var firstSeenMillis: Int64
    /// When it was last recorded (UTC ms).
    public var lastAttemptMillis: Int64
    /// The run that last recorded it.
    public var runID: Int64?
}

/// What a run should do with a listed file, from ``JobState/check(_:maxAttempts:)``.
public enum FileCheck: Sendable, Hashable {
    /// Never recorded: process it.
    case new
    /// Done with the same size (and hash, when both are known): leave it.
    case done(FileRecord)
    /// Recorded earlier with a different size or hash: its content changed since then. Surface it (log, count);
    /// the runner decides whether to process it again.
    case changed(FileRecord)
    /// Skipped earlier, or dead with attempts left: process it again.
    case retry(FileRecord)
    /// Dead with no attempts left: leave it, and list it as permanently dead.
    case permanentlyDead(FileRecord)
}

/// One run of the job.
public struct RunRecord: Sendable, Hashable {
    /// Run id (increasing).
    public var id: Int64
    /// Start time (UTC ms).
    public var startedMillis: Int64
    /// End time (UTC ms); nil while running, or when the run was killed.
    public var finishedMillis: Int64?
    /// Exit status; nil while running or when killed.
    public var exitStatus: Int?
    /// Whether it was a `--dry-run`.
    public var dryRun: Bool
    /// The run summary JSON, as the runner stored it.
    public var summaryJSON: String?

    /// Creates a value.
    public init(
        id: Int64, startedMillis: Int64, finishedMillis: Int64?, exitStatus: Int?, dryRun: Bool, summaryJSON: String?
    ) {
        self.id = id
        self.startedMillis = startedMillis
        self.finishedMillis = finishedMillis
        self.exitStatus = exitStatus
        self.dryRun = dryRun
        self.summaryJSON = summaryJSON
    }
}

/// A published output file.
public struct OutputRecord: Sendable, Hashable {
    /// The run that published it.
    public var runID: Int64
    /// The sink's name.
    public var sink: String
    /// The output's final path.
    public var path: String
    /// Events in it.
    public var events: Int
    /// Its size in bytes.
    public var bytes: Int
    /// Lowercase hex SHA-256 of its content.
    public var sha256: String

    /// Creates a value.
    public init(runID: Int64, sink: String, path: String, events: Int, bytes: Int, sha256: String) {
        self.runID = runID
        self.sink = sink
        self.path = path
        self.events = events
        self.bytes = bytes
        self.sha256 = sha256
    }
}

/// File counts by status, for `trailmill status`.
public struct StatusCounts: Sendable, Hashable {
    /// Files done.
    public var done = 0
    /// Files skipped.
    public var skipped = 0
    /// Files dead (including the permanently dead).
    public var dead = 0
    /// Dead files with no attempts left.
    public var permanentlyDead = 0
    /// Publish intents not yet completed or discarded (non-zero only after a crash).
    public var pendingIntents = 0
    /// Delivered event keys held for cross-run dedupe.
    public var deliveredKeys = 0
}

/// The 128-bit dedupe key of an event (`eventID` + recipient account), as the runner computes it.
public struct DeliveredKey: Sendable, Hashable {
    /// High 64 bits.
    public var high: UInt64
    /// Low 64 bits.
    public var low: UInt64

    /// Creates a key from its halves.
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Creates a key from exactly 16 bytes (big-endian halves); nil for any other length.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 16 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for (index, byte) in bytes.enumerated() {
            if index < 8 { high = high << 8 | UInt64(byte) } else { low = low << 8 | UInt64(byte) }
        }
        self.init(high: high, low: low)
    }

    /// The 16 bytes, big-endian halves (how the store keeps it).
    public var bytes: [UInt8] {
        (0..<16).map { index in
            let half = index < 8 ? high : low
            return UInt8(truncatingIfNeeded: half >> (UInt64(7 - index % 8) * 8))
        }
    }
}

/// An event a publication delivers: its key and event time (which decides when the key is pruned).
public struct DeliveredEvent: Sendable, Hashable {
    /// The dedupe key.
    public var key: DeliveredKey
    /// The event's time (UTC ms).
    public var eventTimeMillis: Int64

    /// Creates a value.
    public init(key: DeliveredKey, eventTimeMillis: Int64) {
        self.key = key
        self.eventTimeMillis = eventTimeMillis
    }
}
