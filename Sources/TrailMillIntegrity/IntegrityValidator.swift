public import TrailMillArchive
import Crypto
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
/// Stricter than aws-cli (each finding also in the record's notes): `previousDigestHashValue` and
/// `previousDigestSignature` of the next digest must match this digest (enforced when the next digest is valid),
/// every digest of a hole of consecutive missing digests is reported (aws-cli reports the newest only), data after
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
    /// Log files hashed at once per digest.
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
        var dates: ClosedRange<CivilDate>?
        if selection.start != nil || selection.end != nil {
            let low = selection.start.map { $0.date.adding(days: -1) } ?? CivilDate(year: 1, month: 1, day: 1)!
            let high = selection.end.map { $0.date.adding(days: 2) } ?? CivilDate(year: 9999, month: 12, day: 31)!
            dates = low <= high ? low...high : low...low
        }
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

/// One digest file on disk in a chain listing.
struct ListedDigest {
    var relativePath: String
    var name: DigestFileName
    var time: UTCTime
}

/// What a newer digest says about the one before it.
struct ChainLink {
    enum Trust { case valid, invalid, unverified, unchecked }
    var successor: S3Location
    var trust: Trust
    var signature: String?
    var hashValue: String?
    var successorStart: UTCTime?
}

/// The state of one `validate()` call.
struct ValidationRun {
    let validator: IntegrityValidator
    let onEvent: (IntegrityEvent) -> Void
    let rootPath: String
    var map = LocationMap(layout: .automatic)
    var events: [IntegrityEvent] = []
    var counts = IntegrityCounts()
    var coverage: [String: LogCoverage] = [:]
    var links: [S3Location: ChainLink] = [:]
    var foundStart: UTCTime?
    var foundEnd: UTCTime?
    var newestDigestEnd: [IntegrityReport.LogScope: UTCTime] = [:]

    init(validator: IntegrityValidator, onEvent: @escaping (IntegrityEvent) -> Void) {
        self.validator = validator
        self.onEvent = onEvent
        var root = validator.root
        while root.count > 1, root.hasSuffix("/") { root.removeLast() }
        rootPath = root
    }

    var start: UTCTime? { validator.selection.start }
    var end: UTCTime? { validator.selection.end }

    mutating func emit(_ event: IntegrityEvent) {
        events.append(event)
        onEvent(event)
    }

    func absolutePath(_ relativePath: String) -> String {
        rootPath == "/" ? "/" + relativePath : rootPath + "/" + relativePath
    }

    // MARK: Run

    mutating func run(_ found: DiscoveryResult) -> IntegrityReport {
        var skipped = found.skipped
        var chains: [ChainID: [ListedDigest]] = [:]
        for file in found.digestFiles {
            guard let (chain, name, _) = ChainID.of(file), let time = name.endTime else {
                skipped.append(SkippedFile(relativePath: file.relativePath, reason: "not a CloudTrail digest file name"))
                continue
            }
            chains[chain, default: []].append(ListedDigest(relativePath: file.relativePath, name: name, time: time))
            let scope = IntegrityReport.scope(file)
            if newestDigestEnd[scope].map({ $0 < time }) ?? true { newestDigestEnd[scope] = time }
        }
        map = LocationMap(layout: resolveLayout(found.digestFiles))

        for chain in chains.keys.sorted() {
            let listing = chains[chain]!.sorted { ($0.time, $0.relativePath) < ($1.time, $1.relativePath) }
            walk(chain, listing)
        }
        if validator.reportUncoveredLogs { reportUncovered(found.eventFiles) }

        skipped.sort { $0.relativePath < $1.relativePath }
        return IntegrityReport(
            events: events, counts: counts, start: start, end: end, foundStart: foundStart, foundEnd: foundEnd,
            skipped: skipped, layout: map.layout, coverage: coverage, newestDigestEnd: newestDigestEnd)
    }

    /// The explicit layout, or the one most of the first readable digests agree with.
    func resolveLayout(_ digestFiles: [TrailFile]) -> BucketLayout {
        if validator.layout != .automatic { return validator.layout }
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
        if let best = order.max(by: { votes[$0]! < votes[$1]! }) { return best }
        let rootName = rootPath.split(separator: "/").last.map(String.init) ?? "bucket"
        return .bucket(fallbackBucket ?? rootName, keyPrefix: "")
    }

