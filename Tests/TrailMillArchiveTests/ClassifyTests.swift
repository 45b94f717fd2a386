import Testing
import TrailMillArchive

/// The trail file a path classifies as, or nil.
private func trail(_ path: String) -> TrailFile? {
    if case .trailFile(let file) = ArchiveDiscovery.classify(relativePath: path) { return file }
    return nil
}

/// The reason a path is not a trail file, or nil when it is one.
private func reason(_ path: String) -> String? {
    if case .notTrail(let reason) = ArchiveDiscovery.classify(relativePath: path) { return reason }
    return nil
}

private func date(_ year: Int, _ month: Int, _ day: Int) -> CivilDate { CivilDate(year: year, month: month, day: day)! }

private let outside = "outside the AWSLogs/<account>/CloudTrail*/ layout"
private let logName = "111122223333_CloudTrail_us-east-1_20260105T0005Z_AbCdEfGhIjKlMnOp.json.gz"

@Suite("ArchiveDiscovery.classify")
struct ClassifyTests {
    @Test func accountTrail() {
        let path = "AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/05/\(logName)"
        #expect(
            ArchiveDiscovery.classify(relativePath: path)
                == .trailFile(
                    TrailFile(
                        relativePath: path, absolutePath: "", prefix: "", organizationID: nil,
                        accountID: "111122223333", folder: .cloudTrail, region: "us-east-1",
                        deliveryDate: date(2026, 1, 5), size: 0)))
    }

    @Test func organizationTrail() {
        let path = "AWSLogs/o-abc123defg/222233334444/CloudTrail/eu-west-1/2026/01/05/\(logName)"
        let file = trail(path)
        #expect(file?.organizationID == "o-abc123defg")
        #expect(file?.accountID == "222233334444")
        #expect(file?.region == "eu-west-1")
        #expect(file?.prefix == "")
        #expect(file?.relativePath == path)
    }

    @Test func organizationIDLimits() {
        // 10 and 32 characters after `o-` are organization IDs; 9, 33, upper case and `_` are not.
        let ten = "o-" + String(repeating: "a", count: 10)
        let thirtyTwo = "o-" + String(repeating: "1", count: 32)
        #expect(trail("AWSLogs/\(ten)/222233334444/CloudTrail/r/2026/01/05/\(logName)")?.organizationID == ten)
        #expect(
            trail("AWSLogs/\(thirtyTwo)/222233334444/CloudTrail/r/2026/01/05/\(logName)")?.organizationID == thirtyTwo)
        for notOrg in ["o-abc123def", "o-" + String(repeating: "1", count: 33), "o-ABC123DEFG", "o-abc_123defg"] {
            #expect(
                reason("AWSLogs/\(notOrg)/222233334444/CloudTrail/r/2026/01/05/\(logName)")
                    == "not a CloudTrail folder: '222233334444'")
        }
    }

    @Test func accountFolderThatLooksLikeAnOrganizationID() {
        // `AWSLogs/o-…/CloudTrail/…`: the o-… component is the account (no member account follows).
        let file = trail("AWSLogs/o-abc123defg/CloudTrail/us-east-1/2026/01/05/\(logName)")
        #expect(file?.organizationID == nil)
        #expect(file?.accountID == "o-abc123defg")
    }

    @Test func multiLevelPrefix() {
        let path = "logs/prod/cloudtrail/AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/05/\(logName)"
        #expect(trail(path)?.prefix == "logs/prod/cloudtrail")
        #expect(trail("single/AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/05/\(logName)")?.prefix == "single")
    }

    @Test func controlTowerPrefixWithOrganizationID() {
        let path = "o-abc123defg/AWSLogs/o-abc123defg/111122223333/CloudTrail/us-east-1/2026/01/05/\(logName)"
        let file = trail(path)
        #expect(file?.prefix == "o-abc123defg")
        #expect(file?.organizationID == "o-abc123defg")
        #expect(file?.accountID == "111122223333")
        #expect(file?.deliveryDate == date(2026, 1, 5))
    }

    @Test func nonPaddedDates() {
        #expect(
            trail("AWSLogs/111122223333/CloudTrail/us-east-1/2026/1/5/\(logName)")?.deliveryDate == date(2026, 1, 5))
        #expect(
            trail("AWSLogs/111122223333/CloudTrail/us-east-1/2026/12/31/\(logName)")?.deliveryDate == date(2026, 12, 31)
        )
        #expect(
            trail("AWSLogs/111122223333/CloudTrail/us-east-1/2024/2/29/\(logName)")?.deliveryDate == date(2024, 2, 29))
        #expect(
            trail("AWSLogs/111122223333/CloudTrail/us-east-1/2026/001/009/\(logName)")?.deliveryDate == date(2026, 1, 9)
        )
    }

    @Test func otherTrailFolders() {
        let insight = trail("AWSLogs/111122223333/CloudTrail-Insight/us-east-1/2026/01/05/\(logName)")
        #expect(insight?.folder == .insight)
        let network = trail("AWSLogs/111122223333/CloudTrail-NetworkActivity/us-east-1/2026/01/05/\(logName)")
        #expect(network?.folder == .networkActivity)

        let digestName = "111122223333_CloudTrail-Digest_us-east-1_management_us-east-1_20260105T010000Z.json.gz"
        let digest = trail("AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/01/05/\(digestName)")
        #expect(digest?.folder == .digest)
        #expect(digest?.folder.holdsEvents == false)
        let backfill = "111122223333_CloudTrail-Digest_us-east-1_management_us-west-2_20260105T010000Z_backfill.json.gz"
        let orgDigest = trail("AWSLogs/o-abc123defg/111122223333/CloudTrail-Digest/eu-west-1/2026/01/05/\(backfill)")
        #expect(orgDigest?.folder == .digest)
        #expect(orgDigest?.organizationID == "o-abc123defg")
        #expect(orgDigest?.region == "eu-west-1")
    }

    @Test func anonymisedAccountsAndFictionalRegions() {
        let file = trail("AWSLogs/REDACTED/CloudTrail/sagov-westsouth-1r/2026/01/05/\(logName)")
        #expect(file?.accountID == "REDACTED")
        #expect(file?.region == "sagov-westsouth-1r")
        #expect(trail("AWSLogs/1234567890123/CloudTrail/redacted/2026/01/05/\(logName)")?.accountID == "1234567890123")
    }

    @Test func plainJSONNamesAreAccepted() {
        #expect(trail("AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/05/export.json")?.folder == .cloudTrail)
    }

    @Test(arguments: [
        ("AWSLogs/111122223333/Config/us-east-1/2026/1/5/ConfigSnapshot/snap.json.gz", "Config"),
        ("AWSLogs/111122223333/vpcflowlogs/us-east-1/2026/01/05/flow.log.gz", "vpcflowlogs"),
        ("AWSLogs/111122223333/elasticloadbalancing/us-east-1/2026/01/05/elb.log.gz", "elasticloadbalancing"),
        ("AWSLogs/111122223333/cloudtrail/us-east-1/2026/01/05/\(logName)", "cloudtrail"),
        ("AWSLogs/111122223333/CloudTrail-Insights/us-east-1/2026/01/05/\(logName)", "CloudTrail-Insights"),
        ("AWSLogs/o-abc123defg/111122223333/Config/us-east-1/2026/01/05/snap.json.gz", "Config"),
        ("AWSLogs/111122223333/Config/x.json", "Config"),
    ])
    func unknownFolders(path: String, folder: String) {
        #expect(reason(path) == "not a CloudTrail folder: '\(folder)'")
    }

    @Test(arguments: [
        ("2026/02/30", "2026/02/30"), ("2026/13/01", "2026/13/01"), ("abcd/01/01", "abcd/01/01"),
        ("2025/2/29", "2025/2/29"), ("2026/00/10", "2026/00/10"), ("2026/01/00", "2026/01/00"),
        ("0/01/01", "0/01/01"), ("2026/+1/01", "2026/+1/01"), ("2026/01/5a", "2026/01/5a"),
        ("2026/04/31", "2026/04/31"),
    ])
    func badDates(folders: String, shown: String) {
        #expect(
            reason("AWSLogs/111122223333/CloudTrail/us-east-1/\(folders)/\(logName)")
                == "bad date folder: '\(shown)'")
    }

    @Test(arguments: [
        ".DS_Store", "x_$folder$", "notes.txt", "log.json.gz.tmp", "LOG.JSON.GZ", "log.json.GZ", ".json.gz", "log.gz",
    ])
    func badNames(name: String) {
        #expect(
            reason("AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/05/\(name)")
                == "not a .json.gz or .json file name: '\(name)'")
    }

    @Test func pathEndingInSlash() {
        #expect(
            reason("AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/05/") == "not a file name: the path ends in '/'")
        #expect(reason("AWSLogs/") == "not a file name: the path ends in '/'")
    }

    @Test func extraDepth() {
        #expect(
            reason("AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/05/extra/\(logName)")
                == "extra folders below the day folder: 'extra/'")
        #expect(
            reason("AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/05/a/b/\(logName)")
                == "extra folders below the day folder: 'a/b/'")
    }

    @Test func tooShallow() {
        #expect(
            reason("AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/\(logName)")
                == "too shallow: expected CloudTrail/<region>/YYYY/MM/DD/<file>")
        #expect(
            reason("AWSLogs/111122223333/CloudTrail-Digest/\(logName)")
                == "too shallow: expected CloudTrail-Digest/<region>/YYYY/MM/DD/<file>")
        #expect(reason("AWSLogs/111122223333/\(logName)") == outside)
        #expect(reason("AWSLogs/111122223333") == outside)
        #expect(reason("AWSLogs/x_$folder$") == outside)
        #expect(reason("AWSLogs/CloudTrail/us-east-1/2026/01/05/\(logName)") == outside)
    }

    @Test(arguments: [
        "synth-manifest.json", ".DS_Store", "s3-access/2026-01-05-10-00-00-ABCDEF0123456789",
        "awslogs/111122223333/CloudTrail/us-east-1/2026/01/05/\(logName)",
        "AWSLogs.json", "AWSLogs", "", "/", "111122223333/CloudTrail/us-east-1/2026/01/05/\(logName)",
    ])
    func noAWSLogs(path: String) {
        let got = reason(path)
        #expect(got == outside || got == "not a file name: the path ends in '/'")
        #expect(got != nil)
    }

    @Test func awsLogsTwice() {
        // The first AWSLogs does not lead to the layout (its "folder" is AWSLogs); the second does.
        let nested = "AWSLogs/111122223333/AWSLogs/222233334444/CloudTrail/us-east-1/2026/01/05/\(logName)"
        let file = trail(nested)
        #expect(file?.prefix == "AWSLogs/111122223333")
        #expect(file?.accountID == "222233334444")

        let backup = "backup/AWSLogs/copy/AWSLogs/o-abc123defg/222233334444/CloudTrail/us-east-1/2026/01/05/\(logName)"
        #expect(trail(backup)?.prefix == "backup/AWSLogs/copy")
        #expect(trail(backup)?.organizationID == "o-abc123defg")

        // Both parse only under the first: a region folder named AWSLogs. First success wins.
        let regionNamedAWSLogs = "AWSLogs/111122223333/CloudTrail/AWSLogs/2026/01/05/\(logName)"
        #expect(trail(regionNamedAWSLogs)?.region == "AWSLogs")
        #expect(trail(regionNamedAWSLogs)?.prefix == "")

        // When no anchor works, the reason comes from the one that got furthest.
        let bothBad = "AWSLogs/x/AWSLogs/111122223333/CloudTrail/us-east-1/2026/02/30/\(logName)"
        #expect(reason(bothBad) == "bad date folder: '2026/02/30'")
    }

    @Test func classifyKeepsTheRelativePathAsGiven() {
        let path = "p/AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/05/\(logName)"
        #expect(trail(path)?.relativePath == path)
        #expect(trail(path)?.absolutePath == "")
        #expect(trail(path)?.size == 0)
    }
}

@Suite("ArchiveDiscovery.classify, organization edge cases")
struct ClassifyOrganizationTests {
    @Test func fileDirectlyUnderOrganizationMember() {
        #expect(reason("AWSLogs/o-abc123defg/222233334444/.DS_Store") == outside)
        #expect(reason("AWSLogs/o-abc123defg/readme.txt") == outside)
    }
}
