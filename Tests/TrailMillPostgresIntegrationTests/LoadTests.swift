import Foundation
import Logging
import Testing
import TrailMillEventStore
import TrailMillPipeline
import TrailMillPostgres
import TrailMillSynth
import TrailMillTestSupport

/// `trailmill load` against the real test server: exact rows, idempotent reruns, late files, changed files.
@Suite(.enabled(if: serverAvailable, noServerReason))
struct LoadTests {
    func synthArchive(accounts: Int = 2, regions: Int = 3, prefix: String = "") throws
        -> (TemporaryDirectory, SyntheticArchiveManifest)
    {
        let root = try TemporaryDirectory("synth")
        var options = SyntheticArchiveOptions()
        options.accounts = accounts
        options.regions = regions
        options.days = 2
        options.filesPerDay = 2
        options.eventsPerFile = 40
        options.prefix = prefix
        return (root, try SyntheticArchive.write(to: root.path, options: options))
    }

    @Test func multiRegionArchiveLoadsEachDistinctEventOnceAndARerunInsertsNothing() throws {
        let (root, manifest) = try synthArchive()
        defer { root.remove() }
        let schema = try TestSchema()

        let first = try schema.load(root.path)
        #expect(first.files.done == manifest.files && first.files.dead == 0)
        #expect(first.events.read == manifest.records)
        #expect(first.events.written == manifest.distinctEvents)
        // Global events are delivered to every region: the copies are duplicates, not rows.
        #expect(first.events.duplicates == manifest.records - manifest.distinctEvents)
        #expect(first.events.duplicates > 0)
        #expect(first.isBalanced)
        #expect(try schema.count() == manifest.distinctEvents)
        #expect(try schema.count("loaded_files") == manifest.files)
        #expect(try schema.value("SELECT sum(events_inserted) FROM \(schema.quoted).loaded_files") == "\(manifest.distinctEvents)")
        #expect(try schema.value("SELECT sum(events_read) FROM \(schema.quoted).loaded_files") == "\(manifest.records)")
        // The same numbers as an export of the same archive.
        let output = try TemporaryDirectory("out")
        defer { output.remove() }
        let export = try ExportRun(
            input: InputSelection(root: root.path), control: RunControl(),
            output: FileOutput(directory: output.path, stem: "x"), logger: quietLogger
        ).run()
        #expect(export.events.written == first.events.written)

        let second = try schema.load(root.path)
        #expect(second.events.written == 0 && second.events.read == 0)
        #expect(second.files.done == 0 && second.database?.filesAlreadyLoaded == manifest.files)
        let alreadyLoaded = second.skipped.filter { $0.reason.hasPrefix("already loaded (run \(first.database?.runID ?? -1),") }
        #expect(alreadyLoaded.count == manifest.files)
        #expect(try schema.count() == manifest.distinctEvents)
        #expect(try schema.count("load_runs", where: "status = 'finished'") == 2)
        let recorded = try schema.value(
            "SELECT summary->'events'->>'written' FROM \(schema.quoted).load_runs WHERE run_id = $1::bigint",
            ["\(first.database?.runID ?? 0)"])
        #expect(recorded == "\(manifest.distinctEvents)")
    }

    @Test func theSameEventsUnderAnotherPrefixAreAllDuplicates() throws {
        let (root, manifest) = try synthArchive(accounts: 1, regions: 2)
        defer { root.remove() }
        let schema = try TestSchema()
        _ = try schema.load(root.path)
        // A second trail delivering the same events into another prefix of the bucket.
        let mirror = try TemporaryDirectory("mirror")
        defer { mirror.remove() }
        try FileManager.default.createDirectory(atPath: mirror.path + "/second-trail", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: root.path + "/AWSLogs", toPath: mirror.path + "/second-trail/AWSLogs")
        let again = try schema.load(mirror.path)
        #expect(again.files.done == manifest.files)
        #expect(again.events.written == 0)
        #expect(again.events.duplicates == manifest.records)
        #expect(again.database?.duplicatesInDatabase == manifest.distinctEvents)
        #expect(again.isBalanced)
        #expect(try schema.count() == manifest.distinctEvents)
    }

