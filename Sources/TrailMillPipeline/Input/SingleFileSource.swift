public import TrailMillArchive
public import TrailMillCompression
public import TrailMillPOSIX

/// One log file read on its own (`--source FILE`, and `--source -` once standard input is copied to a file).
///
/// The file is listed whatever the selection's accounts, regions and dates: the user named it. When its path
/// follows CloudTrail's key layout, account, region and delivery date come from the path; otherwise they are
/// empty and the delivery date is that of `today`.
public struct SingleFileSource: ArchiveSource {
    /// The file on disk.
    public var path: String
    /// How the file is named in messages and summaries (`-` for standard input).
    public var displayName: String
    /// The delivery date given to a file whose path does not carry one.
    public var today: CivilDate

    /// Creates a source of the file at `path`, shown as `displayName`.
    public init(path: String, displayName: String? = nil, today: CivilDate = .today()) {
        self.path = path
        self.displayName = displayName ?? path
        self.today = today
    }

    public var location: String { displayName }

    public func discover(_ selection: ArchiveSelection) throws(ArchiveError) -> DiscoveryResult {
        let status: FileSystem.Status
        do { status = try FileSystem.status(path) } catch {
            throw ArchiveError(path: displayName, message: "\(error)")
        }
        guard status.isRegularFile else { throw ArchiveError(path: displayName, message: "not a regular file") }
        var file: TrailFile
        if case .trailFile(let parsed) = ArchiveDiscovery.classify(relativePath: path) {
            file = parsed
            file.relativePath = displayName
        } else {
            file = TrailFile(
                relativePath: displayName, absolutePath: path, prefix: "", organizationID: nil, accountID: "",
                folder: .cloudTrail, region: "", deliveryDate: today, size: status.size)
        }
        file.absolutePath = path
        file.size = status.size
        if file.folder == .digest {
            return DiscoveryResult(eventFiles: [], digestFiles: [file], skipped: [])
        }
        return DiscoveryResult(eventFiles: [file], digestFiles: [], skipped: [])
    }

    public func open(_ file: TrailFile, maxDecompressedBytes: Int) throws(CompressionError) -> DecompressingReader {
        try DecompressingReader(path: file.absolutePath, maxDecompressedBytes: maxDecompressedBytes)
    }

    public func sha256(_ file: TrailFile) -> Result<String, SystemCallError> {
        FileDigest.sha256(path: file.absolutePath)
    }
}
