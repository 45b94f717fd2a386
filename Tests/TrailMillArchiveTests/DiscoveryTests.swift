import Foundation
import Testing
import TrailMillArchive
import TrailMillTestSupport

private let acctA = "111122223333"
private let acctB = "222233334444"
private let org = "o-abc123defg"
private let outside = "outside the AWSLogs/<account>/CloudTrail*/ layout"

private func date(_ year: Int, _ month: Int, _ day: Int) -> CivilDate { CivilDate(year: year, month: month, day: day)! }

/// Writes a few dummy bytes (discovery never reads contents).
private func touch(_ tmp: TemporaryDirectory, _ paths: [String], bytes: Int = 2) throws {
    for path in paths { try tmp.write(path, bytes: Array(repeating: UInt8(ascii: "x"), count: bytes)) }
}

private func symlink(_ tmp: TemporaryDirectory, _ path: String, to destination: String) throws {
    try FileManager.default.createSymbolicLink(atPath: tmp.path + "/" + path, withDestinationPath: destination)
}

private func isByteSorted(_ paths: [String]) -> Bool {
    zip(paths, paths.dropFirst()).allSatisfy { $0.utf8.lexicographicallyPrecedes($1.utf8) }
}

@Suite("ArchiveDiscovery.discover")
struct DiscoveryTests {
    // MARK: A mixed archive

    private static let eventPaths = [
        "AWSLogs/\(acctA)/CloudTrail-Insight/us-east-1/2026/01/05/\(acctA)_CloudTrail-Insight_us-east-1_20260105T0100Z_cccccccccccccccc.json.gz",
        "AWSLogs/\(acctA)/CloudTrail-NetworkActivity/us-east-1/2026/01/05/\(acctA)_CloudTrail_us-east-1_20260105T0200Z_dddddddddddddddd.json.gz",
        "AWSLogs/\(acctA)/CloudTrail/eu-west-1/2026/1/6/\(acctA)_CloudTrail_eu-west-1_20260106T0010Z_bbbbbbbbbbbbbbbb.json.gz",
        "AWSLogs/\(acctA)/CloudTrail/us-east-1/2026/01/05/\(acctA)_CloudTrail_us-east-1_20260105T0005Z_aaaaaaaaaaaaaaaa.json.gz",
        "AWSLogs/\(org)/\(acctB)/CloudTrail/us-east-1/2026/01/05/\(acctB)_CloudTrail_us-east-1_20260105T0005Z_eeeeeeeeeeeeeeee.json.gz",
        "logs/prod/AWSLogs/333344445555/CloudTrail/ap-southeast-2/2026/01/05/x.json",
        "nested/AWSLogs/999900001111/AWSLogs/555566667777/CloudTrail/us-east-1/2026/01/05/x.json.gz",
        "\(org)/AWSLogs/\(org)/444455556666/CloudTrail/us-east-1/2026/01/05/x.json.gz",
    ]

    private static let digestPaths = [
        "AWSLogs/\(acctA)/CloudTrail-Digest/us-east-1/2026/01/05/\(acctA)_CloudTrail-Digest_us-east-1_main_us-east-1_20260105T010000Z.json.gz",
        "AWSLogs/\(acctA)/CloudTrail-Digest/us-east-1/2026/01/05/\(acctA)_CloudTrail-Digest_us-east-1_main_us-east-1_20260105T010000Z_backfill.json.gz",
    ]

    private static let zeroBytePath =
        "AWSLogs/\(acctA)/CloudTrail/us-east-1/2026/01/05/\(acctA)_CloudTrail_us-east-1_20260105T0010Z_zzzzzzzzzzzzzzzz.json.gz"