    @Test func aLateFileIsPickedUpByTheNextLoad() throws {
        let archive = try ArchiveBuilder()
        defer { archive.root.remove() }
        let account = "111122223333"
        try archive.writeLog(
            ArchiveBuilder.logKey(account: account, region: "us-east-1", date: (2026, 1, 15), unique: "A"),
            records: (0..<3).map { _ in ArchiveBuilder.record(time: "2026-01-15T10:00:00Z") })
        try archive.writeLog(
            ArchiveBuilder.logKey(account: account, region: "us-east-1", date: (2026, 1, 16), unique: "B"),
            records: (0..<2).map { _ in ArchiveBuilder.record(time: "2026-01-16T10:00:00Z") })
        let schema = try TestSchema()
        #expect(try schema.load(archive.root.path).events.written == 5)
        // Delivered late, into an earlier day's folder and sorting before the files already loaded.
        try archive.writeLog(
            ArchiveBuilder.logKey(account: account, region: "eu-west-1", date: (2026, 1, 14), unique: "0"),
            records: (0..<4).map { _ in ArchiveBuilder.record(region: "eu-west-1", time: "2026-01-14T23:59:00Z") })
        let late = try schema.load(archive.root.path)
        #expect(late.files.done == 1 && late.database?.filesAlreadyLoaded == 2)
        #expect(late.events.written == 4)
        #expect(try schema.count() == 9)
        #expect(try schema.count(where: "aws_region = 'eu-west-1'") == 4)
    }

    @Test func aFileThatChangedSinceItWasLoadedIsDeadNotLoadedTwice() throws {
        let archive = try ArchiveBuilder()
        defer { archive.root.remove() }
        let key = ArchiveBuilder.logKey(account: "111122223333", region: "us-east-1", date: (2026, 1, 15))
        try archive.writeLog(key, records: [ArchiveBuilder.record()])
        let schema = try TestSchema()
        _ = try schema.load(archive.root.path)
        try archive.writeLog(key, records: [ArchiveBuilder.record(), ArchiveBuilder.record()])
        let second = try schema.load(archive.root.path)
        #expect(second.exitStatus == 1)
        #expect(second.dead.first?.reason.contains("changed since it was loaded") == true)
        #expect(try schema.count() == 1)
    }

    @Test func badFilesAreDeadAndTheRestLoads() throws {
        let archive = try ArchiveBuilder()
        defer { archive.root.remove() }
        let good = ArchiveBuilder.logKey(account: "111122223333", region: "us-east-1", date: (2026, 1, 15), unique: "G")
        let truncated = ArchiveBuilder.logKey(account: "111122223333", region: "us-east-1", date: (2026, 1, 15), unique: "T")
        try archive.writeLog(good, records: [ArchiveBuilder.record(), ArchiveBuilder.record()])
        let whole = try GzipForTests.compress(ArchiveBuilder.logText([ArchiveBuilder.record()]))
        try archive.writeBytes(truncated, Array(whole.prefix(whole.count - 9)))
        let schema = try TestSchema()
        let summary = try schema.load(archive.root.path)
        #expect(summary.files.done == 1 && summary.files.dead == 1 && summary.exitStatus == 1)
        #expect(try schema.count() == 2)
        #expect(try schema.count("loaded_files") == 1)
        // The dead file is not recorded, so a later run tries it again.
        let again = try schema.load(archive.root.path)
        #expect(again.files.dead == 1 && again.database?.filesAlreadyLoaded == 1)
    }

    @Test func recordsWithoutAUsableEventIDGetADeterministicSurrogate() throws {
        let archive = try ArchiveBuilder()
        defer { archive.root.remove() }
        let records = [
            ArchiveBuilder.record(id: nil, name: "NoID"),
            ArchiveBuilder.record(id: "EXAMPLE-not-a-guid", name: "Placeholder"),
            ArchiveBuilder.record(id: "EXAMPLE-not-a-guid", name: "Placeholder2"),
        ]
        try archive.writeLog(
            ArchiveBuilder.logKey(account: "111122223333", region: "us-east-1", date: (2026, 1, 15)), records: records)
        let schema = try TestSchema()
        #expect(try schema.load(archive.root.path).events.written == 3)
        let rows = try schema.connection.query(
            "SELECT event_name, event_id, raw_event_id, derived_fields::text FROM \(schema.quoted).events ORDER BY record_index")
        #expect(rows.map { $0[0] } == ["NoID", "Placeholder", "Placeholder2"])
        for row in rows {
            let id = try #require(row[1])
            #expect(id.hasPrefix("tm-") && id.utf8.count == 35)
            #expect(row[3] == "{event_id}")
        }
        #expect(rows[0][2] == nil && rows[1][2] == "EXAMPLE-not-a-guid")
        #expect(Set(rows.map { $0[1] }).count == 3)
        // Loading the same records again from another file finds the same surrogate ids.
        try archive.writeLog(
            ArchiveBuilder.logKey(account: "111122223333", region: "us-west-2", date: (2026, 1, 15)), records: records)
        let again = try schema.load(archive.root.path)
        #expect(again.events.written == 0 && again.database?.duplicatesInDatabase == 3)
    }

