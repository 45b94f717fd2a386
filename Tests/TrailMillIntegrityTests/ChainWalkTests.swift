import Testing
@_spi(Testing) import TrailMillIntegrity

/// The chain walk as a state machine, fed facts without any file: every transition of `ChainWalk`.
///
/// Digest `D(h)` of the test chain ends at 2024-01-15T(h+1):01:31Z (one hour after it starts), is in bucket `b`
/// under its real key, lists `logs` entries, and (unless it is a starting digest) names `D(h-1)` with
/// `previousDigestHashValue` = `sha(h-1)` and `previousDigestSignature` = `sig(h-1)`.
@Suite("Chain walk state machine")
struct ChainWalkTests {
    typealias Action = ChainWalk.Action

    static let chain = ChainID(
        pathPrefix: "", organizationID: nil, accountID: "111122223333", sourceRegion: "eu-west-1", trailName: "t",
        homeRegion: "eu-west-1", isBackfill: false)
    static let map = LocationMap(layout: .bucket("b", keyPrefix: ""))

    // MARK: Facts and expectations

    static func end(_ hour: Int) -> UTCTime { UTCTime(iso8601: "2024-01-15T01:01:31Z")!.adding(seconds: Int64(hour) * 3600) }
    static func path(_ hour: Int) -> String { chain.relativePath(endingAt: end(hour)) }
    static func location(_ hour: Int) -> S3Location { map.location(of: path(hour)) }
    static func listed(_ hour: Int) -> ListedDigest { ListedDigest(relativePath: path(hour))! }
    static func sha(_ hour: Int) -> String { String(repeating: String(hour % 10), count: 64) }
    static func sig(_ hour: Int) -> String { "5169" + String(repeating: String(hour % 10), count: 8) }

    static func entries(_ hour: Int, _ count: Int) -> [DigestLogEntry] {
        (0..<count).map {
            DigestLogEntry(s3Bucket: "b", s3Object: "AWSLogs/log-\(hour)-\($0).json.gz", hashValue: sha(100 + $0))
        }
    }

    /// `D(hour)`'s JSON; `previous` nil = a starting digest.
    static func document(_ hour: Int, previous: Int? = nil, logs: Int = 2, previousHash: String? = nil) -> DigestDocument {
        DigestDocument(
            digestStartTime: end(hour).adding(seconds: -3600).iso8601, digestEndTime: end(hour).iso8601,
            digestS3Bucket: "b", digestS3Object: path(hour), digestPublicKeyFingerprint: "fp",
            previousDigestS3Bucket: previous.map { _ in "b" }, previousDigestS3Object: previous.map { path($0) },
            previousDigestHashValue: previousHash ?? previous.map { sha($0) },
            previousDigestHashAlgorithm: previous.map { _ in "SHA-256" }, previousDigestSignature: previous.map { sig($0) },
            logFiles: entries(hour, logs))
    }

    static func record(_ hour: Int, _ status: DigestStatus = .valid, logs: Int = 2, notes: [String] = []) -> DigestRecord {
        DigestRecord(
            chain: chain, location: location(hour), relativePath: path(hour), status: status,
            signatureSource: status == .valid ? .sidecar : .none, startTime: end(hour).adding(seconds: -3600),
            endTime: end(hour), logCount: logs, notes: notes)
    }

    static func usable(
        _ hour: Int, previous: Int? = nil, status: DigestStatus = .valid, logs: Int = 2, previousHash: String? = nil,
        sha256: String? = nil
    ) -> DigestExamination {
        .usable(
            record(hour, status, logs: logs), document(hour, previous: previous, logs: logs, previousHash: previousHash),
            uncompressedSHA256: sha256 ?? sha(hour))
    }

    static func failed(_ hour: Int, _ reason: String, previous: Int? = nil, sha256: String? = nil) -> DigestExamination {
        .failed(record(hour, .invalid(reason)), document(hour, previous: previous), uncompressedSHA256: sha256)
    }