    // MARK: Chain walk

    enum Target {
        case listed(ListedDigest)
        case linked(S3Location, relativePath: String, name: DigestFileName, time: UTCTime)

        var time: UTCTime {
            switch self {
            case .listed(let listed): listed.time
            case .linked(_, _, _, let time): time
            }
        }
        var relativePath: String {
            switch self {
            case .listed(let listed): listed.relativePath
            case .linked(_, let path, _, _): path
            }
        }
        var isLinked: Bool { if case .linked = self { true } else { false } }
    }

    mutating func walk(_ chain: ChainID, _ all: [ListedDigest]) {
        let upper = end?.adding(seconds: 3600)
        var stack = all.filter { listed in
            (start.map { listed.time >= $0 } ?? true) && (upper.map { listed.time <= $0 } ?? true)
        }
        guard let newest = stack.popLast() else { return }
        emit(.chainStarted(chain))

        // The newest digest's signature is in the next digest on disk, if that one names it.
        if let after = all.first(where: { $0.time > newest.time }) {
            recordLinkFromUnchecked(after)
        }

        var target: Target? = .listed(newest)
        var lastStart = newest.time
        var visited = Set<String>()

        func popOlder(before time: UTCTime) -> ListedDigest? {
            while let next = stack.popLast() {
                if next.time < time { return next }
            }
            return nil
        }

        while let current = target, start.map({ $0 <= lastStart }) ?? true {
            let location = map.location(of: current.relativePath)
            if !visited.insert(current.relativePath).inserted {
                target = popOlder(before: current.time).map { .listed($0) }
                continue
            }
            switch examine(chain, current, location) {
            case .missing(var record):
                let next = popOlder(before: current.time)
                if let next, current.isLinked {
                    let extra = inferMissing(chain, newer: current.time, older: next)
                    if !extra.isEmpty {
                        record.notes.append(
                            "\(extra.count + 1) consecutive digests are missing between \(next.time.iso8601) and "
                                + "\(current.time.iso8601); aws-cli reports only this one")
                    }
                    count(record)
                    emit(.digest(record))
                    for missing in extra {
                        count(missing)
                        emit(.digest(missing))
                    }
                } else {
                    count(record)
                    emit(.digest(record))
                }
                target = next.map { .listed($0) }
            case .failed(let record, let document):
                if let document {
                    recordLink(from: location, document, trust: .invalid)
                    noteInvalidListing(document, record)
                }
                count(record)
                emit(.digest(record))
                target = popOlder(before: current.time).map { .listed($0) }
            case .usable(var record, let document):
                lastStart = document.startTime
                recordLink(from: location, document, trust: record.status.isValid ? .valid : .unverified)
                trackFound(document)
                var next: Target?
                var isStart = document.isStartingDigest
                if !isStart {
                    let previous = S3Location(
                        bucket: document.previousDigestS3Bucket!, key: document.previousDigestS3Object!)
                    if let linked = linkTarget(chain, previous, newerThan: current.time) {
                        next = linked
                    } else {
                        record.notes.append(
                            "previousDigestS3Object \(previous.url) is outside this chain's listing (another bucket, "
                                + "prefix or trail, or not older); not followed")
                        isStart = true
                    }
                }
                count(record)
                emit(.digest(record))
                checkLogs(document, digest: record)
                if isStart {
                    let older = popOlder(before: current.time)
                    if let older, document.isStartingDigest {
                        emit(.gap(ChainGap(chain: chain, from: older.time, to: lastStart)))
                    }
                    next = older.map { .listed($0) }
                }
                target = next
            }
        }
    }

    /// The next digest reached through a `previousDigest*` link, if it belongs to this chain and is older.
    func linkTarget(_ chain: ChainID, _ location: S3Location, newerThan time: UTCTime) -> Target? {
        guard let relativePath = map.relativePath(of: location),
            let (linkedChain, name, _) = ChainID.of(relativePath: relativePath), linkedChain == chain,
            let linkedTime = name.endTime, linkedTime < time
        else { return nil }
        return .linked(location, relativePath: relativePath, name: name, time: linkedTime)
    }

