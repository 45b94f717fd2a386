import Foundation
import Testing
import TrailMillPipeline
import TrailMillTestSupport

/// The console's filters (event name, user, time range) plus source, category, read-only and errors-only.
@Suite struct FilterTests {
    /// Six events across two delivery days; one delivered on the 16th happened on the 15th.
    func makeArchive() throws -> ArchiveBuilder {
        let archive = try ArchiveBuilder()
        try archive.writeLog(
            ArchiveBuilder.logKey(account: "111122223333", region: "us-east-1", date: (2026, 1, 15), unique: "a"),
            records: [
                ArchiveBuilder.record(time: "2026-01-15T08:00:00Z", name: "DescribeInstances", user: "alice"),
                ArchiveBuilder.record(time: "2026-01-15T09:00:00Z", source: "iam.amazonaws.com", name: "CreateUser",
                                      user: "bob", readOnly: false),
                ArchiveBuilder.record(time: "2026-01-15T10:00:00Z", name: "RunInstances", user: "alice", readOnly: false,
                                      errorCode: "AccessDenied"),
            ])
        try archive.writeLog(
            ArchiveBuilder.logKey(account: "111122223333", region: "eu-west-1", date: (2026, 1, 16), time: "0010", unique: "b"),
            records: [
                ArchiveBuilder.record(region: "eu-west-1", time: "2026-01-15T23:59:59.999Z", name: "GetObject", user: "carol",
                                      extra: #""resources":[{"ARN":"arn:aws:s3:::b/k","type":"AWS::S3::Object"}]"#)
                    .replacingOccurrences(of: #""eventCategory":"Management""#, with: #""eventCategory":"Data""#),
                ArchiveBuilder.record(region: "eu-west-1", time: "2026-01-16T00:00:00Z", name: "DescribeInstances", user: "bob"),
                ArchiveBuilder.record(region: "eu-west-1", time: "2026-01-16T00:05:00Z", name: "ConsoleLogin", user: "alice",
                                      readOnly: nil),
            ])
        return archive
    }

    func names(_ configure: (inout ExportSetup) -> Void) throws -> [String] {
        let archive = try makeArchive()
        defer { archive.root.remove() }
        let (summary, output) = try runExport(archive.root, configure: configure)
        defer { output.remove() }
        #expect(summary.isBalanced)
        return try OutputReader.objects(in: output.path).compactMap { $0["event_name"] as? String }.sorted()
    }

    @Test func timeRangeIsByEventTimeAndReadsLaterDeliveryFolders() throws {
        let names = try self.names {
            $0.filter.sinceMillis = TimeArgument.parse("2026-01-15T09:00:00Z", endOfDay: false)
            $0.filter.untilMillis = TimeArgument.parse("2026-01-15", endOfDay: true)
        }
        #expect(names == ["CreateUser", "GetObject", "RunInstances"])
    }

    @Test func aPlainUntilDateIncludesTheWholeDay() {
        #expect(TimeArgument.parse("2026-01-15", endOfDay: true) == TimeArgument.parse("2026-01-15T23:59:59.999Z", endOfDay: true))
        #expect(TimeArgument.parse("2026-01-15T10:00:00+05:30", endOfDay: false) == TimeArgument.parse("2026-01-15T04:30:00Z", endOfDay: false))
    }

    @Test func eventNameSourceUserCategoryAndFlags() throws {
        #expect(try names { $0.filter.eventNames = ["DescribeInstances", "ConsoleLogin"] } == ["ConsoleLogin", "DescribeInstances", "DescribeInstances"])
        #expect(try names { $0.filter.eventSources = ["iam.amazonaws.com"] } == ["CreateUser"])
        #expect(try names { $0.filter.users = ["alice"] } == ["ConsoleLogin", "DescribeInstances", "RunInstances"])
        #expect(try names { $0.filter.users = ["arn:aws:iam::111122223333:user/bob"] } == ["CreateUser", "DescribeInstances"])
        #expect(try names { $0.filter.categories = ["data"] } == ["GetObject"])
        #expect(try names { $0.filter.readOnly = .readOnly } == ["DescribeInstances", "DescribeInstances", "GetObject"])
        #expect(try names { $0.filter.readOnly = .writesOnly } == ["ConsoleLogin", "CreateUser", "RunInstances"])
        #expect(try names { $0.filter.errorsOnly = true } == ["RunInstances"])
        #expect(try names { $0.input.regions = ["eu-west-1"] } == ["ConsoleLogin", "DescribeInstances", "GetObject"])
        #expect(try names { $0.input.accounts = ["999999999999"] } == [])
    }

    @Test func filteredEventsAreCounted() throws {
        let archive = try makeArchive()
        defer { archive.root.remove() }
        let (summary, output) = try runExport(archive.root) { $0.filter.eventNames = ["GetObject"] }
        defer { output.remove() }
        #expect(summary.events.read == 6 && summary.events.filtered == 5 && summary.events.written == 1)
    }
}

/// The one time parser (`--since`, `--until`, `--from`, `--to`, job files) and the one duration parser.
@Suite struct TimeArgumentTests {
    /// 2026-01-20T15:30:00Z.
    let now: Int64 = 1_768_923_000_000

    func parse(_ text: String, end: Bool = false) -> Int64? { TimeArgument.parse(text, endOfDay: end, now: now) }

    @Test func absoluteForms() {
        let ten = TimeArgument.parse("2026-01-15T10:00:00Z", endOfDay: false)
        #expect(ten != nil)
        #expect(parse("2026-01-15T10:00Z") == ten && parse("2026-01-15T10:00") == ten)
        #expect(parse("2026-01-15T11:00+01:00") == ten && parse("2026-01-15 10:00:00") == ten)
        #expect(parse("1768471200") == ten && parse("1768471200000") == ten)
        #expect(parse("2026-01-15") == 1_768_435_200_000)
        #expect(parse("2026-01-15", end: true) == parse("2026-01-15T23:59:59.999Z"))
    }

    @Test func namedDays() {
        #expect(parse("now") == now && parse("NOW") == now)
        #expect(parse("today") == parse("2026-01-20") && parse("today", end: true) == parse("2026-01-20", end: true))
        #expect(parse("yesterday") == parse("2026-01-19") && parse("yesterday", end: true) == parse("2026-01-19", end: true))
    }

    @Test func relativeForms() {
        let threeHours: Int64 = 3 * 3_600_000
        #expect(parse("-3h") == now - threeHours && parse("3h ago") == now - threeHours && parse("3h") == now - threeHours)
        #expect(parse("24h ago") == now - 86_400_000 && parse("7d") == now - 7 * 86_400_000)
        #expect(parse("1w") == parse("7d") && parse("-1h30m") == now - 5_400_000)
    }

    @Test func rejects() {
        for bad in ["", "yesterday-ish", "2026-13-01", "2026-01-15T25:00Z", "-3", "3 hours", "12345678901234567", "ago"] {
            #expect(parse(bad) == nil, "\(bad)")
        }
    }

    @Test func durationsAndSizes() {
        #expect(DurationArgument.parseDays("90d") == 90 && DurationArgument.parseDays("12w") == 84)
        #expect(DurationArgument.parseDays("2160h") == 90 && DurationArgument.parseDays("1w") == 7)
        #expect(DurationArgument.parseDays("36h") == 2)
        for bad in ["", "90", "d", "0d", "1y", "1.5d", "1000000000d"] { #expect(DurationArgument.parseMillis(bad) == nil, "\(bad)") }
        #expect(ByteSizeArgument.parse("64MiB") == 64 << 20 && ByteSizeArgument.parse("2GiB") == 2 << 30)
        #expect(ByteSizeArgument.parse("1000") == 1000 && ByteSizeArgument.parse("10 KB") == 10_000)
        #expect(ByteSizeArgument.parse("0") == nil && ByteSizeArgument.parse("1.5GiB") == nil)
    }

    @Test func patterns() {
        #expect(TextPattern("consolelogin").matches("ConsoleLogin"))
        #expect(TextPattern("Describe*").matches("describeinstances") && !TextPattern("Describe*").matches("XDescribe"))
        #expect(TextPattern("*Bucket*").matches("DeleteBucketPolicy") && TextPattern("Get?ole").matches("GetRole"))
        #expect(!TextPattern("a*b").matches("acbd") && TextPattern("a*b*").matches("acbd"))
        #expect(TextPattern.list(["a,b", " c ", "", "d,,e"]) == ["a", "b", "c", "d", "e"])
    }
}
