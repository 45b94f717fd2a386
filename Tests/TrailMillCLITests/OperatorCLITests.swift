import Foundation
import Testing
import TrailMillTestSupport

/// The sample archive's records read by Foundation: the oracle for what exports of it must contain.
enum SampleOracle {
    static let archive = RepositoryPaths.sampleArchive

    /// Every record of every log file of the sample archive.
    nonisolated(unsafe) static let records: [[String: Any]] = {
        let files = (FileManager.default.enumerator(atPath: archive)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".json.gz") && !$0.contains("CloudTrail-Digest") }.sorted()
        return files.flatMap { file -> [[String: Any]] in
            guard let bytes = try? GzipForTests.decompress(Array(Data(contentsOf: URL(fileURLWithPath: archive + "/" + file)))),
                let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
            else { return [] }
            return object["Records"] as? [[String: Any]] ?? []
        }
    }()

    /// Distinct event ids of the records that pass `keep` (an export deduplicates by event).
    static func eventIDs(where keep: ([String: Any]) -> Bool) -> Set<String> {
        Set(records.filter(keep).compactMap { $0["eventID"] as? String })
    }

    static func identity(_ record: [String: Any]) -> [String: Any] { record["userIdentity"] as? [String: Any] ?? [:] }
}

/// Runs the binary with stdin from `input` and its stdout read by this process as a reader at the other end of a
/// pipe (`trailmill export --out - | reader`).
enum PipedRun {
    static func run(_ arguments: [String], stdin: [UInt8]? = nil, environment: [String: String] = [:]) throws
        -> (status: Int32, stdout: [UInt8], stderr: String)
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(CLIRunner.binary))
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        // stderr goes to a file, so the reader of stdout never waits on a full stderr pipe.
        let errPath = NSTemporaryDirectory() + "/trailmill-stderr-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: errPath) }
        let err = try #require(FileHandle(forWritingAtPath: errPath))
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = stdin == nil ? FileHandle.nullDevice : input
        try process.run()
        if let stdin {
            let writer = input.fileHandleForWriting
            Thread.detachNewThread {
                writer.write(Data(stdin))
                try? writer.close()
            }
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try err.close()
        let errData = try Data(contentsOf: URL(fileURLWithPath: errPath))
        return (process.terminationStatus, Array(outData), String(decoding: errData, as: UTF8.self))
    }

    static func lines(_ bytes: [UInt8]) -> [String] {
        String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}

/// Issue 17.2: `--quiet` still prints what cron must mail.
@Suite struct QuietCLITests {
    func archiveWithTwoCorruptFiles() throws -> ArchiveBuilder {
        let archive = try ArchiveBuilder()
        try archive.writeLog(
            ArchiveBuilder.logKey(account: "111122223333", region: "us-east-1", date: (2026, 1, 15), unique: "good"),
            records: [ArchiveBuilder.record()])
        for unique in ["bad1", "bad2"] {
            try archive.writeBytes(
                ArchiveBuilder.logKey(account: "111122223333", region: "us-east-1", date: (2026, 1, 15), unique: unique),
                [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 0xFF, 0xFF])
        }
        return archive
    }

    @Test func exportQuietPrintsEachDeadFileAndTheSummary() throws {
        let archive = try archiveWithTwoCorruptFiles()
        let out = try TemporaryDirectory("quiet-out")
        defer { archive.root.remove(); out.remove() }
        let result = try CLIRunner.run(["export", "--source", archive.root.path, "--out", out.path, "--quiet"])
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(result.stderr)")
        #expect(lines.filter { $0.hasPrefix("trailmill: dead: ") }.count == 2)
        #expect(lines.contains { $0.contains("_bad1.json.gz") } && lines.contains { $0.contains("_bad2.json.gz") })
        #expect(lines.last?.hasPrefix("files: 1 done, 0 skipped, 2 dead") == true, "\(result.stderr)")
    }

