import Foundation
import Logging
import Testing
import TrailMillArchive
import TrailMillJobs
import TrailMillPipeline
import TrailMillTestSupport

/// `JobRunner` in process, with real archives, a real SQLite state and real output directories.
@Suite struct JobRunnerTests {
    /// An archive, an output directory and a job over them (a backfill covering January 2026).
    struct Fixture {
        let archive: ArchiveBuilder
        let work: TemporaryDirectory
        var extraYAML = ""
        var sinksYAML: String

        init(sinks: String? = nil) throws {
            archive = try ArchiveBuilder("job-archive")
            work = try TemporaryDirectory("job-work")
            sinksYAML =
                sinks ?? """
                  - type: ndjson
                    path: \(work.path)/out
                """
        }

        var out: String { work.path + "/out" }
        var statePath: String { work.path + "/state/job.sqlite" }

        func job(_ extra: String = "") throws -> JobFile {
            let yaml = """
                name: job
                source:
                  path: \(archive.root.path)
                select:
                  from: 2026-01-01
                  to: 2026-01-31
                sinks:
                \(sinksYAML)
                parallelism:
                  jobs: 2
                state: \(statePath)
                \(extra)
                """
            return try JobLoader(environment: [:]).parse(yaml: yaml, path: work.path + "/job.yaml")
        }

        /// Writes a log file delivered on `day` of January 2026 with `count` fresh events (or the given records).
        @discardableResult
        func log(day: Int, unique: String, count: Int = 3, records: [String]? = nil) throws -> [String] {
            let ids = (0..<count).map { _ in UUID().uuidString.lowercased() }
            let time = String(format: "2026-01-%02dT10:00:00Z", day)
            try archive.writeLog(
                ArchiveBuilder.logKey(account: "111122223333", region: "us-east-1", date: (2026, 1, day), unique: unique),
                records: records ?? ids.map { ArchiveBuilder.record(id: $0, time: time) })
            return ids
        }

        func run(_ job: JobFile, configure: (inout JobRunner.Options) -> Void = { _ in }) -> JobRunSummary {
            var options = JobRunner.Options()
            options.today = CivilDate(year: 2026, month: 2, day: 1) ?? options.today
            configure(&options)
            return JobRunner(job: job, options: options, logger: quietLogger).run().summary
        }

        /// Event IDs of every NDJSON line in `out`.
        func eventIDs() throws -> [String] {
            guard FileManager.default.fileExists(atPath: out) else { return [] }
            return try OutputReader.objects(in: out).compactMap { $0["event_id"] as? String }
        }

