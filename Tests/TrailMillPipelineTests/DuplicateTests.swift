import Foundation
import Testing
import TrailMillPipeline
import TrailMillTestSupport

/// Duplicates from multi-region, organization + account trails and re-deliveries come out once (reliability §6.5).
@Suite struct DuplicateTests {
    let account = "111122223333"

    func key(_ unique: String, region: String = "us-east-1", org: String? = nil, prefix: String = "") -> String {
        ArchiveBuilder.logKey(account: account, region: region, date: (2026, 1, 15), unique: unique, org: org, prefix: prefix)
    }

    @Test func copiesAcrossRegionsOrgTrailsAndPrefixesComeOutOnce() throws {
        let archive = try ArchiveBuilder()
        defer { archive.root.remove() }
        let global = ArchiveBuilder.record(source: "iam.amazonaws.com", name: "CreateUser", readOnly: false)
        let regional = ["us-east-1", "eu-west-1", "ap-southeast-2"].map { ArchiveBuilder.record(region: $0) }
        for (i, region) in ["us-east-1", "eu-west-1", "ap-southeast-2"].enumerated() {
            try archive.writeLog(key("r\(i)", region: region), records: [global, regional[i]])
        }
        // The organization trail delivers the same events again; a second bucket prefix copies one file.
        try archive.writeLog(key("org", org: "o-abcdefghij"), records: [global, regional[0]])
        try archive.writeLog(key("copy", prefix: "backup/2026"), records: [global, regional[0]])
        // The same event twice in one file (CloudTrail's own rare duplicate).
        try archive.writeLog(key("twice", region: "eu-west-1"), records: [regional[1], regional[1]])

        let (summary, output) = try runExport(archive.root)
        defer { output.remove() }
        #expect(summary.events.read == 12)
        #expect(summary.events.written == 4)
        #expect(summary.events.duplicates == 8)
        #expect(summary.events.conflicts == 0)
        #expect(summary.isBalanced)
        let ids = try OutputReader.objects(in: output.path).compactMap { $0["event_id"] as? String }
        #expect(Set(ids).count == 4 && ids.count == 4)
    }

    @Test func theFirstCopyInPathOrderIsKeptAndDifferentContentIsAConflict() throws {
        let archive = try ArchiveBuilder()
        defer { archive.root.remove() }
        let id = "0b0e1234-5678-4abc-9def-0123456789ab"
        try archive.writeLog(key("a"), records: [ArchiveBuilder.record(id: id, user: "first")])
        try archive.writeLog(key("b"), records: [ArchiveBuilder.record(id: id, user: "second")])
        for jobs in [1, 2] {
            let (summary, output) = try runExport(archive.root, jobs: jobs)
            defer { output.remove() }
            #expect(summary.events.conflicts == 1)
            #expect(summary.events.written == 1)
            let objects = try OutputReader.objects(in: output.path)
            #expect(objects.first?["user_name"] as? String == "first")
        }
    }

    @Test func eventsWithoutAGUIDAreNeverMergedAndSharedEventIDIsNotAKey() throws {
        let archive = try ArchiveBuilder()
        defer { archive.root.remove() }
        let shared = #""sharedEventID":"aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee""#
        try archive.writeLog(key("a"), records: [
            ArchiveBuilder.record(id: nil), ArchiveBuilder.record(id: nil),  // eventVersion 1.0 style: no eventID
            ArchiveBuilder.record(id: "EXAMPLE", user: "x"), ArchiveBuilder.record(id: "EXAMPLE", user: "y"),
            ArchiveBuilder.record(extra: shared), ArchiveBuilder.record(extra: shared),
        ])
        // Same eventID delivered to two recipient accounts: two legitimate copies.
        let id = "11111111-2222-4333-8444-555555555555"
        try archive.writeLog(key("b"), records: [
            ArchiveBuilder.record(id: id, account: "111122223333"), ArchiveBuilder.record(id: id, account: "444455556666"),
        ])
        let (summary, output) = try runExport(archive.root)
        defer { output.remove() }
        #expect(summary.events.written == 8)
        #expect(summary.events.duplicates == 0 && summary.events.conflicts == 0)
        let derived = try OutputReader.objects(in: output.path).filter { $0["event_id"] == nil }
        #expect(derived.count == 2)
    }

    @Test func aMissingRecipientAccountFallsBackToTheAccountFolder() throws {
        let archive = try ArchiveBuilder()
        defer { archive.root.remove() }
        let id = "99999999-2222-4333-8444-555555555555"
        let withAccount = ArchiveBuilder.record(id: id)
        let without = withAccount.replacingOccurrences(of: #","recipientAccountId":"111122223333""#, with: "")
        try archive.writeLog(key("a"), records: [without])
        let (summary, output) = try runExport(archive.root)
        defer { output.remove() }
        let object = try #require(try OutputReader.objects(in: output.path).first)
        #expect(object["recipient_account_id"] as? String == account)
        #expect(object["derived_fields"] as? [String] == ["recipient_account_id"])
        #expect(summary.events.written == 1)
    }
}
