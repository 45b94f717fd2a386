import Dispatch
import Foundation
import Synchronization
import Testing
import TrailMillEventStore
import TrailMillPipeline
import TrailMillPostgres
import TrailMillSynth
import TrailMillTestSupport

/// Two loads into the same schema never both load: the second exits with status 3, or finds everything loaded.
@Suite(.enabled(if: serverAvailable, noServerReason))
struct ConcurrencyTests {
    /// A finished load hands its lock back before it closes its connection, so a load started right after it never
    /// finds the lock still held by the finished one's exiting server process (seen as a flaky "already running").
    @Test func aFinishedLoadHoldsNoLock() throws {
        let archive = try ArchiveBuilder()
        defer { archive.root.remove() }
        try archive.writeLog(
            ArchiveBuilder.logKey(account: "111122223333", region: "us-east-1", date: (2026, 1, 15)),
            records: [ArchiveBuilder.record()])
        let schema = try TestSchema()
        for _ in 0..<20 {
            _ = try schema.load(archive.root.path)
            let held = try schema.value(
                "SELECT count(*)::text FROM pg_locks WHERE locktype = 'advisory' AND objid = hashtext($1::text)::oid",
                [schema.name])
            #expect(held == "0")
        }
    }

    @Test func aLoadWhileTheLockIsHeldExitsWithStatusThreeAndLoadsNothing() throws {
        let archive = try ArchiveBuilder()
        defer { archive.root.remove() }
        try archive.writeLog(
            ArchiveBuilder.logKey(account: "111122223333", region: "us-east-1", date: (2026, 1, 15)),
            records: [ArchiveBuilder.record()])
        let schema = try TestSchema()
        let holder = try PostgresConnection(conninfo: nil)
        _ = try holder.query(
            "SELECT pg_advisory_lock(\(AdvisoryLock.classID), hashtext($1::text))", parameters: [schema.name])
        do {
            _ = try schema.load(archive.root.path)
            Issue.record("loaded while another session held the lock")
        } catch {
            #expect(error.isLockBusy)
            #expect(error.message.contains("another trailmill load") && error.message.contains("\(holder.backendPID)"))
        }
        #expect(try schema.count() == 0 && schema.count("loaded_files") == 0)
        // The lock ends with its session: a killed load never blocks the next one.
        _ = consume holder
        #expect(try schema.load(archive.root.path).events.written == 1)
    }

    @Test func twoLoadsStartedTogetherLoadEveryEventExactlyOnce() throws {
        let root = try TemporaryDirectory("synth")
        defer { root.remove() }
        var synth = SyntheticArchiveOptions()
        synth.days = 2
        synth.filesPerDay = 3
        let manifest = try SyntheticArchive.write(to: root.path, options: synth)
        let schema = try TestSchema()
        let options = schema.options(root.path) { $0.batchBytes = 64 << 10 }
        let outcomes = Mutex<[Result<RunSummary, RunFailure>]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            let outcome = Result { () throws(RunFailure) in try options.run() }
            outcomes.withLock { $0.append(outcome) }
        }
        let results = outcomes.withLock { $0 }
        var written = 0
        for result in results {
            switch result {
            case .success(let summary): written += summary.events.written
            case .failure(let failure): #expect(failure.isLockBusy, "\(failure)")
            }
        }
        #expect(written == manifest.distinctEvents)
        #expect(try schema.count() == manifest.distinctEvents)
        #expect(try schema.count("loaded_files") == manifest.files)
    }
}