    /// Digests missing between a missing digest (`newer`, named by a link) and the next older digest on disk,
    /// assuming the hourly cadence continued: one record per missing hour besides `newer`.
    func inferMissing(_ chain: ChainID, newer: UTCTime, older: ListedDigest) -> [DigestRecord] {
        let hours = Int(((Double(newer.seconds - older.time.seconds)) / 3600).rounded())
        guard hours >= 2 else { return [] }
        var records: [DigestRecord] = []
        for step in (1..<hours).reversed() {
            let time = older.time.adding(seconds: Int64(step) * 3600)
            let relativePath = chain.relativePath(endingAt: time)
            records.append(
                DigestRecord(
                    chain: chain, location: map.location(of: relativePath), relativePath: relativePath,
                    status: .invalid("not found"), isInferred: true,
                    notes: [
                        "key inferred from the hourly cadence between \(older.time.iso8601) and \(newer.iso8601) "
                            + "(a trail stopped inside this hole cannot be told apart)"
                    ]))
        }
        return records
    }

    mutating func trackFound(_ document: DigestDocument) {
        let startTime = document.startTime
        if start.map({ startTime > $0 }) ?? true {
            if foundStart.map({ startTime < $0 }) ?? true { foundStart = startTime }
        }
        let endTime = end.map { min(document.endTime, $0) } ?? document.endTime
        if foundEnd.map({ $0 < endTime }) ?? true { foundEnd = endTime }
    }

    mutating func count(_ record: DigestRecord) {
        switch (record.status, record.chain.isBackfill) {
        case (.valid, false): counts.validDigests += 1
        case (.valid, true): counts.validBackfillDigests += 1
        case (.invalid, false): counts.invalidDigests += 1
        case (.invalid, true): counts.invalidBackfillDigests += 1
        case (.unverified, false): counts.unverifiedDigests += 1
        case (.unverified, true): counts.unverifiedBackfillDigests += 1
        }
        if record.status.isValid {
            switch record.signatureSource {
            case .sidecar: counts.signaturesFromSidecar += 1
            case .nextDigest: counts.signaturesFromNextDigest += 1
            case .none: break
            }
        }
    }

    mutating func recordLink(from location: S3Location, _ document: DigestDocument, trust: ChainLink.Trust) {
        guard let bucket = document.previousDigestS3Bucket, let key = document.previousDigestS3Object else { return }
        let previous = S3Location(bucket: bucket, key: key)
        guard links[previous] == nil else { return }
        links[previous] = ChainLink(
            successor: location, trust: trust, signature: document.previousDigestSignature,
            hashValue: document.previousDigestHashValue, successorStart: document.startTime)
    }

    /// Reads a digest outside the range only for what it says about its predecessor.
    mutating func recordLinkFromUnchecked(_ listed: ListedDigest) {
        guard case .success(let bytes) = LocalObject.load(absolutePath(listed.relativePath)) else { return }
        let (outcome, content) = GzipMember.content(bytes, maxDecompressedBytes: validator.maxDecompressedBytes)
        guard case .member = outcome, let document = try? DigestDocument.parse(json: content) else { return }
        recordLink(from: map.location(of: listed.relativePath), document, trust: .unchecked)
    }

    // MARK: One digest

    enum Examination {
        case missing(DigestRecord)
        case failed(DigestRecord, DigestDocument?)
        case usable(DigestRecord, DigestDocument)
    }

