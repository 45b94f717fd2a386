import Foundation
import Testing
import TrailMillHistory
import TrailMillPipeline
import TrailMillPostgres
import TrailMillSynth
import TrailMillTestSupport

/// Named investigations, hostile filter values and query plans of `trailmill history` against the real server.
@Suite(.enabled(if: serverAvailable, noServerReason))
struct HistoryInvestigationTests {
    let all = HistoryWindow(start: 1_767_225_600_000, end: 1_798_761_599_999)  // 2026

    func ids(_ schema: TestSchema, _ sql: String, _ parameters: [String?] = []) throws -> [String] {
        try schema.connection.query(sql, parameters: parameters).map { $0[0] ?? "" }
    }

    @Test func whoDeletedListsTheDeletesOfThatResourceOnly() throws {
        let archive = try ArchiveBuilder()
        defer { archive.root.remove() }
        func s3(_ name: String, bucket: String, user: String, time: String) -> String {
            ArchiveBuilder.record(
                time: time, source: "s3.amazonaws.com", name: name, user: user, readOnly: false,
                extra: #""requestParameters":{"bucketName":"\#(bucket)"},"resources":[{"type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::\#(bucket)"}]"#)
        }
        try archive.writeLog(
            ArchiveBuilder.logKey(account: "111122223333", region: "us-east-1", date: (2026, 1, 15)),
            records: [
                s3("DeleteBucket", bucket: "evidence", user: "mallory", time: "2026-01-15T10:00:00Z"),
                s3("DeleteBucketPolicy", bucket: "evidence", user: "bob", time: "2026-01-15T09:00:00Z"),
                s3("PutBucketPolicy", bucket: "evidence", user: "bob", time: "2026-01-15T08:00:00Z"),
                s3("DeleteBucket", bucket: "evidence-2", user: "alice", time: "2026-01-15T11:00:00Z"),
                s3("DeleteBucket", bucket: "other", user: "alice", time: "2026-01-15T12:00:00Z"),
            ])
        let schema = try TestSchema()
        _ = try schema.load(archive.root.path)
        let store = HistoryStore(connection: schema.connection)
        for target in ["evidence", "arn:aws:s3:::evidence"] {
            let page = try store.page(HistoryQuery(
                filter: HistoryFilter(), window: all, investigation: .whoDeleted(target), schema: schema.name))
            let expected = try ids(
                schema,
                """
                SELECT event_id FROM \(schema.quoted).events
                WHERE event_name LIKE 'Delete%' AND 'arn:aws:s3:::evidence' = ANY (resource_arns)
                ORDER BY event_time DESC
                """)
            #expect(page.rows.map(\.eventID) == expected)
            #expect(page.rows.map(\.userName) == ["mallory", "bob"])
        }
    }

    @Test func rootActivityAndTheSummariesMatchTheReferenceQueries() throws {
        let root = try TemporaryDirectory("history-inv")
        defer { root.remove() }
        var options = SyntheticArchiveOptions()
        options.accounts = 2
        options.days = 2
        options.eventsPerFile = 400
        _ = try SyntheticArchive.write(to: root.path, options: options)
        let schema = try TestSchema()
        _ = try schema.load(root.path)
        let store = HistoryStore(connection: schema.connection)
        let q = schema.quoted

        let rootPage = try store.page(HistoryQuery(
            filter: HistoryFilter(), window: all, limit: 10_000, investigation: .rootActivity, schema: schema.name))
        let rootExpected = try ids(
            schema,
            """
            SELECT event_id FROM \(q).events WHERE user_type = 'Root' AND event_type IS DISTINCT FROM 'AwsServiceEvent'
            ORDER BY event_time DESC, event_id DESC, recipient_account_id DESC
            """)
        #expect(!rootExpected.isEmpty)
        #expect(rootPage.rows.map(\.eventID) == rootExpected)

        let time = #"'YYYY-MM-DD"T"HH24:MI:SS"Z"'"#
        let failed = try store.summary(.failedConsoleLogins, filter: HistoryFilter(), window: all, limit: 100, schema: schema.name)
        let failedExpected = try schema.connection.query(
            """
            SELECT CASE WHEN user_type = 'Root' THEN 'root' ELSE user_name END, source_ip_address, count(*)::text,
                   to_char(min(event_time) AT TIME ZONE 'UTC', \(time)), to_char(max(event_time) AT TIME ZONE 'UTC', \(time))
            FROM \(q).events WHERE event_name = 'ConsoleLogin' AND console_login_result = 'Failure'
            GROUP BY 1, 2 ORDER BY count(*) DESC, 1, 2
            """)
        #expect(!failedExpected.isEmpty)
        #expect(failed == failedExpected)

        let denied = try store.summary(.accessDenied, filter: HistoryFilter(), window: all, limit: 100, schema: schema.name)
        let deniedExpected = try schema.connection.query(
            """
            SELECT user_arn, event_source, event_name, error_code, count(*)::text,
                   to_char(min(event_time) AT TIME ZONE 'UTC', \(time)), to_char(max(event_time) AT TIME ZONE 'UTC', \(time))
            FROM \(q).events
            WHERE error_code LIKE '%UnauthorizedOperation' OR error_code LIKE 'AccessDenied%'
               OR error_code IN ('Client.InvalidPermission.NotFound', 'Client.OperationNotPermitted')
            GROUP BY 1, 2, 3, 4 ORDER BY count(*) DESC, 1, 2, 3, 4 LIMIT 100
            """)
        #expect(!deniedExpected.isEmpty)
        #expect(denied == deniedExpected)

        let principal = try #require(try schema.value(
            "SELECT user_arn FROM \(q).events WHERE user_type = 'IAMUser' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"))
        var filter = HistoryFilter()
        filter.userARN = principal
        for (investigation, column) in [(SummaryInvestigation.firstSeenSourceIPs, "source_ip_address"), (.firstSeenRegions, "aws_region")] {
            let seen = try store.summary(investigation, filter: filter, window: all, limit: 100, schema: schema.name)
            let expected = try schema.connection.query(
                """
                SELECT \(column), to_char(min(event_time) AT TIME ZONE 'UTC', \(time)),
                       to_char(max(event_time) AT TIME ZONE 'UTC', \(time)), count(*)::text
                FROM \(q).events WHERE user_arn = $1 GROUP BY 1 ORDER BY min(event_time) DESC, 1
                """, parameters: [principal])
            #expect(!expected.isEmpty)
            #expect(seen == expected)
        }
    }

    @Test func hostileFilterValuesMatchLiterally() throws {
        // (JSON literal as written in the record, the value a user types); each has a decoy a LIKE or an escape bug
        // would also match.
        let cases: [(json: String, value: String, decoy: String)] = [
            (#"it's"#, "it's", "its"),
            (#"100%"#, "100%", "1000"),
            (#"a_c"#, "a_c", "abc"),
            (#"back\\slash"#, #"back\slash"#, "backslash"),
            (#"q\"uote"#, "q\"uote", "quote"),
            (#"nul\u0000byte"#, "nul\u{0}byte", "nulbyte"),
            (#"x' OR '1'='1"#, "x' OR '1'='1", "x"),
            (#"%"#, "%", "anything"),
        ]
        let archive = try ArchiveBuilder()
        defer { archive.root.remove() }
        var records: [String] = []
        for (index, c) in cases.enumerated() {
            for (name, user) in [(c.json, c.json), (c.decoy, c.decoy)] {
                records.append(ArchiveBuilder.record(
                    time: "2026-01-15T10:00:0\(index)Z", name: name, user: user,
                    extra: #""resources":[{"type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::\#(user)"}]"#))
            }
        }
        try archive.writeLog(ArchiveBuilder.logKey(account: "111122223333", region: "us-east-1", date: (2026, 1, 15)), records: records)
        let schema = try TestSchema()
        let summary = try schema.load(archive.root.path)
        #expect(summary.events.written == cases.count * 2)
        let store = HistoryStore(connection: schema.connection)
        for c in cases {
            let stored = c.value.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}")
            for set in [
                { (f: inout HistoryFilter) in f.eventName = c.value }, { $0.userName = c.value },
                { $0.resourceName = c.value }, { $0.userARN = "arn:aws:iam::111122223333:user/" + c.value },
            ] as [(inout HistoryFilter) -> Void] {
                var filter = HistoryFilter()
                set(&filter)
                let rows = try store.page(HistoryQuery(filter: filter, window: all, schema: schema.name)).rows
                #expect(rows.map(\.eventName) == [stored], "\(c.json)")
            }
        }
        #expect(try schema.count() == cases.count * 2)
    }

    /// For each console attribute over a 30-day window of a 40-day store: only the window's daily partitions are
    /// read, each through an index. The planner is told to avoid sequential scans (the partitions here are tiny, so it
    /// would rather read them whole): that changes costs only, so an Index Scan in the plan proves the filter matches
    /// an index. The benchmark shows the same plans chosen freely over 10 million rows.
    @Test func eachAttributeFilterOverThirtyDaysIsAnIndexScanOnTheWindowsPartitions() throws {
        let root = try TemporaryDirectory("history-explain")
        defer { root.remove() }
        var options = SyntheticArchiveOptions()
        options.accounts = 1
        options.regions = 1
        options.days = 40
        options.filesPerDay = 1
        options.eventsPerFile = 100
        _ = try SyntheticArchive.write(to: root.path, options: options)
        let schema = try TestSchema()
        _ = try schema.load(root.path)
        try schema.connection.execute("ANALYZE \(schema.quoted).events")
        try schema.connection.execute("SET enable_seqscan = off")
        let q = schema.quoted
        func sample(_ sql: String) throws -> String { try #require(try schema.value(sql)) }
        var filters: [(String, HistoryFilter)] = []
        func add(_ name: String, _ set: (inout HistoryFilter) -> Void) {
            var filter = HistoryFilter()
            set(&filter)
            filters.append((name, filter))
        }
        let id = try sample("SELECT event_id FROM \(q).events WHERE event_time >= '2026-02-01' LIMIT 1")
        let key = try sample("SELECT user_access_key_id FROM \(q).events WHERE user_access_key_id IS NOT NULL LIMIT 1")
        let arn = try sample("SELECT resource_arns[1] FROM \(q).events WHERE resource_arns IS NOT NULL LIMIT 1")
        add("event-id") { $0.eventID = id }
        add("event-name") { $0.eventName = "ConsoleLogin" }
        add("event-source") { $0.eventSource = "iam.amazonaws.com" }
        add("read-only") { $0.readOnly = false }
        add("user") { $0.userName = "root" }
        add("access-key") { $0.accessKeyID = key }
        add("resource-type") { $0.resourceType = "AWS::KMS::Key" }
        add("resource-name") { $0.resourceName = arn }
        // 2026-01-20 through 2026-02-18: 30 days of the 40 stored (2026-01-15 to 2026-02-23).
        let window = HistoryWindow(start: 1_768_867_200_000, end: 1_771_459_199_999)
        let inside = (20...31).map { String(format: "events_p202601%02d", $0) } + (1...18).map { String(format: "events_p202602%02d", $0) }
        for (name, filter) in filters {
            let statement = HistoryQuery(filter: filter, window: window, schema: schema.name).statement()
            let plan = try schema.connection.query("EXPLAIN " + statement.text, parameters: statement.parameters)
                .map { $0[0] ?? "" }.joined(separator: "\n")
            let partitions = Set(plan.matches(of: /events_p\d{8}/).map { String($0.output) })
            #expect(partitions == Set(inside), "\(name): partitions \(partitions.sorted())\n\(plan)")
            #expect(!plan.contains("Seq Scan"), "\(name)\n\(plan)")
            #expect(!plan.contains("events_default"), "\(name)\n\(plan)")
            let scans = plan.split(separator: "\n").filter { $0.contains("Index Scan") || $0.contains("Index Only Scan") }
            #expect(scans.count >= inside.count, "\(name)\n\(plan)")
        }
    }
}
