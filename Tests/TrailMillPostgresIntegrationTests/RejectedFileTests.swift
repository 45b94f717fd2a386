import Foundation
import Testing
import TrailMillPipeline
import TrailMillPostgres
import TrailMillTestSupport

/// A file the server refuses is dead, and only it: copies of its events in other files are still stored
/// (issue 10, defect 2), and the dead reason quotes no row data (defect 6).
@Suite(.enabled(if: serverAvailable, noServerReason), .serialized)
struct RejectedFileTests {
    /// File A (refused by a CHECK constraint on its `source_file`) and file B holding copies of A's events, plus an
    /// event of its own. `batchBytes` 1 puts each file in its own transaction; the default puts both in one.
    @Test(arguments: [1, 32 << 20])
    func copiesOfARefusedFilesEventsAreStored(batchBytes: Int) throws {
        let archive = try ArchiveBuilder()
        defer { archive.root.remove() }
        let shared = (0..<5).map { n in
            ArchiveBuilder.record(id: "00000000-0000-4000-8000-00000000000\(n)", user: "secret-user-\(n)")
        }
        let own = ArchiveBuilder.record(id: "00000000-0000-4000-8000-0000000000b1")
        let refused = try archive.writeLog(
            ArchiveBuilder.logKey(account: "111122223333", region: "us-east-1", date: (2026, 1, 15), unique: "AAAAREFUSED00000"),
            records: shared)
        try archive.writeLog(
            ArchiveBuilder.logKey(account: "111122223333", region: "us-east-1", date: (2026, 1, 15), unique: "BBBBCOPIES000000"),
            records: shared + [own])
        let schema = try TestSchema()
        try schema.connection.execute(
            "ALTER TABLE \(schema.quoted).events ADD CONSTRAINT no_refused CHECK (source_file NOT LIKE '%REFUSED%')")

        let summary = try schema.load(archive.root.path) { $0.batchBytes = batchBytes }
        #expect(summary.files.dead == 1 && summary.files.done == 1, "\(summary.dead)")
        #expect(summary.dead.first?.file == refused)
        // Every event of the committed file is stored, including the copies of the refused file's events.
        #expect(try schema.count() == 6)
        #expect(try schema.count(where: "source_file LIKE '%BBBBCOPIES%'") == 6)
        #expect(try schema.count("loaded_files") == 1)
        let reason = summary.dead.first?.reason ?? ""
        #expect(reason.contains("no_refused"), "\(reason)")
        for n in 0..<5 { #expect(!reason.contains("secret-user-\(n)"), "row data in the reason: \(reason)") }
        #expect(!reason.contains("00000000-0000-4000-8000"), "row data in the reason: \(reason)")
        #expect(summary.isBalanced)

        // The refused file stays dead; a rerun stores nothing twice.
        let rerun = try schema.load(archive.root.path) { $0.batchBytes = batchBytes }
        #expect(rerun.files.dead == 1 && rerun.events.written == 0)
        #expect(try schema.count() == 6)
    }
}