    /// Loads and checks one digest in aws-cli's order (integrity.md §4), then TrailMill's stricter link checks.
    func examine(_ chain: ChainID, _ target: Target, _ location: S3Location) -> Examination {
        let relativePath = target.relativePath
        var record = DigestRecord(chain: chain, location: location, relativePath: relativePath, status: .valid)
        func fail(_ reason: String, _ document: DigestDocument? = nil, note: String? = nil) -> Examination {
            record.status = .invalid(reason)
            if let note { record.notes.append(note) }
            return .failed(record, document)
        }

        let bytes: [UInt8]
        switch LocalObject.load(absolutePath(relativePath)) {
        case .success(let loaded): bytes = loaded
        case .failure(.notFound):
            record.status = .invalid("not found")
            return .missing(record)
        case .failure(.notReadable(let why)): return fail("not readable: \(why)")
        }

        // 2. gunzip (exactly one member) and JSON.
        let (outcome, inflated) = GzipMember.content(bytes, maxDecompressedBytes: validator.maxDecompressedBytes)
        switch outcome {
        case .member: break
        case .notGzip: return fail("invalid format", note: "not gzip")
        case .corrupt(let why): return fail("invalid format", note: "damaged gzip: \(why)")
        case .trailingData(let why):
            return fail("invalid format", note: "data after the first gzip member (\(why)); aws-cli ignores it")
        case .doubleGzip: return fail("invalid format", note: "gzip inside gzip")
        case .tooLarge(let limit): return fail("invalid format", note: "larger than \(limit) bytes decompressed")
        }
        let parsed: Result<DigestDocument, DigestFormatError> = Result { () throws(DigestFormatError) in
            try DigestDocument.parse(json: inflated)
        }
        if case .failure(let error) = parsed, ["not UTF-8", "not JSON", "not a JSON object"].contains(error.detail) {
            return fail("invalid format", note: error.detail)
        }

        // 3. Signature metadata (the sidecar is the captured S3 metadata).
        let metadata = validator.signatures.metadata(for: location)
        if let metadata, metadata.signature == nil || metadata.signatureAlgorithm == nil {
            return fail(
                "signature verification failed", try? parsed.get(),
                note: "the signature sidecar lists this object without signature metadata (re-uploaded?)")
        }
        if chain.isBackfill, let metadata, metadata.backfillGenerationTimestamp == nil {
            return fail(
                "invalid format", try? parsed.get(),
                note: "backfill digest without backfill-generation-timestamp metadata")
        }

        // 4. Required keys and usable content.
        let document: DigestDocument
        switch parsed {
        case .success(let value): document = value
        case .failure(let error): return fail("invalid format", note: error.detail)
        }
        record.startTime = document.startTime
        record.endTime = document.endTime
        record.logCount = document.logFiles.count

        // 5. Location.
        let claimed = S3Location(bucket: document.digestS3Bucket, key: document.digestS3Object)
        if claimed != location {
            return fail(
                "has been moved from its original location", document,
                note: "its JSON says it is \(claimed.url)")
        }

        let uncompressedSHA256 = DigestSignature.sha256Hex(inflated)
        let link = links[location]
        // Stricter than aws-cli: the next digest's previousDigestHashValue must be this file's SHA-256. Noted now
        // so that it is reported whatever else fails; it fails the digest below when the next digest is valid.
        var hashLinkBroken = false
        if let link, let expected = link.hashValue, Hex.decode(expected) != Hex.decode(uncompressedSHA256) {
            hashLinkBroken = true
            record.notes.append(
                "SHA-256 of this digest (\(uncompressedSHA256)) does not match previousDigestHashValue \(expected) in "
                    + "\(link.successor.url)")
        }

        // 6. Public key, 7. signature.
        var signature: String?
        if let metadata {
            signature = metadata.signature
            record.signatureSource = .sidecar
            if let algorithm = metadata.signatureAlgorithm, algorithm != "SHA256withRSA" {
                record.notes.append("signature-algorithm metadata is '\(algorithm)', not SHA256withRSA")
            }
        } else if let link, let linked = link.signature {
            signature = linked
            record.signatureSource = .nextDigest(link.successor)
        }

        let fingerprint = document.digestPublicKeyFingerprint
        var keyTime: UTCTime? = document.endTime
        if chain.isBackfill {
            keyTime = metadata?.backfillGenerationTimestamp.flatMap { UTCTime(iso8601: $0) }
        }
        if validator.keys.isEmpty {
            record.status = .unverified("no public keys loaded; the signature was not checked")
        } else if let (entry, inWindow) = validator.keys.choose(fingerprint: fingerprint, at: keyTime) {
            guard let key = entry.key else {
                return fail("Unable to load PKCS #1 key with fingerprint \(fingerprint)", document)
            }
            if !inWindow, let keyTime {
                record.notes.append(
                    "public key \(fingerprint) is valid \(entry.validFrom?.iso8601 ?? "?") to "
                        + "\(entry.validUntil?.iso8601 ?? "?"), not at \(keyTime.iso8601)")
            }
            if let signature {
                let message = DigestSignature.stringToSign(document, uncompressedSHA256: uncompressedSHA256)
                if !DigestSignature.verify(signatureHex: signature, message: message, key: key) {
                    switch record.signatureSource {
                    case .nextDigest(let successor) where link?.trust == .invalid:
                        record.status = .unverified(
                            "the only signature available, previousDigestSignature of \(successor.url) (itself "
                                + "INVALID), does not verify")
                    case .nextDigest(let successor):
                        return fail(
                            "signature verification failed", document,
                            note: "signature taken from previousDigestSignature of \(successor.url)")
                    default:
                        return fail("signature verification failed", document)
                    }
                }
            } else {
                record.status = .unverified(
                    "no signature: no next digest names it (the newest digest of its chain segment, or the next "
                        + "digest is missing) and S3 metadata is not in a local copy; supply a signature sidecar")
            }
        } else {
            return fail("public key not found in region \(chain.homeRegion) for fingerprint \(fingerprint)", document)
        }

        // Stricter checks against the next digest's link.
        if let link {
            let trusted = link.trust == .valid
            if hashLinkBroken, trusted {
                return fail(
                    "does not match the previousDigestHashValue of the next digest \(link.successor.url)", document)
            }
            if case .sidecar = record.signatureSource, let linked = link.signature, let signature,
                Hex.decode(linked) != Hex.decode(signature)
            {
                let text = "previousDigestSignature in \(link.successor.url) is not this digest's signature"
                if trusted {
                    return fail(
                        "does not match the previousDigestSignature of the next digest \(link.successor.url)",
                        document, note: text)
                }
                record.notes.append(text)
            }
            if let successorStart = link.successorStart, successorStart != document.endTime {
                record.notes.append(
                    "digestEndTime \(document.digestEndTime) is not the digestStartTime "
                        + "\(successorStart.iso8601) of \(link.successor.url)")
            }
        }
        if let algorithm = document.digestSignatureAlgorithm, algorithm != "SHA256withRSA" {
            record.notes.append("digestSignatureAlgorithm is '\(algorithm)', not SHA256withRSA")
        }
        if let algorithm = document.previousDigestHashAlgorithm, algorithm != "SHA-256" {
            record.notes.append("previousDigestHashAlgorithm is '\(algorithm)', not SHA-256")
        }
        return .usable(record, document)
    }

