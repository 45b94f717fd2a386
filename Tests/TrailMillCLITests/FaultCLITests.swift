import Foundation
import Testing
import TrailMillPostgres
import TrailMillTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Regression tests for the adversarial audit (issue 19) and the operator's dangerous edges (issue 17 items 1, 3):
/// signals, publication all-or-nothing, summaries on every exit, unreadable folders, hostile names, bounds.
@Suite(.serialized) struct FaultCLITests {
    /// A synthetic archive of `accounts × regions × days × files` files in a fresh work directory.
    struct Archive {
        let work: TemporaryDirectory
        let distinct: Int
        var path: String { work.path + "/archive" }

        init(accounts: Int = 2, regions: Int = 2, days: Int = 2, files: Int = 3, events: Int = 40) throws {
            work = try TemporaryDirectory("faults")
            distinct = try JobCLI.synth(
                work.path + "/archive", accounts: accounts, regions: regions, days: days, filesPerDay: files,
                events: events)
        }
    }

    static func json(_ path: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    static func entries(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }

    /// Waits until `condition` holds or `seconds` pass.
    static func waitFor(seconds: Int, _ condition: () -> Bool) -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if condition() { return true }
            usleep(5_000)
        }
        return condition()
    }

    /// Sends `signal` and returns the child's status, stderr and how long it took to exit.
    static func stop(_ child: RunningCLI, with signal: Int32 = SIGTERM) -> (status: Int32, stderr: String, seconds: Double) {
        let clock = ContinuousClock()
        let sent = clock.now
        kill(child.process.processIdentifier, signal)
        let (status, stderr) = child.wait()
        return (status, stderr, (clock.now - sent) / .seconds(1))
    }

    // MARK: 19.2 signals on their own thread

    /// With `--jobs 2` on this machine's cores, the decode workers saturate Dispatch's pool; the stop request must
    /// still be seen at once. The rerun then delivers every event exactly once.
    @Test func sigtermDuringAJobsTwoRunOverThousandsOfFilesExitsFourWithinTwoSeconds() throws {
        let archive = try Archive(accounts: 2, regions: 3, days: 5, files: 100, events: 30)
        defer { archive.work.remove() }
        let out = archive.work.path + "/out"
        let job = try JobCLI.writeJob(
            in: archive.work, source: archive.path,
            sinks: """
                  - type: ndjson
                    path: \(out)
                """,
            extra: "parallelism:\n  jobs: 2")
        let child = try RunningCLI(["run", job])
        // Signal once decoding is under way (the state store exists and a staging folder is being written).
        #expect(Self.waitFor(seconds: 60) { FileManager.default.fileExists(atPath: out + "/.trailmill-staging") })
        usleep(300_000)
        #expect(child.process.isRunning, "the run finished before the signal; make the archive larger")
        let (status, stderr, seconds) = Self.stop(child)
        #expect(status == 4, "\(stderr)")
        #expect(seconds < 2, "took \(seconds) s to stop")
        let rerun = try CLIRunner.run(["run", job, "--quiet"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let ids = try JobCLI.eventIDs(in: out)
        #expect(ids.count == archive.distinct)
        #expect(Set(ids).count == ids.count)
    }

    // MARK: 17.3 and 19.7: export publishes all or nothing

    /// SIGTERM during an export: exit 4, the summary written (interrupted), nothing published, no partial file
    /// left; a stale partial of an earlier, killed export is removed on start.
    @Test func sigtermDuringExportPublishesNothingWritesTheSummaryAndExitsFour() throws {
        let archive = try Archive(accounts: 2, regions: 2, days: 5, files: 100, events: 30)
        defer { archive.work.remove() }
        let out = archive.work.path + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let stale = out + "/.cloudtrail-20260101T000000000Z-abcd-00001.ndjson.partial"
        try Data("half a line".utf8).write(to: URL(fileURLWithPath: stale))
        let summaryPath = archive.work.path + "/summary.json"
        let child = try RunningCLI([
            "export", "--source", archive.path, "--out", out, "--jobs", "2", "--max-file-bytes", "20000",
            "--summary-json", summaryPath,
        ])
        #expect(Self.waitFor(seconds: 60) { Self.entries(out).contains { $0.hasSuffix(".partial") && $0 != ".cloudtrail-20260101T000000000Z-abcd-00001.ndjson.partial" } })
        usleep(200_000)
        #expect(child.process.isRunning, "the export finished before the signal")
        let (status, stderr, seconds) = Self.stop(child)
        #expect(status == 4, "\(stderr)")
        #expect(seconds < 2, "took \(seconds) s to stop")
        #expect(Self.entries(out).isEmpty, "left in the output folder: \(Self.entries(out))")
        let summary = try Self.json(summaryPath)
        #expect(summary["interrupted"] as? Bool == true)
        #expect(summary["exit_status"] as? Int == 4)
        #expect((summary["outputs"] as? [Any])?.isEmpty == true)
    }

    /// A disk that fills during an export with rotation: exit 1, not one rotated file published, no partial file
    /// left, and the summary (elsewhere) says why.
    @Test func exportThatRunsOutOfSpaceWithRotationPublishesNothingAndWritesTheSummary() throws {
        let archive = try Archive(accounts: 2, regions: 2, days: 2, files: 5, events: 60)
        defer { archive.work.remove() }
        let mount = archive.work.path + "/small"
        guard let tmpfs = try SmallMount(at: mount, size: "256k") else { return }
        defer { tmpfs.remove() }
        let summaryPath = archive.work.path + "/summary.json"
        let result = try CLIRunner.run([
            "export", "--source", archive.path, "--out", mount + "/events", "--max-file-bytes", "16000",
            "--summary-json", summaryPath,
        ])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(Self.entries(mount + "/events").isEmpty, "published or left: \(Self.entries(mount + "/events"))")
        let summary = try Self.json(summaryPath)
        #expect((summary["failure"] as? String)?.contains("No space left on device") == true, "\(summary)")
        #expect(summary["exit_status"] as? Int == 1)
        #expect((summary["outputs"] as? [Any])?.isEmpty == true)
        #expect(!result.stderr.contains("NSCocoaErrorDomain"))
    }

    // MARK: 19.8, 19.11, 17.1: summaries

    /// An unwritable `--summary-json` is found before anything is read or published, without Foundation's text.
    @Test func anUnwritableSummaryPathIsRefusedBeforeAnythingIsPublished() throws {
        let archive = try Archive()
        defer { archive.work.remove() }
        let out = archive.work.path + "/out"
        let result = try CLIRunner.run([
            "export", "--source", archive.path, "--out", out, "--summary-json", archive.work.path + "/missing/dir/s.json",
        ])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("missing/dir/s.json"), "\(result.stderr)")
        #expect(!result.stderr.contains("NSCocoaErrorDomain") && !result.stderr.contains("Error Domain"))
        #expect(Self.entries(out).isEmpty, "published: \(Self.entries(out))")
    }

    /// `--summary-json -` prints the summary on stdout; a FIFO and a symlink are written in place, never replaced.
    @Test func summaryGoesToStdoutAFIFOAndThroughASymlinkInPlace() throws {
        let archive = try Archive()
        defer { archive.work.remove() }
        let dash = try CLIRunner.run([
            "export", "--source", archive.path, "--out", archive.work.path + "/o1", "--summary-json", "-",
        ])
        #expect(dash.status == 0, "\(dash.stderr)")
        let printed = try JSONSerialization.jsonObject(with: Data(dash.stdout.utf8)) as? [String: Any]
        #expect(printed?["exit_status"] as? Int == 0)
        #expect(!FileManager.default.fileExists(atPath: "-"))

        let target = archive.work.path + "/real.json"
        try Data().write(to: URL(fileURLWithPath: target))
        let link = archive.work.path + "/link.json"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let viaLink = try CLIRunner.run([
            "export", "--source", archive.path, "--out", archive.work.path + "/o2", "--summary-json", link,
        ])
        #expect(viaLink.status == 0, "\(viaLink.stderr)")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: link)) == target, "the symlink was replaced")
        #expect(try Self.json(target)["exit_status"] as? Int == 0)

        let fifo = archive.work.path + "/summary.fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: "/bin/cat")
        reader.arguments = [fifo]
        let pipe = Pipe()
        reader.standardOutput = pipe
        try reader.run()
        let viaFIFO = try CLIRunner.run([
            "export", "--source", archive.path, "--out", archive.work.path + "/o3", "--summary-json", fifo,
        ])
        let read = pipe.fileHandleForReading.readDataToEndOfFile()
        reader.waitUntilExit()
        #expect(viaFIFO.status == 0, "\(viaFIFO.stderr)")
        #expect((try JSONSerialization.jsonObject(with: read) as? [String: Any])?["exit_status"] as? Int == 0)
        var info = stat()
        #expect(lstat(fifo, &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO, "the FIFO was replaced")
    }

    // MARK: 19.3: unreadable folders

    /// A day folder the process cannot list makes the run incomplete: reported, exit 1, never recorded as covered.
    /// Tests run as root, which reads anything, so the child runs as `nobody` through `setpriv`.
    @Test func anUnreadableDayFolderMakesExportAndRunExitOne() throws {
        let setpriv = "/usr/bin/setpriv"
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: setpriv) else {
            print("skipped: needs root and \(setpriv) to run the child as nobody")
            return
        }
        let archive = try Archive(accounts: 1, regions: 1, days: 3, files: 2, events: 10)
        defer { archive.work.remove() }
        // Everything readable by nobody, the output folders writable, one day folder closed.
        _ = chmod(archive.work.path, 0o777)
        let walker = FileManager.default.enumerator(atPath: archive.path)
        var dayFolders: [String] = []
        while let entry = walker?.nextObject() as? String {
            let full = archive.path + "/" + entry
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory)
            _ = chmod(full, isDirectory.boolValue ? 0o755 : 0o644)
            if isDirectory.boolValue && entry.split(separator: "/").count == 7 { dayFolders.append(full) }
        }
        _ = chmod(archive.path, 0o755)
        let closed = try #require(dayFolders.sorted().dropFirst().first, "\(dayFolders)")
        _ = chmod(closed, 0o000)
        let binary = try #require(CLIRunner.binary)
        let asNobody = [setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups", binary]

        let export = try Self.runTool(asNobody + [
            "export", "--source", archive.path, "--out", archive.work.path + "/out", "--summary-json",
            archive.work.path + "/s.json",
        ])
        #expect(export.status == 1, "\(export.stderr)")
        #expect(export.stderr.contains("cannot list"), "\(export.stderr)")
        let summary = try Self.json(archive.work.path + "/s.json")
        #expect(summary["exit_status"] as? Int == 1)

        let job = try JobCLI.writeJob(
            in: archive.work, source: archive.path,
            sinks: """
                  - type: ndjson
                    path: \(archive.work.path)/job-out
                """)
        try FileManager.default.createDirectory(atPath: archive.work.path + "/state", withIntermediateDirectories: true)
        _ = chmod(archive.work.path + "/state", 0o777)
        _ = chmod(job, 0o644)
        let run = try Self.runTool(asNobody + ["run", job])
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("cannot list"), "\(run.stderr)")
        _ = chmod(closed, 0o755)
    }

    /// Runs an executable (not the trailmill binary directly) and captures its output.
    static func runTool(_ command: [String]) throws -> CLIRunner.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        process.currentDirectoryURL = URL(fileURLWithPath: "/tmp")
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return .init(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    // MARK: 19.10: hostile file names

    /// A dead file whose name holds a newline and a fake log line cannot forge a line on stderr.
    @Test func aFileNameWithANewlineCannotForgeALogLine() throws {
        let archive = try ArchiveBuilder()
        let out = try TemporaryDirectory("faults-out")
        defer { archive.root.remove(); out.remove() }
        let forged = "a\n2026-12-02T07:35:13+0000 info trailmill: all good"
        try archive.writeBytes(
            ArchiveBuilder.logKey(account: "111122223333", region: "us-east-1", date: (2026, 1, 15), unique: forged),
            [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 0xFF, 0xFF])
        let result = try CLIRunner.run(["export", "--source", archive.root.path, "--out", out.path + "/events"])
        #expect(result.status == 1)
        for line in result.stderr.split(separator: "\n") {
            #expect(!line.hasPrefix("2026-12-02T07:35:13+0000"), "forged line: \(line)")
        }
        #expect(result.stderr.contains("\\n2026-12-02T07:35:13+0000"), "\(result.stderr)")
    }

    // MARK: 19.9 and 19.12: numeric flags, accounts and regions

    @Test(arguments: ["4611686018427387904", "99999999", "0", "1025", "-1"])
    func outOfRangeJobsIsAUsageError(value: String) throws {
        let archive = try Archive(accounts: 1, regions: 1, days: 1, files: 1, events: 5)
        defer { archive.work.remove() }
        let result = try CLIRunner.run([
            "export", "--source", archive.path, "--out", archive.work.path + "/out", "--jobs", value,
        ])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("1") && result.stderr.contains("1024"), "\(result.stderr)")
        #expect(!result.stderr.contains("Missing value"), "\(result.stderr)")
    }

    @Test func malformedAccountsAndRegionsAreUsageErrorsInFlagsAndJobFiles() throws {
        let archive = try Archive(accounts: 1, regions: 1, days: 1, files: 1, events: 5)
        defer { archive.work.remove() }
        for arguments in [["--account", "12"], ["--account", "11112222333a"], ["--region", "US East"], ["--region", "us-east"]] {
            let result = try CLIRunner.run(
                ["export", "--source", archive.path, "--out", archive.work.path + "/out"] + arguments)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
        }
        let job = try JobCLI.writeJob(
            in: archive.work, source: archive.path,
            sinks: """
                  - type: ndjson
                    path: \(archive.work.path)/job-out
                """)
        let text = try String(contentsOfFile: job, encoding: .utf8)
            .replacingOccurrences(of: "  to: 2030-12-31", with: "  to: 2030-12-31\n  accounts: [\"12\"]")
        try text.write(toFile: job, atomically: true, encoding: .utf8)
        let result = try CLIRunner.run(["run", job])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("accounts"), "\(result.stderr)")
    }

    // MARK: 19.13: no empty staging folder after a failed job

    @Test func aFailedJobLeavesNoEmptyStagingFolder() throws {
        let archive = try Archive(accounts: 2, regions: 2, days: 2, files: 5, events: 60)
        defer { archive.work.remove() }
        let mount = archive.work.path + "/small"
        guard let tmpfs = try SmallMount(at: mount, size: "128k") else { return }
        defer { tmpfs.remove() }
        let job = try JobCLI.writeJob(
            in: archive.work, source: archive.path,
            sinks: """
                  - type: ndjson
                    path: \(mount)/out
                """)
        let result = try CLIRunner.run(["run", job])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: mount + "/out/.trailmill-staging"), "\(Self.entries(mount + "/out"))")
    }
}

