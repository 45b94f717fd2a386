import Foundation
import Testing
import TrailMillPostgres
import TrailMillTestSupport

/// Helpers for the `trailmill run` / `trailmill status` end-to-end tests.
enum JobCLI {
    /// The repository root.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Set by `eval "$(bash .ci/postgres env)"`; without it the database tests are skipped.
    static let serverAvailable = ProcessInfo.processInfo.environment["PGHOST"].map { !$0.isEmpty } ?? false

    /// A synthetic archive (`trailmill synth`) in `directory`; returns its count of distinct events.
    @discardableResult
    static func synth(
        _ directory: String, accounts: Int = 2, regions: Int = 2, days: Int = 2, filesPerDay: Int = 3, events: Int = 40,
        seed: Int = 1
    ) throws -> Int {
        let result = try CLIRunner.run([
            "synth", "--out", directory, "--accounts", "\(accounts)", "--regions", "\(regions)", "--days", "\(days)",
            "--files-per-day", "\(filesPerDay)", "--events-per-file", "\(events)", "--seed", "\(seed)",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let manifest = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/synth-manifest.json")))
                as? [String: Int])
        return try #require(manifest["distinctEvents"])
    }

    /// A job file over `source` (a backfill over every synthetic delivery date) with `sinks` (YAML list items).
    static func writeJob(
        in work: TemporaryDirectory, source: String, sinks: String, extra: String = "", name: String = "job"
    ) throws -> String {
        let yaml = """
            name: \(name)
            source:
              path: \(source)
            select:
              from: 2020-01-01
              to: 2030-12-31
            sinks:
            \(sinks)
            state: \(work.path)/state/\(name).sqlite
            summary: \(work.path)/state/\(name).last-run.json
            \(extra)
            """
        return try work.write("\(name).yaml", text: yaml)
    }

    /// `eventID`s of every NDJSON line in `directory` (name order), with repeats.
    static func eventIDs(in directory: String) throws -> [String] {
        guard FileManager.default.fileExists(atPath: directory) else { return [] }
        return try OutputReader.objects(in: directory).compactMap { $0["event_id"] as? String }
    }

    /// Lines of every visible file with `suffix` in `directory`.
    static func lineCount(in directory: String, suffix: String) throws -> Int {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { !$0.hasPrefix(".") && $0.hasSuffix(suffix) }
        var count = 0
        for name in names {
            let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
            count += data.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        }
        return count
    }

    /// Every entry under `directory`, recursively, with sizes (what a "nothing changed" check compares),
    /// SQLite's `-wal` and `-shm` sidecars included: a dry run opens the state without creating them.
    static func snapshot(_ directory: String) -> [String: Int] {
        var result: [String: Int] = [:]
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return result }
        while let entry = walker.nextObject() as? String {
            let size = try? FileManager.default.attributesOfItem(atPath: directory + "/" + entry)[.size] as? Int
            result[entry] = size ?? -1
        }
        return result
    }
}

/// A PostgreSQL schema only one test uses, dropped at the end.
final class JobTestSchema {
    let name = "tm_job_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
    let connection: PostgresConnection

    init() throws { connection = try PostgresConnection(conninfo: nil) }

    deinit {
        try? connection.execute("DROP SCHEMA IF EXISTS \(PostgresConnection.quoteIdentifier(name)) CASCADE")
    }

    /// Rows of `table`, or -1 when it does not exist.
    func count(_ table: String) -> Int {
        let rows = try? connection.query("SELECT count(*) FROM \(PostgresConnection.quoteIdentifier(name)).\(table)")
        return rows.flatMap { Int($0.first?.first.flatMap { $0 } ?? "") } ?? -1
    }

    /// Distinct `event_id`s in `events`.
    func distinctEvents() -> Int {
        let rows = try? connection.query(
            "SELECT count(DISTINCT event_id) FROM \(PostgresConnection.quoteIdentifier(name)).events")
        return rows.flatMap { Int($0.first?.first.flatMap { $0 } ?? "") } ?? -1
    }
}

/// A `trailmill` child the test signals while it runs.
final class RunningCLI {
    let process = Process()
    private let errorFile: String

    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        let path = try #require(CLIRunner.binary, "build the trailmill product first (swift build)")
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        errorFile = NSTemporaryDirectory() + "/trailmill-cli-\(UUID().uuidString).err"
        _ = FileManager.default.createFile(atPath: errorFile, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: errorFile)
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    deinit { try? FileManager.default.removeItem(atPath: errorFile) }

    /// Waits for the exit; returns the status and stderr.
    func wait() -> (status: Int32, stderr: String) {
        process.waitUntilExit()
        let text = (try? String(contentsOfFile: errorFile, encoding: .utf8)) ?? ""
        return (process.terminationStatus, text)
    }
}
