import Foundation
import Testing
import TrailMillPostgres

/// A schema only this test uses (tests run in parallel), dropped afterwards.
private func withSchema(_ body: (PostgresConnection, String) throws -> Void) throws {
    let connection = try PostgresConnection(conninfo: nil)
    let schema = PostgresConnection.quoteIdentifier("tm_test_\(UUID().uuidString.lowercased())")
    try connection.execute("CREATE SCHEMA \(schema)")
    defer {
        if let cleanup = try? PostgresConnection(conninfo: nil) {
            try? cleanup.execute("DROP SCHEMA \(schema) CASCADE")
        }
    }
    try body(connection, schema)
}

/// Strings that break naive SQL building or COPY text encoding.
private let hostile: [String?] = [
    "'); DROP TABLE x;--", "$$", "$tag$ body $tag$", "back\\slash", "\\\\", "\\N", "\\.", "\"double\" 'single'",
    "tab\there", "line\nfeed", "carriage\rreturn", "\r\n", "emoji 🙂👩🏽‍💻", "é à ü 中文", "", " ", nil, "NULL",
    "\u{08}\u{0B}\u{0C}\u{01}\u{7F}",
]

@Suite(.enabled(if: serverAvailable, noServerReason))
struct PostgresConnectionTests {
    @Test func connectsThroughTheEnvironment() throws {
        let connection = try PostgresConnection(conninfo: nil)
        #expect(connection.isAlive)
        #expect(connection.serverVersion >= 100_000)
        #expect(connection.transactionStatus == .idle)
        let rows = try connection.query("SELECT 1 + 1, NULL::text, current_setting('client_encoding')")
        #expect(rows == [["2", nil, "UTF8"]])
        #expect(try connection.query("SELECT pg_backend_pid()") == [["\(connection.backendPID)"]])
    }

    @Test(arguments: [
        "host=/nonexistent-trailmill-dir port=1 user=u password=secret-pw-123",
        "postgresql://u:secret-pw-123@/postgres?host=/nonexistent-trailmill-dir&port=1",
        "postgresql://u:secret-pw-123@[::1/postgres",  // unparsable URI: libpq quotes it in the message
        "postgresql://u:secret-pw-123%zz@localhost/postgres",  // bad percent-encoding in the password
        "host=/nonexistent-trailmill-dir password='secret-pw-123' bogus",  // syntax error after the password
    ])
    func badConninfoFailsWithoutLeakingThePassword(conninfo: String) {
        do {
            _ = try PostgresConnection(conninfo: conninfo)
            Issue.record("connected with \(conninfo)")
        } catch {
            #expect(error.code == .connectionFailed)
            #expect(!error.description.contains("secret"), "\(error.description)")
            #expect(!error.message.isEmpty)
        }
    }

    @Test func executeRunsDDLAndReportsSQLState() throws {
        try withSchema { connection, schema in
            try connection.execute("CREATE TABLE \(schema).t (id int PRIMARY KEY); INSERT INTO \(schema).t VALUES (1)")
            do {
                try connection.execute("INSERT INTO \(schema).t VALUES (1)")
                Issue.record("duplicate key accepted")
            } catch let error as PostgresError {
                #expect(error.code == .queryFailed)
                #expect(error.sqlState == "23505")
                #expect(error.detail?.contains("already exists") == true)
            }
            do {
                try connection.execute("SELEKT 1")
                Issue.record("syntax error accepted")
            } catch let error as PostgresError {
                #expect(error.sqlState == "42601")
            }
            #expect(connection.isAlive)
            #expect(try connection.query("SELECT count(*) FROM \(schema).t") == [["1"]])
        }
    }

    @Test func parametersRoundTripExactly() throws {
        try withSchema { connection, schema in
            try connection.execute("CREATE TABLE \(schema).t (id int, value text)")
            for (index, value) in hostile.enumerated() {
                _ = try connection.query(
                    "INSERT INTO \(schema).t (id, value) VALUES ($1::int, $2)", parameters: ["\(index)", value])
            }
            let rows = try connection.query("SELECT value FROM \(schema).t ORDER BY id")
            #expect(rows.map { $0[0] } == hostile)
            // Echo without a table: the value is data, never SQL.
            for value in hostile {
                #expect(try connection.query("SELECT $1::text", parameters: [value]) == [[value]])
            }
            #expect(try connection.query("SELECT count(*) FROM \(schema).t") == [["\(hostile.count)"]])
        }
    }

