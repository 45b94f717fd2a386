public import TrailMillArchive

/// A digest's verdict.
public enum DigestStatus: Sendable, Hashable {
    /// Signature verified with a listed public key, and every check passed.
    case valid
    /// Failed; the text is aws-cli's status after `INVALID: ` where aws-cli has one (`not found`,
    /// `invalid format`, `signature verification failed`, `has been moved from its original location`,
    /// `public key not found in region <home> for fingerprint <fp>`, `Unable to load PKCS #1 key with fingerprint
    /// <fp>`), else TrailMill's own (stricter checks, unreadable files).
    case invalid(String)
    /// Nothing wrong was found, but the signature could not be checked (no signature for the newest digest of a
    /// chain segment in a local copy, or no public keys); the text says why.
    case unverified(String)

    /// Whether this is `.valid`.
    public var isValid: Bool { self == .valid }
}

/// Where the signature a digest was checked with came from.
public enum SignatureSource: Sendable, Hashable {
    /// The signature sidecar (S3 metadata captured at download time), as aws-cli reads it from S3.
    case sidecar
    /// The `previousDigestSignature` of the next digest in the chain, which names this digest (offline checking).
    case nextDigest(S3Location)
    /// None was available (or the check stopped before the signature).
    case none
}

/// One digest looked at (or found missing).
public struct DigestRecord: Sendable, Hashable {
    public var chain: ChainID
    /// Where the digest is (or should be).
    public var location: S3Location
    /// Its path under the archive root; nil when its bucket is not in this copy.
    public var relativePath: String?
    public var status: DigestStatus
    public var signatureSource: SignatureSource
    /// From the digest's JSON; nil when it could not be read.
    public var startTime: UTCTime?
    public var endTime: UTCTime?
    /// `logFiles` entries (0 when unread).
    public var logCount: Int
    /// A missing digest whose key was inferred from the hourly cadence (aws-cli does not report these).
    public var isInferred: Bool
    /// Findings beyond the status: TrailMill's stricter checks and warnings, one line each.
    public var notes: [String]

    /// Creates a value.
    public init(
        chain: ChainID, location: S3Location, relativePath: String?, status: DigestStatus,
        signatureSource: SignatureSource = .none, startTime: UTCTime? = nil, endTime: UTCTime? = nil,
        logCount: Int = 0, isInferred: Bool = false, notes: [String] = []
    ) {
        self.chain = chain
        self.location = location
        self.relativePath = relativePath
        self.status = status
        self.signatureSource = signatureSource
        self.startTime = startTime
        self.endTime = endTime
        self.logCount = logCount
        self.isInferred = isInferred
        self.notes = notes
    }
}

/// A log file's verdict.
public enum LogStatus: Sendable, Hashable {
    /// Listed in a valid digest, present, one gzip member, SHA-256 of the content matches.
    case valid
    /// Listed in a valid (or unverified) digest and missing or altered: `not found`, `invalid format`,
    /// `hash value doesn't match`, `unexpected data after end of compressed stream`, or `not readable: …`.
    case invalid(String)
    /// Not proven: the text says why (listed in a digest whose signature could not be checked, listed only in
    /// invalid digests, or not listed in any digest).
    case unverified(String)
}

/// One log file checked against a digest entry, or found on disk uncovered.
public struct LogRecord: Sendable, Hashable {
    public var location: S3Location
    /// Its path under the archive root; nil when its bucket is not in this copy.
    public var relativePath: String?
    public var status: LogStatus
    /// The digest whose entry was checked (nil for an uncovered file).
    public var digest: S3Location?
    /// Whether the digest was a backfill digest.
    public var fromBackfill: Bool
    /// For uncovered files: how it is uncovered.
    public var coverage: LogCoverage?
    /// Findings beyond the status (warnings).
    public var notes: [String]

    /// Creates a value.
    public init(
        location: S3Location, relativePath: String?, status: LogStatus, digest: S3Location?, fromBackfill: Bool = false,
        coverage: LogCoverage? = nil, notes: [String] = []
    ) {
        self.location = location
        self.relativePath = relativePath
        self.status = status
        self.digest = digest
        self.fromBackfill = fromBackfill
        self.coverage = coverage
        self.notes = notes
    }
}

/// What the run says about one log file, for callers deciding whether to trust it (`export --verify-digests`).
public enum LogCoverage: Sendable, Hashable {
    /// Listed in a valid digest and intact.
    case valid
    /// Listed in a valid or unverified digest and missing, damaged or altered.
    case invalid(reason: String)
    /// Listed and intact, but only in digests whose signature could not be checked (the newest digest of a chain
    /// segment without a captured signature, or no public keys).
    case unverifiedDigest(reason: String)
    /// Listed only in digests that are themselves invalid: not checked (as aws-cli).
    case listedOnlyInInvalidDigest(digest: S3Location, reason: String)
    /// Not listed in any digest looked at. `pending`: newer than the newest digest of its account and region (the
    /// newest hour: not covered *yet*); otherwise a file no digest lists although later digests exist (its digest
    /// is missing, it was delivered while validation was off, or it was put there by someone else).
    case notListed(pending: Bool)
}

/// A stretch of a chain with no digests: the chain restarted (StopLogging / StartLogging, validation turned off and
/// on). aws-cli prints `No log files were delivered by CloudTrail between <from> and <to>`; not a failure.
public struct ChainGap: Sendable, Hashable {
    public var chain: ChainID
    /// The end time in the older digest's key name.
    public var from: UTCTime
    /// The newer starting digest's `digestStartTime`.
    public var to: UTCTime