    @Test func runQuietPrintsEachDeadFileAndTheSummary() throws {
        let archive = try archiveWithTwoCorruptFiles()
        let work = try TemporaryDirectory("quiet-job")
        defer { archive.root.remove(); work.remove() }
        let job = try JobCLI.writeJob(
            in: work, source: archive.root.path, sinks: "  - type: ndjson\n    path: \(work.path)/out")
        let result = try CLIRunner.run(["run", job, "--quiet"])
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.filter { $0.hasPrefix("trailmill: dead: ") }.count == 2, "\(result.stderr)")
        #expect(lines.last?.hasPrefix("job job: files: 3 listed") == true, "\(result.stderr)")
    }

    @Test func quietSaysSoWhenTheSelectionFoundNoFiles() throws {
        let out = try TemporaryDirectory("quiet-out")
        defer { out.remove() }
        let result = try CLIRunner.run([
            "export", "--source", SampleOracle.archive, "--out", out.path, "--quiet", "--region", "eu-west-1",
        ])
        #expect(result.status == 0)
        #expect(result.stderr.contains("files: 0 done"), "\(result.stderr)")
        #expect(result.stderr.contains("the selection found no log files"), "\(result.stderr)")
    }

    @Test func quietSuccessPrintsNothing() throws {
        let out = try TemporaryDirectory("quiet-out")
        defer { out.remove() }
        let result = try CLIRunner.run(["export", "-s", SampleOracle.archive, "-o", out.path, "-q"])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty && result.stdout.isEmpty, "\(result.stderr)")
    }
}

/// Issue 17.4 and the pipe conventions: `--out -`, a single-file `--source`, `--source -`.
@Suite struct PipeCLITests {
    @Test func outDashStreamsEveryEventToAPipeReader() throws {
        let work = try TemporaryDirectory("pipe")
        defer { work.remove() }
        let result = try PipedRun.run(["export", "--source", SampleOracle.archive, "--out", "-"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = PipedRun.lines(result.stdout)
        let ids = lines.compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["event_id"] as? String
        }
        #expect(ids.count == lines.count)
        #expect(Set(ids) == SampleOracle.eventIDs { _ in true } && ids.count == 376)
        #expect(result.stderr.hasPrefix("files: 24 done"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: FileManager.default.currentDirectoryPath + "/-"))
    }

    @Test func outDashWithGzipIsOneGzipStreamInTheChosenFormat() throws {
        let result = try PipedRun.run(["export", "-s", SampleOracle.archive, "-o", "-", "-f", "cef", "--gzip", "-q"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.starts(with: [0x1F, 0x8B]))
        let lines = PipedRun.lines(try GzipForTests.decompress(result.stdout))
        #expect(lines.count == 376 && lines.allSatisfy { $0.hasPrefix("CEF:0|") })
    }

    @Test func maxFileBytesWithOutDashIsAUsageError() throws {
        let result = try CLIRunner.run(["export", "-s", SampleOracle.archive, "-o", "-", "--max-file-bytes", "1MiB"])
        #expect(result.status == 2, "\(result.stderr)")
    }

    @Test func aSingleFileSource() throws {
        let file = SampleOracle.archive
            + "/AWSLogs/o-exampleorg1/458675431201/CloudTrail/us-west-2/2026/01/15/458675431201_CloudTrail_us-west-2_20260115T0005Z_4wMLgvRmhhOwXI9U.json.gz"
        let bytes = try GzipForTests.decompress(Array(Data(contentsOf: URL(fileURLWithPath: file))))
        let records = try #require(
            (try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])?["Records"] as? [[String: Any]])
        let expected = Set(records.compactMap { $0["eventID"] as? String })
        let result = try PipedRun.run(["export", "--source", file, "--out", "-", "--format", "raw"])
        #expect(result.status == 0, "\(result.stderr)")
        let ids = PipedRun.lines(result.stdout).compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["eventID"] as? String
        }
        #expect(Set(ids) == expected && ids.count == expected.count && !ids.isEmpty)
        #expect(result.stderr.hasPrefix("files: 1 done"), "\(result.stderr)")
    }

    @Test func stdinSourceReadsOneLogFile() throws {
        let (first, second) = (UUID().uuidString.lowercased(), UUID().uuidString.lowercased())
        let log = ArchiveBuilder.logText([
            ArchiveBuilder.record(id: first, name: "ConsoleLogin"), ArchiveBuilder.record(id: second),
            ArchiveBuilder.record(id: first, name: "ConsoleLogin"),
        ])
        for input in [Array(log.utf8), try GzipForTests.compress(log)] {
            let result = try PipedRun.run(["export", "--source", "-", "--out", "-"], stdin: input)
            #expect(result.status == 0, "\(result.stderr)")
            let ids = PipedRun.lines(result.stdout).compactMap {
                (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["event_id"] as? String
            }
            #expect(ids == [first, second], "\(result.stderr)")
            #expect(result.stderr.contains("1 duplicates"), "\(result.stderr)")
        }
    }

    @Test func aDirectoryNamedDashIsNeverCreated() throws {
        let work = try TemporaryDirectory("pipe-cwd")
        defer { work.remove() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(CLIRunner.binary))
        process.arguments = ["export", "--source", SampleOracle.archive, "--out", "-", "--quiet"]
        process.currentDirectoryURL = URL(fileURLWithPath: work.path)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: work.path).isEmpty)
    }
}

