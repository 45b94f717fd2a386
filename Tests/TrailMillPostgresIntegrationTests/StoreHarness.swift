import Foundation
import Logging
import Testing
import TrailMillArchive
import TrailMillEventStore
import TrailMillPipeline
import TrailMillPostgres
import TrailMillTestSupport

/// Set by `eval "$(bash .ci/postgres env)"`; without it the database suites are skipped.
let serverAvailable = ProcessInfo.processInfo.environment["PGHOST"].map { !$0.isEmpty } ?? false
let noServerReason: Comment =
    "PGHOST is not set: run `bash .ci/postgres start && eval \"$(bash .ci/postgres env)\"` to test against PostgreSQL"

/// A schema only one test uses (suites run in parallel), migrated on request and dropped at the end.
final class TestSchema {
    let name = "tm_test_\(UUID().uuidString.lowercased().prefix(12))"
    let connection: PostgresConnection

    init(migrated: Bool = true) throws {
        connection = try PostgresConnection(conninfo: nil)
        if migrated { try Migrator(connection: connection, schema: name).migrate() }
    }

    deinit {
        try? connection.execute("DROP SCHEMA IF EXISTS \(PostgresConnection.quoteIdentifier(name)) CASCADE")
    }

    var quoted: String { PostgresConnection.quoteIdentifier(name) }

    /// The single value of a one-row, one-column query.
    func value(_ sql: String, _ parameters: [String?] = []) throws -> String? {
        try connection.queryValue(sql, parameters: parameters)
    }

    func count(_ table: String = "events", where condition: String = "true") throws -> Int {
        Int(try value("SELECT count(*) FROM \(quoted).\(table) WHERE \(condition)") ?? "") ?? -1
    }

    /// A load of `source` into this schema.
    func options(_ source: String, jobs: Int = 2, configure: (inout LoadSetup) -> Void = { _ in }) -> LoadSetup {
        var setup = LoadSetup(source: source, schema: name)
        setup.control.jobs = jobs
        setup.target.today = CivilDateToday.days
        configure(&setup)
        return setup
    }

    /// Loads `source` and returns the summary.
    func load(
        _ source: String, jobs: Int = 2, configure: (inout LoadSetup) -> Void = { _ in }
    ) throws(RunFailure) -> RunSummary {
        try options(source, jobs: jobs, configure: configure).run()
    }
}

/// What one test load reads, how it runs and where it loads, with shortcuts for the settings tests change.
struct LoadSetup {
    var input: InputSelection
    var control = RunControl()
    var target: PostgresTarget

    init(source: String, schema: String) {
        input = InputSelection(root: source)
        target = PostgresTarget()
        target.schema = schema
    }

    var batchBytes: Int {
        get { target.batchBytes }
        set { target.batchBytes = newValue }
    }
    var migrate: Bool {
        get { target.migrate }
        set { target.migrate = newValue }
    }
    var maxRetries: Int {
        get { target.maxRetries }
        set { target.maxRetries = newValue }
    }
    /// Called as batches progress (the fault tests stop the server from here).
    var batchObserver: (@Sendable (RunEvent) -> Void)? {
        get { control.observer }
        set { control.observer = newValue }
    }

    func run() throws(RunFailure) -> RunSummary {
        try LoadRun(input: input, control: control, target: target, logger: quietLogger).run()
    }
}

let quietLogger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

enum CivilDateToday {
    static var days: Int { CivilDate.today().daysSinceEpoch }
}

extension RunSummary {
    /// read = written + duplicates + conflicts + filtered, and every file counted once.
    var isBalanced: Bool {
        events.read == events.written + events.duplicates + events.conflicts + events.filtered
            && files.skipped == skipped.count && files.dead == dead.count
    }
}

/// A load into any schema (for names `TestSchema` does not make).
enum TrailMillPipelineLoad {
    static func run(_ source: String, schema: String, migrate: Bool) throws -> RunSummary {
        var setup = LoadSetup(source: source, schema: schema)
        setup.control.jobs = 2
        setup.migrate = migrate
        return try setup.run()
    }
}
