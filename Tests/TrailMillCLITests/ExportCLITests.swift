import Foundation
import Testing
import TrailMillTestSupport

/// `trailmill export` and `trailmill synth` end to end: exit statuses, what reaches stdout and stderr, the
/// summary file, and independence from the host time zone.
@Suite(.serialized) struct ExportCLITests {
    func synth(_ dir: TemporaryDirectory) throws {
        let result = try CLIRunner.run([
            "synth", "--out", dir.path, "--accounts", "2", "--regions", "2", "--days", "2", "--files-per-day", "2",
            "--events-per-file", "20", "--organization", "o-abcdefghij",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("wrote"))
    }

    @Test func successExitsZeroWithOnlyTheSummaryLineOnStderr() throws {
        let archive = try TemporaryDirectory("cli")
        let out = try TemporaryDirectory("cli-out")
        defer { archive.remove(); out.remove() }
        try synth(archive)
        let summaryPath = out.path + "/summary.json"
        let result = try CLIRunner.run([
            "export", "--source", archive.path, "--out", out.path + "/events", "--summary-json", summaryPath,
        ])
        #expect(result.status == 0)
        #expect(result.stdout.isEmpty)
        // stderr is a pipe: no progress bar or escape codes, one summary line.
        #expect(!result.stderr.contains("\u{1B}"))
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr.hasPrefix("files: "))
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summaryPath))) as? [String: Any])
        let files = try #require(summary["files"] as? [String: Int])
        let events = try #require(summary["events"] as? [String: Int])
        #expect(files["dead"] == 0 && (files["done"] ?? 0) > 0)
        for key in ["read", "written", "duplicates", "conflicts", "filtered"] { #expect(events[key] != nil) }
        #expect((events["duplicates"] ?? 0) > 0)
        #expect(summary["skipped"] is [Any] && summary["dead"] is [Any] && summary["seconds"] is Double)
        let manifest = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: archive.url("synth-manifest.json"))) as? [String: Int])
        #expect(events["written"] == manifest["distinctEvents"])
    }

    @Test func aDeadFileExitsOneAndTheRestIsStillWritten() throws {
        let archive = try ArchiveBuilder()
        let out = try TemporaryDirectory("cli-out")
        defer { archive.root.remove(); out.remove() }
        try archive.writeLog(
            ArchiveBuilder.logKey(account: "111122223333", region: "us-east-1", date: (2026, 1, 15), unique: "good"),
            records: [ArchiveBuilder.record()])
        try archive.writeBytes(
            ArchiveBuilder.logKey(account: "111122223333", region: "us-east-1", date: (2026, 1, 15), unique: "bad"),
            [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 0xFF, 0xFF])
        let summaryPath = out.path + "/s.json"
        let result = try CLIRunner.run([
            "export", "--source", archive.root.path, "--out", out.path + "/events", "--summary-json", summaryPath,
        ])
        #expect(result.status == 1)
        #expect(result.stderr.contains("file is dead"))
        #expect(try OutputReader.lines(in: out.path + "/events").count == 1)
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summaryPath))) as? [String: Any])
        let dead = try #require(summary["dead"] as? [[String: String]])
        #expect(dead.count == 1 && dead[0]["file"]?.contains("_bad.json.gz") == true && dead[0]["reason"] != nil)
    }

    @Test(arguments: [
        ["export", "--out", "/tmp/x"],
        ["export", "--source", "/tmp", "--out", "/tmp/x", "--since", "the day before"],
        ["export", "--source", "/tmp", "--out", "/tmp/x", "--read-only", "--writes-only"],
        ["export", "--source", "/tmp", "--out", "/tmp/x", "--jobs", "0"],
        ["export", "--source", "/tmp", "--out", "/tmp/x", "--no-such-flag"],
        ["export", "--source", "/tmp", "--out", "/tmp/x", "--format", "xml"],
        ["export", "--source", "/tmp", "--out", "/tmp/x", "--syslog", "rfc5424"],
        ["no-such-command"],
    ])
    func usageErrorsExitTwo(arguments: [String]) throws {
        let result = try CLIRunner.run(arguments)
        #expect(result.status == 2, "\(arguments): \(result.stderr)")
        #expect(!result.stderr.isEmpty)
    }

    @Test func anUnreadableSourceExitsOneWithAClearMessage() throws {
        let out = try TemporaryDirectory("cli-out")
        defer { out.remove() }
        let result = try CLIRunner.run(["export", "--source", "/nonexistent/archive", "--out", out.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("/nonexistent/archive"))
    }

    @Test func outputDoesNotDependOnTheHostTimeZone() throws {
        let archive = try TemporaryDirectory("cli")
        defer { archive.remove() }
        try synth(archive)
        var outputs: [[[UInt8]]] = []
        for zone in ["UTC", "Pacific/Chatham", "America/Sao_Paulo", "Asia/Kolkata"] {
            let out = try TemporaryDirectory("cli-out")
            defer { out.remove() }
            let result = try CLIRunner.run(
                ["export", "--source", archive.path, "--out", out.path, "--since", "2026-01-15", "--until", "2026-01-15T12:00:00",
                 "--jobs", "2", "--quiet"],
                environment: ["TZ": zone])
            #expect(result.status == 0, "\(zone): \(result.stderr)")
            outputs.append(try OutputReader.rawLines(in: out.path))
        }
        #expect(!outputs[0].isEmpty)
        for other in outputs.dropFirst() { #expect(other == outputs[0]) }
    }

    @Test func gzipAndRawFormatFromTheCommandLine() throws {
        let archive = try TemporaryDirectory("cli")
        let out = try TemporaryDirectory("cli-out")
        defer { archive.remove(); out.remove() }
        try synth(archive)
        let result = try CLIRunner.run(["export", "--source", archive.path, "--out", out.path, "--format", "raw", "--gzip", "--quiet"])
        #expect(result.status == 0 && result.stderr.isEmpty)
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path)
        #expect(!names.isEmpty && names.allSatisfy { $0.hasSuffix(".ndjson.gz") })
        let first = try #require(try OutputReader.objects(in: out.path).first)
        #expect(first["eventID"] != nil)
    }
}

