import Foundation
import Testing
import TrailMillEventStore
import TrailMillPipeline
import TrailMillPostgres
import TrailMillSynth
import TrailMillTestSupport

/// Every column stored by `trailmill load` equals the same event's flat-schema-v1 NDJSON line from
/// `trailmill export` (whose columns the pipeline's conformance test checks against an independent oracle).
@Suite(.enabled(if: serverAvailable, noServerReason))
struct ConformanceTests {
    /// The bundled sample archive (the project's own fixture).
    @Test func theSampleArchiveStoresTheFlatExportsValues() throws {
        try compare(source: RepositoryPaths.sampleArchive)
    }

    /// A synthetic organization archive with Insights events and every event shape the generator makes.
    @Test func aSyntheticArchiveStoresTheFlatExportsValues() throws {
        let root = try TemporaryDirectory("synth")
        defer { root.remove() }
        var options = SyntheticArchiveOptions()
        options.accounts = 2
        options.regions = 2
        options.days = 1
        options.filesPerDay = 2
        options.eventsPerFile = 60
        options.insightsPerDay = 4
        options.organizationID = "o-exampleorg1"
        _ = try SyntheticArchive.write(to: root.path, options: options)
        try compare(source: root.path)
    }

    /// A value as sorted-key JSON text, so that equal JSON compares equal whatever the member order and number
    /// spelling (jsonb keeps neither).
    static func canonical(_ value: Any?) -> String? {
        guard let value else { return nil }
        guard let data = try? JSONSerialization.data(withJSONObject: [value], options: [.sortedKeys]) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    func compare(source: String) throws {
        let output = try TemporaryDirectory("out")
        defer { output.remove() }
        let export = try ExportRun(
            input: InputSelection(root: source), control: RunControl(),
            output: FileOutput(directory: output.path, stem: "x"), logger: quietLogger
        ).run()
        let schema = try TestSchema()
        let load = try schema.load(source)
        #expect(load.events.written == export.events.written && load.events.duplicates == export.events.duplicates)
        #expect(load.files.done == export.files.done && load.files.dead == export.files.dead)

        let timeFormat = #"'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'"#
        var stored: [String: [String: Any]] = [:]
        for row in try schema.connection.query(
            """
            SELECT source_file || '#' || record_index, (to_jsonb(e) - 'event_time' - 'session_creation_date'
                || jsonb_build_object(
                    'event_time', to_char(event_time AT TIME ZONE 'UTC', \(timeFormat)),
                    'session_creation_date', to_char(session_creation_date AT TIME ZONE 'UTC', \(timeFormat))))::text
            FROM \(schema.quoted).events e
            """)
        {
            let object = try JSONSerialization.jsonObject(with: Data((row[1] ?? "{}").utf8)) as? [String: Any]
            stored[row[0] ?? ""] = object?.filter { !($0.value is NSNull) }
        }
        let lines = try OutputReader.objects(in: output.path)
        #expect(lines.count == stored.count)
        for line in lines {
            let key = "\(line["source_file"] as? String ?? "")#\(line["record_index"] as? Int ?? -1)"
            let row = try #require(stored[key], "no row for \(key)")
            for (column, value) in line {
                let storedValue = row[column]
                if column == "source_ip", let text = value as? String, text.contains(":") {
                    // inet prints IPv6 canonically (lowercase, zeros compressed).
                    #expect(storedValue != nil)
                    continue
                }
                #expect(
                    Self.canonical(storedValue) == Self.canonical(value),
                    "\(key) \(column): \(value) vs \(String(describing: storedValue))")
            }
            // Columns the row has and the line lacks are the load's own: none but a surrogate event_id.
            let extra = Set(row.keys).subtracting(line.keys)
            #expect(extra.isSubset(of: ["event_id", "raw_event_id"]), "\(key): \(extra.sorted())")
            if extra.contains("event_id") { #expect((row["derived_fields"] as? [String])?.contains("event_id") == true) }
        }
    }
}
