import TrailMillArchive
import TrailMillIntegrity

/// `--verify-digests`: which event files the CloudTrail digest chains vouch for.
public struct DigestVerification: Sendable {
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

/// Decides, before decoding, what happens to each event file when digests are verified:
///
/// | digest verdict for the file | export |
/// |---|---|
/// | listed in a valid digest with a matching hash | delivered |
/// | hash mismatch, missing, or listed only in an invalid digest | dead, with the validator's reason |
/// | a `CloudTrail/` log that no digest lists although later digests exist | dead: possibly inserted |
/// | its digest could not be verified, or no digest covers it yet | held (skipped) unless `deliverUnverified` |
struct DigestGate {

    /// Runs the validator over the archive for the files' delivery window.
    static func make(
        root: String, selection: ArchiveSelection, verification: DigestVerification
    ) throws(RunFailure) -> DigestGate {
        var keys = PublicKeySet()
        var sidecar = SignatureSidecar()
        do {
            for path in verification.publicKeyPaths { try keys.add(path: path) }
            if let path = verification.signaturesPath { sidecar = try SignatureSidecar.load(path: path) }
        } catch {
            throw RunFailure(message: "cannot read digest verification input: \(error)")
        }
        var integritySelection = IntegritySelection(accounts: selection.accounts, regions: selection.regions)
        if let dates = selection.deliveryDates {
            integritySelection.start = UTCTime(seconds: Int64(dates.lowerBound.daysSinceEpoch) * 86_400)
            integritySelection.end = UTCTime(seconds: Int64(dates.upperBound.daysSinceEpoch + 1) * 86_400)
        }
        let report: IntegrityReport
        do {
            report = try IntegrityValidator(root: root, selection: integritySelection, keys: keys, signatures: sidecar)
                .validate()
        } catch {
            throw RunFailure(message: "cannot validate digests: \(error)")
        }
        return DigestGate(report: report, deliverUnverified: verification.deliverUnverified)
    }

    private init(report: IntegrityReport, deliverUnverified: Bool) {
        self.report = report
        self.deliverUnverified = deliverUnverified
    }

    private let report: IntegrityReport
    private let deliverUnverified: Bool

    /// nil when the file may be decoded; otherwise the status it ends with.
    func status(for file: TrailFile) -> FileStatus? {
        let hold = "held: not verified by a digest"
        switch report.logCoverage(relativePath: file.relativePath) {
        case .valid:
            return nil
        case .invalid(let reason):
            return .dead(reason: "digest validation: \(reason)")
        case .listedOnlyInInvalidDigest(let digest, let reason):
            return .dead(reason: "digest validation: listed only in invalid digest \(digest): \(reason)")
        case .unverifiedDigest(let reason):
            return deliverUnverified ? nil : .skipped(reason: "\(hold) (\(reason)); --deliver-unverified delivers it")
        case .notListed(let pending):
            if !pending && file.folder == .cloudTrail {
                return .dead(reason: "digest validation: not listed in any digest, although later digests exist")
            }
            if deliverUnverified { return nil }
            return .skipped(reason: "\(hold) (no digest covers it yet); --deliver-unverified delivers it")
        }
    }
}
