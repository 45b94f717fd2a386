import Foundation
import GRDB
import Testing
import TrailMillTestSupport

@testable import TrailMillJobs

/// The per-file state: done, skipped, dead with a retry limit, changed files, runs, reopening.
@Suite struct JobStateTests {
    let a = FileIdentity(key: "AWSLogs/1/CloudTrail/us-east-1/2026/01/15/a.json.gz", size: 100, sha256: "aa")
    let b = FileIdentity(key: "AWSLogs/1/CloudTrail/us-east-1/2026/01/15/b.json.gz", size: 200)

    func withState(_ body: (JobState, String) throws -> Void) throws {
        let temp = try TemporaryDirectory("trailmill-state")
        defer { temp.remove() }
        let path = temp.path + "/job.sqlite"
        try body(try JobState(path: path), path)
    }

    @Test func newDoneAndChangedFiles() throws {
        try withState { state, _ in
            #expect(try state.check([a, b], maxAttempts: 3) == [.new, .new])
            let run = try state.beginRun(nowMillis: 1_000)
            try state.markDone([a, b], runID: run, nowMillis: 2_000)
            let checks = try state.check([a, b], maxAttempts: 3)
            guard case .done(let record) = checks[0] else { Issue.record("\(checks)"); return }
            #expect(record.identity == a && record.runID == run && record.firstSeenMillis == 2_000)
            // The hash becomes known later: still done.
            #expect(try state.shouldRetry(FileIdentity(key: b.key, size: 200, sha256: "bb"), maxAttempts: 3) == false)
            // Same key, new size or new hash: changed, never silently skipped.
            let grown = FileIdentity(key: a.key, size: 150, sha256: "aa")
            let rehashed = FileIdentity(key: a.key, size: 100, sha256: "zz")
            for file in [grown, rehashed] {
                guard case .changed(let previous) = try state.check([file], maxAttempts: 3)[0] else {
                    Issue.record("expected changed for \(file)")
                    continue
                }
                #expect(previous.identity == a)
                #expect(try state.shouldRetry(file, maxAttempts: 3))
            }
            // Without a hash on either side, the size decides.
            #expect(try state.check([FileIdentity(key: a.key, size: 100)], maxAttempts: 3) == [checks[0]])
        }
    }

    @Test func deadFilesAreRetriedUpToTheLimit() throws {
        try withState { state, _ in
            let run = try state.beginRun()
            #expect(try state.recordDead(a, reason: "corrupt gzip", runID: run) == 1)
            #expect(try state.shouldRetry(a, maxAttempts: 3))
            guard case .retry(let record) = try state.check([a], maxAttempts: 3)[0] else { Issue.record(); return }
            #expect(record.status == .dead && record.reason == "corrupt gzip" && record.attempts == 1)
            #expect(try state.recordDead(a, reason: "corrupt gzip", runID: run) == 2)
            #expect(try state.recordDead(a, reason: "still corrupt", runID: run) == 3)
            #expect(try state.shouldRetry(a, maxAttempts: 3) == false)
            #expect(try state.shouldRetry(a, maxAttempts: 4))
            guard case .permanentlyDead(let dead) = try state.check([a], maxAttempts: 3)[0] else {
                Issue.record(); return
            }
            #expect(dead.attempts == 3 && dead.reason == "still corrupt")
            #expect(try state.permanentlyDeadFiles(maxAttempts: 3).map(\.identity.key) == [a.key])
            #expect(try state.permanentlyDeadFiles(maxAttempts: 4).isEmpty)
            // A dead file that was rewritten (new size) starts over.
            let fixed = FileIdentity(key: a.key, size: 101)
            guard case .changed = try state.check([fixed], maxAttempts: 3)[0] else { Issue.record(); return }
            #expect(try state.recordDead(fixed, reason: "again", runID: run) == 1)
            // Done after all.
            try state.markDone([fixed], runID: run)
            let record2 = try #require(try state.record(key: a.key))
            #expect(record2.status == .done && record2.reason == nil)
        }
    }

