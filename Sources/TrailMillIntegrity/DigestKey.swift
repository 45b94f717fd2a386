public import TrailMillArchive

/// An S3 object location.
public struct S3Location: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var bucket: String
    public var key: String

    /// Creates a value.
    public init(bucket: String, key: String) {
        self.bucket = bucket
        self.key = key
    }

    /// `s3://bucket/key`, as aws-cli prints it.
    public var url: String { "s3://\(bucket)/\(key)" }

    public var description: String { url }

    public static func < (lhs: S3Location, rhs: S3Location) -> Bool { (lhs.bucket, lhs.key) < (rhs.bucket, rhs.key) }
}

/// What a digest file name says:
/// `<account>_CloudTrail-Digest_<sourceRegion>_<trailName>_<homeRegion>_<YYYYMMDDTHHMMSSZ>[_backfill].json.gz`.
public struct DigestFileName: Sendable, Hashable {
    public var accountID: String
    /// The region that delivered the digest (also its folder).
    public var sourceRegion: String
    /// The trail name (may contain `_`; the home region never does).
    public var trailName: String
    /// The region where the trail was created.
    public var homeRegion: String
    /// The `YYYYMMDDTHHMMSSZ` part: the digest's end time.
    public var compactTime: String
    /// Whether the name ends `_backfill.json.gz`.
    public var isBackfill: Bool

    /// Creates a value.
    public init(
        accountID: String, sourceRegion: String, trailName: String, homeRegion: String, compactTime: String,
        isBackfill: Bool
    ) {
        self.accountID = accountID
        self.sourceRegion = sourceRegion
        self.trailName = trailName
        self.homeRegion = homeRegion
        self.compactTime = compactTime
        self.isBackfill = isBackfill
    }

    /// The end time in the name.
    public var endTime: UTCTime? { UTCTime(compact: compactTime) }

    /// The file name.
    public var fileName: String {
        "\(accountID)_CloudTrail-Digest_\(sourceRegion)_\(trailName)_\(homeRegion)_\(compactTime)"
            + (isBackfill ? "_backfill" : "") + ".json.gz"
    }

    /// Parses a digest file name found in `AWSLogs/…/<accountID>/CloudTrail-Digest/<region>/…`; the account and
    /// region in the name must be those of the folders (as in aws-cli's key filter). Nil if it is not one.
    public static func parse(_ name: String, accountID: String, region: String) -> DigestFileName? {
        let head = "\(accountID)_CloudTrail-Digest_\(region)_"
        guard name.hasPrefix(head), name.hasSuffix(".json.gz") else { return nil }
        var middle = Substring(name.dropFirst(head.count).dropLast(".json.gz".count))
        var isBackfill = false
        if middle.hasSuffix("_backfill") {
            isBackfill = true
            middle = middle.dropLast("_backfill".count)
        }
        guard middle.count > 17, middle[middle.index(middle.endIndex, offsetBy: -17)] == "_" else { return nil }
        let compact = String(middle.suffix(16))
        guard UTCTime(compact: compact) != nil else { return nil }
        let trailAndHome = middle.dropLast(17)
        guard let split = trailAndHome.lastIndex(of: "_") else { return nil }
        let trail = String(trailAndHome[..<split])
        let home = String(trailAndHome[trailAndHome.index(after: split)...])
        guard !trail.isEmpty, !home.isEmpty else { return nil }
        return DigestFileName(
            accountID: accountID, sourceRegion: region, trailName: trail, homeRegion: home, compactTime: compact,
            isBackfill: isBackfill)
    }
}

