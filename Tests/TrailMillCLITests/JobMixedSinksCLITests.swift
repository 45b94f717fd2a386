import Foundation
import Testing
import TrailMillTestSupport

/// One job with a file sink and a PostgreSQL sink: both receive every event exactly once, a late file reaches both,
/// and a rerun touches neither.
@Suite(.enabled(if: JobCLI.serverAvailable, "PGHOST is not set"))
struct JobMixedSinksCLITests {
    @Test func aFileSinkAndAPostgresSinkEachGetEveryEventOnce() throws {
        let work = try TemporaryDirectory("job-cli-mixed")
        defer { work.remove() }
        let schema = try JobTestSchema()
        let distinct = try JobCLI.synth(work.path + "/archive")
        let out = work.path + "/ndjson"
        let job = try JobCLI.writeJob(
            in: work, source: work.path + "/archive",
            sinks: """
                  - type: ndjson
                    path: \(out)
                  - type: postgres
                    schema: \(schema.name)
                    migrate: true
                """)
        let first = try CLIRunner.run(["run", job, "--quiet"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(schema.count("events") == distinct)
        let ids = try JobCLI.eventIDs(in: out)
        #expect(ids.count == distinct && Set(ids).count == distinct)

        // A late file in an early delivery folder, with events nobody has seen.
        let archive = ArchiveBuilder.logKey(account: "111122223333", region: "us-east-1", date: (2026, 1, 1), unique: "LATE")
        let late = (0..<5).map { _ in ArchiveBuilder.record(time: "2026-01-01T10:00:00Z") }
        let root = TemporaryDirectoryView(path: work.path + "/archive")
        try root.writeGzip(archive, text: ArchiveBuilder.logText(late))
        let second = try CLIRunner.run(["run", job, "--quiet"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(schema.count("events") == distinct + 5)
        let after = try JobCLI.eventIDs(in: out)
        #expect(after.count == distinct + 5 && Set(after).count == distinct + 5)

        let third = try CLIRunner.run(["run", job])
        #expect(third.status == 0)
        #expect(schema.count("events") == distinct + 5)
        #expect(try JobCLI.eventIDs(in: out).count == distinct + 5)
    }
}

/// NDJSON, CEF and PostgreSQL sinks in one job: every file is decoded once for all three (issue 10), and each sink
/// gets every event once.
@Suite(.enabled(if: JobCLI.serverAvailable, "PGHOST is not set"))
struct JobThreeSinksCLITests {
    @Test func eachFileIsDecodedOnceForEverySink() throws {
        let work = try TemporaryDirectory("job-cli-three")
        defer { work.remove() }
        let schema = try JobTestSchema()
        let distinct = try JobCLI.synth(work.path + "/archive")
        let job = try JobCLI.writeJob(
            in: work, source: work.path + "/archive",
            sinks: """
                  - {type: ndjson, name: flat, path: \(work.path)/ndjson}
                  - {type: cef, name: siem, path: \(work.path)/cef}
                  - {type: postgres, name: db, schema: \(schema.name), migrate: true}
                """)
        let run = try CLIRunner.run(["run", job, "--quiet", "--summary-json", work.path + "/summary.json"])
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: work.path + "/summary.json")))
                as? [String: Any])
        let files = try #require(summary["files"] as? [String: Int])
        #expect(files["decoded"] == files["listed"] && files["listed"] == 24, "\(files)")
        let sinks = try #require(summary["sinks"] as? [[String: Any]])
        for sink in sinks {
            let sinkFiles = try #require((sink["summary"] as? [String: Any])?["files"] as? [String: Int])
            #expect(sinkFiles["decoded"] == 24, "\(sink["name"] ?? "?"): \(sinkFiles)")
        }
        let ids = try JobCLI.eventIDs(in: work.path + "/ndjson")
        #expect(ids.count == distinct && Set(ids).count == distinct)
        #expect(try JobCLI.lineCount(in: work.path + "/cef", suffix: ".cef") == distinct)
        #expect(schema.count("events") == distinct && schema.distinctEvents() == distinct)
    }
}

/// Writes into an existing directory (TemporaryDirectory's helpers for a path it did not create).
struct TemporaryDirectoryView {
    let path: String
    func writeGzip(_ relative: String, text: String) throws {
        let url = URL(fileURLWithPath: path).appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(GzipForTests.compress(text)).write(to: url)
    }
}