    // MARK: Logs

    mutating func checkLogs(_ document: DigestDocument, digest: DigestRecord) {
        let entries = document.logFiles
        guard !entries.isEmpty else { return }
        let map = self.map
        let root = rootPath
        let limit = validator.maxDecompressedBytes
        let digestValid = digest.status.isValid
        let results: [LogRecord]
        if validator.concurrency > 1 && entries.count > 1 {
            let box = ResultBox(count: entries.count)
            DispatchQueue.concurrentPerform(iterations: entries.count) { index in
                let record = Self.checkLog(
                    entries[index], digest: digest.location, digestValid: digestValid, map: map, root: root,
                    limit: limit)
                box.set(index, record)
            }
            results = box.values
        } else {
            results = entries.map {
                Self.checkLog($0, digest: digest.location, digestValid: digestValid, map: map, root: root, limit: limit)
            }
        }
        for var record in results {
            record.fromBackfill = digest.chain.isBackfill
            switch record.status {
            case .valid: counts.validLogs += 1
            case .invalid: counts.invalidLogs += 1
            case .unverified: counts.unverifiedLogs += 1
            }
            if let path = record.relativePath { noteCoverage(path, record.status) }
            emit(.log(record))
        }
    }

    /// Remembers the logs of an invalid digest: aws-cli does not check them, and they stay unverified unless
    /// another digest covers them.
    mutating func noteInvalidListing(_ document: DigestDocument, _ record: DigestRecord) {
        guard case .invalid(let reason) = record.status else { return }
        for entry in document.logFiles {
            guard let path = map.relativePath(of: S3Location(bucket: entry.s3Bucket, key: entry.s3Object)) else {
                continue
            }
            if coverage[path] == nil {
                coverage[path] = .listedOnlyInInvalidDigest(digest: record.location, reason: reason)
            }
        }
    }

    /// Merges a checked entry into the per-path coverage: invalid wins over unverified, which wins over valid.
    mutating func noteCoverage(_ path: String, _ status: LogStatus) {
        let new: LogCoverage
        switch status {
        case .valid: new = .valid
        case .invalid(let reason): new = .invalid(reason: reason)
        case .unverified(let reason): new = .unverifiedDigest(reason: reason)
        }
        func rank(_ value: LogCoverage?) -> Int {
            switch value {
            case .invalid: 4
            case .unverifiedDigest: 3
            case .valid: 2
            case .listedOnlyInInvalidDigest: 1
            default: 0
            }
        }
        if rank(new) > rank(coverage[path]) { coverage[path] = new }
    }

