public import TrailMillArchive
public import TrailMillCompression
public import TrailMillPOSIX

/// Where a run's log files come from. Every command and job reads through one: discovery, selection, filters,
/// dedupe, digest gating and every sink behave the same whatever the source.
public protocol ArchiveSource: Sendable {
    /// How the source is named in messages and records (a path today; `s3://bucket/prefix` for S3).
    var location: String { get }
    /// Lists the files of `selection`, sorted by relative path.
    func discover(_ selection: ArchiveSelection) throws(ArchiveError) -> DiscoveryResult
    /// Opens a listed file for decoding (called on decode workers, any number at once).
    func open(_ file: TrailFile, maxDecompressedBytes: Int) throws(CompressionError) -> DecompressingReader
    /// SHA-256 of the file as stored, lowercase hex: the content identity of `loaded_files` and of a job's state.
    func sha256(_ file: TrailFile) -> Result<String, SystemCallError>
}

/// A local copy of the bucket: any folder above `AWSLogs/`.
public struct LocalArchive: ArchiveSource {
    /// The archive root.
    public var root: String

    /// Creates a source reading `root`.
    public init(root: String) {
        self.root = root
    }

    public var location: String { root }

    public func discover(_ selection: ArchiveSelection) throws(ArchiveError) -> DiscoveryResult {
        try ArchiveDiscovery(root: root, selection: selection).discover()
    }

    public func open(_ file: TrailFile, maxDecompressedBytes: Int) throws(CompressionError) -> DecompressingReader {
        try DecompressingReader(path: file.absolutePath, maxDecompressedBytes: maxDecompressedBytes)
    }

    public func sha256(_ file: TrailFile) -> Result<String, SystemCallError> {
        FileDigest.sha256(path: file.absolutePath)
    }
}