    /// The link `D(successor)` gives `D(successor - 1)`.
    static func link(from successor: Int, _ trust: ChainLink.Trust = .valid, hash: String? = nil) -> ChainLink {
        ChainLink(
            successor: location(successor), trust: trust, signature: sig(successor - 1),
            hashValue: hash ?? sha(successor - 1), successorStart: end(successor).adding(seconds: -3600))
    }

    static func examine(_ hour: Int, link: ChainLink? = nil) -> Action {
        .examine(DigestRequest(chain: chain, relativePath: path(hour), location: location(hour), link: link))
    }

    static func reported(_ record: DigestRecord) -> Action { .report(.digest(record)) }

    /// The usual three actions for a usable digest: its record and its logs.
    static func released(_ record: DigestRecord, logs: Int = 2) -> [Action] {
        let hour = Int(record.endTime.map { ($0.seconds - end(0).seconds) / 3600 } ?? 0)
        return [reported(record)] + (logs > 0 ? [.checkLogs(entries(hour, logs), of: record)] : [])
    }

    static func hour(of relativePath: String) -> Int? { (0..<48).first { path($0) == relativePath } }

    static func walk(_ hours: [Int], start: UTCTime? = nil, end: UTCTime? = nil) -> ChainWalk {
        ChainWalk(chain: chain, listing: hours.sorted().map { listed($0) }, start: start, end: end, map: map)
    }

    /// Runs the walk to the end, answering each `.examine` from `facts` (by hour; `.notFound` when absent) and each
    /// `.readLink` from `linkDocuments`; every action in order.
    static func run(
        _ walk: inout ChainWalk, _ facts: [Int: DigestExamination], linkDocuments: [Int: DigestDocument] = [:]
    ) -> [Action] {
        var actions: [Action] = []
        var action = walk.start()
        while true {
            actions.append(action)
            switch action {
            case .done: return actions
            case .readLink(let listed):
                action = walk.linkRead(hour(of: listed.relativePath).flatMap { linkDocuments[$0] })
            case .examine(let request):
                action = walk.examined(hour(of: request.relativePath).flatMap { facts[$0] } ?? .notFound)
            case .report, .checkLogs, .setAside:
                action = walk.next()
            }
        }
    }

    // MARK: Start and end

    @Test("nothing listed, or nothing in range: done at once, no chain header")
    func empty() {
        var none = Self.walk([])
        #expect(none.start() == .done)
        var outside = Self.walk([1, 2], start: Self.end(5))
        #expect(outside.start() == .done)
    }

    @Test("one starting digest: header, examine, its record, its logs, done")
    func single() {
        var walk = Self.walk([3])
        #expect(walk.start() == .report(.chainStarted(Self.chain)))
        #expect(walk.next() == Self.examine(3))
        #expect(walk.examined(Self.usable(3)) == Self.reported(Self.record(3)))
        #expect(walk.next() == .checkLogs(Self.entries(3, 2), of: Self.record(3)))
        #expect(walk.next() == .done)
        #expect(walk.next() == .done)
    }

    @Test("a linked chain: each digest is examined with its successor's link before the successor is reported")
    func linked() {
        var walk = Self.walk([1, 2, 3])
        #expect(walk.start() == .report(.chainStarted(Self.chain)))
        #expect(walk.next() == Self.examine(3))
        // D3's report waits until D2, which it names, has been checked.
        #expect(walk.examined(Self.usable(3, previous: 2)) == Self.examine(2, link: Self.link(from: 3)))
        #expect(walk.examined(Self.usable(2, previous: 1)) == Self.reported(Self.record(3)))
        #expect(walk.next() == .checkLogs(Self.entries(3, 2), of: Self.record(3)))
        #expect(walk.next() == Self.examine(1, link: Self.link(from: 2)))
        #expect(walk.examined(Self.usable(1)) == Self.reported(Self.record(2)))
        #expect(walk.next() == .checkLogs(Self.entries(2, 2), of: Self.record(2)))
        #expect(walk.next() == Self.reported(Self.record(1)))
        #expect(walk.next() == .checkLogs(Self.entries(1, 2), of: Self.record(1)))
        #expect(walk.next() == .done)
    }