    private static let expectedSkipped = [
        SkippedFile(relativePath: ".DS_Store", reason: outside),
        SkippedFile(
            relativePath: "AWSLogs/\(acctA)/CloudTrail/us-east-1/2026/01/05/.DS_Store",
            reason: "not a .json.gz or .json file name: '.DS_Store'"),
        SkippedFile(relativePath: zeroBytePath, reason: "empty file (0 bytes)"),
        SkippedFile(
            relativePath: "AWSLogs/\(acctA)/CloudTrail/us-east-1/2026/01/05/extra/x.json.gz",
            reason: "extra folders below the day folder: 'extra/'"),
        SkippedFile(
            relativePath: "AWSLogs/\(acctA)/CloudTrail/us-east-1/2026/01/05/notes.txt",
            reason: "not a .json.gz or .json file name: 'notes.txt'"),
        SkippedFile(
            relativePath: "AWSLogs/\(acctA)/CloudTrail/us-east-1/2026/01/05/x_$folder$",
            reason: "not a .json.gz or .json file name: 'x_$folder$'"),
        SkippedFile(
            relativePath: "AWSLogs/\(acctA)/CloudTrail/us-east-1/2026/01/early.json.gz",
            reason: "too shallow: expected CloudTrail/<region>/YYYY/MM/DD/<file>"),
        SkippedFile(
            relativePath: "AWSLogs/\(acctA)/CloudTrail/us-east-1/2026/02/30/x.json.gz",
            reason: "bad date folder: '2026/02/30'"),
        SkippedFile(
            relativePath: "AWSLogs/\(acctA)/CloudTrail/us-east-1/2026/13/01/x.json.gz",
            reason: "bad date folder: '2026/13/01'"),
        SkippedFile(
            relativePath: "AWSLogs/\(acctA)/CloudTrail/us-east-1/abcd/01/01/x.json.gz",
            reason: "bad date folder: 'abcd/01/01'"),
        SkippedFile(
            relativePath:
                "AWSLogs/\(acctA)/Config/us-east-1/2026/1/5/ConfigSnapshot/\(acctA)_Config_us-east-1_ConfigSnapshot_20260105T000000Z_x.json.gz",
            reason: "not a CloudTrail folder: 'Config'"),
        SkippedFile(
            relativePath:
                "AWSLogs/\(acctA)/vpcflowlogs/us-east-1/2026/01/05/\(acctA)_vpcflowlogs_us-east-1_fl-1234_20260105T0000Z_x.log.gz",
            reason: "not a CloudTrail folder: 'vpcflowlogs'"),
        SkippedFile(relativePath: "AWSLogs/CloudTrail_$folder$", reason: outside),
        SkippedFile(relativePath: "s3-access/2026-01-05-10-00-00-ABCDEF0123456789", reason: outside),
        SkippedFile(relativePath: "synth-manifest.json", reason: outside),
    ]

    private static func writeMixedTree(_ tmp: TemporaryDirectory) throws {
        // Written in an order unrelated to the expected one.
        let nonEmptySkipped = expectedSkipped.map(\.relativePath).filter { $0 != zeroBytePath }
        try touch(tmp, nonEmptySkipped.reversed())
        try touch(tmp, digestPaths.reversed())
        try touch(tmp, eventPaths.reversed(), bytes: 5)
        try touch(tmp, [zeroBytePath], bytes: 0)
        // An empty directory and an empty date folder tree: directories are never listed.
        try FileManager.default.createDirectory(
            atPath: tmp.path + "/AWSLogs/\(acctA)/CloudTrail/us-west-2/2026/01/07", withIntermediateDirectories: true)
    }