    @Test func nulInAParameterIsRejectedNotTruncated() throws {
        let connection = try PostgresConnection(conninfo: nil)
        do {
            _ = try connection.query("SELECT $1::text", parameters: ["a\u{0}b"])
            Issue.record("NUL parameter accepted")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.message.contains("$1"))
        }
        #expect(try connection.query("SELECT 'ok'") == [["ok"]])
    }

    @Test func copyTenThousandHostileRowsRoundTrips() throws {
        try withSchema { connection, schema in
            try connection.execute("CREATE TABLE \(schema).t (id int PRIMARY KEY, a text, b text, c text)")
            var expected: [[String?]] = []
            for id in 0..<10_000 {
                let a = hostile[id % hostile.count]
                let b: String? = id % 7 == 0 ? nil : "row \(id)\t\\N\n\(hostile[(id * 3) % hostile.count] ?? "∅")"
                let c = String(repeating: "x🙂\\", count: id % 50)
                expected.append(["\(id)", a, b, c])
            }
            var replaced = -1
            let rows = try connection.copyIn("COPY \(schema).t (id, a, b, c) FROM STDIN") { writer in
                for row in expected { try writer.appendRow(row) }
                replaced = writer.replacedNULCount
                #expect(writer.rowCount == 10_000)
            }
            #expect(rows == 10_000)
            #expect(replaced == 0)
            let back = try connection.query("SELECT t.id::text, a, b, c FROM \(schema).t AS t ORDER BY t.id")
            #expect(back.count == expected.count)
            let mismatch = zip(back, expected).first { $0.0 != $0.1 }
            #expect(mismatch == nil, "first mismatch: \(String(describing: mismatch))")
        }
    }

    @Test func copyLargerThanOneChunk() throws {
        try withSchema { connection, schema in
            try connection.execute("CREATE TABLE \(schema).t (id int, payload text)")
            let payload = String(repeating: "é\t", count: 20_000)  // ~80 KB escaped per row, ~4 MB in total
            let rows = try connection.copyIn("COPY \(schema).t FROM STDIN") { writer in
                for id in 0..<50 {
                    writer.appendField("\(id)")
                    writer.appendField(payload)
                    try writer.endRow()
                }
            }
            #expect(rows == 50)
            let check = try connection.query(
                "SELECT count(*), count(*) FILTER (WHERE payload = $1) FROM \(schema).t", parameters: [payload])
            #expect(check == [["50", "50"]])
        }
    }

    @Test func nulInCopyDataBecomesReplacementCharacter() throws {
        try withSchema { connection, schema in
            try connection.execute("CREATE TABLE \(schema).t (id int, value text)")
            var replaced = 0
            try connection.copyIn("COPY \(schema).t FROM STDIN") { writer in
                try writer.appendRow(["1", "a\u{0}b"])
                try writer.appendRow(["2", "\u{0}\u{0}"])
                let bytes: [UInt8] = [0x63, 0x00]
                writer.appendField("3")
                bytes.withUnsafeBytes { writer.appendField(utf8: $0) }
                try writer.endRow()
                replaced = writer.replacedNULCount
            }
            #expect(replaced == 4)
            let rows = try connection.query("SELECT value FROM \(schema).t ORDER BY id")
            #expect(rows == [["a\u{FFFD}b"], ["\u{FFFD}\u{FFFD}"], ["c\u{FFFD}"]])
        }
    }

    @Test func badCopyRowFailsWholeStatementAndConnectionRecovers() throws {
        try withSchema { connection, schema in
            try connection.execute("CREATE TABLE \(schema).t (id int, value text)")
            try connection.execute("BEGIN")
            do {
                try connection.copyIn("COPY \(schema).t FROM STDIN") { writer in
                    for id in 0..<1_000 { try writer.appendRow(["\(id)", "ok"]) }
                    try writer.appendRow(["not-a-number", "bad"])
                    for id in 1_000..<2_000 { try writer.appendRow(["\(id)", "ok"]) }
                }
                Issue.record("bad row accepted")
            } catch let error as PostgresError {
                #expect(error.code == .copyFailed)
                #expect(error.sqlState == "22P02")
                #expect(error.context?.contains("line 1001") == true, "\(String(describing: error.context))")
            }
            #expect(connection.transactionStatus == .inFailedTransaction)
            try connection.execute("ROLLBACK")
            #expect(connection.transactionStatus == .idle)
            #expect(try connection.query("SELECT count(*) FROM \(schema).t") == [["0"]])
            // The connection still loads.
            #expect(try connection.copyIn("COPY \(schema).t FROM STDIN") { try $0.appendRow(["1", "fine"]) } == 1)
        }
    }

    @Test func copyIntoMissingTableAndWrongColumnCount() throws {
        try withSchema { connection, schema in
            do {
                try connection.copyIn("COPY \(schema).missing FROM STDIN") { _ in Issue.record("body ran") }
                Issue.record("copy into missing table accepted")
            } catch let error as PostgresError {
                #expect(error.code == .copyFailed)
                #expect(error.sqlState == "42P01")
            }
            try connection.execute("CREATE TABLE \(schema).t (id int, value text)")
            do {
                try connection.copyIn("COPY \(schema).t FROM STDIN") { try $0.appendRow(["1", "a", "extra"]) }
                Issue.record("extra column accepted")
            } catch let error as PostgresError {
                #expect(error.sqlState == "22P04")
            }
            #expect(try connection.query("SELECT 1") == [["1"]])
        }
    }

    @Test func throwingBodyAbortsTheCopyAndRethrows() throws {
        try withSchema { connection, schema in
            try connection.execute("CREATE TABLE \(schema).t (id int)")
            do {
                try connection.copyIn("COPY \(schema).t FROM STDIN") { writer in
                    for id in 0..<100 { try writer.appendRow(["\(id)"]) }
                    throw PostgresError(code: .copyFailed, message: "caller gave up")
                }
                Issue.record("no error")
            } catch let error as PostgresError {
                #expect(error.message == "caller gave up")
            }
            #expect(connection.transactionStatus == .idle)
            #expect(try connection.query("SELECT count(*) FROM \(schema).t") == [["0"]])
        }
    }

    @Test func foreignBodyErrorIsWrappedAsCopyAborted() throws {
        struct DecodeFailure: Error, Equatable { let offset: Int }
        try withSchema { connection, schema in
            try connection.execute("CREATE TABLE \(schema).t (id int)")
            do {
                try connection.copyIn("COPY \(schema).t FROM STDIN") { writer in
                    try writer.appendRow(["1"])
                    throw DecodeFailure(offset: 42)
                }
                Issue.record("no error")
            } catch let error as PostgresError {
                #expect(error.code == .copyAborted)
                #expect((error.cause as? DecodeFailure) == DecodeFailure(offset: 42))
            }
            #expect(try connection.query("SELECT count(*) FROM \(schema).t") == [["0"]])
        }
    }

    @Test func executeRefusesCopyFromStdin() throws {
        try withSchema { connection, schema in
            try connection.execute("CREATE TABLE \(schema).t (id int)")
            #expect(throws: PostgresError.self) { try connection.execute("COPY \(schema).t FROM STDIN") }
            #expect(try connection.query("SELECT count(*) FROM \(schema).t") == [["0"]])
        }
    }

    @Test func quotedIdentifiersWithQuotesWork() throws {
        try withSchema { connection, schema in
            let table = PostgresConnection.quoteIdentifier("we\"ird; DROP TABLE x;--")
            let column = PostgresConnection.quoteIdentifier("Col \"1\"")
            try connection.execute("CREATE TABLE \(schema).\(table) (\(column) text)")
            try connection.copyIn("COPY \(schema).\(table) (\(column)) FROM STDIN") { try $0.appendRow(["v"]) }
            #expect(try connection.query("SELECT \(column) FROM \(schema).\(table)") == [["v"]])
            let names = try connection.query(
                "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE nspname = $1",
                parameters: [String(schema.dropFirst().dropLast())])
            #expect(names == [["we\"ird; DROP TABLE x;--"]])
        }
    }

    @Test func terminatedBackendGivesConnectionLost() throws {
        let victim = try PostgresConnection(conninfo: nil)
        let killer = try PostgresConnection(conninfo: nil)
        let pid = victim.backendPID
        // The second argument makes the server wait (up to 10 s) until the backend is gone.
        let killed = try killer.query("SELECT pg_terminate_backend($1::int, 10000)", parameters: ["\(pid)"])
        #expect(killed == [["t"]])
        do {
            try victim.execute("SELECT 1")
            Issue.record("query on a terminated backend succeeded")
        } catch {
            #expect(error.code == .connectionLost, "\(error)")
            #expect(error.isConnectionError)
        }
        #expect(!victim.isAlive)
        #expect(victim.transactionStatus == .unknown)
        // Every later call fails the same way, without crashing.
        #expect(throws: PostgresError.self) { _ = try victim.query("SELECT 1") }
        #expect(throws: PostgresError.self) {
            try victim.copyIn("COPY pg_catalog.pg_class FROM STDIN") { _ in }
        }
        #expect(try killer.query("SELECT 1") == [["1"]])
    }

    @Test func terminatedBackendDuringCopy() throws {
        try withSchema { connection, schema in
            try connection.execute("CREATE TABLE \(schema).t (id int, payload text)")
            let killer = try PostgresConnection(conninfo: nil)
            let pid = "\(connection.backendPID)"
            let payload = String(repeating: "p", count: 10_000)
            do {
                try connection.copyIn("COPY \(schema).t FROM STDIN") { writer in
                    for id in 0..<2_000 {
                        try writer.appendRow(["\(id)", payload])
                        if id == 500 {
                            _ = try killer.query("SELECT pg_terminate_backend($1::int, 10000)", parameters: [pid])
                        }
                    }
                }
                Issue.record("copy survived a terminated backend")
            } catch let error as PostgresError {
                #expect(error.code == .connectionLost, "\(error)")
            }
            #expect(!connection.isAlive)
            #expect(try killer.query("SELECT count(*) FROM \(schema).t") == [["0"]])
        }
    }
}
