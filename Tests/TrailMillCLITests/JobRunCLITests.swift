import Foundation
import Testing
import TrailMillJobs
import TrailMillTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `trailmill run` and `trailmill status` end to end: crashes at named points (`TRAILMILL_FAULT`, a real SIGKILL),
/// SIGTERM, overlapping runs, dry runs and bad job files, checked against every output file and table row.
@Suite(.serialized) struct JobRunCLITests {
    /// Two file sinks (NDJSON and CEF) over one synthetic archive.
    struct FileJob {
        let work: TemporaryDirectory
        let distinct: Int
        let job: String
        var ndjson: String { work.path + "/out-ndjson" }
        var cef: String { work.path + "/out-cef" }

        init(jobs: Int = 2, archive: (accounts: Int, regions: Int, days: Int, files: Int, events: Int) = (2, 2, 2, 3, 40))
            throws
        {
            work = try TemporaryDirectory("job-cli")
            distinct = try JobCLI.synth(
                work.path + "/archive", accounts: archive.accounts, regions: archive.regions, days: archive.days,
                filesPerDay: archive.files, events: archive.events)
            job = try JobCLI.writeJob(
                in: work, source: work.path + "/archive",
                sinks: """
                      - type: ndjson
                        path: \(work.path)/out-ndjson
                      - type: cef
                        path: \(work.path)/out-cef
                    """,
                extra: "parallelism:\n  jobs: \(jobs)")
        }