/// 19.1: a load (or a job's PostgreSQL sink) blocked on a lock another session holds.
@Suite(.serialized, .enabled(if: JobCLI.serverAvailable, "needs the test PostgreSQL server (.ci/postgres)"))
struct LockWaitCLITests {
    /// A migrated schema whose `events` table another session holds in ACCESS EXCLUSIVE mode.
    struct LockedSchema {
        let schema: JobTestSchema
        let holder: PostgresConnection

        init() throws {
            schema = try JobTestSchema()
            let migrate = try CLIRunner.run(["db", "migrate", "--schema", schema.name])
            #expect(migrate.status == 0, "\(migrate.stderr)")
            holder = try PostgresConnection(conninfo: nil)
            try holder.execute("BEGIN")
            try holder.execute("LOCK TABLE \(PostgresConnection.quoteIdentifier(schema.name)).events IN ACCESS EXCLUSIVE MODE")
        }

        func release() { try? holder.execute("ROLLBACK") }
    }

    @Test func aLoadWaitingOnALockReportsTheHolderAndGivesUpWithExitOne() throws {
        let archive = try FaultCLITests.Archive(accounts: 1, regions: 1, days: 1, files: 2, events: 10)
        defer { archive.work.remove() }
        let locked = try LockedSchema()
        defer { locked.release() }
        let clock = ContinuousClock()
        let started = clock.now
        let summaryPath = archive.work.path + "/s.json"
        let result = try CLIRunner.run([
            "load", "--source", archive.path, "--schema", locked.schema.name, "--lock-timeout", "4",
            "--summary-json", summaryPath,
        ])
        let seconds = (clock.now - started) / .seconds(1)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(seconds < 20, "took \(seconds) s")
        #expect(result.stderr.contains("waiting for a lock held by server process \(locked.holder.backendPID)"), "\(result.stderr)")
        #expect(result.stderr.contains("gave up"), "\(result.stderr)")
        let summary = try FaultCLITests.json(summaryPath)
        #expect((summary["failure"] as? String)?.contains("lock") == true, "\(summary)")
        // One line per error on stderr: no libpq continuation lines.
        #expect(!result.stderr.contains("\nDETAIL") && !result.stderr.contains("\nHINT"))
    }