    @Test("an empty digest (no logs) has no log check; an unverified one passes an unverified link on")
    func emptyAndUnverified() {
        var walk = Self.walk([1, 2])
        let unverified = DigestStatus.unverified("no signature")
        let actions = Self.run(
            &walk, [2: Self.usable(2, previous: 1, status: unverified, logs: 0), 1: Self.usable(1)])
        #expect(
            actions == [
                .report(.chainStarted(Self.chain)), Self.examine(2), Self.examine(1, link: Self.link(from: 2, .unverified)),
                Self.reported(Self.record(2, unverified, logs: 0)),
            ] + Self.released(Self.record(1)) + [.done])
    }

    @Test("a stop and restart: the starting digest ends its segment and the gap follows its logs")
    func gap() {
        var walk = Self.walk([1, 2, 5, 6])
        let actions = Self.run(
            &walk, [6: Self.usable(6, previous: 5), 5: Self.usable(5), 2: Self.usable(2, previous: 1), 1: Self.usable(1)])
        let gap = ChainGap(chain: Self.chain, from: Self.end(2), to: Self.end(5).adding(seconds: -3600))
        #expect(
            actions
                == [.report(.chainStarted(Self.chain)), Self.examine(6), Self.examine(5, link: Self.link(from: 6))]
                + Self.released(Self.record(6)) + [Self.examine(2)] + Self.released(Self.record(5))
                + [.report(.gap(gap)), Self.examine(1, link: Self.link(from: 2))] + Self.released(Self.record(2))
                + Self.released(Self.record(1)) + [.done])
    }

    @Test("the oldest digest is a starting digest: no gap; its missing predecessor at the very end: reported, done")
    func chainStartAndEnd() {
        var starting = Self.walk([1, 2])
        let clean = Self.run(&starting, [2: Self.usable(2, previous: 1), 1: Self.usable(1)])
        #expect(!clean.contains { if case .report(.gap) = $0 { true } else { false } })
        var missingTail = Self.walk([2])
        let actions = Self.run(&missingTail, [2: Self.usable(2, previous: 1)])
        #expect(
            actions
                == [.report(.chainStarted(Self.chain)), Self.examine(2), Self.examine(1, link: Self.link(from: 2))]
                + Self.released(Self.record(2))
                + [Self.reported(DigestRecord(chain: Self.chain, location: Self.location(1), relativePath: Self.path(1), status: .invalid("not found"))), .done])
    }

    @Test("a range: digests ending after end + 1 h are left out but the next one is read for its link; the walk stops after the digest straddling start")
    func range() {
        var walk = Self.walk([0, 1, 2, 3, 4, 5], start: Self.end(1).adding(seconds: -600), end: Self.end(2))
        #expect(walk.start() == .report(.chainStarted(Self.chain)))
        #expect(walk.next() == .readLink(Self.listed(4)))
        #expect(walk.linkRead(Self.document(4, previous: 3)) == Self.examine(3, link: Self.link(from: 4, .unchecked)))
        #expect(walk.examined(Self.usable(3, previous: 2)) == Self.examine(2, link: Self.link(from: 3)))
        #expect(walk.examined(Self.usable(2, previous: 1)) == Self.reported(Self.record(3)))
        #expect(walk.next() == .checkLogs(Self.entries(3, 2), of: Self.record(3)))
        #expect(walk.next() == Self.examine(1, link: Self.link(from: 2)))
        // D1 starts before `start`: it is the last one, D0 is never examined.
        #expect(walk.examined(Self.usable(1, previous: 0)) == Self.reported(Self.record(2)))
        #expect(walk.next() == .checkLogs(Self.entries(2, 2), of: Self.record(2)))
        #expect(walk.next() == Self.reported(Self.record(1)))
        #expect(walk.next() == .checkLogs(Self.entries(1, 2), of: Self.record(1)))
        #expect(walk.next() == .done)
    }

    @Test("the digest after the range is unreadable: no link, the newest in range is examined without one")
    func unreadableLink() {
        var walk = Self.walk([1, 2], end: Self.end(0))
        #expect(walk.start() == .report(.chainStarted(Self.chain)))
        #expect(walk.next() == .readLink(Self.listed(2)))
        #expect(walk.linkRead(nil) == Self.examine(1))
    }

    // MARK: Missing digests

    @Test("a missing digest named by a link: reported after its successor, the walk goes on with the next listed one")
    func missingLinked() {
        var walk = Self.walk([1, 3])
        let actions = Self.run(&walk, [3: Self.usable(3, previous: 2), 1: Self.usable(1)])
        let missing = DigestRecord(
            chain: Self.chain, location: Self.location(2), relativePath: Self.path(2), status: .invalid("not found"))
        #expect(
            actions
                == [.report(.chainStarted(Self.chain)), Self.examine(3), Self.examine(2, link: Self.link(from: 3))]
                + Self.released(Self.record(3)) + [Self.reported(missing), Self.examine(1)]
                + Self.released(Self.record(1)) + [.done])
    }

    @Test("consecutive missing digests: the one named is reported with a count, each hour below it is inferred")
    func missingInferred() {
        var walk = Self.walk([1, 5])
        let actions = Self.run(&walk, [5: Self.usable(5, previous: 4), 1: Self.usable(1)])
        let reports = actions.compactMap { action -> DigestRecord? in
            if case .report(.digest(let record)) = action { record } else { nil }
        }
        #expect(reports.map(\.relativePath) == [5, 4, 3, 2, 1].map { Self.path($0) })
        #expect(reports.map(\.isInferred) == [false, false, true, true, false])
        #expect(reports[1].status == .invalid("not found"))
        #expect(
            reports[1].notes == [
                "3 consecutive digests are missing between \(Self.end(1).iso8601) and \(Self.end(4).iso8601); "
                    + "aws-cli reports only this one"
            ])
        #expect(reports[2].location == Self.location(3))
        #expect(reports[2].notes.first?.hasPrefix("key inferred from the hourly cadence between") == true)
        #expect(actions.contains(Self.examine(1)))
    }

    @Test("a listed digest gone when read (not reached through a link): reported alone, nothing inferred")
    func missingListed() {
        var walk = Self.walk([1, 4])
        let actions = Self.run(&walk, [1: Self.usable(1)])
        let missing = DigestRecord(
            chain: Self.chain, location: Self.location(4), relativePath: Self.path(4), status: .invalid("not found"))
        #expect(
            actions == [.report(.chainStarted(Self.chain)), Self.examine(4), Self.reported(missing), Self.examine(1)]
                + Self.released(Self.record(1)) + [.done])
    }

    // MARK: Invalid digests

    @Test("an invalid signature: the digest is reported, its logs set aside, its link not followed but remembered")
    func invalidSignature() {
        var walk = Self.walk([1, 2, 3])
        let actions = Self.run(
            &walk,
            [3: Self.usable(3, previous: 2), 2: Self.failed(2, "signature verification failed", previous: 1), 1: Self.usable(1)])
        let invalid = Self.record(2, .invalid("signature verification failed"))
        #expect(
            actions
                == [.report(.chainStarted(Self.chain)), Self.examine(3), Self.examine(2, link: Self.link(from: 3))]
                + Self.released(Self.record(3))
                + [Self.examine(1, link: Self.link(from: 2, .invalid)), Self.reported(invalid),
                    .setAside(Self.entries(2, 2), of: invalid)]
                + Self.released(Self.record(1)) + [.done])
    }

    @Test("an invalid digest that could not be parsed: no logs to set aside, no link; the next listed digest follows")
    func invalidFormat() {
        var walk = Self.walk([1, 2])
        let broken = DigestRecord(
            chain: Self.chain, location: Self.location(2), relativePath: Self.path(2), status: .invalid("invalid format"),
            notes: ["not gzip"])
        let actions = Self.run(&walk, [2: .failed(broken, nil, uncompressedSHA256: nil), 1: Self.usable(1)])
        #expect(
            actions == [.report(.chainStarted(Self.chain)), Self.examine(2), Self.examine(1), Self.reported(broken)]
                + Self.released(Self.record(1)) + [.done])
    }

    @Test("a link outside the chain's listing: noted, not followed, the next listed digest follows without a gap")
    func linkOutsideListing() {
        var walk = Self.walk([1, 2])
        var document = Self.document(2, previous: 1)
        document.previousDigestS3Bucket = "other-bucket"
        let actions = Self.run(&walk, [2: .usable(Self.record(2), document, uncompressedSHA256: Self.sha(2)), 1: Self.usable(1)])
        let noted = Self.record(
            2,
            notes: [
                "previousDigestS3Object s3://other-bucket/\(Self.path(1)) is outside this chain's listing (another "
                    + "bucket, prefix or trail, or not older); not followed"
            ])
        #expect(
            actions == [.report(.chainStarted(Self.chain)), Self.examine(2), Self.examine(1)]
                + Self.released(noted) + Self.released(Self.record(1)) + [.done])
    }

    // MARK: The previousDigestHashValue link

    @Test("hash mismatch, the previous digest intact: a note on the digest holding the wrong link, the previous one stays as it is")
    func hashMismatchIntactPrevious() {
        var walk = Self.walk([1, 2])
        let actions = Self.run(&walk, [2: Self.usable(2, previous: 1, previousHash: Self.sha(9)), 1: Self.usable(1)])
        let holder = Self.record(
            2,
            notes: [
                "previousDigestHashValue \(Self.sha(9)) is not the SHA-256 of the previous digest "
                    + "\(Self.location(1).url) (\(Self.sha(1))), which passed its own checks; aws-cli does not check this link"
            ])
        #expect(
            actions
                == [.report(.chainStarted(Self.chain)), Self.examine(2), Self.examine(1, link: Self.link(from: 2, hash: Self.sha(9)))]
                + Self.released(holder) + Self.released(Self.record(1)) + [.done])
    }

    @Test("hash mismatch, the previous digest failed its own checks: the note is on it (first), the newer one is clean")
    func hashMismatchFailedPrevious() {
        var walk = Self.walk([1, 2])
        let actions = Self.run(
            &walk,
            [2: Self.usable(2, previous: 1), 1: Self.failed(1, "signature verification failed", sha256: Self.sha(8))])
        var failed = Self.record(1, .invalid("signature verification failed"))
        failed.notes = [
            "SHA-256 of this digest (\(Self.sha(8))) does not match previousDigestHashValue \(Self.sha(1)) in "
                + Self.location(2).url
        ]
        #expect(
            actions
                == [.report(.chainStarted(Self.chain)), Self.examine(2), Self.examine(1, link: Self.link(from: 2))]
                + Self.released(Self.record(2)) + [Self.reported(failed), .setAside(Self.entries(1, 2), of: failed), .done])
    }

    @Test("hash mismatch with the unreported digest after the range: the note is on the digest in range")
    func hashMismatchUncheckedSuccessor() {
        var walk = Self.walk([1, 2], end: Self.end(0))
        #expect(walk.start() == .report(.chainStarted(Self.chain)))
        #expect(walk.next() == .readLink(Self.listed(2)))
        let link = Self.link(from: 2, .unchecked, hash: Self.sha(9))
        #expect(walk.linkRead(Self.document(2, previous: 1, previousHash: Self.sha(9))) == Self.examine(1, link: link))
        var noted = Self.record(1)
        noted.notes = [
            "SHA-256 of this digest (\(Self.sha(1))) does not match previousDigestHashValue \(Self.sha(9)) in "
                + Self.location(2).url
        ]
        #expect(walk.examined(Self.usable(1)) == Self.reported(noted))
    }

    @Test("hex case does not matter in the hash link")
    func hashLinkHexCase() {
        var walk = Self.walk([1, 2])
        let upper = "ABCDEF" + String(repeating: "0", count: 58)
        let actions = Self.run(
            &walk, [2: Self.usable(2, previous: 1, previousHash: upper), 1: Self.usable(1, sha256: upper.lowercased())])
        let records = actions.compactMap { if case .report(.digest(let record)) = $0 { record } else { nil } }
        #expect(records.allSatisfy { $0.notes.isEmpty })
    }
}
