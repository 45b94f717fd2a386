public import TrailMillArchive
import Foundation

/// Which part of an archive to validate.
public struct IntegritySelection: Sendable, Hashable {
    /// Account folders (member accounts for organization trails); empty = all.
    public var accounts: Set<String>
    /// Region folders (the region that delivered the files); empty = all.
    public var regions: Set<String>
    /// Validate digests whose key time (end time) is at or after `start`, plus the one straddling it, as aws-cli's
    /// `--start-time`; nil = from the oldest digest.
    public var start: UTCTime?
    /// Validate digests whose key time is at most `end` + 1 hour, as aws-cli's `--end-time`; nil = to the newest.
    public var end: UTCTime?

    /// Creates a selection.
    public init(accounts: Set<String> = [], regions: Set<String> = [], start: UTCTime? = nil, end: UTCTime? = nil) {
        self.accounts = accounts
        self.regions = regions
        self.start = start
        self.end = end
    }
}

/// Validates the CloudTrail digest chains and log files of a local archive (integrity.md), offline.
///
/// What it does, per chain (a trail's standard or backfill digests from one region, under one prefix), newest to
/// oldest as aws-cli's `DigestTraverser`: load each digest, check its format, location, public key and RSA
/// signature, then every log file it lists (present, one gzip member, SHA-256 of the content). A starting digest
/// ends a segment (a gap is reported if an older digest exists); a missing digest is reported and the walk goes
/// on with the next older digest on disk; an invalid digest is reported and its links are not followed.
///
/// Offline signatures: a local copy has no S3 metadata, so a digest's signature is taken from the sidecar when it
/// has one, else from the `previousDigestSignature` of the next digest that names it. The newest digest of each
/// chain segment has no next digest and is `unverified` unless the sidecar has its signature.
///
/// Stricter than aws-cli (each finding also in the record's notes): `previousDigestSignature` of the next digest
/// must be this digest's signature (enforced when the next digest is valid); a `previousDigestHashValue` that is not
/// the SHA-256 of the digest it names is a note on the digest holding it (aws-cli never checks it; the named digest,
/// when it passes its own checks, keeps its verdict); every digest of a hole of consecutive missing digests is reported (aws-cli reports the newest only), data after
/// the first gzip member makes a digest `invalid format` and a log `unexpected data after end of compressed
/// stream`, hashes are compared as bytes (warning on uppercase hex), and warnings for a key used outside its
/// validity window, unexpected algorithm names, and `digestStartTime` ≠ the previous `digestEndTime`. Log files on
/// disk that no checked digest lists are reported as uncovered (aws-cli never lists logs).
public struct IntegrityValidator: Sendable {
    /// The archive root: a copy of the bucket, a folder inside it, or a folder of bucket folders.
    public var root: String
    public var selection: IntegritySelection
    public var keys: PublicKeySet
    public var signatures: SignatureSidecar
    /// How local paths map to S3 locations.
    public var layout: BucketLayout = .automatic
    /// Per-file limit on decompressed bytes (gzip bomb guard; capped below 4 GiB).
    public var maxDecompressedBytes: Int = 2 << 30
    /// At most this many log files are read and hashed at once (the logs of one digest are checked in parallel; 1
    /// or less checks them one by one on the calling thread). Results and their order do not depend on it.
    public var concurrency: Int = ProcessInfo.processInfo.activeProcessorCount
    /// Whether log files on disk are listed against the digests (uncovered files).
    public var reportUncoveredLogs = true

    /// Creates a validator.
    public init(
        root: String, selection: IntegritySelection = IntegritySelection(), keys: PublicKeySet,
        signatures: SignatureSidecar = SignatureSidecar()
    ) {
        self.root = root
        self.selection = selection
        self.keys = keys
        self.signatures = signatures
    }

    /// Walks every chain in the selection; `onEvent` sees each event as it is found (for printing as it goes).
    /// Throws only when the archive root cannot be read.
    public func validate(onEvent: (IntegrityEvent) -> Void = { _ in }) throws(ArchiveError) -> IntegrityReport {
        // Digests are delivered up to an hour after the logs they cover, and cover the hour before: two days of
        // margin after the end.
        let dates = ArchiveSelection.deliveryDates(
            forEventsFrom: selection.start?.date, through: selection.end?.date, marginDays: 2)
        let discovery = ArchiveDiscovery(
            root: root,
            selection: ArchiveSelection(
                accounts: selection.accounts, regions: selection.regions, deliveryDates: dates,
                eventFolders: [.cloudTrail]))
        let found = try discovery.discover()
        return withoutActuallyEscaping(onEvent) { handler in
            var run = ValidationRun(validator: self, onEvent: handler)
            return run.run(found)
        }
    }
}