    @Test func sigtermWhileALoadWaitsOnALockExitsFourWithinTwoSeconds() throws {
        let archive = try FaultCLITests.Archive(accounts: 1, regions: 1, days: 1, files: 2, events: 10)
        defer { archive.work.remove() }
        let locked = try LockedSchema()
        defer { locked.release() }
        let summaryPath = archive.work.path + "/s.json"
        let child = try RunningCLI([
            "load", "--source", archive.path, "--schema", locked.schema.name, "--lock-timeout", "120",
            "--summary-json", summaryPath,
        ])
        // Wait until the load's session is waiting on the lock.
        let waiting = FaultCLITests.waitFor(seconds: 30) {
            let rows = try? locked.holder.query(
                "SELECT count(*)::text FROM pg_locks WHERE NOT granted AND pid <> pg_backend_pid()")
            return (rows?.first?.first ?? nil).flatMap { Int($0) }.map { $0 > 0 } ?? false
        }
        #expect(waiting, "the load never waited on the lock")
        let (status, stderr, seconds) = FaultCLITests.stop(child)
        #expect(status == 4, "\(stderr)")
        #expect(seconds < 2, "took \(seconds) s to stop")
        #expect(try FaultCLITests.json(summaryPath)["exit_status"] as? Int == 4)
    }
}

