import Foundation
import Testing
import TrailMillHistory
import TrailMillPipeline
import TrailMillPostgres
import TrailMillSynth
import TrailMillTestSupport

/// `trailmill load --keep-raw`: the `raw` column holds every stored event's record as CloudTrail wrote it, and
/// `history` shows it.
@Suite(.enabled(if: serverAvailable, noServerReason))
struct RawRecordTests {
    /// Every record of a log file, in file order, as JSON text.
    static func records(ofLogFile path: String) throws -> [String] {
        let json = try GzipForTests.decompress(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        let temporary = try TemporaryDirectory("raw")
        defer { temporary.remove() }
        _ = try temporary.write("log.json", bytes: json)
        return try SampleRecords.records(inFile: temporary.path + "/log.json")
    }

    /// Sorted-key JSON, so equal JSON compares equal whatever the member order and spacing (jsonb keeps neither).
    static func canonical(_ text: String) -> String? {
        guard let value = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]),
            let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
        else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    func check(source: String) throws {
        let schema = try TestSchema()
        let summary = try schema.load(source) { $0.target.keepsRawRecords = true }
        #expect(summary.files.dead == 0 && summary.events.written > 0)
        let rows = try schema.connection.query(
            "SELECT source_file, record_index, raw::text, event_id FROM \(schema.quoted).events ORDER BY 1, 2")
        #expect(rows.count == summary.events.written)
        var files: [String: [String]] = [:]
        for row in rows {
            let file = try #require(row[0]), index = try #require(Int(row[1] ?? ""))
            if files[file] == nil { files[file] = try Self.records(ofLogFile: source + "/" + file) }
            let original = try #require(files[file]?[index], "\(file)#\(index)")
            let raw = try #require(row[2], "\(file)#\(index) has no raw record")
            #expect(Self.canonical(raw) == Self.canonical(original), "\(file)#\(index)")
        }
        // history --event-id shows it: CloudTrailEvent in the JSON output is the record, as a string.
        let id = try #require(rows.first?[3])
        var filter = HistoryFilter()
        filter.eventID = id
        var query = HistoryQuery(filter: filter, window: HistoryWindow(start: 0, end: 253_402_300_799_999), schema: schema.name)
        query.includeRecord = true
        let page = try HistoryStore(connection: schema.connection).page(query)
        let line = HistoryRenderer.render(page.rows, as: .json, width: nil, header: false)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let event = try #require(object["CloudTrailEvent"] as? String)
        #expect(Self.canonical(event) == Self.canonical(try #require(rows.first?[2])))
    }

    @Test func theSampleArchivesRecordsAreStoredAsWritten() throws {
        try check(source: RepositoryPaths.sampleArchive)
    }

    @Test func aSyntheticArchivesRecordsAreStoredAsWritten() throws {
        let root = try TemporaryDirectory("raw-synth")
        defer { root.remove() }
        var options = SyntheticArchiveOptions()
        options.accounts = 1
        options.days = 1
        options.filesPerDay = 2
        options.eventsPerFile = 50
        options.insightsPerDay = 2
        _ = try SyntheticArchive.write(to: root.path, options: options)
        try check(source: root.path)
    }

    @Test func withoutKeepRawNothingIsStoredAndJSONCarriesTheFlatRecord() throws {
        let archive = try ArchiveBuilder()
        defer { archive.root.remove() }
        try archive.writeLog(
            ArchiveBuilder.logKey(account: "111122223333", region: "us-east-1", date: (2026, 1, 15)),
            records: [ArchiveBuilder.record()])
        let schema = try TestSchema()
        _ = try schema.load(archive.root.path)
        #expect(try schema.count(where: "raw IS NOT NULL") == 0)
        var query = HistoryQuery(filter: HistoryFilter(), window: HistoryWindow(start: 0, end: 253_402_300_799_999), schema: schema.name)
        query.includeRecord = true
        let rows = try HistoryStore(connection: schema.connection).page(query).rows
        let line = HistoryRenderer.render(rows, as: .json, width: nil, header: false)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["CloudTrailEvent"] == nil)
        #expect((object["Record"] as? [String: Any])?["user_name"] as? String == "alice")
        #expect((object["Record"] as? [String: Any])?["raw"] == nil)
    }
}