/// The progress bar appears only on a terminal: `script` (util-linux) gives the binary a pseudo-terminal.
@Suite struct ProgressBarTests {
    static let script = CLIRunner.script

    @Test(.enabled(if: ProgressBarTests.script != nil, "util-linux 'script' is not installed"))
    func aTerminalGetsAProgressBarThatIsClearedAtTheEnd() throws {
        let archive = try TemporaryDirectory("cli")
        let out = try TemporaryDirectory("cli-out")
        defer { archive.remove(); out.remove() }
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/sample-archive").path
        let (status, text) = try CLIRunner.runOnTerminal(["export", "--source", fixture, "--out", out.path + "/events"])
        #expect(status == 0, "\(text)")
        #expect(text.contains("files 24/24"), "\(text)")
        #expect(text.contains("MB/s") && text.contains("ETA"))
        #expect(text.contains("\r\u{1B}[K"))  // cleared before the summary line
        #expect(text.contains("files: 24 done"))
    }
}

/// `--format cef|leef` and `--syslog` from the command line: file names, one event per line, headers.
@Suite struct SIEMFormatCLITests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/sample-archive").path

    func export(_ arguments: [String]) throws -> (TemporaryDirectory, [String], [String]) {
        let out = try TemporaryDirectory("cli-siem")
        let result = try CLIRunner.run(["export", "--source", Self.fixture, "--out", out.path, "--quiet"] + arguments)
        #expect(result.status == 0, "\(result.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        var lines: [String] = []
        for name in names {
            var bytes = try out.read(name)
            if name.hasSuffix(".gz") { bytes = try GzipForTests.decompress(bytes) }
            lines += String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
                .map(String.init)
        }
        return (out, names, lines)
    }

    @Test func cefFilesHoldOneCEFLinePerDistinctEvent() throws {
        let (out, names, lines) = try export(["--format", "cef"])
        defer { out.remove() }
        #expect(names.count == 1 && names[0].hasSuffix(".cef"))
        #expect(lines.last == "")  // the file ends with \n
        let events = lines.dropLast()
        #expect(events.count == 376)
        #expect(events.allSatisfy { $0.hasPrefix("CEF:0|Amazon|AWS CloudTrail|") && !$0.contains("\r") })
    }

    @Test func leefGzipFilesWithAnRFC5424Header() throws {
        let (out, names, lines) = try export(["--format", "leef", "--gzip", "--syslog", "rfc5424"])
        defer { out.remove() }
        #expect(names.count == 1 && names[0].hasSuffix(".leef.gz"))
        let events = lines.dropLast()
        #expect(events.count == 376)
        for line in events {
            let match = line.wholeMatch(of: /<(\d+)>1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \S+ trailmill - cloudtrail - LEEF:2\.0\|Amazon\|AWS CloudTrail\|[^|]*\|[^|]+\|x09\|devTime=\d{13}\tsev=\d+\t.*/)
            #expect(match != nil, "\(line)")
            if let priority = match.flatMap({ Int($0.1) }) { #expect((106...110).contains(priority)) }
        }
    }

    @Test func rfc3164HeaderHasABSDTimestamp() throws {
        let (out, _, lines) = try export(["--format", "cef", "--syslog", "rfc3164"])
        defer { out.remove() }
        let first = try #require(lines.first)
        #expect(first.wholeMatch(of: /<\d+>[A-Z][a-z]{2} [ 123]\d \d\d:\d\d:\d\d \S+ trailmill: CEF:0\|.*/) != nil, "\(first)")
    }
}