/// 19.4, 19.5: a done file that is rewritten stays dead for a job until an operator acknowledges it.
@Suite(.serialized) struct RewriteCLITests {
    static func key(_ unique: String) -> String {
        ArchiveBuilder.logKey(account: "111122223333", region: "us-east-1", date: (2026, 1, 15), unique: unique)
    }

    func job(_ archive: ArchiveBuilder, _ work: TemporaryDirectory) throws -> String {
        try JobCLI.writeJob(
            in: work, source: archive.root.path,
            sinks: """
                  - type: ndjson
                    path: \(work.path)/out
                """)
    }

    @Test func aRewrittenFileStaysDeadOnEveryLaterRun() throws {
        let archive = try ArchiveBuilder()
        let work = try TemporaryDirectory("rewrite")
        defer { archive.root.remove(); work.remove() }
        try archive.writeLog(Self.key("one"), records: [ArchiveBuilder.record()])
        let job = try job(archive, work)
        #expect(try CLIRunner.run(["run", job]).status == 0)
        try archive.writeLog(Self.key("one"), records: [ArchiveBuilder.record(), ArchiveBuilder.record()])
        for attempt in 1...3 {
            let result = try CLIRunner.run(["run", job])
            #expect(result.status == 1, "run \(attempt): \(result.stderr)")
            #expect(result.stderr.contains("changed since it was done"), "run \(attempt): \(result.stderr)")
        }
        #expect(try JobCLI.eventIDs(in: work.path + "/out").count == 1)
    }