    @Test func skippedFilesAreRetried() throws {
        try withState { state, _ in
            try state.recordSkipped(b, reason: "held: not verified by a digest", runID: nil)
            guard case .retry(let record) = try state.check([b], maxAttempts: 1)[0] else { Issue.record(); return }
            #expect(record.status == .skipped && record.reason == "held: not verified by a digest")
            #expect(try state.files(status: .skipped).count == 1)
        }
    }

    @Test func statusCountsAndRuns() throws {
        try withState { state, _ in
            let first = try state.beginRun(nowMillis: 10)
            try state.markDone([a], runID: first)
            try state.recordDead(b, reason: "bad json", runID: first)
            try state.recordSkipped(FileIdentity(key: "c", size: 1), reason: "held", runID: first)
            try state.finishRun(first, exitStatus: 1, summaryJSON: #"{"exit_status":1}"#, nowMillis: 20)
            let second = try state.beginRun(dryRun: true, nowMillis: 30)
            let counts = try state.statusCounts(maxAttempts: 1)
            #expect(counts.done == 1 && counts.dead == 1 && counts.skipped == 1 && counts.permanentlyDead == 1)
            #expect(try state.statusCounts(maxAttempts: 2).permanentlyDead == 0)
            let runs = try state.recentRuns(limit: 5)
            #expect(runs.map(\.id) == [second, first])
            #expect(runs[0].dryRun && runs[0].finishedMillis == nil && runs[0].exitStatus == nil)
            #expect(
                runs[1]
                    == RunRecord(
                        id: first, startedMillis: 10, finishedMillis: 20, exitStatus: 1, dryRun: false,
                        summaryJSON: #"{"exit_status":1}"#))
            #expect(try state.recentRuns(limit: 1).count == 1)
            #expect(throws: JobStateError.self) { try state.finishRun(999, exitStatus: 0, summaryJSON: nil) }
        }
    }

    @Test func aSecondInstanceSeesWhatTheFirstWrote() throws {
        try withState { state, path in
            let run = try state.beginRun()
            try state.markDone([a], runID: run)
            try state.recordDead(b, reason: "x", runID: run)
            let other = try JobState(path: path)
            guard case .done = try other.check([a], maxAttempts: 3)[0] else { Issue.record(); return }
            #expect(try other.record(key: b.key)?.attempts == 1)
            try other.recordDead(b, reason: "y", runID: run)
            #expect(try state.record(key: b.key)?.attempts == 2)
            #expect(try state.quickCheck() == nil)
            // Read-only: sees everything, creates nothing.
            let readOnly = try #require(try JobState.openReadOnly(path: path))
            #expect(try readOnly.statusCounts(maxAttempts: 3).done == 1)
            #expect(throws: JobStateError.self) { try readOnly.markDone([b], runID: nil) }
            #expect(try JobState.openReadOnly(path: path + ".missing") == nil)
            #expect(!FileManager.default.fileExists(atPath: path + ".missing"))
        }
    }

    @Test func readOnlyAfterTheWriterClosed() throws {
        let temp = try TemporaryDirectory("trailmill-state")
        defer { temp.remove() }
        let path = temp.path + "/job.sqlite"
        do {
            let state = try JobState(path: path)
            try state.markDone([a], runID: nil)
        }
        let readOnly = try #require(try JobState.openReadOnly(path: path))
        #expect(try readOnly.statusCounts(maxAttempts: 1).done == 1)
        #expect(try readOnly.recentRuns().isEmpty)
    }

    @Test func theFileIsInWALModeWithFullSync() throws {
        try withState { state, path in
            _ = try state.beginRun()
            let queue = try DatabaseQueue(path: path)
            #expect(try queue.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
            // synchronous is per connection: ask the store's own (2 = FULL).
            #expect(try state.queue.read { try Int.fetchOne($0, sql: "PRAGMA synchronous") } == 2)
            #expect(try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM grdb_migrations") } == 2)
        }
    }

    @Test func aStateFromANewerVersionIsRefused() throws {
        try withState { _, path in
            let queue = try DatabaseQueue(path: path)
            try queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99')") }
            #expect { _ = try JobState(path: path) } throws: { error in
                "\(error)".contains("newer TrailMill")
            }
        }
    }
}