/// Issue 17.5 and the one time parser on the command line.
@Suite struct TimeArgumentCLITests {
    @Test(arguments: [
        ["export", "-s", "/tmp", "-o", "/tmp/x", "--since", "2026-01-16", "--until", "2026-01-15"],
        ["export", "-s", "/tmp", "-o", "/tmp/x", "--since", "2026-01-15T12:00Z", "--until", "2026-01-15T11:00Z"],
        ["load", "-s", "/tmp", "--since", "today", "--until", "yesterday"],
        ["validate", "-s", "/tmp", "--since", "2026-01-16", "--until", "2026-01-15"],
        ["export", "-s", "/tmp", "-o", "/tmp/x", "--since", "-3h", "--lookback", "3d"],
        ["export", "-s", "/tmp", "-o", "/tmp/x", "--lookback", "3 days"],
        ["export", "-s", "/tmp", "-o", "/tmp/x", "--since", "next tuesday"],
        ["db", "prune", "--keep", "90"],
    ])
    func sinceAfterUntilAndBadTimesAreUsageErrors(arguments: [String]) throws {
        let result = try CLIRunner.run(arguments)
        #expect(result.status == 2, "\(arguments): \(result.stderr)")
        #expect(!result.stderr.isEmpty)
    }

    /// Every form selects the events the oracle says it does (the sample's events are 2026-01-14T23:03 …
    /// 2026-01-16T12:03 UTC; relative forms are relative to now, after all of them).
    @Test(arguments: [
        (["--since", "2026-01-15T10:00Z"], "2026-01-15T10:00:00Z", "9999"),
        (["--since", "2026-01-15T10:00:00+01:00"], "2026-01-15T09:00:00Z", "9999"),
        (["--since", "2026-01-16", "--until", "2026-01-16"], "2026-01-16T00:00:00Z", "2026-01-16T23:59:59Z"),
        (["--since", "1768435200"], "2026-01-15T00:00:00Z", "9999"),
        (["--since", "1768435200000", "--until", "1768478400"], "2026-01-15T00:00:00Z", "2026-01-15T12:00:00Z"),
        (["--since", "1000d", "--until", "now"], "0000", "9999"),
        (["--since", "-24000h", "--until", "today"], "0000", "9999"),
        (["--since", "52w ago"], "0000", "9999"),
        (["--lookback", "3650d"], "0000", "9999"),
        (["--since", "yesterday"], "9999", "9999"),
        (["--lookback", "1h"], "9999", "9999"),
    ])
    func everyTimeFormSelectsWhatTheOracleSays(arguments: [String], from: String, through: String) throws {
        let result = try PipedRun.run(["export", "-s", SampleOracle.archive, "-o", "-", "-q"] + arguments)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        let ids = Set(PipedRun.lines(result.stdout).compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["event_id"] as? String
        })
        let expected = SampleOracle.eventIDs {
            let time = $0["eventTime"] as? String ?? ""
            return time >= from && time <= through
        }
        #expect(ids == expected, "\(arguments): \(ids.count) vs \(expected.count)")
    }

    @Test func jobFilesAndRunTakeTheSameForms() throws {
        let work = try TemporaryDirectory("time-job")
        defer { work.remove() }
        let job = try work.write(
            "job.yaml",
            text: """
                name: times
                source:
                  path: \(SampleOracle.archive)
                select:
                  lookback: 1w
                filters:
                  since: 2026-01-15T10:00Z
                  until: 1768478400
                sinks:
                  - type: ndjson
                    path: \(work.path)/out
                state: \(work.path)/state.sqlite
                """)
        let result = try CLIRunner.run(["run", job, "--from", "2026-01-14", "--to", "1768608000", "-q"])
        #expect(result.status == 0, "\(result.stderr)")
        let ids = Set(try JobCLI.eventIDs(in: work.path + "/out"))
        let expected = SampleOracle.eventIDs {
            let time = $0["eventTime"] as? String ?? ""
            return time >= "2026-01-15T10:00:00Z" && time <= "2026-01-15T12:00:00Z"
        }
        #expect(!expected.isEmpty && ids == expected)
        let relative = try CLIRunner.run(["run", job, "--from", "-400d", "--to", "today", "--dry-run"])
        #expect(relative.status == 0, "\(relative.stderr)")
    }
}

