import Foundation
import Testing
import TrailMillHistory
import TrailMillPipeline
import TrailMillPostgres
import TrailMillSynth
import TrailMillTestSupport

/// `trailmill history`'s queries against the real server, each checked against a plain SQL oracle over the same rows.
@Suite(.enabled(if: serverAvailable, noServerReason))
struct HistoryTests {
    /// A synthetic archive (2 accounts, 2 regions, 3 days from 2026-01-15) loaded into a fresh schema.
    static func loadedSchema(seed: UInt64 = 1) throws -> TestSchema {
        let root = try TemporaryDirectory("history")
        defer { root.remove() }
        var options = SyntheticArchiveOptions()
        options.accounts = 2
        options.regions = 2
        options.days = 3
        options.filesPerDay = 2
        options.eventsPerFile = 150
        options.seed = seed
        _ = try SyntheticArchive.write(to: root.path, options: options)
        let schema = try TestSchema()
        let summary = try schema.load(root.path)
        #expect(summary.files.dead == 0 && summary.events.written > 500)
        return schema
    }

    /// 2026-01-15T12:00:00Z to 2026-01-17T06:00:00Z: inside the archive's days, so the window cuts rows off.
    static let window = HistoryWindow(start: 1_768_478_400_000, end: 1_768_629_600_000)

    /// The event ids `trailmill history` returns for `filter`, all on one page.
    func history(_ schema: TestSchema, _ filter: HistoryFilter, window: HistoryWindow = Self.window,
                 investigation: ListingInvestigation? = nil) throws -> [String] {
        let page = try HistoryStore(connection: schema.connection).page(
            HistoryQuery(filter: filter, window: window, limit: 10_000, investigation: investigation, schema: schema.name))
        #expect(page.next == nil)
        return page.rows.map(\.eventID)
    }

    /// The oracle: plain SQL over the table, `$1`/`$2` the window, the condition's own parameters from `$3`.
    func oracle(_ schema: TestSchema, _ condition: String, _ parameters: [String?] = [],
                window: HistoryWindow = Self.window) throws -> [String] {
        let rows = try schema.connection.query(
            """
            SELECT event_id FROM \(schema.quoted).events
            WHERE event_time >= to_timestamp($1::bigint / 1000.0) AND event_time <= to_timestamp($2::bigint / 1000.0)
              AND (\(condition))
            ORDER BY event_time DESC, event_id DESC, recipient_account_id DESC
            """, parameters: ["\(window.start)", "\(window.end)"] + parameters)
        return rows.map { $0[0] ?? "" }
    }