    static func checkLog(
        _ entry: DigestLogEntry, digest: S3Location, digestValid: Bool, map: LocationMap, root: String, limit: Int
    ) -> LogRecord {
        let location = S3Location(bucket: entry.s3Bucket, key: entry.s3Object)
        let relativePath = map.relativePath(of: location)
        var record = LogRecord(location: location, relativePath: relativePath, status: .valid, digest: digest)
        func finish(_ status: LogStatus, _ note: String? = nil) -> LogRecord {
            record.status = status
            if let note { record.notes.append(note) }
            return record
        }
        guard let relativePath else {
            return finish(.invalid("not found"), "bucket \(entry.s3Bucket) is not part of this copy")
        }
        let bytes: [UInt8]
        switch LocalObject.load(root == "/" ? "/" + relativePath : root + "/" + relativePath) {
        case .success(let loaded): bytes = loaded
        case .failure(.notFound): return finish(.invalid("not found"))
        case .failure(.notReadable(let why)): return finish(.invalid("not readable: \(why)"))
        }
        var hasher = SHA256()
        let outcome = GzipMember.decompress(bytes, maxDecompressedBytes: limit) { hasher.update(bufferPointer: $0) }
        switch outcome {
        case .member: break
        case .notGzip: return finish(.invalid("invalid format"), "not gzip")
        case .corrupt(let why): return finish(.invalid("invalid format"), "damaged gzip: \(why)")
        case .trailingData(let why):
            return finish(
                .invalid("unexpected data after end of compressed stream"),
                "\(why); aws-cli 1.45.11 hashes the first member only and may call it valid")
        case .doubleGzip:
            return finish(.invalid("hash value doesn't match"), "gzip inside gzip (aws-cli hashes the inner gzip bytes)")
        case .tooLarge(let limit):
            return finish(.invalid("not readable: more than \(limit) bytes decompressed"))
        }
        let computed = Array(hasher.finalize())
        if let algorithm = entry.hashAlgorithm, algorithm != "SHA-256" {
            record.notes.append("hashAlgorithm is '\(algorithm)', not SHA-256")
        }
        guard Hex.decode(entry.hashValue) == computed else { return finish(.invalid("hash value doesn't match")) }
        if !Hex.isLowercase(entry.hashValue) {
            record.notes.append("hashValue is not lowercase hex (aws-cli compares case-sensitively and fails it)")
        }
        return finish(
            digestValid ? .valid : .unverified("listed in a digest whose signature could not be checked"))
    }

    // MARK: Uncovered logs

    mutating func reportUncovered(_ files: [TrailFile]) {
        for file in files where file.folder == .cloudTrail {
            let time = IntegrityReport.deliveryTime(file)
            if let start, time < start { continue }
            if let end, end < time { continue }
            if let known = coverage[file.relativePath] {
                switch known {
                case .valid, .invalid, .unverifiedDigest: continue
                default: break
                }
            }
            let status: LogStatus
            let state: LogCoverage
            if case .listedOnlyInInvalidDigest(let digest, let reason)? = coverage[file.relativePath] {
                state = .listedOnlyInInvalidDigest(digest: digest, reason: reason)
                status = .unverified("listed only in \(digest.url), which is INVALID: \(reason)")
                counts.logsListedOnlyInInvalidDigests += 1
            } else if IntegrityReport.isPending(file, newestDigestEnd: newestDigestEnd) {
                state = .notListed(pending: true)
                status = .unverified("not listed in any digest yet (newer than the newest digest)")
                counts.pendingLogs += 1
            } else {
                state = .notListed(pending: false)
                status = .unverified("not listed in any digest")
                counts.unlistedLogs += 1
            }
            emit(
                .uncoveredLog(
                    LogRecord(
                        location: map.location(of: file.relativePath), relativePath: file.relativePath, status: status,
                        digest: nil, coverage: state)))
        }
    }
}

/// Results written by concurrent workers, one slot each.
private final class ResultBox: @unchecked Sendable {
    private var slots: [LogRecord?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: LogRecord) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    var values: [LogRecord] { slots.map { $0! } }
}
