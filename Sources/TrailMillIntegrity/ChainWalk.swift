import TrailMillHex

/// What a newer digest says about the one before it (its `previousDigest*` fields).
@_spi(Testing) public struct ChainLink: Sendable, Equatable {
    /// How far the newer digest can be trusted.
    public enum Trust: Sendable, Equatable {
        /// It passed every check.
        case valid
        /// It failed its own checks.
        case invalid
        /// Nothing is wrong with it, but its signature could not be checked.
        case unverified
        /// It is outside the range and was read only for this link.
        case unchecked
    }

    /// The newer digest.
    public var successor: S3Location
    public var trust: Trust
    /// Its `previousDigestSignature`: the older digest's signature, offline.
    public var signature: String?
    /// Its `previousDigestHashValue`.
    public var hashValue: String?
    /// Its `digestStartTime`.
    public var successorStart: UTCTime?

    /// Creates a value.
    public init(
        successor: S3Location, trust: Trust, signature: String?, hashValue: String?, successorStart: UTCTime?
    ) {
        self.successor = successor
        self.trust = trust
        self.signature = signature
        self.hashValue = hashValue
        self.successorStart = successorStart
    }
}

/// One digest for the driver to load and check.
@_spi(Testing) public struct DigestRequest: Sendable, Equatable {
    public var chain: ChainID
    /// Where it is under the archive root.
    public var relativePath: String
    /// Its S3 location (what its JSON must say it is).
    public var location: S3Location
    /// What the next digest says about it; nil when no digest looked at names it.
    public var link: ChainLink?

    /// Creates a value.
    public init(chain: ChainID, relativePath: String, location: S3Location, link: ChainLink?) {
        self.chain = chain
        self.relativePath = relativePath
        self.location = location
        self.link = link
    }
}

/// The walk of one digest chain, newest to oldest, as aws-cli's `DigestTraverser` (integrity.md §6), as a value-type
/// state machine: it is told facts (the chain's listing at `init`, what reading or checking a digest found) and
/// answers each with the next action for its driver. It does no IO, so every transition is tested without files.
///
/// Protocol: call `start()`, then for each action returned:
/// - `.readLink(d)`: read digest `d` (the one after the range) and call `linkRead(_:)` with its document, or nil;
/// - `.examine(r)`: load and check the digest and call `examined(_:)` with what was found;
/// - `.report(e)`, `.checkLogs(…)`, `.setAside(…)`: do it, then call `next()`;
/// - `.done`: the walk is over.
///
/// The walk (aws-cli's, with TrailMill's stricter findings):
/// - It starts at the newest digest whose end time is in `[start, end + 1 h]` and stops after the digest that
///   straddles `start` (its `digestStartTime` is before `start`).
/// - A usable digest's `previousDigestS3Object` is followed; a starting digest ends its segment, and a gap is reported
///   when an older digest exists in the listing. A link outside this chain's listing is noted and not followed.
/// - An invalid digest is reported and its links are not followed: the walk goes on with the next older listed digest
///   (its logs are set aside, not checked). A missing digest is reported, and when it was named by a link, every
///   hourly digest missing between it and the next older listed one is reported too (inferred, aws-cli reports one).
/// - A digest's report waits until the digest it names has been checked: when that one passes its own checks but its
///   SHA-256 is not the `previousDigestHashValue`, the finding is a note on the digest holding the wrong link; when
///   it fails them, the mismatch is a note on it (it corroborates the failure).
@_spi(Testing) public struct ChainWalk: Sendable {
    /// What the driver does next.
    public enum Action: Sendable, Equatable {
        /// Read this digest (just after the range) only for what it says about the newest digest in range.
        case readLink(ListedDigest)
        /// Load and check this digest.
        case examine(DigestRequest)
        /// Report this event (the chain's start, a digest record, a gap).
        case report(IntegrityEvent)
        /// Check these log entries of a digest just reported, and report their records in order.
        case checkLogs([DigestLogEntry], of: DigestRecord)
        /// The log entries of an invalid digest: not checked (as aws-cli), but remembered for coverage.
        case setAside([DigestLogEntry], of: DigestRecord)
        /// The walk is over.
        case done
    }

    /// The chain walked.
    public let chain: ChainID
    private let listing: [ListedDigest]
    private let rangeStart: UTCTime?
    private let rangeEnd: UTCTime?
    private let map: LocationMap

    private enum Phase: Sendable {
        case idle
        case awaitingLink(ListedDigest)
        case walking
        case awaitingExamination(Target, S3Location)
        case finished
    }

    /// A digest to examine, and whether a link (rather than the listing) led to it.
    private struct Target: Sendable {
        var digest: ListedDigest
        var isLinked: Bool
    }

    /// An examined digest whose report waits for the digest it names.
    private struct Pending: Sendable {
        var record: DigestRecord
        var document: DigestDocument?
        var isUsable: Bool
        var gapAfter: ChainGap?
    }