    @Test func filtersApplyAsInExport() throws {
        let archive = try ArchiveBuilder()
        defer { archive.root.remove() }
        try archive.writeLog(
            ArchiveBuilder.logKey(account: "111122223333", region: "us-east-1", date: (2026, 1, 15)),
            records: [
                ArchiveBuilder.record(name: "ConsoleLogin"), ArchiveBuilder.record(name: "DescribeInstances"),
                ArchiveBuilder.record(name: "ConsoleLogin"),
            ])
        let schema = try TestSchema()
        let summary = try schema.load(archive.root.path) { $0.input.filter.eventNames = ["ConsoleLogin"] }
        #expect(summary.events.written == 2 && summary.events.filtered == 1)
        #expect(try schema.value("SELECT filtered FROM \(schema.quoted).loaded_files") == "1")
    }
}


/// `EventStore.loadBatch` on its own: every path a batch can take ends with each key stored once.
@Suite(.enabled(if: serverAvailable, noServerReason))
struct LoadStrategyTests {
    /// A COPY row with the given key and file (every other column null or minimal).
    static func row(_ time: String, _ id: String, file: String) -> [UInt8] {
        var fields = [String](repeating: #"\N"#, count: EventColumns.names.count)
        func set(_ name: String, _ value: String) { fields[EventColumns.names.firstIndex(of: name)!] = value }
        set("event_time", time)
        set("event_id", id)
        set("recipient_account_id", "111122223333")
        set("schema_version", "1")
        set("outcome", "success")
        set("source_file", file)
        set("archive_account_id", "111122223333")
        set("archive_region", "us-east-1")
        set("delivery_date", "2026-01-15")
        set("record_index", "0")
        return Array((fields.joined(separator: "\t") + "\n").utf8)
    }

    static func record(_ key: String, rows: Int) -> EventStore.FileRecord {
        EventStore.FileRecord(
            key: key, size: 1, contentSHA256: "x", eventsRead: rows, rowsSent: rows, duplicatesInRun: 0, filtered: 0,
            replacedCharacters: 0)
    }

    @Test func directThenCheckedThenStagingPathsEachStoreAKeyOnce() throws {
        let schema = try TestSchema()
        let store = EventStore(connection: schema.connection, schema: schema.name)
        try store.prepareStaging()
        _ = try store.createPartition(day: 20_468)  // 2026-01-15
        let runID = try store.startRun(source: "test", host: "test")
        func load(_ file: String, _ rows: [[UInt8]], _ strategy: inout EventStore.LoadStrategy) throws -> Int {
            let inserted = try store.loadBatch([Self.record(file, rows: rows.count)], runID: runID, strategy: &strategy) {
                body in
                for row in rows { try row.withUnsafeBytes { try body(0, $0) } }
            }
            return inserted[file] ?? 0
        }
        var strategy = EventStore.LoadStrategy.direct
        let a = Self.row("2026-01-15T10:00:00.000Z", "a", file: "f1")
        let b = Self.row("2026-01-15T10:00:00.000Z", "b", file: "f2")
        #expect(try load("f1", [a], &strategy) == 1 && strategy == .direct)
        // A stored key: the direct COPY fails, the key check drops the stored row and sends the new one.
        #expect(try load("f2", [a, b], &strategy) == 1 && strategy == .checkKeys)
        // The same key twice within one batch (in-run deduplication normally prevents it): the checked COPY
        // collides too, and the staging path stores it once.
        let c = Self.row("2026-01-15T11:00:00.000Z", "c", file: "f3")
        #expect(try load("f3", [c, c], &strategy) == 1)
        #expect(strategy == .direct)  // the check found no stored key
        #expect(try schema.count() == 3)
        #expect(try schema.value("SELECT string_agg(source_key || ':' || events_inserted || '/' || duplicates, ',' ORDER BY source_key) FROM \(schema.quoted).loaded_files") == "f1:1/0,f2:1/1,f3:1/1")
    }
}
