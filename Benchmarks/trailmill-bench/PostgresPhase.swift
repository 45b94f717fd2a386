// Phase G: `trailmill load` into PostgreSQL against a plain COPY of the same rows into the same table definition,
// on the same server, in the same run; then the all-duplicate reruns.

import Foundation
import Logging
import TrailMillEventStore
import TrailMillPipeline
import TrailMillPostgres

#if canImport(Glibc)
import Glibc
#endif

enum PostgresPhase {
    static let loadSchema = "trailmill_bench_load"
    static let copySchema = "trailmill_bench_copy"

    /// Runs the phase against `conninfo` (nil = libpq's environment); prints its own table.
    static func run(archive: String, work: String, conninfo: String?, jobs: Int, logger: Logger) {
        do {
            try measure(archive: archive, work: work, conninfo: conninfo, jobs: jobs, logger: logger)
        } catch {
            print("G  PostgreSQL phase failed: \(error)")
        }
    }

    private static func measure(archive: String, work: String, conninfo: String?, jobs: Int, logger: Logger) throws {
        let admin = try PostgresConnection(conninfo: conninfo)
        print("G  PostgreSQL \(admin.serverVersion / 10_000).\(admin.serverVersion % 10_000), \(settings(admin))")
        for schema in [loadSchema, copySchema] {
            try admin.execute("DROP SCHEMA IF EXISTS \(PostgresConnection.quoteIdentifier(schema)) CASCADE")
            try Migrator(connection: admin, schema: schema).migrate()
        }
        var control = RunControl()
        control.jobs = jobs
        control.spillDirectory = work
        var target = PostgresTarget(conninfo: conninfo)
        target.schema = loadSchema
        let run = LoadRun(input: InputSelection(root: archive), control: control, target: target, logger: logger)

        // G1: the full load.
        let clock = ContinuousClock()
        var started = clock.now
        let load = try run.run()
        let loadSeconds = (clock.now - started) / .seconds(1)
        let rows = Int(try admin.queryValue("SELECT count(*) FROM \(loadSchema).events") ?? "") ?? 0
        print("G1 load: \(load.oneLine)")

        // G2: plain COPY of exactly the rows the load stored, from a prepared file, into the same table definition
        // (same partitions, same indexes), streamed through the same client library.
        let rowsFile = work + "/bench-rows.copy"
        try prepareRowsFile(admin: admin, path: rowsFile)
        let days = try EventStore(connection: admin, schema: loadSchema).partitionDays()
        let copyStore = EventStore(connection: admin, schema: copySchema)
        for day in days { _ = try copyStore.createPartition(day: day) }
        let fileBytes = (try FileManager.default.attributesOfItem(atPath: rowsFile)[.size] as? Int) ?? 0
        started = clock.now
        try admin.execute("BEGIN")
        let copied = try admin.copyIn("COPY \(copySchema).events (\(EventColumns.quotedList)) FROM STDIN") { writer in
            try streamFile(rowsFile, into: writer)
        }
        try admin.execute("COMMIT")
        let copySeconds = (clock.now - started) / .seconds(1)
        try? FileManager.default.removeItem(atPath: rowsFile)

        // G3: the same source again (every file is recorded in loaded_files).
        started = clock.now
        let rerun = try run.run()
        let rerunSeconds = (clock.now - started) / .seconds(1)

        // G4: every event again under files the table has not seen (loaded_files emptied): each row conflicts.
        try admin.execute("TRUNCATE \(loadSchema).loaded_files")
        started = clock.now
        let duplicates = try run.run()
        let duplicateSeconds = (clock.now - started) / .seconds(1)

        print("G2 plain COPY: \(copied) rows, \(Bench.mb(fileBytes)) MB of COPY text")
        print("")
        let header = ["phase G", "seconds", "rows stored", "rows/s", "× plain COPY", "target"]
        var table: [[String]] = []
        func rate(_ count: Int, _ seconds: Double) -> String { String(Int(Double(count) / max(seconds, 1e-9))) }
        table.append(["G2 plain COPY of the stored rows", Bench.fixed(copySeconds, 2), "\(copied)", rate(copied, copySeconds), "1.00", ""])
        table.append([
            "G1 trailmill load (decode → dedupe → COPY)", Bench.fixed(loadSeconds, 2), "\(rows)", rate(rows, loadSeconds),
            Bench.fixed(loadSeconds / copySeconds, 2), "≤ 1.30",
        ])
        table.append([
            "G3 rerun, same files (skipped by loaded_files)", Bench.fixed(rerunSeconds, 2), "\(rerun.events.written)",
            "-", Bench.fixed(rerunSeconds / copySeconds, 2), "≤ 0.30",
        ])
        table.append([
            "G4 rerun, every event a duplicate (decoded)", Bench.fixed(duplicateSeconds, 2),
            "\(duplicates.events.written)", rate(duplicates.events.read, duplicateSeconds),
            Bench.fixed(duplicateSeconds / copySeconds, 2), "≤ 0.30",
        ])
        let widths = header.indices.map { column in ([header] + table).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == 0 ? cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[index] - cell.count) + cell
            }.joined(separator: "  ")
        }
        print(line(header))
        for row in table { print(line(row)) }
        print("G4 rows/s counts events read (every one a duplicate); G3 decodes nothing")
        if rows != copied { print("WARNING: the load stored \(rows) rows, the plain COPY \(copied)") }
        for schema in [loadSchema, copySchema] {
            try admin.execute("DROP SCHEMA IF EXISTS \(PostgresConnection.quoteIdentifier(schema)) CASCADE")
        }
    }

    /// The server settings that decide the figures.
    private static func settings(_ connection: PostgresConnection) -> String {
        let names = ["fsync", "synchronous_commit", "shared_buffers", "max_wal_size"]
        let values = names.map { name in
            ((try? connection.queryValue("SELECT current_setting($1::text)", parameters: [name])) ?? nil) ?? "?"
        }
        return zip(names, values).map { "\($0)=\($1)" }.joined(separator: " ")
    }

    /// Writes the stored rows in COPY text format to `path` (server-side `COPY TO` a file: the test cluster's user
    /// is a superuser; the directory must be writable by the server's OS user).
    private static func prepareRowsFile(admin: PostgresConnection, path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        chmod(directory, 0o777)
        try? FileManager.default.removeItem(atPath: path)
        try admin.execute(
            "COPY (SELECT \(EventColumns.quotedList) FROM \(loadSchema).events) TO '\(path.replacingOccurrences(of: "'", with: "''"))'")
    }

    /// Streams a COPY text file into the writer in 1 MiB pieces that end on row boundaries.
    private static func streamFile(_ path: String, into writer: CopyWriter) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw PostgresError(code: .invalidArgument, message: "cannot read \(path)") }
        defer { try? handle.close() }
        var carry: [UInt8] = []
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            carry.append(contentsOf: chunk)
            guard let end = carry.lastIndex(of: 0x0A) else { continue }
            try carry.withUnsafeBytes { try writer.appendEncodedRows(UnsafeRawBufferPointer(rebasing: $0[0...end]), rows: 0) }
            carry.removeSubrange(0...end)
        }
        if !carry.isEmpty { try carry.withUnsafeBytes { try writer.appendEncodedRows($0, rows: 0) } }
    }
}
