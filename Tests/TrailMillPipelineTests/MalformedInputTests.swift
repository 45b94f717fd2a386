import Foundation
import Logging
import Testing
import TrailMillCompression
import TrailMillPipeline
import TrailMillTestSupport

/// reliability.md §6.4: every malformed file ends dead or skipped with a reason, and loses nothing else.
@Suite struct MalformedInputTests {
    let date = (2026, 1, 15)

    func key(_ unique: String, region: String = "us-east-1") -> String {
        ArchiveBuilder.logKey(account: "111122223333", region: region, date: date, unique: unique)
    }

    @Test func everyFailureClassIsClassifiedAndTheRestIsDelivered() throws {
        let archive = try ArchiveBuilder()
        defer { archive.root.remove() }
        let good = (0..<5).map { ArchiveBuilder.record(time: "2026-01-15T09:0\($0):00Z") }
        let text = ArchiveBuilder.logText(good)
        let gz = try Gzip.compress(Array(text.utf8))
        var expected: [String: (String, String)] = [:]

        try archive.writeLog(key("good"), records: good)
        // Multi-member gzip: the second member's records must be read too.
        let half = ArchiveBuilder.logText([ArchiveBuilder.record(), ArchiveBuilder.record()])
        let memberA = try Gzip.compress(Array(half.utf8).dropLast(2).map { $0 })  // `{"Records":[a,b`
        let memberB = try Gzip.compress(Array((",\(ArchiveBuilder.record(time: "2026-01-15T09:30:00Z"))]}").utf8))
        try archive.writeBytes(key("multimember"), memberA + memberB)
        // Double gzip and plain JSON under .json.gz are read.
        try archive.writeBytes(key("doublegzip"), try Gzip.compress(try Gzip.compress(Array(ArchiveBuilder.logText([ArchiveBuilder.record()]).utf8))))
        try archive.writeBytes(key("plainjson"), Array(ArchiveBuilder.logText([ArchiveBuilder.record()]).utf8))

        // Dead: corrupt deflate data, truncated gzip, bad CRC, truncated JSON, invalid JSON, trailing garbage,
        // a record that is not an object, a gzip bomb past the limit.
        var corrupt = gz
        for i in 12..<min(40, corrupt.count - 8) { corrupt[i] ^= 0x5A }
        try archive.writeBytes(key("corrupt"), corrupt)
        expected[key("corrupt")] = ("dead", "gzip")
        try archive.writeBytes(key("truncgzip"), Array(gz.prefix(gz.count / 2)))
        expected[key("truncgzip")] = ("dead", "truncated-gzip")
        var badCRC = gz
        badCRC[badCRC.count - 8] ^= 0xFF
        try archive.writeBytes(key("badcrc"), badCRC)
        expected[key("badcrc")] = ("dead", "bad-gzip-trailer")
        try archive.writeBytes(key("truncjson"), try Gzip.compress(Array(text.utf8.prefix(text.utf8.count - 40))))
        expected[key("truncjson")] = ("dead", "truncated-json")
        try archive.writeBytes(key("invalid"), try Gzip.compress(Array(text.replacingOccurrences(of: "\"eventName\":", with: "eventName:").utf8)))
        expected[key("invalid")] = ("dead", "invalid-json")
        try archive.writeBytes(key("trailing"), try Gzip.compress(Array((text + " garbage").utf8)))
        expected[key("trailing")] = ("dead", "trailing-data")
        try archive.writeBytes(key("notobject"), try Gzip.compress(Array(#"{"Records":[1]}"#.utf8)))
        expected[key("notobject")] = ("dead", "record-not-object")
        try archive.writeBytes(key("bomb"), try Gzip.compress([UInt8](repeating: 0x20, count: 3 << 20)))
        expected[key("bomb")] = ("dead", "size-limit")

        // Skipped: zero bytes, empty gzip, valid JSON that is not a CloudTrail log.
        try archive.writeBytes(key("zero"), [])
        expected[key("zero")] = ("skipped", "empty file")
        try archive.writeBytes(key("emptygzip"), try Gzip.compress([]))
        expected[key("emptygzip")] = ("skipped", "no JSON content")
        for (name, body, reason) in [
            ("norecords", #"{"logFiles":[]}"#, "no \"Records\" member"), ("recordsnull", #"{"Records":null}"#, "null"),
            ("recordsobject", #"{"Records":{}}"#, "an object"), ("emptyarray", #"{"Records":[]}"#, "empty array"),
            ("toparray", "[1,2]", "top-level JSON is an array"),
        ] {
            try archive.writeBytes(key(name), try Gzip.compress(Array(body.utf8)))
            expected[key(name)] = ("skipped", reason)
        }
        // Digest files, Insight files and foreign files in the bucket.
        let digestKey = "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/01/15/111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_20260115T010000Z.json.gz"
        try archive.writeBytes(digestKey, try Gzip.compress(Array(#"{"awsAccountId":"111122223333","logFiles":[]}"#.utf8)))
        expected[digestKey] = ("skipped", "digest")
        try archive.writeBytes("AWSLogs/111122223333/elasticloadbalancing/us-east-1/2026/01/15/lb.log.gz", [1, 2, 3])
        expected["AWSLogs/111122223333/elasticloadbalancing/us-east-1/2026/01/15/lb.log.gz"] = ("skipped", "not a CloudTrail folder")
        try archive.writeBytes("access-logs/2026-01-15-00-00-00-ABC", Array("bucket owner access log".utf8))
        expected["access-logs/2026-01-15-00-00-00-ABC"] = ("skipped", "outside")
        let insightKey = ArchiveBuilder.logKey(
            account: "111122223333", region: "us-east-1", date: date, unique: "insight", folder: "CloudTrail-Insight")
        try archive.writeLog(insightKey, records: [
            #"{"eventVersion":"1.07","eventTime":"2026-01-15T08:00:00Z","awsRegion":"us-east-1","eventID":"9f8e7d6c-1111-4222-8333-944455556666","eventType":"AwsCloudTrailInsight","recipientAccountId":"111122223333","sharedEventID":"5f8e7d6c-1111-4222-8333-944455556666","insightDetails":{"state":"Start","eventSource":"ec2.amazonaws.com","eventName":"RunInstances","insightType":"ApiCallRateInsight","insightContext":{"statistics":{"baseline":{"average":9.82222E-5}}}},"eventCategory":"Insight"}"#
        ])

        let (summary, output) = try runExport(archive.root) { $0.maxDecompressedBytes = 1 << 20 }
        defer { output.remove() }

        for (file, (status, reasonPart)) in expected {
            let found = try #require(summary.reason(for: file), "no status recorded for \(file)")
            #expect(found.status == status, "\(file): \(found)")
            #expect(found.reason.contains(reasonPart), "\(file): reason '\(found.reason)' lacks '\(reasonPart)'")
        }
        // good (5) + multimember (3) + doublegzip (1) + plainjson (1) + insight (1): nothing from dead files.
        #expect(summary.files.done == 5)
        #expect(summary.events.read == 11)
        #expect(summary.events.written == 11)
        #expect(summary.files.dead == expected.values.filter { $0.0 == "dead" }.count)
        #expect(summary.exitStatus == 1)
        #expect(summary.isBalanced)
        let objects = try OutputReader.objects(in: output.path)
        #expect(objects.count == 11)
        let insight = try #require(objects.first { $0["event_type"] as? String == "AwsCloudTrailInsight" })
        #expect(insight["event_category"] as? String == "Insight")
        #expect(insight["insight_state"] as? String == "Start")
        #expect(!objects.contains { ($0["source_file"] as? String)?.contains("CloudTrail-Digest") == true })
    }

    @Test func aDeadFileContributesNoEventsEvenWhenItsFirstRecordsWereValid() throws {
        let archive = try ArchiveBuilder()
        defer { archive.root.remove() }
        let records = (0..<50).map { _ in ArchiveBuilder.record() }
        let text = ArchiveBuilder.logText(records)
        // Cut inside the last record: 49 complete records precede the damage.
        try archive.writeBytes(key("cut"), try Gzip.compress(Array(text.utf8.prefix(text.utf8.count - 30))))
        let (summary, output) = try runExport(archive.root)
        defer { output.remove() }
        #expect(summary.files.dead == 1)
        #expect(summary.events.read == 0)
        #expect(try OutputReader.lines(in: output.path).isEmpty)
        let reason = try #require(summary.dead.first?.reason)
        #expect(reason.contains("at byte"))
    }

    @Test func aMissingRootIsARunFailure() throws {
        let output = try TemporaryDirectory("out")
        defer { output.remove() }
        #expect(throws: RunFailure.self) {
            try ExportRun(
                input: InputSelection(root: "/nonexistent/trailmill"), control: RunControl(),
                output: FileOutput(directory: output.path, stem: "x"), logger: .init(label: "t")
            ).run()
        }
    }
}