/// Forgiving filters, checked against the oracle.
@Suite struct FilterCLITests {
    func ids(_ arguments: [String]) throws -> (Set<String>, String) {
        let result = try PipedRun.run(["export", "-s", SampleOracle.archive, "-o", "-"] + arguments)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        let ids = PipedRun.lines(result.stdout).compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["event_id"] as? String
        }
        #expect(ids.count == Set(ids).count)
        return (Set(ids), result.stderr)
    }

    @Test func eventNamesMatchCaseInsensitivelyWithGlobsAndCommaLists() throws {
        let login = SampleOracle.eventIDs { $0["eventName"] as? String == "ConsoleLogin" }
        #expect(!login.isEmpty)
        #expect(try ids(["--event-name", "consolelogin"]).0 == login)
        let describe = SampleOracle.eventIDs { ($0["eventName"] as? String ?? "").hasPrefix("Describe") }
        #expect(try ids(["--event-name", "describe*"]).0 == describe)
        #expect(try ids(["--event-name", "CONSOLELOGIN,Describe*"]).0 == login.union(describe))
    }

    @Test func aBareServiceNameMeansItsEndpoint() throws {
        let iam = SampleOracle.eventIDs { $0["eventSource"] as? String == "iam.amazonaws.com" }
        let sts = SampleOracle.eventIDs { $0["eventSource"] as? String == "sts.amazonaws.com" }
        #expect(!iam.isEmpty && !sts.isEmpty)
        #expect(try ids(["--event-source", "iam"]).0 == iam)
        #expect(try ids(["--event-source", "IAM,sts.amazonaws.com"]).0 == iam.union(sts))
    }

    @Test func userRootFindsRootActivity() throws {
        let root = SampleOracle.eventIDs { SampleOracle.identity($0)["type"] as? String == "Root" }
        #expect(!root.isEmpty)
        #expect(try ids(["--user", "root"]).0 == root)
        #expect(try ids(["--user-type", "root"]).0 == root)
    }

    @Test func userDaveAlsoFindsHisIdentityCenterSessions() throws {
        let sso = SampleOracle.eventIDs {
            let identity = SampleOracle.identity($0)
            let issuer = FoundationJSON.path(identity, "sessionContext", "sessionIssuer", "userName") as? String ?? ""
            return issuer.hasPrefix("AWSReservedSSO_") && (identity["principalId"] as? String ?? "").hasSuffix(":dave@example.com")
        }
        let iamUser = SampleOracle.eventIDs { SampleOracle.identity($0)["userName"] as? String == "dave" }
        #expect(!sso.isEmpty && !iamUser.isEmpty)
        let found = try ids(["--user", "Dave"]).0
        #expect(found.isSuperset(of: sso.union(iamUser)))
    }

    @Test func resourceMatchesAnARNOrItsName() throws {
        let arns = SampleOracle.records.flatMap { ($0["resources"] as? [[String: Any]] ?? []).compactMap { $0["ARN"] as? String } }
        let arn = try #require(arns.first)
        let name = String(arn.split(whereSeparator: { $0 == ":" || $0 == "/" }).last ?? "")
        let expected = SampleOracle.eventIDs {
            ($0["resources"] as? [[String: Any]] ?? []).contains { $0["ARN"] as? String == arn }
        }
        #expect(try ids(["--resource", arn]).0.isSuperset(of: expected))
        #expect(try ids(["--resource", name]).0.isSuperset(of: expected))
    }

    @Test func aFilterThatMatchedNothingSaysSo() throws {
        let (found, stderr) = try ids(["--event-name", "NoSuchCall"])
        #expect(found.isEmpty)
        #expect(stderr.contains("no event matched the filters"), "\(stderr)")
    }
}

