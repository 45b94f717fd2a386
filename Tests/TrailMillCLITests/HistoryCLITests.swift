import Foundation
import Testing
import TrailMillPostgres
import TrailMillTestSupport

/// `trailmill history` as a user runs it: real binary, real server, an archive loaded with `trailmill load`.
@Suite(.enabled(if: JobCLI.serverAvailable, "PGHOST is not set"))
struct HistoryCLITests {
    let schema = "tm_hist_cli_\(UUID().uuidString.lowercased().prefix(8))"

    func dropSchema() {
        if let connection = try? PostgresConnection(conninfo: nil) {
            try? connection.execute("DROP SCHEMA IF EXISTS \(PostgresConnection.quoteIdentifier(schema)) CASCADE")
        }
    }

    func load(_ records: [String]) throws {
        let archive = try ArchiveBuilder()
        defer { archive.root.remove() }
        try archive.writeLog(ArchiveBuilder.logKey(account: "111122223333", region: "us-east-1", date: (2026, 1, 15)), records: records)
        let result = try CLIRunner.run(["load", "--source", archive.root.path, "--schema", schema, "--migrate", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func pagesFollowTheNextTokenUntilEveryRowIsPrintedOnce() throws {
        defer { dropSchema() }
        let records = (0..<23).map { i in
            ArchiveBuilder.record(time: String(format: "2026-01-15T10:%02d:00Z", i % 5), name: "Event\(i)", user: "user\(i % 3)")
        }
        try load(records)
        var arguments = ["history", "--schema", schema, "--start", "2026-01-15", "--end", "2026-01-15", "--limit", "5", "--output", "csv"]
        var lines: [String] = []
        var pages = 0
        while true {
            let result = try CLIRunner.run(arguments)
            #expect(result.status == 0, "\(result.stderr)")
            let page = result.stdout.split(separator: "\r\n").map(String.init)
            if pages == 0 { #expect(page.first?.hasPrefix("Event ID,Event time,User name,Event name") == true) }
            lines += pages == 0 ? Array(page.dropFirst()) : page
            pages += 1
            let last = result.stderr.split(separator: "\n").last.map(String.init) ?? ""
            guard last.hasPrefix("next-token: ") else { break }
            arguments = ["history", "--schema", schema, "--start", "2026-01-15", "--end", "2026-01-15", "--limit", "5",
                         "--output", "csv", "--next-token", String(last.dropFirst("next-token: ".count))]
        }
        #expect(pages == 5)
        #expect(lines.count == 23)
        #expect(Set(lines.map { $0.split(separator: ",")[3] }).count == 23)
        // Newest first.
        let times = lines.map { String($0.split(separator: ",")[1]) }
        #expect(times == times.sorted(by: >))
        // A token with other filters is refused.
        #expect(arguments.contains("--next-token"))
        let other = try CLIRunner.run(arguments + ["--event-name", "Event1"])
        #expect(other.status == 1)
        #expect(other.stderr.contains("belongs to another query"))
    }

    @Test func csvNeutralisesFormulasAndTheTableShowsTheConsoleColumns() throws {
        defer { dropSchema() }
        try load([
            ArchiveBuilder.record(time: "2026-01-15T10:00:00Z", name: "=HYPERLINK(\\\"http://x\\\",\\\"y\\\")", user: "+cmd"),
            ArchiveBuilder.record(time: "2026-01-15T10:00:01Z", name: "-2+3", user: "@SUM(A1)"),
        ])
        let csv = try CLIRunner.run(["history", "--schema", schema, "--start", "2026-01-15", "--end", "2026-01-16", "--output", "csv"])
        #expect(csv.status == 0, "\(csv.stderr)")
        let rows = csv.stdout.split(separator: "\r\n").map(String.init)
        #expect(rows.count == 3)
        #expect(rows[1].contains(",'@SUM(A1),'-2+3,"))
        #expect(rows[2].contains(#",'+cmd,"'=HYPERLINK(""http://x"",""y"")","#))
        let table = try CLIRunner.run(["history", "--schema", schema, "--start", "2026-01-15", "--end", "2026-01-16", "--output", "table"])
        #expect(table.stdout.hasPrefix("Event name"))
        #expect(table.stdout.contains("User name") && table.stdout.contains("Resource name"))
        let ndjson = try CLIRunner.run(["history", "--schema", schema, "--start", "2026-01-15", "--end", "2026-01-16"])
        let objects = try ndjson.stdout.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(objects.map { $0?["user_name"] as? String } == ["@SUM(A1)", "+cmd"])
        let bad = try CLIRunner.run(["history", "--schema", schema, "--start", "yesterday-ish"])
        #expect(bad.status == 2)
    }
}
