import Foundation
import Testing
import TrailMillArchive
import TrailMillTestSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("ArchiveDiscovery.discover, edge cases")
struct DiscoveryEdgeTests {
    @Test func nonRegularFilesAreSkipped() throws {
        let tmp = try TemporaryDirectory("archive-fifo")
        defer { tmp.remove() }
        let day = "AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/05"
        try tmp.write("\(day)/a.json.gz", text: "{}")
        #expect(mkfifo(tmp.path + "/\(day)/pipe.json.gz", 0o644) == 0)
        let result = try ArchiveDiscovery(root: tmp.path).discover()
        #expect(result.eventFiles.map(\.relativePath) == ["\(day)/a.json.gz"])
        #expect(
            result.skipped == [SkippedFile(relativePath: "\(day)/pipe.json.gz", reason: "not a regular file (a FIFO)")])
    }

    @Test func namesThatAreNotUTF8AreSkipped() throws {
        let tmp = try TemporaryDirectory("archive-bytes")
        defer { tmp.remove() }
        let day = "AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/05"
        try tmp.write("\(day)/a.json.gz", text: "{}")
        let raw = Array((tmp.path + "/\(day)/bad").utf8) + [0xFF] + Array(".json.gz".utf8)
        let fd = (raw.map { CChar(bitPattern: $0) } + [0]).withUnsafeBufferPointer {
            open($0.baseAddress!, O_CREAT | O_WRONLY, 0o644)
        }
        #expect(fd >= 0)
        close(fd)
        let result = try ArchiveDiscovery(root: tmp.path).discover()
        #expect(result.eventFiles.map(\.relativePath) == ["\(day)/a.json.gz"])
        #expect(
            result.skipped == [
                SkippedFile(relativePath: "\(day)/bad\u{FFFD}.json.gz", reason: "name is not valid UTF-8")
            ])
    }

    /// Pruning must never lose a trail file in the selection: compare discovery with classifying every file.
    @Test(arguments: [
        ArchiveSelection(),
        ArchiveSelection(accounts: ["111122223333"]),
        ArchiveSelection(accounts: ["222233334444", "o-abc123defg"]),
        ArchiveSelection(regions: ["eu-west-1"]),
        ArchiveSelection(
            deliveryDates: CivilDate(year: 2026, month: 1, day: 1)!...CivilDate(year: 2026, month: 1, day: 2)!),
        ArchiveSelection(
            deliveryDates: CivilDate(year: 2025, month: 12, day: 31)!...CivilDate(year: 2025, month: 12, day: 31)!),
        ArchiveSelection(eventFolders: [.insight]),
        ArchiveSelection(
            accounts: ["222233334444"], regions: ["us-east-1"],
            deliveryDates: CivilDate(year: 2026, month: 1, day: 2)!...CivilDate(year: 2026, month: 3, day: 1)!,
            eventFolders: [.cloudTrail]),
    ])
    func pruningAgreesWithClassify(selection: ArchiveSelection) throws {
        let tmp = try TemporaryDirectory("archive-grid")
        defer { tmp.remove() }
        var paths: [String] = []
        for owner in [
            "111122223333", "222233334444", "o-abc123defg/111122223333", "o-abc123defg/222233334444", "o-abc123defg",
        ] {
            for folder in ["CloudTrail", "CloudTrail-Insight", "CloudTrail-Digest", "Config"] {
                for region in ["us-east-1", "eu-west-1"] {
                    for day in ["2025/12/31", "2026/01/01", "2026/1/2", "2026/02/30", "2026/03"] {
                        for name in ["x.json.gz", ".DS_Store"] {
                            paths.append("AWSLogs/\(owner)/\(folder)/\(region)/\(day)/\(name)")
                        }
                    }
                }
            }
        }
        for path in paths { try tmp.write(path, text: "{}") }

        let result = try ArchiveDiscovery(root: tmp.path, selection: selection).discover()

        var expectedEvents: [String] = []
        var expectedDigests: [String] = []
        for path in paths {
            guard case .trailFile(let file) = ArchiveDiscovery.classify(relativePath: path) else { continue }
            if !selection.accounts.isEmpty, !selection.accounts.contains(file.accountID) { continue }
            if !selection.regions.isEmpty, !selection.regions.contains(file.region) { continue }
            if let range = selection.deliveryDates, !range.contains(file.deliveryDate) { continue }
            if file.folder == .digest {
                expectedDigests.append(path)
            } else if selection.eventFolders.contains(file.folder) {
                expectedEvents.append(path)
            }
        }
        let byBytes: (String, String) -> Bool = { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        #expect(!expectedEvents.isEmpty || selection.eventFolders == [.insight])
        #expect(result.eventFiles.map(\.relativePath) == expectedEvents.sorted(by: byBytes))
        #expect(result.digestFiles.map(\.relativePath) == expectedDigests.sorted(by: byBytes))
        // Skipped files are exactly non-trail files (none of these is empty), each with classify's reason.
        for file in result.skipped {
            #expect(ArchiveDiscovery.classify(relativePath: file.relativePath) == .notTrail(reason: file.reason))
        }
        #expect(result.skipped.map(\.relativePath) == result.skipped.map(\.relativePath).sorted(by: byBytes))
        if selection == ArchiveSelection() {
            #expect(result.eventFiles.count + result.digestFiles.count + result.skipped.count == paths.count)
        }
    }
}