    /// Creates a value.
    public init(chain: ChainID, from: UTCTime, to: UTCTime) {
        self.chain = chain
        self.from = from
        self.to = to
    }
}

/// What the validator reports, in order (aws-cli's output order).
public enum IntegrityEvent: Sendable, Hashable {
    /// A chain's walk begins.
    case chainStarted(ChainID)
    case digest(DigestRecord)
    case log(LogRecord)
    case gap(ChainGap)
    /// A log file on disk that no checked digest covers (after every chain).
    case uncoveredLog(LogRecord)
}

/// Counts of a run.
public struct IntegrityCounts: Sendable, Hashable {
    public var validDigests = 0
    public var invalidDigests = 0
    public var unverifiedDigests = 0
    public var validBackfillDigests = 0
    public var invalidBackfillDigests = 0
    public var unverifiedBackfillDigests = 0
    /// Log entries of valid and unverified digests checked, by outcome (a log listed twice counts twice, as in
    /// aws-cli).
    public var validLogs = 0
    public var invalidLogs = 0
    public var unverifiedLogs = 0
    /// Log files on disk in range that no checked digest lists.
    public var pendingLogs = 0
    public var unlistedLogs = 0
    public var logsListedOnlyInInvalidDigests = 0
    /// Digests whose signature came from the next digest / from the sidecar.
    public var signaturesFromNextDigest = 0
    public var signaturesFromSidecar = 0

    /// Creates zero counts.
    public init() {}

    /// Uncovered log files.
    public var uncoveredLogs: Int { pendingLogs + unlistedLogs + logsListedOnlyInInvalidDigests }
}

/// The outcome of `IntegrityValidator.validate()`.
public struct IntegrityReport: Sendable {
    /// Everything reported, in order.
    public var events: [IntegrityEvent]
    public var counts: IntegrityCounts
    /// The requested range (nil = open).
    public var start: UTCTime?
    public var end: UTCTime?
    /// aws-cli's "Results found for": the earliest `digestStartTime` after `start` (else `start`) and the latest
    /// `digestEndTime` (capped at `end`) over valid and unverified digests; nil when there are none.
    public var foundStart: UTCTime?
    public var foundEnd: UTCTime?
    /// Files in `CloudTrail-Digest/` folders whose names are not digest names, and discovery's skipped files.
    public var skipped: [SkippedFile]
    /// The resolved bucket layout.
    public var layout: BucketLayout

    var coverage: [String: LogCoverage]
    var newestDigestEnd: [LogScope: UTCTime]

    /// What the run says about the log file at `relativePath` (relative to the archive root).
    ///
    /// Paths never seen are `.notListed`, `pending` when newer than the newest digest of their account and region.
    public func logCoverage(relativePath: String) -> LogCoverage {
        if let known = coverage[relativePath] { return known }
        guard case .trailFile(let file) = ArchiveDiscovery.classify(relativePath: relativePath) else {
            return .notListed(pending: false)
        }
        return .notListed(pending: Self.isPending(file, newestDigestEnd: newestDigestEnd))
    }

    /// Every digest record.
    public var digests: [DigestRecord] {
        events.compactMap { if case .digest(let record) = $0 { record } else { nil } }
    }

    /// Every log record (checked entries and uncovered files).
    public var logs: [LogRecord] {
        events.compactMap {
            switch $0 {
            case .log(let record), .uncoveredLog(let record): record
            default: nil
            }
        }
    }

    /// Every gap.
    public var gaps: [ChainGap] { events.compactMap { if case .gap(let gap) = $0 { gap } else { nil } } }

    /// Whether anything is invalid.
    public var hasInvalid: Bool { counts.invalidDigests + counts.invalidBackfillDigests + counts.invalidLogs > 0 }

    /// Whether anything could not be verified (unverified digests or logs, uncovered log files).
    public var hasUnverified: Bool {
        counts.unverifiedDigests + counts.unverifiedBackfillDigests + counts.unverifiedLogs + counts.uncoveredLogs > 0
    }

    /// 0 = everything in range validated; 1 = something is invalid (including missing); 3 = nothing invalid but
    /// something could not be verified (0 instead when `allowUnverified`).
    public func exitStatus(allowUnverified: Bool = false) -> Int32 {
        if hasInvalid { return 1 }
        if hasUnverified && !allowUnverified { return 3 }
        return 0
    }

    // MARK: Pending

    /// The account and region a log or digest belongs to.
    struct LogScope: Hashable, Sendable {
        var pathPrefix: String
        var organizationID: String?
        var accountID: String
        var region: String
    }

    static func scope(_ file: TrailFile) -> LogScope {
        LogScope(
            pathPrefix: file.prefix, organizationID: file.organizationID, accountID: file.accountID, region: file.region)
    }

    /// The delivery time in a log file name (`…_YYYYMMDDTHHmmZ_…`), else the start of its date folder.
    static func deliveryTime(_ file: TrailFile) -> UTCTime {
        let name = file.relativePath.split(separator: "/").last ?? ""
        for part in name.split(separator: "_") where part.utf8.count == 14 && part.hasSuffix("Z") {
            if let time = UTCTime(compact: String(part.dropLast()) + "00Z") { return time }
        }
        return UTCTime(seconds: Int64(file.deliveryDate.daysSinceEpoch) * 86_400)
    }

    /// Whether a log no digest lists is newer than the newest digest of its account and region (within the minute
    /// its name gives).
    static func isPending(_ file: TrailFile, newestDigestEnd: [LogScope: UTCTime]) -> Bool {
        guard let newest = newestDigestEnd[scope(file)] else { return false }
        return newest < deliveryTime(file).adding(seconds: 59)
    }
}
