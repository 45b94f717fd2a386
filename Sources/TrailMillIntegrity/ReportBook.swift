import TrailMillArchive

/// The bookkeeping of one validation run: every event in order, the counts, what each log file's coverage is, and
/// the range of digests found (aws-cli's "Results found for").
struct ReportBook {
    /// The requested range.
    let start: UTCTime?
    let end: UTCTime?
    private(set) var events: [IntegrityEvent] = []
    private(set) var counts = IntegrityCounts()
    /// Per relative path of a log file.
    private(set) var coverage: [String: LogCoverage] = [:]
    private(set) var foundStart: UTCTime?
    private(set) var foundEnd: UTCTime?

    init(start: UTCTime?, end: UTCTime?) {
        self.start = start
        self.end = end
    }

    /// Records a reported event.
    mutating func add(_ event: IntegrityEvent) {
        events.append(event)
        switch event {
        case .digest(let record):
            count(record)
            if !record.status.isInvalid, let startTime = record.startTime, let endTime = record.endTime {
                trackFound(start: startTime, end: endTime)
            }
        case .log(let record):
            switch record.status {
            case .valid: counts.validLogs += 1
            case .invalid: counts.invalidLogs += 1
            case .unverified: counts.unverifiedLogs += 1
            }
            if let path = record.relativePath { noteCoverage(path, record.status) }
        case .uncoveredLog(let record):
            switch record.coverage {
            case .listedOnlyInInvalidDigest?: counts.logsListedOnlyInInvalidDigests += 1
            case .notListed(pending: true)?: counts.pendingLogs += 1
            default: counts.unlistedLogs += 1
            }
        case .chainStarted, .gap:
            break
        }
    }

    /// Remembers the logs of an invalid digest: aws-cli does not check them, and they stay unverified unless
    /// another digest covers them.
    mutating func setAside(_ entries: [DigestLogEntry], of digest: DigestRecord, map: LocationMap) {
        guard case .invalid(let reason) = digest.status else { return }
        for entry in entries {
            guard let path = map.relativePath(of: S3Location(bucket: entry.s3Bucket, key: entry.s3Object)) else {
                continue
            }
            if coverage[path] == nil {
                coverage[path] = .listedOnlyInInvalidDigest(digest: digest.location, reason: reason)
            }
        }
    }

    /// The log files on disk in range that no checked digest covers (after every chain was walked), in file order.
    func uncoveredLogs(
        _ files: [TrailFile], map: LocationMap, newestDigestEnd: [IntegrityReport.LogScope: UTCTime]
    ) -> [LogRecord] {
        var records: [LogRecord] = []
        for file in files where file.folder == .cloudTrail {
            let time = IntegrityReport.deliveryTime(file)
            if let start, time < start { continue }
            if let end, end < time { continue }
            let status: LogStatus
            let state: LogCoverage
            switch coverage[file.relativePath] {
            case .valid?, .invalid?, .unverifiedDigest?:
                continue
            case .listedOnlyInInvalidDigest(let digest, let reason)?:
                state = .listedOnlyInInvalidDigest(digest: digest, reason: reason)
                status = .unverified("listed only in \(digest.url), which is INVALID: \(reason)")
            case .notListed?, nil:
                if IntegrityReport.isPending(file, newestDigestEnd: newestDigestEnd) {
                    state = .notListed(pending: true)
                    status = .unverified("not listed in any digest yet (newer than the newest digest)")
                } else {
                    state = .notListed(pending: false)
                    status = .unverified("not listed in any digest")
                }
            }
            records.append(
                LogRecord(
                    location: map.location(of: file.relativePath), relativePath: file.relativePath, status: status,
                    digest: nil, coverage: state))
        }
        return records
    }

    // MARK: Pieces

    private mutating func count(_ record: DigestRecord) {
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

    /// Widens the found range with a usable digest's window (its start only when after the requested start, its
    /// end capped at the requested end).
    private mutating func trackFound(start startTime: UTCTime, end endTime: UTCTime) {
        if start.map({ startTime > $0 }) ?? true {
            if foundStart.map({ startTime < $0 }) ?? true { foundStart = startTime }
        }
        let capped = end.map { min(endTime, $0) } ?? endTime
        if foundEnd.map({ $0 < capped }) ?? true { foundEnd = capped }
    }

    /// Merges a checked entry into the per-path coverage: invalid wins over unverified, which wins over valid.
    private mutating func noteCoverage(_ path: String, _ status: LogStatus) {
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
}

extension DigestStatus {
    /// Whether this is `.invalid` (a failed or missing digest).
    var isInvalid: Bool { if case .invalid = self { true } else { false } }
}
