import Logging
import TrailMillArchive
import TrailMillIntegrity

/// The first step of every run: discover the archive, list what is not an event file, and (with
/// `--verify-digests`) drop the files the digest chains condemn or cannot vouch for.
enum RunInputs {
    /// The event files to decode, in path order. Skipped and dead files are counted and listed in `summary`.
    static func eventFiles(
        _ input: InputSelection, concurrency: Int, summary: inout RunSummary, logger: Logger
    ) throws(RunFailure) -> [TrailFile] {
        if let files = input.files {
            return try gated(files, input, concurrency: concurrency, summary: &summary, logger: logger)
        }
        let discovery: DiscoveryResult
        do { discovery = try input.source.discover(input.archiveSelection) } catch {
            throw RunFailure(message: "cannot read the archive: \(error)")
        }
        for file in discovery.skipped {
            summary.skipped.append(.init(file: file.relativePath, reason: file.reason))
        }
        for digest in discovery.digestFiles {
            summary.skipped.append(.init(file: digest.relativePath, reason: "digest file (integrity chain, not events)"))
        }
        summary.files.skipped = summary.skipped.count
        for directory in discovery.unlisted {
            summary.markDead(directory.relativePath, reason: directory.reason, logger: logger)
        }
        logger.info(
            "archive discovered",
            metadata: [
                "files.events": "\(discovery.eventFiles.count)", "files.digests": "\(discovery.digestFiles.count)",
                "files.skipped": "\(discovery.skipped.count)",
            ])
        return try gated(discovery.eventFiles, input, concurrency: concurrency, summary: &summary, logger: logger)
    }

    /// `files` minus those the digest gate condemns or holds (when `--verify-digests` is on).
    private static func gated(
        _ files: [TrailFile], _ input: InputSelection, concurrency: Int, summary: inout RunSummary, logger: Logger
    ) throws(RunFailure) -> [TrailFile] {
        guard let verification = input.digestVerification else { return files }
        guard let local = input.source as? LocalArchive else {
            throw RunFailure(message: "--verify-digests reads digests from a local archive only")
        }
        // Files the digests condemn or cannot vouch for end here, without being decoded.
        let gate: DigestGate
        do {
            gate = try DigestGate.make(
                root: local.root, selection: input.archiveSelection, verification: verification,
                concurrency: concurrency)
        } catch {
            throw RunFailure(message: error.message)
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