    /// A value of `column` that some rows in the window have and others do not (the most frequent one).
    func commonValue(_ schema: TestSchema, _ column: String) throws -> String {
        try #require(try schema.value(
            """
            SELECT \(column) FROM \(schema.quoted).events WHERE \(column) IS NOT NULL
            GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1 OFFSET 1
            """))
    }

    @Test func eachFlagAloneReturnsExactlyTheOraclesRows() throws {
        let schema = try Self.loadedSchema()
        let total = try oracle(schema, "true").count
        let consoleUser = """
            CASE WHEN user_type = 'AssumedRole' AND user_arn LIKE '%/%' THEN split_part(user_arn, '/', 3) \
            WHEN user_type = 'Root' THEN 'root' ELSE coalesce(user_name, actor) END
            """
        var cases: [(String, HistoryFilter, String, [String?])] = []
        func add(_ name: String, _ condition: String, _ value: String, _ set: (inout HistoryFilter, String) -> Void) {
            var filter = HistoryFilter()
            set(&filter, value)
            cases.append((name, filter, condition, [value]))
        }
        let someEvent = try #require(try schema.value(
            "SELECT event_id FROM \(schema.quoted).events WHERE event_time >= '2026-01-16' ORDER BY event_time LIMIT 1"))
        add("--event-id", "event_id = $3", someEvent) { $0.eventID = $1 }
        add("--event-name", "event_name = $3", try commonValue(schema, "event_name")) { $0.eventName = $1 }
        add("--event-source", "event_source = $3", try commonValue(schema, "event_source")) { $0.eventSource = $1 }
        add("--read-only true", "read_only = $3::boolean", "true") { $0.readOnly = $1 == "true" }
        add("--read-only false", "read_only = $3::boolean", "false") { $0.readOnly = $1 == "true" }
        add("--user (IAM user)", "\(consoleUser) = $3", try commonValue(schema, "user_name")) { $0.userName = $1 }
        let session = try #require(try schema.value(
            "SELECT split_part(user_arn, '/', 3) FROM \(schema.quoted).events WHERE user_type = 'AssumedRole' LIMIT 1"))
        add("--user (role session)", "\(consoleUser) = $3", session) { $0.userName = $1 }
        add("--user root", "\(consoleUser) = $3", "root") { $0.userName = $1 }
        add("--access-key", "user_access_key_id = $3", try commonValue(schema, "user_access_key_id")) { $0.accessKeyID = $1 }
        let type = try #require(try schema.value(
            "SELECT r->>'type' FROM \(schema.quoted).events, jsonb_array_elements(resources) r GROUP BY 1 ORDER BY count(*), 1 LIMIT 1"))
        let typeCondition = """
            EXISTS (SELECT 1 FROM jsonb_array_elements(resources) r WHERE r->>'type' = $3 OR right(r->>'type', length($3) + 2) = '::' || $3)
            """
        add("--resource-type full", typeCondition, type) { $0.resourceType = $1 }
        add("--resource-type short", typeCondition, String(type.split(separator: ":").last!)) { $0.resourceType = $1 }
        let arn = try #require(try schema.value(
            "SELECT a FROM \(schema.quoted).events, unnest(resource_arns) a WHERE a LIKE '%/%' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"))
        let nameCondition = "EXISTS (SELECT 1 FROM unnest(resource_arns) a WHERE a = $3 OR substring(a from '[^/:]+$') = $3)"
        add("--resource-name ARN", nameCondition, arn) { $0.resourceName = $1 }
        add("--resource-name name", nameCondition, String(arn.split(separator: "/").last!)) { $0.resourceName = $1 }
        add("--account", "recipient_account_id = $3", try commonValue(schema, "recipient_account_id")) { $0.account = $1 }
        add("--region", "aws_region = $3", try commonValue(schema, "aws_region")) { $0.region = $1 }
        let ip = try commonValue(schema, "host(source_ip)")
        add("--source-ip address", "source_ip = $3::inet", ip) { $0.sourceIP = SourceIPFilter($1) }
        let block = ip.split(separator: ".").prefix(2).joined(separator: ".") + ".0.0/16"
        add("--source-ip CIDR", "source_ip <<= $3::inet", block) { $0.sourceIP = SourceIPFilter($1) }
        add("--source-ip text", "source_ip_address = $3", try #require(try schema.value(
            "SELECT source_ip_address FROM \(schema.quoted).events WHERE source_ip IS NULL LIMIT 1"))) { $0.sourceIP = SourceIPFilter($1) }
        add("--error-code", "error_code = $3", try #require(try schema.value(
            "SELECT error_code FROM \(schema.quoted).events WHERE error_code IS NOT NULL LIMIT 1"))) { $0.errorCode = $1 }
        add("--errors-only", "error_code IS NOT NULL AND $3 = $3", "-") { filter, _ in filter.errorsOnly = true }
        add("--category data", "event_category = $3", "Data") { $0.category = $1.lowercased() }
        add("--user-arn", "user_arn = $3", try commonValue(schema, "user_arn")) { $0.userARN = $1 }
        add("--actor", "actor = $3", try commonValue(schema, "actor")) { $0.actor = $1 }

        for (name, filter, condition, parameters) in cases {
            let expected = try oracle(schema, condition, parameters)
            #expect(!expected.isEmpty, "\(name) matches nothing: the case proves nothing")
            #expect(expected.count < total || name.hasPrefix("--category"), "\(name) matches everything")
            #expect(try history(schema, filter) == expected, "\(name)")
        }
    }

    @Test func combinedFlagsReturnExactlyTheOraclesRows() throws {
        let schema = try Self.loadedSchema()
        let source = try commonValue(schema, "event_source")
        let region = try commonValue(schema, "aws_region")
        let account = try commonValue(schema, "recipient_account_id")
        let user = try #require(try schema.value(
            "SELECT user_name FROM \(schema.quoted).events WHERE error_code IS NOT NULL AND user_type = 'IAMUser' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"))

        var a = HistoryFilter()
        a.eventSource = source
        a.readOnly = true
        a.region = region
        let expectedA = try oracle(schema, "event_source = $3 AND read_only AND aws_region = $4", [source, region])
        var b = HistoryFilter()
        b.userName = user
        b.account = account
        b.errorsOnly = true
        let expectedB = try oracle(
            schema, "user_type = 'IAMUser' AND user_name = $3 AND recipient_account_id = $4 AND error_code IS NOT NULL",
            [user, account])
        var c = HistoryFilter()
        c.category = "MANAGEMENT"
        c.sourceIP = SourceIPFilter("0.0.0.0/0")
        c.eventName = "ConsoleLogin"
        let expectedC = try oracle(
            schema, "event_category = 'Management' AND family(source_ip) = 4 AND event_name = 'ConsoleLogin'")
        for (name, filter, expected) in [("a", a, expectedA), ("b", b, expectedB), ("c", c, expectedC)] {
            #expect(!expected.isEmpty, "case \(name) matches nothing")
            #expect(try history(schema, filter) == expected)
        }
    }

    @Test func bothEndsOfTheWindowAreInclusive() throws {
        let schema = try Self.loadedSchema()
        let text = try schema.value(
            "SELECT (extract(epoch FROM event_time) * 1000)::bigint FROM \(schema.quoted).events ORDER BY event_time LIMIT 1 OFFSET 100")
        let millis = try #require(text.flatMap { Int64($0) })
        let exactly = HistoryWindow(start: millis, end: millis)
        let atThatTime = try oracle(schema, "event_time = to_timestamp($3::bigint / 1000.0)", ["\(millis)"], window: exactly)
        #expect(!atThatTime.isEmpty)
        #expect(try history(schema, HistoryFilter(), window: exactly) == atThatTime)
        let later = try history(schema, HistoryFilter(), window: HistoryWindow(start: millis + 1, end: millis + 3_600_000))
        let earlier = try history(schema, HistoryFilter(), window: HistoryWindow(start: millis - 3_600_000, end: millis - 1))
        #expect(!later.isEmpty && !earlier.isEmpty)
        #expect(Set(later).isDisjoint(with: atThatTime) && Set(earlier).isDisjoint(with: atThatTime))
    }

    @Test func pagesReturnEveryRowOnceAlsoWhileALoadAddsRows() throws {
        let schema = try Self.loadedSchema()
        let store = HistoryStore(connection: schema.connection)
        let before = try oracle(schema, "true")
        #expect(before.count > 100)
        // A second archive over the same days: its events interleave with the stored ones.
        let more = try TemporaryDirectory("history-more")
        defer { more.remove() }
        var options = SyntheticArchiveOptions()
        options.accounts = 1
        options.regions = 1
        options.days = 3
        options.filesPerDay = 1
        options.eventsPerFile = 80
        options.seed = 99
        options.prefix = "later"
        _ = try SyntheticArchive.write(to: more.path, options: options)

        var query = HistoryQuery(filter: HistoryFilter(), window: Self.window, limit: 17, schema: schema.name)
        var seen: [String] = []
        var pages = 0
        while true {
            let page = try store.page(query)
            #expect(page.rows.count <= 17)
            seen += page.rows.map(\.eventID)
            pages += 1
            if pages == 3 { _ = try schema.load(more.path) }  // the load lands between pages
            guard let next = page.next else { break }
            query.after = next
        }
        let after = try oracle(schema, "true")
        #expect(after.count > before.count)
        #expect(Set(seen).count == seen.count, "a row was printed twice")
        #expect(Set(before).isSubset(of: Set(seen)), "a row stored before the first page was skipped")
        #expect(Set(seen).isSubset(of: Set(after)))
        // Without a concurrent load, the pages are exactly the oracle's order.
        var again = HistoryQuery(filter: HistoryFilter(), window: Self.window, limit: 50, schema: schema.name)
        var all: [String] = []
        while true {
            let page = try store.page(again)
            all += page.rows.map(\.eventID)
            guard let next = page.next else { break }
            again.after = next
        }
        #expect(all == after)
        // A token only continues its own query.
        var other = HistoryQuery(filter: HistoryFilter(), window: Self.window, limit: 5, schema: schema.name)
        let first = try store.page(other)
        other.filter.region = "us-east-1"
        other.after = first.next
        #expect(throws: HistoryError.self) { try store.page(other) }
    }
}
