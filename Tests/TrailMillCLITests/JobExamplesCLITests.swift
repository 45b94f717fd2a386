import Foundation
import Testing
import TrailMillTestSupport

/// The example jobs in `Jobs/` run as shipped against `Tests/Fixtures/sample-archive` (the PostgreSQL one
/// against the test server, in a schema of its own), twice: the second run has nothing to do.
@Suite(.serialized) struct JobExamplesCLITests {
    /// Distinct events in the sample archive's deliveries.
    static let sampleEvents = 376
    static let sampleFiles = 24

    func environment(_ work: TemporaryDirectory) -> [String: String] {
        [
            "TRAILMILL_SOURCE": JobCLI.repository.appendingPathComponent("Tests/Fixtures/sample-archive").path,
            "TRAILMILL_OUTPUT": work.path + "/out", "TRAILMILL_STATE_DIR": work.path + "/state",
        ]
    }

    func runTwice(_ file: String, environment: [String: String]) throws {
        let job = JobCLI.repository.appendingPathComponent("Jobs/\(file)").path
        let first = try CLIRunner.run(["run", job, "--today", "2026-01-17"], environment: environment)
        #expect(first.status == 0, "\(file): \(first.stderr)")
        #expect(first.stdout.isEmpty)
        #expect(first.stderr.split(separator: "\n").count == 1, "\(first.stderr)")
        #expect(first.stderr.contains("\(Self.sampleFiles) done"), "\(first.stderr)")
        let second = try CLIRunner.run(["run", job, "--today", "2026-01-17", "--quiet"], environment: environment)
        #expect(second.status == 0, "\(file): \(second.stderr)")
        #expect(second.stderr.isEmpty && second.stdout.isEmpty)
        let summaryPath = try #require(environment["TRAILMILL_STATE_DIR"]) + "/" + file.replacingOccurrences(
            of: ".yaml", with: ".last-run.json")
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summaryPath))) as? [String: Any])
        let files = try #require(summary["files"] as? [String: Int])
        #expect(files["already_done"] == Self.sampleFiles && files["done"] == 0, "\(files)")
    }

    @Test func nightlySIEMCEF() throws {
        let work = try TemporaryDirectory("job-example")
        defer { work.remove() }
        try runTwice("nightly-siem-cef.yaml", environment: environment(work))
        #expect(try JobCLI.lineCount(in: work.path + "/out", suffix: ".cef") == Self.sampleEvents)
    }

    @Test func backfill() throws {
        let work = try TemporaryDirectory("job-example")
        defer { work.remove() }
        try runTwice("backfill-2026-q1.yaml", environment: environment(work))
        let ids = try JobCLI.eventIDs(in: work.path + "/out")
        #expect(ids.count == Self.sampleEvents && Set(ids).count == ids.count)
    }

    @Test(.enabled(if: JobCLI.serverAvailable, "PGHOST is not set"))
    func nightlyPostgres() throws {
        let work = try TemporaryDirectory("job-example")
        defer { work.remove() }
        let schema = try JobTestSchema()
        var environment = environment(work)
        environment["TRAILMILL_SCHEMA"] = schema.name
        try runTwice("nightly-postgres.yaml", environment: environment)
        #expect(schema.count("events") == Self.sampleEvents)
        #expect(schema.count("loaded_files") == Self.sampleFiles)
    }
}