    @Test func mixedArchiveExactLists() throws {
        let tmp = try TemporaryDirectory("archive-mixed")
        defer { tmp.remove() }
        try Self.writeMixedTree(tmp)

        let result = try ArchiveDiscovery(root: tmp.path).discover()

        #expect(result.eventFiles.map(\.relativePath) == Self.eventPaths)
        #expect(result.digestFiles.map(\.relativePath) == Self.digestPaths)
        #expect(result.skipped == Self.expectedSkipped)

        // Sizes, absolute paths and what the path says.
        #expect(result.eventFiles.allSatisfy { $0.size == 5 && $0.absolutePath == tmp.path + "/" + $0.relativePath })
        #expect(result.digestFiles.allSatisfy { $0.size == 2 && $0.absolutePath == tmp.path + "/" + $0.relativePath })
        #expect(result.digestFiles.allSatisfy { $0.folder == .digest })
        #expect(
            result.eventFiles.map(\.folder) == [
                .insight, .networkActivity, .cloudTrail, .cloudTrail, .cloudTrail, .cloudTrail, .cloudTrail,
                .cloudTrail,
            ])
        #expect(
            result.eventFiles.map(\.accountID) == [
                acctA, acctA, acctA, acctA, acctB, "333344445555", "555566667777", "444455556666",
            ])
        #expect(result.eventFiles.map(\.organizationID) == [nil, nil, nil, nil, org, nil, nil, org])
        #expect(
            result.eventFiles.map(\.prefix) == [
                "", "", "", "", "", "logs/prod", "nested/AWSLogs/999900001111", org,
            ])
        #expect(result.eventFiles[2].deliveryDate == date(2026, 1, 6))
        #expect(result.eventFiles[2].region == "eu-west-1")
        #expect(result.eventFiles[5].region == "ap-southeast-2")

        // Discovery agrees with classify on every file it lists.
        for file in result.eventFiles + result.digestFiles {
            var bare = file
            bare.size = 0
            bare.absolutePath = ""
            bare.modifiedNanos = 0
            bare.inode = 0
            #expect(ArchiveDiscovery.classify(relativePath: file.relativePath) == .trailFile(bare))
        }
    }

    @Test func zeroByteEventFileIsSkippedButZeroByteDigestIsListed() throws {
        let tmp = try TemporaryDirectory("archive-empty")
        defer { tmp.remove() }
        let event = "AWSLogs/\(acctA)/CloudTrail/us-east-1/2026/01/05/empty.json.gz"
        let full = "AWSLogs/\(acctA)/CloudTrail/us-east-1/2026/01/05/full.json.gz"
        let digest = "AWSLogs/\(acctA)/CloudTrail-Digest/us-east-1/2026/01/05/digest.json.gz"
        try touch(tmp, [event, digest], bytes: 0)
        try touch(tmp, [full], bytes: 1)

        let result = try ArchiveDiscovery(root: tmp.path).discover()
        #expect(result.eventFiles.map(\.relativePath) == [full])
        #expect(result.eventFiles.first?.size == 1)
        #expect(result.skipped == [SkippedFile(relativePath: event, reason: "empty file (0 bytes)")])
        // Digests are not events; an empty one is left for integrity validation to report.
        #expect(result.digestFiles.map(\.relativePath) == [digest])
        #expect(result.digestFiles.first?.size == 0)
    }

    // MARK: Pruning

    private static let pruneTree = [
        "AWSLogs/\(acctA)/CloudTrail/us-east-1/2026/01/05/a-use1.json.gz",
        "AWSLogs/\(acctA)/CloudTrail/us-east-1/2026/01/05/.DS_Store",
        "AWSLogs/\(acctA)/CloudTrail/eu-west-1/2026/01/05/a-euw1.json.gz",
        "AWSLogs/\(acctA)/CloudTrail/eu-west-1/2026/01/05/.DS_Store",
        "AWSLogs/\(acctA)/CloudTrail-Digest/us-east-1/2026/01/05/a-digest-use1.json.gz",
        "AWSLogs/\(acctA)/CloudTrail-Digest/eu-west-1/2026/01/05/a-digest-euw1.json.gz",
        "AWSLogs/\(acctA)/CloudTrail-Insight/us-east-1/2026/01/05/a-insight.json.gz",
        "AWSLogs/\(acctA)/CloudTrail-Insight/us-east-1/notes.txt",
        "AWSLogs/\(acctA)/CloudTrail-NetworkActivity/us-east-1/2026/01/05/a-network.json.gz",
        "AWSLogs/\(acctB)/CloudTrail/us-east-1/2026/01/05/b-use1.json.gz",
        "AWSLogs/\(acctB)/CloudTrail/us-east-1/2026/01/05/.DS_Store",
        "AWSLogs/\(acctB)/CloudTrail-Digest/us-east-1/2026/01/05/b-digest.json.gz",
        "AWSLogs/\(acctB)/readme.txt",
        "AWSLogs/\(org)/\(acctB)/CloudTrail/us-east-1/2026/01/05/b-org.json.gz",
        "AWSLogs/\(org)/\(acctB)/.DS_Store",
        "AWSLogs/\(org)/\(acctA)/CloudTrail/eu-west-1/2026/01/05/a-org.json.gz",
        "synth-manifest.json",
    ]

    private static func discoverPruneTree(_ selection: ArchiveSelection) throws -> DiscoveryResult {
        let tmp = try TemporaryDirectory("archive-prune")
        defer { tmp.remove() }
        try touch(tmp, pruneTree)
        return try ArchiveDiscovery(root: tmp.path, selection: selection).discover()
    }

    @Test func pruneByAccount() throws {
        let result = try Self.discoverPruneTree(ArchiveSelection(accounts: [acctA]))
        #expect(
            result.eventFiles.map(\.relativePath) == [
                "AWSLogs/\(acctA)/CloudTrail-Insight/us-east-1/2026/01/05/a-insight.json.gz",
                "AWSLogs/\(acctA)/CloudTrail-NetworkActivity/us-east-1/2026/01/05/a-network.json.gz",
                "AWSLogs/\(acctA)/CloudTrail/eu-west-1/2026/01/05/a-euw1.json.gz",
                "AWSLogs/\(acctA)/CloudTrail/us-east-1/2026/01/05/a-use1.json.gz",
                "AWSLogs/\(org)/\(acctA)/CloudTrail/eu-west-1/2026/01/05/a-org.json.gz",
            ])
        #expect(
            result.digestFiles.map(\.relativePath) == [
                "AWSLogs/\(acctA)/CloudTrail-Digest/eu-west-1/2026/01/05/a-digest-euw1.json.gz",
                "AWSLogs/\(acctA)/CloudTrail-Digest/us-east-1/2026/01/05/a-digest-use1.json.gz",
            ])
        // Nothing from account B's folders (not even its junk files): they were never opened.
        #expect(
            result.skipped == [
                SkippedFile(
                    relativePath: "AWSLogs/\(acctA)/CloudTrail-Insight/us-east-1/notes.txt",
                    reason: "too shallow: expected CloudTrail-Insight/<region>/YYYY/MM/DD/<file>"),
                SkippedFile(
                    relativePath: "AWSLogs/\(acctA)/CloudTrail/eu-west-1/2026/01/05/.DS_Store",
                    reason: "not a .json.gz or .json file name: '.DS_Store'"),
                SkippedFile(
                    relativePath: "AWSLogs/\(acctA)/CloudTrail/us-east-1/2026/01/05/.DS_Store",
                    reason: "not a .json.gz or .json file name: '.DS_Store'"),
                SkippedFile(relativePath: "synth-manifest.json", reason: outside),
            ])
    }

    @Test func pruneByMemberAccountOfAnOrganizationTrail() throws {
        let result = try Self.discoverPruneTree(ArchiveSelection(accounts: [acctB]))
        #expect(
            result.eventFiles.map(\.relativePath) == [
                "AWSLogs/\(acctB)/CloudTrail/us-east-1/2026/01/05/b-use1.json.gz",
                "AWSLogs/\(org)/\(acctB)/CloudTrail/us-east-1/2026/01/05/b-org.json.gz",
            ])
        #expect(
            result.digestFiles.map(\.relativePath) == [
                "AWSLogs/\(acctB)/CloudTrail-Digest/us-east-1/2026/01/05/b-digest.json.gz"
            ])
        #expect(
            result.skipped == [
                SkippedFile(
                    relativePath: "AWSLogs/\(acctB)/CloudTrail/us-east-1/2026/01/05/.DS_Store",
                    reason: "not a .json.gz or .json file name: '.DS_Store'"),
                SkippedFile(relativePath: "AWSLogs/\(acctB)/readme.txt", reason: outside),
                SkippedFile(relativePath: "AWSLogs/\(org)/\(acctB)/.DS_Store", reason: outside),
                SkippedFile(relativePath: "synth-manifest.json", reason: outside),
            ])
    }

    @Test func pruneByRegion() throws {
        let result = try Self.discoverPruneTree(ArchiveSelection(regions: ["us-east-1"]))
        #expect(
            result.eventFiles.map(\.relativePath) == [
                "AWSLogs/\(acctA)/CloudTrail-Insight/us-east-1/2026/01/05/a-insight.json.gz",
                "AWSLogs/\(acctA)/CloudTrail-NetworkActivity/us-east-1/2026/01/05/a-network.json.gz",
                "AWSLogs/\(acctA)/CloudTrail/us-east-1/2026/01/05/a-use1.json.gz",
                "AWSLogs/\(acctB)/CloudTrail/us-east-1/2026/01/05/b-use1.json.gz",
                "AWSLogs/\(org)/\(acctB)/CloudTrail/us-east-1/2026/01/05/b-org.json.gz",
            ])
        #expect(
            result.digestFiles.map(\.relativePath) == [
                "AWSLogs/\(acctA)/CloudTrail-Digest/us-east-1/2026/01/05/a-digest-use1.json.gz",
                "AWSLogs/\(acctB)/CloudTrail-Digest/us-east-1/2026/01/05/b-digest.json.gz",
            ])
        #expect(
            result.skipped.map(\.relativePath) == [
                "AWSLogs/\(acctA)/CloudTrail-Insight/us-east-1/notes.txt",
                "AWSLogs/\(acctA)/CloudTrail/us-east-1/2026/01/05/.DS_Store",
                "AWSLogs/\(acctB)/CloudTrail/us-east-1/2026/01/05/.DS_Store",
                "AWSLogs/\(acctB)/readme.txt",
                "AWSLogs/\(org)/\(acctB)/.DS_Store",
                "synth-manifest.json",
            ])
    }

    @Test func pruneByEventFolderButAlwaysWalkDigests() throws {
        let result = try Self.discoverPruneTree(
            ArchiveSelection(accounts: [acctA], regions: ["us-east-1"], eventFolders: [.cloudTrail]))
        #expect(
            result.eventFiles.map(\.relativePath) == [
                "AWSLogs/\(acctA)/CloudTrail/us-east-1/2026/01/05/a-use1.json.gz"
            ])
        #expect(
            result.digestFiles.map(\.relativePath) == [
                "AWSLogs/\(acctA)/CloudTrail-Digest/us-east-1/2026/01/05/a-digest-use1.json.gz"
            ])
        // The Insight folder (and the junk inside it) was not walked.
        #expect(
            result.skipped.map(\.relativePath) == [
                "AWSLogs/\(acctA)/CloudTrail/us-east-1/2026/01/05/.DS_Store",
                "synth-manifest.json",
            ])

        let none = try Self.discoverPruneTree(ArchiveSelection(accounts: [acctA], eventFolders: []))
        #expect(none.eventFiles.isEmpty)
        #expect(none.digestFiles.count == 2)
    }

    @Test func noSelectionListsEverything() throws {
        let result = try Self.discoverPruneTree(ArchiveSelection())
        #expect(result.eventFiles.count == 7)
        #expect(result.digestFiles.count == 3)
        #expect(result.skipped.count == 7)
        let all =
            (result.eventFiles.map(\.relativePath) + result.digestFiles.map(\.relativePath)
                + result.skipped.map(\.relativePath))
        #expect(Set(all) == Set(Self.pruneTree))
    }

    // MARK: Dates

    private static let dateRoot = "AWSLogs/\(acctA)/CloudTrail/us-east-1"
    private static let digestRoot = "AWSLogs/\(acctA)/CloudTrail-Digest/us-east-1"
    private static let dateTree = [
        "\(dateRoot)/2024/06/01/y2024.json.gz",
        "\(dateRoot)/2024/.DS_Store",
        "\(dateRoot)/2025/11/30/nov30.json.gz",
        "\(dateRoot)/2025/11/.DS_Store",
        "\(dateRoot)/2025/12/30/dec30.json.gz",
        "\(dateRoot)/2025/12/30/.DS_Store",
        "\(dateRoot)/2025/12/31/dec31.json.gz",
        "\(dateRoot)/2026/01/01/jan01.json.gz",
        "\(dateRoot)/2026/1/31/jan31.json.gz",
        "\(dateRoot)/2026/02/01/feb01.json.gz",
        "\(dateRoot)/2026/02/01/.DS_Store",
        "\(dateRoot)/2026/2/2/feb02.json.gz",
        "\(dateRoot)/2026/02/30/bad.json.gz",
        "\(dateRoot)/2026/03/01/mar01.json.gz",
        "\(dateRoot)/2027/01/01/y2027.json.gz",
        "\(digestRoot)/2025/12/30/digest-dec30.json.gz",
        "\(digestRoot)/2025/12/31/digest-dec31.json.gz",
        "\(digestRoot)/2026/02/02/digest-feb02.json.gz",
    ]

    private static func discoverDateTree(_ range: ClosedRange<CivilDate>) throws -> DiscoveryResult {
        let tmp = try TemporaryDirectory("archive-dates")
        defer { tmp.remove() }
        try touch(tmp, dateTree)
        return try ArchiveDiscovery(root: tmp.path, selection: ArchiveSelection(deliveryDates: range)).discover()
    }

    @Test func pruneByDateAcrossYearAndMonthBoundaries() throws {
        let result = try Self.discoverDateTree(date(2025, 12, 31)...date(2026, 2, 1))
        // Byte order: `2026/02/01` sorts before `2026/1/31`.
        #expect(
            result.eventFiles.map(\.relativePath) == [
                "\(Self.dateRoot)/2025/12/31/dec31.json.gz",
                "\(Self.dateRoot)/2026/01/01/jan01.json.gz",
                "\(Self.dateRoot)/2026/02/01/feb01.json.gz",
                "\(Self.dateRoot)/2026/1/31/jan31.json.gz",
            ])
        #expect(
            result.eventFiles.map(\.deliveryDate) == [
                date(2025, 12, 31), date(2026, 1, 1), date(2026, 2, 1), date(2026, 1, 31),
            ])
        #expect(result.digestFiles.map(\.relativePath) == ["\(Self.digestRoot)/2025/12/31/digest-dec31.json.gz"])
        // Junk in pruned year (2024), month (2025/11) and day (2025/12/30) folders is not listed; an invalid day
        // inside a selected month cannot be ruled out, so it is walked and reported.
        #expect(
            result.skipped == [
                SkippedFile(
                    relativePath: "\(Self.dateRoot)/2026/02/01/.DS_Store",
                    reason: "not a .json.gz or .json file name: '.DS_Store'"),
                SkippedFile(
                    relativePath: "\(Self.dateRoot)/2026/02/30/bad.json.gz", reason: "bad date folder: '2026/02/30'"),
            ])
    }

    @Test func pruneByDateSingleMonthBoundary() throws {
        let result = try Self.discoverDateTree(date(2026, 1, 31)...date(2026, 2, 1))
        #expect(
            result.eventFiles.map(\.relativePath) == [
                "\(Self.dateRoot)/2026/02/01/feb01.json.gz",
                "\(Self.dateRoot)/2026/1/31/jan31.json.gz",
            ])
        #expect(result.digestFiles.isEmpty)
        #expect(
            result.skipped.map(\.relativePath) == [
                "\(Self.dateRoot)/2026/02/01/.DS_Store",
                "\(Self.dateRoot)/2026/02/30/bad.json.gz",
            ])
    }

    @Test func pruneByDateSingleDay() throws {
        let result = try Self.discoverDateTree(date(2025, 12, 30)...date(2025, 12, 30))
        #expect(result.eventFiles.map(\.relativePath) == ["\(Self.dateRoot)/2025/12/30/dec30.json.gz"])
        #expect(result.digestFiles.map(\.relativePath) == ["\(Self.digestRoot)/2025/12/30/digest-dec30.json.gz"])
        #expect(
            result.skipped == [
                SkippedFile(
                    relativePath: "\(Self.dateRoot)/2025/12/30/.DS_Store",
                    reason: "not a .json.gz or .json file name: '.DS_Store'")
            ])
    }

    // MARK: Order

    @Test func sortedByUTF8BytesAndDeterministic() throws {
        let tmp = try TemporaryDirectory("archive-order")
        defer { tmp.remove() }
        let decomposed = "e\u{301}.txt"  // bytes 65 CC 81: before "f.txt"
        let precomposed = "\u{E9}.txt"  // bytes C3 A9: after "f.txt"; equal to `decomposed` as a Swift String
        let names = ["f.txt", precomposed, "a.txt", decomposed, "Z.txt", "AWSLogs-old.txt"]
        try touch(tmp, names)
        let day = "AWSLogs/\(acctA)/CloudTrail/us-east-1/2026/01/05"
        try touch(
            tmp, ["\(day)/b.json.gz", "\(day)/B.json.gz", "\(day)/a.json.gz", "\(day)/a.json", "\(day)/_.json.gz"])

        let first = try ArchiveDiscovery(root: tmp.path).discover()
        #expect(
            first.skipped.map(\.relativePath) == [
                "AWSLogs-old.txt", "Z.txt", "a.txt", decomposed, "f.txt", precomposed,
            ])
        #expect(first.skipped.map { Array($0.relativePath.utf8) }.map(\.count) == [15, 5, 5, 7, 5, 6])
        #expect(
            first.eventFiles.map(\.relativePath) == [
                "\(day)/B.json.gz", "\(day)/_.json.gz", "\(day)/a.json", "\(day)/a.json.gz", "\(day)/b.json.gz",
            ])
        #expect(isByteSorted(first.skipped.map(\.relativePath)))

        let second = try ArchiveDiscovery(root: tmp.path).discover()
        #expect(second.eventFiles == first.eventFiles)
        #expect(second.digestFiles == first.digestFiles)
        #expect(second.skipped == first.skipped)
    }

    // MARK: Symbolic links

    @Test func symbolicLinks() throws {
        let tmp = try TemporaryDirectory("archive-links")
        let elsewhere = try TemporaryDirectory("archive-links-target")
        defer {
            tmp.remove()
            elsewhere.remove()
        }
        let day = "AWSLogs/\(acctA)/CloudTrail/us-east-1/2026/01/05"
        try touch(tmp, ["\(day)/real.json.gz"])
        let target = try elsewhere.write("target.bin", bytes: Array(repeating: 7, count: 7))
        try symlink(tmp, "\(day)/linked.json.gz", to: target)  // to a file: listed with the target's size
        try symlink(tmp, "\(day)/relative.json.gz", to: "real.json.gz")
        try symlink(tmp, "\(day)/dangling.json.gz", to: "does-not-exist.json.gz")
        try symlink(tmp, "\(day)/self.json.gz", to: "self.json.gz")  // ELOOP
        try symlink(tmp, "\(day)/loop", to: "..")  // a loop through the parent folder
        try symlink(tmp, "AWSLogs/\(acctA)/CloudTrail/us-east-1/2026/01/06", to: "05")  // a symlinked day folder
        try symlink(tmp, "AWSLogs/\(acctA)/CloudTrail/eu-west-1", to: "us-east-1")  // a symlinked region
        try symlink(tmp, "back", to: ".")  // the root itself

        let result = try ArchiveDiscovery(root: tmp.path).discover()
        #expect(
            result.eventFiles.map(\.relativePath) == [
                "\(day)/linked.json.gz", "\(day)/real.json.gz", "\(day)/relative.json.gz",
            ])
        #expect(result.eventFiles.map(\.size) == [7, 2, 2])
        #expect(result.eventFiles[0].absolutePath == tmp.path + "/\(day)/linked.json.gz")
        let notFollowed = "symbolic link to a directory is not followed"
        #expect(
            result.skipped == [
                SkippedFile(relativePath: "AWSLogs/\(acctA)/CloudTrail/eu-west-1", reason: notFollowed),
                SkippedFile(
                    relativePath: "\(day)/dangling.json.gz", reason: "broken symbolic link (target does not exist)"),
                SkippedFile(relativePath: "\(day)/loop", reason: notFollowed),
                SkippedFile(relativePath: "\(day)/self.json.gz", reason: "symbolic link loop"),
                SkippedFile(relativePath: "AWSLogs/\(acctA)/CloudTrail/us-east-1/2026/01/06", reason: notFollowed),
                SkippedFile(relativePath: "back", reason: notFollowed),
            ])

        // A symlinked folder in a pruned position is pruned like a real one (not listed).
        let pruned = try ArchiveDiscovery(root: tmp.path, selection: ArchiveSelection(regions: ["us-east-1"]))
            .discover()
        #expect(!pruned.skipped.map(\.relativePath).contains("AWSLogs/\(acctA)/CloudTrail/eu-west-1"))
        #expect(pruned.skipped.map(\.relativePath).contains("back"))
        #expect(pruned.eventFiles.count == 3)
    }

    // MARK: Root

    @Test func missingRootThrows() throws {
        let tmp = try TemporaryDirectory("archive-missing")
        defer { tmp.remove() }
        let missing = tmp.path + "/no-such-folder"
        #expect(throws: ArchiveError.self) { try ArchiveDiscovery(root: missing).discover() }
        do {
            _ = try ArchiveDiscovery(root: missing).discover()
            Issue.record("expected an error")
        } catch {
            #expect(error.path == missing)
            #expect(error.message == "does not exist")
        }
        do {
            _ = try ArchiveDiscovery(root: missing + "/").discover()
            Issue.record("expected an error")
        } catch {
            #expect(error.path == missing + "/")  // the path as given
        }
    }

    @Test func rootThatIsAFileThrows() throws {
        let tmp = try TemporaryDirectory("archive-file-root")
        defer { tmp.remove() }
        let file = try tmp.write("synth-manifest.json", text: "{}")
        do {
            _ = try ArchiveDiscovery(root: file).discover()
            Issue.record("expected an error")
        } catch {
            #expect(error.message == "not a directory")
        }
    }

    @Test func rootWithTrailingSlashGivesCleanAbsolutePaths() throws {
        let tmp = try TemporaryDirectory("archive-slash")
        defer { tmp.remove() }
        let path = "AWSLogs/\(acctA)/CloudTrail/us-east-1/2026/01/05/a.json.gz"
        try touch(tmp, [path])
        let result = try ArchiveDiscovery(root: tmp.path + "//").discover()
        #expect(result.eventFiles.map(\.absolutePath) == [tmp.path + "/" + path])
    }

    @Test func emptyRootFolder() throws {
        let tmp = try TemporaryDirectory("archive-empty-root")
        defer { tmp.remove() }
        let result = try ArchiveDiscovery(root: tmp.path).discover()
        #expect(result.eventFiles.isEmpty && result.digestFiles.isEmpty && result.skipped.isEmpty)
    }
}
