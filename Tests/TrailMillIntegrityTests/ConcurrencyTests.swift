import Synchronization
import Testing
import TrailMillCompression
@_spi(Testing) import TrailMillIntegrity
import TrailMillTestSupport

/// `IntegrityValidator.concurrency` bounds the log files checked at once, and never changes the results.
@Suite("Concurrency")
struct ConcurrencyTests {
    @Test("1, 2 and 8 workers give the same events, counts, coverage and output on a tampered chain")
    func sameResults() throws {
        var chain = try ChainBuilder("concurrency")
        for hour in 1...6 { try chain.addDigest(hour: hour, logs: hour == 3 ? 0 : 9) }
        defer { chain.directory.remove() }
        // One log altered, one deleted, one with a second gzip member; one digest deleted.
        var altered = chain.digests[1].logContents[4]
        altered[altered.count / 2] ^= 0x01
        try chain.directory.write(chain.digests[1].logKeys[4], bytes: try Gzip.compress(altered))
        try chain.remove(chain.digests[4].logKeys[8])
        let appended = chain.digests[5].logKeys[0]
        try chain.directory.write(appended, bytes: try chain.directory.read(appended) + Gzip.compress(Array("{}".utf8)))
        try chain.remove(chain.digests[3].key)

        var reports: [IntegrityReport] = []
        for workers in [1, 2, 8] {
            var validator = IntegrityValidator(root: chain.root, keys: TestKeys.set(), signatures: chain.sidecar())
            validator.concurrency = workers
            reports.append(try validator.validate())
        }
        let reference = reports[0]
        #expect(reference.counts.invalidLogs == 3)
        #expect(reference.counts.invalidDigests == 1)
        #expect(reference.counts.validLogs == 9 * 5 - 3 - 9)  // D4's nine logs are listed nowhere now
        let paths = chain.digests.flatMap(\.logKeys)
        for (workers, report) in zip([2, 8], reports.dropFirst()) {
            #expect(report.events == reference.events, "\(workers) workers")
            #expect(report.counts == reference.counts, "\(workers) workers")
            #expect(report.text().stdout == reference.text().stdout, "\(workers) workers")
            #expect(report.text().stderr == reference.text().stderr, "\(workers) workers")
            #expect(
                paths.map { report.logCoverage(relativePath: $0) }
                    == paths.map { reference.logCoverage(relativePath: $0) }, "\(workers) workers")
        }
    }

    @Test("at most `workers` bodies run at once; results in index order; 1 or fewer runs in order on this thread")
    func bounded() {
        for workers in [2, 3, 8] {
            let inFlight = Atomic<Int>(0)
            let highest = Atomic<Int>(0)
            let results = BoundedParallel.map(count: 40, workers: workers) { index in
                let now = inFlight.wrappingAdd(1, ordering: .relaxed).newValue
                highest.max(now, ordering: .relaxed)
                var spin = 0
                for step in 0..<20_000 { spin &+= step &* index }
                inFlight.wrappingSubtract(1, ordering: .relaxed)
                return index * 2 + (spin == -1 ? 1 : 0)
            }
            #expect(results == (0..<40).map { $0 * 2 })
            #expect(highest.load(ordering: .relaxed) <= workers, "\(workers) workers")
        }
        for workers in [1, 0, -3] {
            let order = Mutex<[Int]>([])
            let results = BoundedParallel.map(count: 10, workers: workers) { index in
                order.withLock { $0.append(index) }
                return index
            }
            #expect(results == Array(0..<10))
            #expect(order.withLock { $0 } == Array(0..<10))
        }
        #expect(BoundedParallel.map(count: 0, workers: 4) { $0 }.isEmpty)
    }
}
