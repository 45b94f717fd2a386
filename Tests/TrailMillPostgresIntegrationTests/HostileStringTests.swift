import Foundation
import Testing
import TrailMillPipeline
import TrailMillPostgres
import TrailMillTestSupport

/// Attacker-controlled strings reach PostgreSQL as data, exactly, in text and jsonb columns; what PostgreSQL cannot
/// hold (U+0000, lone surrogates, numbers beyond `numeric`) follows the documented U+FFFD policy, never a failed COPY.
@Suite(.enabled(if: serverAvailable, noServerReason))
struct HostileStringTests {
    /// (JSON string literal as written in the record, the value stored).
    static let cases: [(json: String, stored: String)] = [
        (#""'); DROP TABLE events;--""#, "'); DROP TABLE events;--"),
        (#""$$ dollar $tag$ quoted $tag$""#, "$$ dollar $tag$ quoted $tag$"),
        (#""back\\slash \\\\ double \\N \\. end""#, #"back\slash \\ double \N \. end"#),
        (#""quote \" single ' mixed""#, "quote \" single ' mixed"),
        (#""tab\there, cr\rlf\n, \b \f""#, "tab\there, cr\rlf\n, \u{8} \u{C}"),
        (#""nul\u0000byte""#, "nul\u{FFFD}byte"),
        (#""lone \ud800 high, lone \udc00 low""#, "lone \u{FFFD} high, lone \u{FFFD} low"),
        (#""pair \ud83d\ude00 and raw 😀👩🏽‍💻""#, "pair 😀 and raw 😀👩🏽‍💻"),
        (#""\u001b[31mansi\u001b[0m \u0001""#, "\u{1B}[31mansi\u{1B}[0m \u{1}"),
        (#""sep\u2028 raw\#u{2028} nel\#u{85}""#, "sep\u{2028} raw\u{2028} nel\u{85}"),
        (#""é à ü 中文 \u00e9""#, "é à ü 中文 é"),
    ]

    func record(_ literal: String, index: Int) -> String {
        ArchiveBuilder.record(
            name: "Hostile\(index)", user: "u\(index)",
            extra: #""errorMessage":\#(literal),"additionalEventData":{"note":\#(literal),"list":[\#(literal)],"n":1}"#)
            .replacingOccurrences(of: #""userAgent":"aws-cli/2.15.0""#, with: #""userAgent":\#(literal)"#)
    }

    @Test func hostileValuesAreStoredExactly() throws {
        let archive = try ArchiveBuilder()
        defer { archive.root.remove() }
        try archive.writeLog(
            ArchiveBuilder.logKey(account: "111122223333", region: "us-east-1", date: (2026, 1, 15)),
            records: Self.cases.enumerated().map { record($1.json, index: $0) })
        let schema = try TestSchema()
        let summary = try schema.load(archive.root.path)
        #expect(summary.files.done == 1 && summary.files.dead == 0)
        #expect(summary.events.written == Self.cases.count)
        // NUL: 1 case × 4 places (agent, message, note, list); lone surrogates: 2 per string × 4.
        #expect(summary.database?.replacedNUL == 4)
        #expect(summary.database?.replacedLoneSurrogates == 8)
        #expect(try schema.value("SELECT replaced_characters FROM \(schema.quoted).loaded_files") == "12")
        #expect(try schema.count() == Self.cases.count)
        let rows = try schema.connection.query(
            """
            SELECT user_agent, error_message, additional_event_data->>'note', additional_event_data->'list'->>0
            FROM \(schema.quoted).events ORDER BY record_index
            """)
        #expect(rows.count == Self.cases.count)
        for (row, expected) in zip(rows, Self.cases) {
            #expect(row == [expected.stored, expected.stored, expected.stored, expected.stored], "\(expected.json)")
        }
        // The tables are all still there.
        #expect(try schema.count("loaded_files") == 1)
    }

    @Test func numbersBeyondNumericAreKeptAsStrings() throws {
        let archive = try ArchiveBuilder()
        defer { archive.root.remove() }
        let extra = #""requestParameters":{"big":1e999999,"small":-2.5E-999999,"fine":9.8E-5,"int":12345678901234567890}"#
        try archive.writeLog(
            ArchiveBuilder.logKey(account: "111122223333", region: "us-east-1", date: (2026, 1, 15)),
            records: [ArchiveBuilder.record(extra: extra).replacingOccurrences(of: #""requestParameters":null,"#, with: "")])
        let schema = try TestSchema()
        let summary = try schema.load(archive.root.path)
        #expect(summary.events.written == 1 && summary.database?.hugeNumbersAsStrings == 2)
        let row = try schema.connection.query(
            """
            SELECT request_parameters->>'big', jsonb_typeof(request_parameters->'big'), request_parameters->>'small',
                   jsonb_typeof(request_parameters->'fine'), request_parameters->>'int'
            FROM \(schema.quoted).events
            """)
        #expect(row == [["1e999999", "string", "-2.5E-999999", "number", "12345678901234567890"]])
    }

    @Test func theSchemaNameIsAnIdentifierNotSQL() throws {
        let archive = try ArchiveBuilder()
        defer { archive.root.remove() }
        try archive.writeLog(
            ArchiveBuilder.logKey(account: "111122223333", region: "us-east-1", date: (2026, 1, 15)),
            records: [ArchiveBuilder.record()])
        let connection = try PostgresConnection(conninfo: nil)
        let name = #"tm "odd"; DROP TABLE x;-- \#(UUID().uuidString.prefix(8))"#
        defer { try? connection.execute("DROP SCHEMA IF EXISTS \(PostgresConnection.quoteIdentifier(name)) CASCADE") }
        let schema = try TestSchema(migrated: false)
        let summary = try TrailMillPipelineLoad.run(archive.root.path, schema: name, migrate: true)
        #expect(summary.events.written == 1)
        #expect(try schema.value("SELECT count(*) FROM \(PostgresConnection.quoteIdentifier(name)).events") == "1")
    }

    /// `--schema 'x"\u{301}; drop table y; --'`: the quote and the combining mark form one grapheme, and the name
    /// must still be one quoted identifier (issue 10, defect 4): the load creates exactly that schema and the
    /// table the name tries to drop survives.
    @Test func aQuoteBeforeACombiningMarkStaysInsideTheIdentifier() throws {
        let archive = try ArchiveBuilder()
        defer { archive.root.remove() }
        try archive.writeLog(
            ArchiveBuilder.logKey(account: "111122223333", region: "us-east-1", date: (2026, 1, 15)),
            records: [ArchiveBuilder.record()])
        let connection = try PostgresConnection(conninfo: nil)
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let victim = "tm_victim_\(suffix)"
        try connection.execute("CREATE TABLE public.\(victim) (id int)")
        defer { try? connection.execute("DROP TABLE IF EXISTS public.\(victim)") }
        let name = "x\(suffix)\"\u{301}; drop table public.\(victim); --"
        defer { try? connection.execute("DROP SCHEMA IF EXISTS \(PostgresConnection.quoteIdentifier(name)) CASCADE") }
        let summary = try TrailMillPipelineLoad.run(archive.root.path, schema: name, migrate: true)
        #expect(summary.events.written == 1)
        let schemas = try connection.query("SELECT nspname FROM pg_namespace WHERE nspname = $1", parameters: [name])
        #expect(schemas.count == 1)
        #expect(try connection.queryValue("SELECT to_regclass($1)::text", parameters: ["public.\(victim)"]) != nil)
    }
}
