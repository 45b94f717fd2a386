public import TrailMillArchive

/// `--verify-digests`: which event files the CloudTrail digest chains vouch for.
public struct DigestVerification: Sendable, Hashable {
    /// Public keys: `aws cloudtrail list-public-keys` JSON, PEM or DER files. Without keys no signature is checked
    /// and every digest is unverified.
    public var publicKeyPaths: [String] = []
    /// A sidecar of digest signatures (the S3 `signature` metadata a local copy lacks).
    public var signaturesPath: String?
    /// Deliver files whose digest could not be verified, or that no digest covers yet (the newest hour). When false
    /// (the default) they are held: skipped with a reason, so a later run delivers them once a digest covers them.
    public var deliverUnverified = false

    /// Creates settings.
    public init() {}
}

/// Why the digest gate could not be set up: a key or signature file cannot be read, or the archive cannot be
/// validated. One line, naming the file.
public struct DigestGateError: Error, Sendable, CustomStringConvertible {
    /// What failed (a struct over a private enum, so new kinds do not break callers).
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: Sendable, Hashable { case unreadableInput, unreadableArchive }
        private let base: Base

        /// A public-key file or the signature sidecar is missing, unreadable or malformed.
        public static let unreadableInput = Code(base: .unreadableInput)
        /// The archive root cannot be read.
        public static let unreadableArchive = Code(base: .unreadableArchive)

        public var description: String {
            switch base {
            case .unreadableInput: "unreadable digest verification input"
            case .unreadableArchive: "unreadable archive"
            }
        }
    }

    public var code: Code
    /// The file or folder concerned: the key or sidecar file, or the archive root.
    public var path: String
    /// The whole message, e.g. `cannot read digest verification input: keys.json: not JSON`.
    public var message: String

    /// Creates a value.
    public init(code: Code, path: String, message: String) {
        self.code = code
        self.path = path
        self.message = message
    }

    public var description: String { message }
}

/// Decides, before decoding, what happens to each event file when digests are verified (`export --verify-digests`):
///
/// | digest verdict for the file | verdict |
/// |---|---|
/// | listed in a valid digest with a matching hash | `deliver` |
/// | hash mismatch, missing, or listed only in an invalid digest | `dead`, with the validator's reason |
/// | a `CloudTrail/` log that no digest lists although later digests exist | `dead`: possibly inserted |
/// | its digest could not be verified, or no digest covers it yet | `skip` (held) unless `deliverUnverified` |
public struct DigestGate: Sendable {
    /// What happens to one event file.
    public enum Verdict: Sendable, Hashable {
        /// Decode and deliver it.
        case deliver
        /// Hold it: not delivered by this run, and not dead (a later run delivers it once a digest vouches for it).
        case skip(reason: String)
        /// Condemned by the digests: never delivered.
        case dead(reason: String)
    }

    /// The validation the verdicts come from.
    public let report: IntegrityReport
    /// Whether unverified and not-yet-covered files are delivered instead of held.
    public let deliverUnverified: Bool

    /// Validates the archive at `root` for the files' delivery window (`selection`'s accounts, regions and
    /// delivery dates), reading and hashing at most `concurrency` log files at once (nil: one per processor, the
    /// validator's default).
    public static func make(
        root: String, selection: ArchiveSelection, verification: DigestVerification, concurrency: Int? = nil
    ) throws(DigestGateError) -> DigestGate {
        var keys = PublicKeySet()
        var sidecar = SignatureSidecar()
        do {
            for path in verification.publicKeyPaths { try keys.add(path: path) }
            if let path = verification.signaturesPath { sidecar = try SignatureSidecar.load(path: path) }
        } catch {
            throw DigestGateError(
                code: .unreadableInput, path: error.path, message: "cannot read digest verification input: \(error)")
        }
        var integritySelection = IntegritySelection(accounts: selection.accounts, regions: selection.regions)
        if let dates = selection.deliveryDates {
            integritySelection.start = UTCTime(seconds: Int64(dates.lowerBound.daysSinceEpoch) * 86_400)
            integritySelection.end = UTCTime(seconds: Int64(dates.upperBound.daysSinceEpoch + 1) * 86_400)
        }
        var validator = IntegrityValidator(root: root, selection: integritySelection, keys: keys, signatures: sidecar)
        if let concurrency { validator.concurrency = concurrency }
        let report: IntegrityReport
        do {
            report = try validator.validate()
        } catch {
            throw DigestGateError(code: .unreadableArchive, path: root, message: "cannot validate digests: \(error)")
        }
        return DigestGate(report: report, deliverUnverified: verification.deliverUnverified)
    }

    /// A gate over a validation already run.
    public init(report: IntegrityReport, deliverUnverified: Bool) {
        self.report = report
        self.deliverUnverified = deliverUnverified
    }

    /// The verdict for one event file of the validated archive.
    public func verdict(for file: TrailFile) -> Verdict {
        let hold = "held: not verified by a digest"
        switch report.logCoverage(relativePath: file.relativePath) {
        case .valid:
            return .deliver
        case .invalid(let reason):
            return .dead(reason: "digest validation: \(reason)")
        case .listedOnlyInInvalidDigest(let digest, let reason):
            return .dead(reason: "digest validation: listed only in invalid digest \(digest): \(reason)")
        case .unverifiedDigest(let reason):
            return deliverUnverified ? .deliver : .skip(reason: "\(hold) (\(reason)); --deliver-unverified delivers it")
        case .notListed(let pending):
            if !pending && file.folder == .cloudTrail {
                return .dead(reason: "digest validation: not listed in any digest, although later digests exist")
            }
            if deliverUnverified { return .deliver }
            return .skip(reason: "\(hold) (no digest covers it yet); --deliver-unverified delivers it")
        }
    }
}
