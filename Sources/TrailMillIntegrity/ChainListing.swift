import TrailMillArchive

/// One digest file on disk in a chain listing: what aws-cli's `DigestProvider` lists.
@_spi(Testing) public struct ListedDigest: Sendable, Hashable {
    /// Its path under the archive root.
    public var relativePath: String
    /// What its file name says.
    public var name: DigestFileName
    /// The end time in its name (the listing's sort key).
    public var time: UTCTime

    /// Creates a value.
    public init(relativePath: String, name: DigestFileName, time: UTCTime) {
        self.relativePath = relativePath
        self.name = name
        self.time = time
    }

    /// The listing entry for a digest key (`relativePath` must be a digest key with a valid time), else nil.
    public init?(relativePath: String) {
        guard let (_, name, _) = ChainID.of(relativePath: relativePath), let time = name.endTime else { return nil }
        self.init(relativePath: relativePath, name: name, time: time)
    }
}

/// The digest files of an archive grouped into chains, each sorted as aws-cli lists them, and what the listing says
/// about the archive (files that are not digests, the newest digest per account and region).
struct ChainListing {
    /// Each chain's digests, oldest first (by end time, then path).
    var chains: [ChainID: [ListedDigest]] = [:]
    /// Files in `CloudTrail-Digest/` folders whose names are not digest names.
    var skipped: [SkippedFile] = []
    /// The newest digest end time per account and region, for telling pending log files from unlisted ones.
    var newestDigestEnd: [IntegrityReport.LogScope: UTCTime] = [:]

    /// Groups discovered digest files.
    init(_ digestFiles: [TrailFile]) {
        for file in digestFiles {
            guard let (chain, name, _) = ChainID.of(file), let time = name.endTime else {
                skipped.append(SkippedFile(relativePath: file.relativePath, reason: "not a CloudTrail digest file name"))
                continue
            }
            chains[chain, default: []].append(ListedDigest(relativePath: file.relativePath, name: name, time: time))
            let scope = IntegrityReport.scope(file)
            if newestDigestEnd[scope].map({ $0 < time }) ?? true { newestDigestEnd[scope] = time }
        }
        for chain in chains.keys {
            chains[chain]!.sort { ($0.time, $0.relativePath) < ($1.time, $1.relativePath) }
        }
    }

    /// `requested`, or for `.automatic` the layout most of the first (up to 8) readable digests agree with: a
    /// digest at relative path `R` that says it is `s3://B/K` shows how paths map to keys. Falls back to the root
    /// folder's name as the bucket.
    static func resolveLayout(_ requested: BucketLayout, digestFiles: [TrailFile], root: ArchiveRoot) -> BucketLayout {
        if requested != .automatic { return requested }
        var votes: [BucketLayout: Int] = [:]
        var order: [BucketLayout] = []
        var conclusive = 0
        var fallbackBucket: String?
        for file in digestFiles where conclusive < 8 {
            guard case .success(let bytes) = LocalObject.load(file.absolutePath) else { continue }
            let (outcome, content) = GzipMember.content(bytes, maxDecompressedBytes: 64 << 20)
            guard case .member = outcome, let document = try? DigestDocument.parse(json: content) else { continue }
            fallbackBucket = fallbackBucket ?? document.digestS3Bucket
            let claimed = S3Location(bucket: document.digestS3Bucket, key: document.digestS3Object)
            let candidates = LocationMap.candidates(relativePath: file.relativePath, claimed: claimed)
            guard let first = candidates.first else { continue }
            conclusive += 1
            if votes[first] == nil { order.append(first) }
            votes[first, default: 0] += 1
        }
        if let best = order.max(by: { votes[$0, default: 0] < votes[$1, default: 0] }) { return best }
        let rootName = root.path.split(separator: "/").last.map(String.init) ?? "bucket"
        return .bucket(fallbackBucket ?? rootName, keyPrefix: "")
    }
}