    @Test func aSameSizeRewriteIsNoticed() throws {
        let archive = try ArchiveBuilder()
        let work = try TemporaryDirectory("rewrite")
        defer { archive.root.remove(); work.remove() }
        let first = "11111111-2222-3333-4444-555555555555"
        let second = "11111111-2222-3333-4444-555555555556"
        // Plain JSON under the .json.gz name (TrailMill detects gzip by its magic bytes), so the sizes match exactly.
        let record = ArchiveBuilder.record(id: first)
        try archive.writeBytes(Self.key("one"), Array(ArchiveBuilder.logText([record]).utf8))
        let job = try job(archive, work)
        #expect(try CLIRunner.run(["run", job]).status == 0)
        let path = archive.root.path + "/" + Self.key("one")
        let before = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int
        let rewritten = record.replacingOccurrences(of: first, with: second)
        try archive.writeBytes(Self.key("one"), Array(ArchiveBuilder.logText([rewritten]).utf8))
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int == before, "not the same size")
        let result = try CLIRunner.run(["run", job])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("changed since it was done"), "\(result.stderr)")
        #expect(try JobCLI.eventIDs(in: work.path + "/out") == [first])
    }
}

extension RewriteCLITests {
    /// `trailmill status JOB --forget KEY` acknowledges a rewritten file: the next run takes it as new.
    @Test func statusForgetAcknowledgesARewrittenFile() throws {
        let archive = try ArchiveBuilder()
        let work = try TemporaryDirectory("rewrite")
        defer { archive.root.remove(); work.remove() }
        try archive.writeLog(Self.key("one"), records: [ArchiveBuilder.record()])
        let job = try job(archive, work)
        #expect(try CLIRunner.run(["run", job]).status == 0)
        try archive.writeLog(Self.key("one"), records: [ArchiveBuilder.record(), ArchiveBuilder.record()])
        #expect(try CLIRunner.run(["run", job]).status == 1)
        let forget = try CLIRunner.run(["status", job, "--forget", Self.key("one")])
        #expect(forget.status == 0, "\(forget.stderr)")
        #expect(forget.stdout.contains("forgot"), "\(forget.stdout)")
        let rerun = try CLIRunner.run(["run", job])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        // The first version's event, then the rewritten version's two (new IDs), each once.
        let ids = try JobCLI.eventIDs(in: work.path + "/out")
        #expect(ids.count == 3 && Set(ids).count == 3, "\(ids)")
    }
}