        /// Every expected event exactly once in the NDJSON outputs, and as many CEF lines.
        func expectExactlyOnce(sourceLocation: SourceLocation = #_sourceLocation) throws {
            let ids = try JobCLI.eventIDs(in: ndjson)
            #expect(ids.count == distinct, sourceLocation: sourceLocation)
            #expect(Set(ids).count == ids.count, "duplicates in the NDJSON outputs", sourceLocation: sourceLocation)
            #expect(try JobCLI.lineCount(in: cef, suffix: ".cef") == distinct, sourceLocation: sourceLocation)
            for directory in [ndjson, cef] {
                #expect(
                    !((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).contains {
                        $0.hasPrefix(".")
                    }, "staging or partial files left in \(directory)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test(arguments: ["mid-decode", "mid-write", "after-rename"])
    func killedAtAFaultPointThenRerunDeliversEveryEventOnce(point: String) throws {
        let fixture = try FileJob()
        defer { fixture.work.remove() }
        // A first, complete run, so the crash happens with delivered keys and outputs already there.
        let firstHalf = try CLIRunner.run(["run", fixture.job, "--from", "2020-01-01", "--to", "2026-01-15", "--quiet"])
        #expect(firstHalf.status == 0, "\(firstHalf.stderr)")

        let killed = try CLIRunner.run(["run", fixture.job, "--quiet"], environment: ["TRAILMILL_FAULT": point])
        #expect(killed.status == 128 + SIGKILL || killed.status == SIGKILL, "\(killed.status) \(killed.stderr)")
        let status = try CLIRunner.run(["status", fixture.job])
        #expect(status.stdout.contains("not finished"))

        let rerun = try CLIRunner.run(["run", fixture.job, "--summary-json", fixture.work.path + "/rerun.json"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        try fixture.expectExactlyOnce()
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: fixture.work.url("rerun.json"))) as? [String: Any])
        let recovery = try #require(summary["recovery"] as? [String: Int])
        if point == "after-rename" {
            #expect(recovery["rolled_forward"] == 1)
        } else {
            #expect(recovery["staging_removed"] ?? 0 >= 1)
        }
        // And once more: nothing to do.
        let third = try CLIRunner.run(["run", fixture.job, "--quiet"])
        #expect(third.status == 0)
        try fixture.expectExactlyOnce()
    }

    @Test(.enabled(if: JobCLI.serverAvailable, "PGHOST is not set"))
    func killedMidCopyThenRerunLoadsEveryEventOnce() throws {
        let work = try TemporaryDirectory("job-cli-pg")
        defer { work.remove() }
        let schema = try JobTestSchema()
        let distinct = try JobCLI.synth(work.path + "/archive")
        let job = try JobCLI.writeJob(
            in: work, source: work.path + "/archive",
            sinks: """
                  - type: postgres
                    schema: \(schema.name)
                    migrate: true
                """)
        let killed = try CLIRunner.run(["run", job, "--quiet"], environment: ["TRAILMILL_FAULT": "mid-copy"])
        #expect(killed.status == 128 + SIGKILL || killed.status == SIGKILL, "\(killed.stderr)")
        #expect(schema.count("events") == 0)
        let rerun = try CLIRunner.run(["run", job, "--quiet"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(schema.count("events") == distinct)
        #expect(schema.distinctEvents() == distinct)
        let again = try CLIRunner.run(["run", job])
        #expect(again.status == 0)
        #expect(again.stderr.contains("0 done, 24 already done"), "\(again.stderr)")
        #expect(schema.count("events") == distinct)
        let status = try CLIRunner.run(["status", job])
        #expect(status.stdout.contains("files: 24 done, 0 skipped, 0 dead"), "\(status.stdout)")
    }

    @Test func aSecondRunWhileTheLockIsHeldExitsThreeAtOnce() throws {
        let fixture = try FileJob()
        defer { fixture.work.remove() }
        try FileManager.default.createDirectory(atPath: fixture.work.path + "/state", withIntermediateDirectories: true)
        let lock = try RunLock.acquire(path: fixture.work.path + "/state/job.sqlite.lock")
        let clock = ContinuousClock()
        let started = clock.now
        let refused = try CLIRunner.run(["run", fixture.job])
        #expect(refused.status == 3)
        #expect(refused.stderr.contains("already running (pid \(getpid()))"), "\(refused.stderr)")
        #expect(clock.now - started < .seconds(5))
        #expect(!FileManager.default.fileExists(atPath: fixture.ndjson))
        lock.release()
        let ran = try CLIRunner.run(["run", fixture.job, "--quiet"])
        #expect(ran.status == 0, "\(ran.stderr)")
        try fixture.expectExactlyOnce()
    }

    @Test func twoRunsStartedTogetherOneExitsThreeAndEveryEventLandsOnce() throws {
        let fixture = try FileJob(jobs: 1, archive: (2, 2, 2, 8, 300))
        defer { fixture.work.remove() }
        let first = try RunningCLI(["run", fixture.job, "--quiet"])
        // The second starts while the first is writing, as cron would fire during a long run.
        let staging = fixture.ndjson + "/.trailmill-staging"
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline && first.process.isRunning
            && !(FileManager.default.enumerator(atPath: staging)?.allObjects.isEmpty == false)
        {
            usleep(2_000)
        }
        let second = try CLIRunner.run(["run", fixture.job, "--quiet"])
        let (status, stderr) = first.wait()
        #expect(status == 0, "\(stderr)")
        #expect(second.status == 3, "\(second.stderr)")
        #expect(second.stderr.contains("already running"), "\(second.stderr)")
        try fixture.expectExactlyOnce()
    }

    @Test func aDryRunChangesNothing() throws {
        let fixture = try FileJob()
        defer { fixture.work.remove() }
        let before = JobCLI.snapshot(fixture.work.path)
        let plan = try CLIRunner.run(["run", fixture.job, "--dry-run"])
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("to process: 24 files"), "\(plan.stdout)")
        #expect(plan.stdout.contains("delivery dates: 2020-01-01 to 2030-12-31"))
        #expect(plan.stdout.contains("would export 24 files"))
        #expect(JobCLI.snapshot(fixture.work.path) == before)
        #expect(!FileManager.default.fileExists(atPath: fixture.work.path + "/state"))

        #expect(try CLIRunner.run(["run", fixture.job, "--quiet"]).status == 0)
        let after = JobCLI.snapshot(fixture.work.path)
        let state = try Data(contentsOf: fixture.work.url("state/job.sqlite"))
        let again = try CLIRunner.run(["run", fixture.job, "--dry-run"])
        #expect(again.stdout.contains("to process: nothing") && again.stdout.contains("already done: 24 files"))
        #expect(JobCLI.snapshot(fixture.work.path) == after)
        #expect(try Data(contentsOf: fixture.work.url("state/job.sqlite")) == state)
    }

    @Test(.enabled(if: JobCLI.serverAvailable, "PGHOST is not set"))
    func aDryRunLeavesTheTableAlone() throws {
        let work = try TemporaryDirectory("job-cli-pg-dry")
        defer { work.remove() }
        let schema = try JobTestSchema()
        try JobCLI.synth(work.path + "/archive", days: 1)
        let job = try JobCLI.writeJob(
            in: work, source: work.path + "/archive",
            sinks: """
                  - type: postgres
                    schema: \(schema.name)
                    migrate: true
                """)
        let fresh = try CLIRunner.run(["run", job, "--dry-run"])
        #expect(fresh.status == 0, "\(fresh.stderr)")
        #expect(fresh.stdout.contains("12 of 12 files not yet in loaded_files"), "\(fresh.stdout)")
        #expect(fresh.stdout.contains("the schema would be created"))
        #expect(schema.count("events") == -1)
        #expect(!FileManager.default.fileExists(atPath: work.path + "/state"))

        #expect(try CLIRunner.run(["run", job, "--quiet"]).status == 0)
        try JobCLI.synth(work.path + "/archive/more", days: 1, seed: 2)  // 12 more files under a prefix
        let rows = (schema.count("events"), schema.count("loaded_files"), schema.count("load_runs"))
        let state = try Data(contentsOf: URL(fileURLWithPath: work.path + "/state/job.sqlite"))
        let plan = try CLIRunner.run(["run", job, "--dry-run"])
        #expect(plan.stdout.contains("12 of 24 files not yet in loaded_files"), "\(plan.stdout)")
        #expect((schema.count("events"), schema.count("loaded_files"), schema.count("load_runs")) == rows)
        #expect(try Data(contentsOf: URL(fileURLWithPath: work.path + "/state/job.sqlite")) == state)
    }

    @Test func aTypoInTheJobFileExitsTwoNamingFileLineAndKey() throws {
        let work = try TemporaryDirectory("job-cli-typo")
        defer { work.remove() }
        let job = try work.write(
            "typo.yaml",
            text: """
                name: typo
                source:
                  path: /data
                sinks:
                  - type: ndjson
                    path: /out
                    fromat: flat
                """)
        for command in ["run", "status"] {
            let result = try CLIRunner.run([command, job])
            #expect(result.status == 2)
            #expect(result.stderr.contains("typo.yaml:7: sinks[0].fromat: unknown key"), "\(result.stderr)")
            #expect(result.stderr.contains("format"))
        }
        #expect(try CLIRunner.run(["run", job, "--from", "2026-01-01"]).status == 2)
    }

    @Test func sigtermStopsCleanlyAndTheRerunCompletesEveryEventOnce() throws {
        let fixture = try FileJob(jobs: 1, archive: (2, 2, 2, 8, 300))
        defer { fixture.work.remove() }
        let child = try RunningCLI(["run", fixture.job, "--verbose"])
        // Signal once the child is writing output (a partial file in staging).
        let staging = fixture.ndjson + "/.trailmill-staging"
        let deadline = ContinuousClock.now + .seconds(60)
        var writing = false
        while !writing && ContinuousClock.now < deadline && child.process.isRunning {
            let partial = FileManager.default.enumerator(atPath: staging)?.allObjects.contains {
                ($0 as? String)?.hasSuffix(".partial") == true
            }
            writing = partial == true
            if !writing { usleep(2_000) }
        }
        #expect(writing, "the child never started writing")
        kill(child.process.processIdentifier, SIGTERM)
        let (status, stderr) = child.wait()
        #expect(status == 4, "\(stderr)")
        #expect(stderr.contains("SIGTERM received"))
        #expect(stderr.contains("stopped by a signal"))
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: fixture.work.url("state/job.last-run.json")))
                as? [String: Any])
        #expect(summary["interrupted"] as? Bool == true && summary["exit_status"] as? Int == 4)
        let files = try #require(summary["files"] as? [String: Int])
        #expect((files["not_reached"] ?? 0) > 0, "\(files)")
        #expect((files["done"] ?? 0) + (files["not_reached"] ?? 0) == 64)

        let rerun = try CLIRunner.run(["run", fixture.job, "--quiet"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        try fixture.expectExactlyOnce()
    }

    @Test func statusListsDeadFilesWithReasonsAttemptsAndTheLastRuns() throws {
        let archive = try ArchiveBuilder()
        let work = try TemporaryDirectory("job-cli-status")
        defer { archive.root.remove(); work.remove() }
        try archive.writeLog(
            ArchiveBuilder.logKey(account: "111122223333", region: "us-east-1", date: (2026, 1, 15), unique: "good"),
            records: [ArchiveBuilder.record()])
        try archive.writeBytes(
            ArchiveBuilder.logKey(account: "111122223333", region: "us-east-1", date: (2026, 1, 15), unique: "bad"),
            [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 0xFF, 0xFF])
        let job = try JobCLI.writeJob(
            in: work, source: archive.root.path,
            sinks: """
                  - type: ndjson
                    path: \(work.path)/out
                """,
            extra: "limits:\n  dead_file_retries: 1")
        let none = try CLIRunner.run(["status", job])
        #expect(none.status == 0 && none.stdout.contains("no state yet"))
        for attempt in 1...3 {
            let run = try CLIRunner.run(["run", job])
            #expect(run.status == 1, "run \(attempt): \(run.stderr)")
        }
        let status = try CLIRunner.run(["status", job, "--runs", "2"])
        #expect(status.status == 0)
        #expect(status.stdout.contains("files: 1 done, 0 skipped, 1 dead (1 permanently"), "\(status.stdout)")
        #expect(status.stdout.contains("_bad.json.gz: "))
        #expect(status.stdout.contains("(attempts 2, permanently dead (not retried))"))
        #expect(status.stdout.contains("run 3:") && status.stdout.contains("run 2:") && !status.stdout.contains("run 1:"))
        #expect(status.stdout.contains("exit 1"))
    }
}