/// `--version`, short options, JSON logs, NO_COLOR, units.
@Suite struct ConventionsCLITests {
    @Test func versionNamesTheLinkedLibraries() throws {
        let result = try CLIRunner.run(["--version"])
        #expect(result.status == 0)
        for key in ["trailmill ", "commit: ", "built: ", "swift: 6", "zlib: 1.", "libpq: "] {
            #expect(result.stdout.contains(key), "\(result.stdout)")
        }
    }

    @Test func jsonLogsAreOneObjectPerLine() throws {
        let archive = try ArchiveBuilder()
        defer { archive.root.remove() }
        try archive.writeBytes(
            ArchiveBuilder.logKey(account: "111122223333", region: "us-east-1", date: (2026, 1, 15), unique: "bad"),
            [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 0xFF, 0xFF])
        let result = try CLIRunner.run(["export", "-s", archive.root.path, "-o", "-", "--log-format", "json"])
        #expect(result.status == 1)
        let logLines = result.stderr.split(separator: "\n").filter { $0.hasPrefix("{") }
        #expect(!logLines.isEmpty, "\(result.stderr)")
        for line in logLines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
            #expect(object["level"] != nil && object["message"] != nil && object["time"] != nil)
        }
        let dead = logLines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String] }
            .first { $0["message"] == "file is dead" }
        #expect(dead?["file.key"]?.hasSuffix("_bad.json.gz") == true)
    }

    @Test func verboseLogsOneLinePerFileWithEventsAndMilliseconds() throws {
        let result = try CLIRunner.run(["export", "-s", SampleOracle.archive, "-o", "-", "-v", "--log-format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let perFile = result.stderr.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String]
        }.filter { $0["message"] == "file read" }
        #expect(perFile.count == 24, "\(result.stderr)")
        #expect(perFile.allSatisfy { $0["file.key"] != nil && Int($0["events"] ?? "") != nil && Int($0["ms"] ?? "") != nil })
        #expect(perFile.reduce(0) { $0 + (Int($1["events"] ?? "") ?? 0) } == 600)
    }

    @Test func sizesTakeUnits() throws {
        let out = try TemporaryDirectory("units")
        defer { out.remove() }
        let result = try CLIRunner.run([
            "export", "-s", SampleOracle.archive, "-o", out.path, "-q", "--max-file-bytes", "64KiB",
            "--max-uncompressed-bytes", "64MiB", "-j", "2",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path)
        #expect(names.count > 1)
        for name in names {
            let size = try #require(try FileManager.default.attributesOfItem(atPath: out.path + "/" + name)[.size] as? Int)
            #expect(size <= 64 << 10 + 8 << 10)
        }
        let bad = try CLIRunner.run(["export", "-s", SampleOracle.archive, "-o", out.path, "--max-file-bytes", "64 mebibytes"])
        #expect(bad.status == 2)
    }

    @Test(.enabled(if: ProgressBarTests.script != nil, "util-linux 'script' is not installed"), arguments: [
        ["NO_COLOR": "1"], ["TERM": "dumb"],
    ])
    func noColorAndDumbTerminalsGetNoEscapeSequences(environment: [String: String]) throws {
        let out = try TemporaryDirectory("nocolor")
        defer { out.remove() }
        var env: [String: String?] = ["TERM": nil, "NO_COLOR": nil]
        for (key, value) in environment { env[key] = value }
        let (status, text) = try CLIRunner.runOnTerminal(
            ["export", "--source", SampleOracle.archive, "--out", out.path + "/events"], environment: env)
        #expect(status == 0, "\(text)")
        #expect(text.contains("files 24/24"), "\(text)")
        #expect(!text.contains("\u{1B}"), "\(text)")
        #expect(text.contains("files: 24 done"))
    }

    @Test(.enabled(if: ProgressBarTests.script != nil, "util-linux 'script' is not installed"))
    func runDrawsAProgressBarOnATerminal() throws {
        let work = try TemporaryDirectory("run-progress")
        defer { work.remove() }
        let job = try JobCLI.writeJob(in: work, source: SampleOracle.archive, sinks: "  - type: ndjson\n    path: \(work.path)/out")
        let (status, text) = try CLIRunner.runOnTerminal(["run", job])
        #expect(status == 0, "\(text)")
        #expect(text.contains("files 24/24") && text.contains("\u{1B}[K"), "\(text)")
    }
}
