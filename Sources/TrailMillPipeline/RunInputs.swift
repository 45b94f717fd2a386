import Logging
import TrailMillArchive
public import TrailMillIntegrity

/// Until the run engine re-adapts: `--verify-digests` settings live in TrailMillIntegrity with the gate.
public typealias DigestVerification = TrailMillIntegrity.DigestVerification

/// The first step of every run: discover the archive, list what is not an event file, and (with
/// `--verify-digests`) drop the files the digest chains condemn or cannot vouch for.
enum RunInputs {
    /// The archive cannot be read, or the digest check cannot start.
    struct Failure: Error {
        var message: String
    }

    /// The event files to decode, in path order. Skipped and dead files are counted and listed in `summary`.
    static func eventFiles(
        options: ExportOptions, summary: inout RunSummary, logger: Logger
    ) throws(Failure) -> [TrailFile] {
        if let files = options.files { return try gated(files, options: options, summary: &summary, logger: logger) }
        let discovery: DiscoveryResult
        do {
            discovery = try ArchiveDiscovery(root: options.source, selection: options.selection).discover()
        } catch {
            throw Failure(message: "cannot read the archive: \(error)")
        }
        for file in discovery.skipped {
            summary.skipped.append(.init(file: file.relativePath, reason: file.reason))
        }
        for digest in discovery.digestFiles {
            summary.skipped.append(
                .init(file: digest.relativePath, reason: "digest file (integrity chain, not events)"))
        }
        summary.files.skipped = summary.skipped.count
        logger.info(
            "archive discovered",
            metadata: [
                "files.events": "\(discovery.eventFiles.count)", "files.digests": "\(discovery.digestFiles.count)",
                "files.skipped": "\(discovery.skipped.count)",
            ])

        return try gated(discovery.eventFiles, options: options, summary: &summary, logger: logger)
    }

    /// `files` minus those the digest gate condemns or holds (when `--verify-digests` is on).
    private static func gated(
        _ files: [TrailFile], options: ExportOptions, summary: inout RunSummary, logger: Logger
    ) throws(Failure) -> [TrailFile] {
        guard let verification = options.digestVerification else { return files }
        // Files the digests condemn or cannot vouch for end here, without being decoded.
        let gate: DigestGate
        do {
            gate = try DigestGate.make(root: options.source, selection: options.selection, verification: verification)
        } catch {
            throw Failure(message: error.message)
        }
        var admitted: [TrailFile] = []
        for file in files {
            switch gate.verdict(for: file) {
            case .deliver: admitted.append(file)
            case .skip(let reason): summary.markSkipped(file.relativePath, reason: reason)
            case .dead(let reason): summary.markDead(file.relativePath, reason: reason, logger: logger)
            }
        }
        return admitted
    }
}