        /// The names in `out` (hidden ones included).
        func outputNames() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []).sorted()
        }

        func remove() {
            archive.root.remove()
            work.remove()
        }
    }

    @Test func aSecondRunProcessesNothingAndLeavesOutputsAlone() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        var expected: [String] = []
        for day in 10...12 { expected += try fixture.log(day: day, unique: "A\(day)AAAAAAAAAAAAA") }
        let job = try fixture.job()
        let first = fixture.run(job)
        #expect(first.exitStatus == 0, "\(first.failure ?? "")")
        #expect(first.files.done == 3 && first.events.written == 9)
        #expect(try fixture.eventIDs().sorted() == expected.sorted())
        let names = fixture.outputNames()
        #expect(names.count == 1 && !names.contains { $0.hasPrefix(".") })
        let hash = ContentHash.sha256(path: fixture.out + "/" + names[0])

        let second = fixture.run(job)
        #expect(second.exitStatus == 0)
        #expect(second.files.toProcess == 0 && second.files.alreadyDone == 3 && second.files.done == 0)
        #expect(second.outputs.isEmpty && second.events.read == 0)
        #expect(fixture.outputNames() == names)
        #expect(ContentHash.sha256(path: fixture.out + "/" + names[0]) == hash)

        let state = try JobState(path: fixture.statePath)
        #expect(try state.outputs().count == 1)
        #expect(try state.outputs().first?.sha256 == hash)
        #expect(try state.recentRuns().count == 2)
        #expect(try state.recentRuns().first?.summaryJSON?.contains("\"already_done\":3") == true)
    }

    @Test func aLateFileDeliveredIntoAnEarlierDayIsPickedUpAlone() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.log(day: 14, unique: "BBBBBBBBBBBBBBBB")
        try fixture.log(day: 15, unique: "CCCCCCCCCCCCCCCC")
        let job = try fixture.job()
        #expect(fixture.run(job).files.done == 2)
        // Sorts before everything processed so far: a key watermark would miss it.
        let late = try fixture.log(day: 3, unique: "0000000000000000")
        let second = fixture.run(job)
        #expect(second.exitStatus == 0)
        #expect(second.files.done == 1 && second.files.alreadyDone == 2)
        #expect(second.events.written == 3)
        #expect(second.outputs.count == 1)
        let newest = try #require(second.outputs.first)
        let lines = try String(contentsOfFile: newest.path, encoding: .utf8).split(separator: "\n")
        #expect(Set(lines.compactMap { line in late.first { line.contains($0) } }) == Set(late))
        #expect(try fixture.eventIDs().count == 9)
    }

    @Test func eventsAlreadyDeliveredByEarlierRunsAreDroppedAcrossBatchesAndRuns() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let shared = try fixture.log(day: 10, unique: "DDDDDDDDDDDDDDDD")
        let time = "2026-01-10T10:00:00Z"
        // Later files repeat the first file's events (CloudTrail delivers some events twice).
        try fixture.log(day: 11, unique: "EEEEEEEEEEEEEEEE", records: shared.map { ArchiveBuilder.record(id: $0, time: time) })
        let job = try fixture.job()
        let first = fixture.run(job) { $0.publishBatchFiles = 1 }
        #expect(first.exitStatus == 0)
        #expect(first.outputs.count == 1 && first.files.done == 2)
        #expect(first.events.duplicates == 3)
        try fixture.log(day: 12, unique: "FFFFFFFFFFFFFFFF", records: shared.map { ArchiveBuilder.record(id: $0, time: time) })
        let second = fixture.run(job)
        #expect(second.files.done == 1 && second.events.written == 0 && second.events.duplicates == 3)
        #expect(second.outputs.isEmpty)
        #expect(try fixture.eventIDs().sorted() == shared.sorted())
    }

    @Test func severalBatchesPublishSeveralIntentsEveryEventOnce() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        var expected: [String] = []
        for day in 1...7 { expected += try fixture.log(day: day, unique: "G\(day)GGGGGGGGGGGGGG") }
        let summary = fixture.run(try fixture.job()) { $0.publishBatchFiles = 2 }
        #expect(summary.exitStatus == 0)
        #expect(summary.outputs.count == 4)
        #expect(Set(summary.outputs.map(\.path)).count == 4)
        #expect(try fixture.eventIDs().sorted() == expected.sorted())
        #expect(try JobState(path: fixture.statePath).statusCounts(maxAttempts: 4).pendingIntents == 0)
    }

    @Test func deadFilesAreRetriedUpToTheLimitThenListedAndNeverBlockTheRest() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.log(day: 10, unique: "HHHHHHHHHHHHHHHH")
        try fixture.archive.writeBytes(
            ArchiveBuilder.logKey(account: "111122223333", region: "us-east-1", date: (2026, 1, 9), unique: "bad"),
            [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 0xFF, 0xFF])
        let job = try fixture.job("limits:\n  dead_file_retries: 1")
        let first = fixture.run(job)
        #expect(first.exitStatus == 1)
        #expect(first.files.done == 1 && first.files.dead == 1)
        #expect(first.dead.first?.attempts == 1 && first.dead.first?.permanent == false)
        let second = fixture.run(job)
        #expect(second.exitStatus == 1)
        #expect(second.files.toProcess == 1 && second.dead.first?.attempts == 2 && second.dead.first?.permanent == true)
        try fixture.log(day: 11, unique: "IIIIIIIIIIIIIIII")
        let third = fixture.run(job)
        #expect(third.exitStatus == 1)
        #expect(third.files.toProcess == 1 && third.files.done == 1)
        #expect(third.files.permanentlyDead == 1 && third.dead.first?.permanent == true)
        #expect(third.dead.first?.reason.isEmpty == false)
        #expect(try fixture.eventIDs().count == 6)
    }

    @Test func aDoneFileThatChangedSizeIsDeadWithAReason() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.log(day: 10, unique: "JJJJJJJJJJJJJJJJ")
        let job = try fixture.job()
        #expect(fixture.run(job).exitStatus == 0)
        try fixture.log(day: 10, unique: "JJJJJJJJJJJJJJJJ", count: 5)
        let second = fixture.run(job)
        #expect(second.exitStatus == 1)
        #expect(second.files.dead == 1 && second.dead.first?.reason.contains("changed since it was done") == true)
        #expect(second.outputs.isEmpty)
    }

    @Test func aHeldLockExitsThreeNamingThePid() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.log(day: 10, unique: "KKKKKKKKKKKKKKKK")
        let job = try fixture.job()
        try FileManager.default.createDirectory(atPath: fixture.work.path + "/state", withIntermediateDirectories: true)
        let lock = try RunLock.acquire(path: job.lockPath)
        let summary = fixture.run(job)
        #expect(summary.exitStatus == 3)
        #expect(summary.failure?.contains("already running (pid \(getpid()))") == true)
        #expect(fixture.outputNames().isEmpty)
        lock.release()
        #expect(fixture.run(job).exitStatus == 0)
    }

    @Test func aDryRunChangesNothing() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try fixture.log(day: 10, unique: "LLLLLLLLLLLLLLLL")
        let job = try fixture.job()
        var options = JobRunner.Options()
        options.dryRun = true
        options.today = CivilDate(year: 2026, month: 2, day: 1) ?? options.today
        let result = JobRunner(job: job, options: options, logger: quietLogger).run()
        #expect(result.summary.exitStatus == 0)
        #expect(result.summary.files.toProcess == 1)
        #expect(result.planText?.contains("would export 1 files") == true)
        #expect(!FileManager.default.fileExists(atPath: fixture.work.path + "/state"))
        #expect(!FileManager.default.fileExists(atPath: fixture.out))

        // With a state: still untouched (same bytes, no new run recorded).
        #expect(fixture.run(job).exitStatus == 0)
        try fixture.log(day: 11, unique: "MMMMMMMMMMMMMMMM")
        let before = try Data(contentsOf: URL(fileURLWithPath: fixture.statePath))
        let names = fixture.outputNames()
        let again = JobRunner(job: job, options: options, logger: quietLogger).run()
        #expect(again.summary.files.toProcess == 1 && again.summary.files.alreadyDone == 1)
        #expect(try Data(contentsOf: URL(fileURLWithPath: fixture.statePath)) == before)
        #expect(fixture.outputNames() == names)
        #expect(try JobState(path: fixture.statePath).recentRuns().count == 1)
    }

    @Test func aCancelledRunStopsRecordsAndTheNextRunResumes() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        var expected: [String] = []
        for day in 1...4 { expected += try fixture.log(day: day, unique: "N\(day)NNNNNNNNNNNNNN") }
        let job = try fixture.job()
        let stopped = fixture.run(job) { $0.cancellation.cancel() }
        #expect(stopped.exitStatus == 4 && stopped.interrupted)
        #expect(stopped.files.notReached == 4 && stopped.files.done == 0)
        let resumed = fixture.run(job)
        #expect(resumed.exitStatus == 0 && resumed.files.done == 4)
        #expect(try fixture.eventIDs().sorted() == expected.sorted())
    }

    @Test func aPendingIntentWhoseOutputsVanishedIsDiscardedAndItsFilesRedone() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let ids = try fixture.log(day: 10, unique: "OOOOOOOOOOOOOOOO")
        let job = try fixture.job()
        try FileManager.default.createDirectory(atPath: fixture.work.path + "/state", withIntermediateDirectories: true)
        let state = try JobState(path: fixture.statePath)
        let run = try state.beginRun()
        let key = ArchiveBuilder.logKey(account: "111122223333", region: "us-east-1", date: (2026, 1, 10), unique: "OOOOOOOOOOOOOOOO")
        let size = try #require(try FileManager.default.attributesOfItem(atPath: fixture.archive.root.path + "/" + key)[.size] as? Int)
        _ = try state.recordIntent(
            runID: run,
            outputs: [.init(sink: "job", path: fixture.out + "/gone.ndjson", temporaryPath: fixture.out + "/.x", sha256: "00", events: 3, bytes: 1)],
            files: [FileIdentity(key: key, size: size)], events: [])
        // Staging garbage of a crashed run.
        try FileManager.default.createDirectory(
            atPath: fixture.out + "/.trailmill-staging/run-9-1-job", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: fixture.out + "/.trailmill-staging/run-9-1-job/.part-00001.ndjson.partial", contents: Data("x".utf8))

        let summary = fixture.run(job)
        #expect(summary.exitStatus == 0)
        #expect(summary.recovery.discarded == 1 && summary.recovery.stagingRemoved == 1)
        #expect(summary.files.done == 1)
        #expect(try fixture.eventIDs().sorted() == ids.sorted())
        #expect(!fixture.outputNames().contains(".trailmill-staging"))
    }

    @Test func aPendingIntentWithStagedOutputsIsRolledForward() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let ids = try fixture.log(day: 10, unique: "PPPPPPPPPPPPPPPP")
        let job = try fixture.job()
        try FileManager.default.createDirectory(atPath: fixture.work.path + "/state", withIntermediateDirectories: true)
        let state = try JobState(path: fixture.statePath)
        let run = try state.beginRun()
        let key = ArchiveBuilder.logKey(account: "111122223333", region: "us-east-1", date: (2026, 1, 10), unique: "PPPPPPPPPPPPPPPP")
        let size = try #require(try FileManager.default.attributesOfItem(atPath: fixture.archive.root.path + "/" + key)[.size] as? Int)
        // What a run killed between the intent and the rename leaves: the staged output and the intent.
        let staging = fixture.out + "/.trailmill-staging/run-\(run)-1-job"
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        let content = ids.map { "{\"event_id\":\"\($0)\"}\n" }.joined()
        _ = FileManager.default.createFile(atPath: staging + "/part-00001.ndjson", contents: Data(content.utf8))
        _ = try state.recordIntent(
            runID: run,
            outputs: [
                .init(
                    sink: "job", path: fixture.out + "/job-r\(run)-00001.ndjson", temporaryPath: staging + "/part-00001.ndjson",
                    sha256: ContentHash.sha256(bytes: Array(content.utf8)), events: 3, bytes: content.utf8.count)
            ],
            files: [FileIdentity(key: key, size: size)], events: [])

        let summary = fixture.run(job)
        #expect(summary.exitStatus == 0)
        #expect(summary.recovery.rolledForward == 1)
        #expect(summary.files.alreadyDone == 1 && summary.files.done == 0)
        #expect(try fixture.eventIDs().sorted() == ids.sorted())
        #expect(fixture.outputNames() == ["job-r\(run)-00001.ndjson"])
    }
}

let quietLogger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