/// One digest chain: a trail's digests from one source region under one key prefix, standard or backfill
/// (aws-cli walks backfill digests as a second, independent chain).
public struct ChainID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Path before `AWSLogs/` relative to the archive root (includes a bucket folder when the root holds several).
    public var pathPrefix: String
    /// `o-…` for organization trails.
    public var organizationID: String?
    public var accountID: String
    public var sourceRegion: String
    public var trailName: String
    public var homeRegion: String
    public var isBackfill: Bool

    /// Creates a value.
    public init(
        pathPrefix: String, organizationID: String?, accountID: String, sourceRegion: String, trailName: String,
        homeRegion: String, isBackfill: Bool
    ) {
        self.pathPrefix = pathPrefix
        self.organizationID = organizationID
        self.accountID = accountID
        self.sourceRegion = sourceRegion
        self.trailName = trailName
        self.homeRegion = homeRegion
        self.isBackfill = isBackfill
    }

    /// The chain of a digest file at `relativePath`, or nil if the path is not a digest key.
    public static func of(relativePath: String) -> (ChainID, DigestFileName, CivilDate)? {
        guard case .trailFile(let file) = ArchiveDiscovery.classify(relativePath: relativePath) else { return nil }
        return of(file)
    }

    /// The chain of a discovered digest file, or nil if its name is not a digest name.
    public static func of(_ file: TrailFile) -> (ChainID, DigestFileName, CivilDate)? {
        guard file.folder == .digest else { return nil }
        let name = String(file.relativePath.split(separator: "/").last ?? "")
        guard let parsed = DigestFileName.parse(name, accountID: file.accountID, region: file.region) else {
            return nil
        }
        let chain = ChainID(
            pathPrefix: file.prefix, organizationID: file.organizationID, accountID: file.accountID,
            sourceRegion: file.region, trailName: parsed.trailName, homeRegion: parsed.homeRegion,
            isBackfill: parsed.isBackfill)
        return (chain, parsed, file.deliveryDate)
    }

    /// The trail ARN aws-cli prints (for an organization trail the account is the member account's).
    public var trailARN: String { "arn:aws:cloudtrail:\(homeRegion):\(accountID):trail/\(trailName)" }

    /// The same trail's other chain (standard ↔ backfill).
    public var trail: ChainID {
        var copy = self
        copy.isBackfill = false
        return copy
    }

    /// The relative path a digest of this chain ending at `end` has.
    public func relativePath(endingAt end: UTCTime) -> String {
        let date = end.date
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let name = DigestFileName(
            accountID: accountID, sourceRegion: sourceRegion, trailName: trailName, homeRegion: homeRegion,
            compactTime: end.compact, isBackfill: isBackfill)
        var parts: [String] = []
        if !pathPrefix.isEmpty { parts.append(pathPrefix) }
        parts.append("AWSLogs")
        if let organizationID { parts.append(organizationID) }
        parts += [
            accountID, "CloudTrail-Digest", sourceRegion, pad(date.year, 4), pad(date.month, 2), pad(date.day, 2),
            name.fileName,
        ]
        return parts.joined(separator: "/")
    }

    public var description: String {
        var text = "\(trailARN) from \(sourceRegion)"
        if let organizationID { text += " (organization \(organizationID))" }
        if !pathPrefix.isEmpty { text += " under \(pathPrefix)/" }
        if isBackfill { text += " (backfill)" }
        return text
    }

    private var sortKey: [String] {
        [pathPrefix, organizationID ?? "", accountID, sourceRegion, trailName, homeRegion, isBackfill ? "1" : "0"]
    }

    public static func < (lhs: ChainID, rhs: ChainID) -> Bool { lhs.sortKey.lexicographicallyPrecedes(rhs.sortKey) }
}

/// How local paths under the archive root map to S3 locations.
public enum BucketLayout: Sendable, Hashable {
    /// Worked out from the digests: a digest at relative path `R` that says it is `s3://B/K` shows whether the
    /// root is the bucket (`K == R`), a folder inside it (`K` ends with `/R`) or a folder of bucket folders
    /// (`R == B/K`). The layout most digests agree on wins.
    case automatic
    /// The root is a copy of `bucket` from `keyPrefix` down (usually `""`): `s3://bucket/<keyPrefix><R>` is at `R`.
    case bucket(String, keyPrefix: String)
    /// The root holds one folder per bucket: `s3://B/K` is at `B/K`.
    case bucketFolders
}

/// A resolved `BucketLayout`: S3 locations to relative paths and back.
@_spi(Testing) public struct LocationMap: Sendable, Hashable {
    /// The layout.
    public var layout: BucketLayout

    /// Creates a map.
    public init(layout: BucketLayout) { self.layout = layout }

    /// The relative path of an S3 object in this copy, or nil if the object is not in it (another bucket).
    public func relativePath(of location: S3Location) -> String? {
        switch layout {
        case .automatic:
            return location.key
        case .bucket(let bucket, let keyPrefix):
            guard location.bucket == bucket, location.key.hasPrefix(keyPrefix) else { return nil }
            let rest = String(location.key.dropFirst(keyPrefix.count))
            return rest.isEmpty ? nil : rest
        case .bucketFolders:
            return location.bucket + "/" + location.key
        }
    }

    /// The S3 location of a relative path.
    public func location(of relativePath: String) -> S3Location {
        switch layout {
        case .automatic:
            return S3Location(bucket: "", key: relativePath)
        case .bucket(let bucket, let keyPrefix):
            return S3Location(bucket: bucket, key: keyPrefix + relativePath)
        case .bucketFolders:
            guard let slash = relativePath.firstIndex(of: "/") else { return S3Location(bucket: "", key: relativePath) }
            return S3Location(
                bucket: String(relativePath[..<slash]), key: String(relativePath[relativePath.index(after: slash)...]))
        }
    }

    /// The layouts a digest at `relativePath` claiming `claimed` is consistent with (most specific first).
    static func candidates(relativePath: String, claimed: S3Location) -> [BucketLayout] {
        var result: [BucketLayout] = []
        if relativePath == claimed.bucket + "/" + claimed.key { result.append(.bucketFolders) }
        if claimed.key == relativePath {
            result.append(.bucket(claimed.bucket, keyPrefix: ""))
        } else if claimed.key.hasSuffix("/" + relativePath) {
            result.append(.bucket(claimed.bucket, keyPrefix: String(claimed.key.dropLast(relativePath.count))))
        }
        return result
    }
}
