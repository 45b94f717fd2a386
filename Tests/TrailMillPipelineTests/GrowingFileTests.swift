import Foundation
import Testing
import TrailMillArchive
import TrailMillPipeline
import TrailMillTestSupport

/// A file that grows between the listing and the read (CloudTrail never does this, but a copy in progress does):
/// it is not taken, and no hash of the grown content is recorded against the listed size.
@Suite struct GrowingFileTests {
    @Test func aFileThatGrewAfterTheListingIsSkippedAsStillBeingWritten() throws {
        let archive = try ArchiveBuilder()
        defer { archive.root.remove() }
        let key = ArchiveBuilder.logKey(account: "111122223333", region: "us-east-1", date: (2026, 1, 15), unique: "grow")
        try archive.writeLog(key, records: [ArchiveBuilder.record()])
        // The listing a run makes first...
        let listing = try ArchiveDiscovery(root: archive.root.path, selection: ArchiveSelection()).discover().eventFiles
        #expect(listing.map(\.relativePath) == [key])
        // ...then the file is rewritten larger before it is read (a copy still in progress).
        try archive.writeLog(key, records: [ArchiveBuilder.record(), ArchiveBuilder.record()])
        let (summary, output) = try runExport(archive.root) { setup in setup.input.files = listing }
        defer { output.remove() }
        let reason = try #require(summary.reason(for: key))
        #expect(reason.status == "skipped")
        #expect(reason.reason.contains("still being written"), "\(reason.reason)")
        #expect(summary.events.written == 0 && summary.files.dead == 0)
    }
}