    private var phase = Phase.idle
    private var queue: [Action] = []
    /// In-range digests not yet passed, oldest first.
    private var stack: [ListedDigest] = []
    private var target: Target?
    /// The `digestStartTime` of the last usable digest (the listing time of the newest at first).
    private var lastStart = UTCTime(seconds: 0)
    private var links: [S3Location: ChainLink] = [:]
    private var pending: Pending?

    /// A walk over `listing` (every digest of `chain` on disk, oldest first, as `ChainListing` sorts them) for the
    /// range `[start, end]` (nil = open); `map` turns paths into S3 locations and links into paths.
    public init(chain: ChainID, listing: [ListedDigest], start: UTCTime?, end: UTCTime?, map: LocationMap) {
        self.chain = chain
        self.listing = listing
        rangeStart = start
        rangeEnd = end
        self.map = map
    }

    // MARK: Facts

    /// Begins the walk.
    public mutating func start() -> Action {
        precondition(isIdle, "start() is called once")
        let upper = rangeEnd?.adding(seconds: 3600)
        stack = listing.filter { listed in
            (rangeStart.map { listed.time >= $0 } ?? true) && (upper.map { listed.time <= $0 } ?? true)
        }
        guard let newest = stack.popLast() else {
            phase = .finished
            return .done
        }
        queue.append(.report(.chainStarted(chain)))
        target = Target(digest: newest, isLinked: false)
        lastStart = newest.time
        // The newest digest's signature is in the next digest on disk, if that one names it.
        if let after = listing.first(where: { $0.time > newest.time }) {
            queue.append(.readLink(after))
            phase = .awaitingLink(after)
        } else {
            phase = .walking
        }
        return next()
    }

    /// The document of the digest `.readLink` asked for; nil when it is missing or unreadable.
    public mutating func linkRead(_ document: DigestDocument?) -> Action {
        guard case .awaitingLink(let listed) = phase, queue.isEmpty else {
            preconditionFailure("linkRead(_:) answers .readLink")
        }
        if let document { recordLink(from: map.location(of: listed.relativePath), document, trust: .unchecked) }
        phase = .walking
        return next()
    }

    /// What examining the digest `.examine` asked for found.
    public mutating func examined(_ examination: DigestExamination) -> Action {
        guard case .awaitingExamination(let current, let location) = phase, queue.isEmpty else {
            preconditionFailure("examined(_:) answers .examine")
        }
        phase = .walking
        switch examination {
        case .notFound:
            releasePending()
            missing(current, location)
        case .failed(var record, let document, let sha256):
            if let sha256 { checkHashLink(of: &record, at: location, sha256: sha256, passedOwnChecks: false) }
            releasePending()
            if let document { recordLink(from: location, document, trust: .invalid) }
            pending = Pending(record: record, document: document, isUsable: false)
            target = popOlder(before: current.digest.time).map { Target(digest: $0, isLinked: false) }
        case .usable(var record, let document, let sha256):
            checkHashLink(of: &record, at: location, sha256: sha256, passedOwnChecks: true)
            releasePending()
            usable(current, location, record, document)
        }
        return next()
    }

    /// The next action after one that needs no answer (`.report`, `.checkLogs`, `.setAside`).
    public mutating func next() -> Action {
        if !queue.isEmpty { return queue.removeFirst() }
        switch phase {
        case .walking: return advance()
        case .finished: return .done
        case .idle: preconditionFailure("start() first")
        case .awaitingLink, .awaitingExamination: preconditionFailure("the walk waits for a fact, not next()")
        }
    }

    // MARK: Transitions

    private var isIdle: Bool { if case .idle = phase { true } else { false } }

    /// The next digest to examine, or the end of the walk.
    private mutating func advance() -> Action {
        // Every target is older than the one before (links and the listing only lead to older digests), so the
        // walk ends and never sees a digest twice.
        if let current = target, rangeStart.map({ $0 <= lastStart }) ?? true {
            let location = map.location(of: current.digest.relativePath)
            phase = .awaitingExamination(current, location)
            return .examine(
                DigestRequest(
                    chain: chain, relativePath: current.digest.relativePath, location: location,
                    link: links[location]))
        }
        releasePending()
        phase = .finished
        return next()
    }

    /// A digest that is not there: reported, with the hourly digests missing below it when a link named it.
    private mutating func missing(_ current: Target, _ location: S3Location) {
        var record = DigestRecord(
            chain: chain, location: location, relativePath: current.digest.relativePath, status: .invalid("not found"))
        let next = popOlder(before: current.digest.time)
        var inferred: [DigestRecord] = []
        if let next, current.isLinked {
            inferred = inferMissing(newer: current.digest.time, older: next)
            if !inferred.isEmpty {
                record.notes.append(
                    "\(inferred.count + 1) consecutive digests are missing between \(next.time.iso8601) and "
                        + "\(current.digest.time.iso8601); aws-cli reports only this one")
            }
        }
        queue.append(.report(.digest(record)))
        for missing in inferred { queue.append(.report(.digest(missing))) }
        target = next.map { Target(digest: $0, isLinked: false) }
    }

    /// A digest that passed aws-cli's checks: follow its link, or end the segment (reporting a gap).
    private mutating func usable(_ current: Target, _ location: S3Location, _ record: DigestRecord, _ document: DigestDocument) {
        var record = record
        lastStart = document.startTime
        recordLink(from: location, document, trust: record.status.isValid ? .valid : .unverified)
        var next: Target?
        var endsSegment = document.isStartingDigest
        if let bucket = document.previousDigestS3Bucket, let key = document.previousDigestS3Object {
            let previous = S3Location(bucket: bucket, key: key)
            if let linked = linkTarget(previous, newerThan: current.digest.time) {
                next = linked
            } else {
                record.notes.append(
                    "previousDigestS3Object \(previous.url) is outside this chain's listing (another bucket, "
                        + "prefix or trail, or not older); not followed")
                endsSegment = true
            }
        }
        var gap: ChainGap?
        if endsSegment {
            let older = popOlder(before: current.digest.time)
            if let older, document.isStartingDigest {
                gap = ChainGap(chain: chain, from: older.time, to: document.startTime)
            }
            next = older.map { Target(digest: $0, isLinked: false) }
        }
        pending = Pending(record: record, document: document, isUsable: true, gapAfter: gap)
        target = next
    }

    /// Compares the digest at `location` (uncompressed SHA-256 `sha256`) with the `previousDigestHashValue` of the
    /// digest that names it. aws-cli never checks this link, so a mismatch is a note, never a verdict: on the digest
    /// holding the link when this one passed its own checks (and that digest's report is still waiting), else on
    /// this one.
    private mutating func checkHashLink(
        of record: inout DigestRecord, at location: S3Location, sha256: String, passedOwnChecks: Bool
    ) {
        guard let link = links[location], let expected = link.hashValue, Hex.decode(expected) != Hex.decode(sha256)
        else { return }
        if passedOwnChecks, pending?.record.location == link.successor {
            pending?.record.notes.append(
                "previousDigestHashValue \(expected) is not the SHA-256 of the previous digest \(location.url) "
                    + "(\(sha256)), which passed its own checks; aws-cli does not check this link")
        } else {
            record.notes.insert(
                "SHA-256 of this digest (\(sha256)) does not match previousDigestHashValue \(expected) in "
                    + "\(link.successor.url)", at: 0)
        }
    }

    /// Queues the waiting digest's report: its record, then its logs (checked or set aside), then its gap.
    private mutating func releasePending() {
        guard let released = pending else { return }
        pending = nil
        queue.append(.report(.digest(released.record)))
        if let entries = released.document?.logFiles, !entries.isEmpty {
            queue.append(
                released.isUsable
                    ? .checkLogs(entries, of: released.record) : .setAside(entries, of: released.record))
        }
        if let gap = released.gapAfter { queue.append(.report(.gap(gap))) }
    }

    /// The next listed digest older than `time` (skipping newer ones still on the stack).
    private mutating func popOlder(before time: UTCTime) -> ListedDigest? {
        while let next = stack.popLast() {
            if next.time < time { return next }
        }
        return nil
    }

    /// The digest a `previousDigest*` link leads to, if it belongs to this chain and is older than `time`.
    private func linkTarget(_ location: S3Location, newerThan time: UTCTime) -> Target? {
        guard let relativePath = map.relativePath(of: location),
            let (linkedChain, name, _) = ChainID.of(relativePath: relativePath), linkedChain == chain,
            let linkedTime = name.endTime, linkedTime < time
        else { return nil }
        return Target(digest: ListedDigest(relativePath: relativePath, name: name, time: linkedTime), isLinked: true)
    }

    /// Digests missing between a missing digest (`newer`, named by a link) and the next older digest on disk,
    /// assuming the hourly cadence continued: one record per missing hour besides `newer`.
    private func inferMissing(newer: UTCTime, older: ListedDigest) -> [DigestRecord] {
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

    /// Remembers what `document` (at `location`) says about its predecessor; the first digest to name it wins.
    private mutating func recordLink(from location: S3Location, _ document: DigestDocument, trust: ChainLink.Trust) {
        guard let bucket = document.previousDigestS3Bucket, let key = document.previousDigestS3Object else { return }
        let previous = S3Location(bucket: bucket, key: key)
        guard links[previous] == nil else { return }
        links[previous] = ChainLink(
            successor: location, trust: trust, signature: document.previousDigestSignature,
            hashValue: document.previousDigestHashValue, successorStart: document.startTime)
    }
}
