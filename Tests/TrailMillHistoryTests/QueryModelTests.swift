import Testing
import TrailMillHistory

/// The query model without a server: filters become bound parameters, never SQL text.
@Suite struct QueryModelTests {
    let window = HistoryWindow(start: 1_768_435_200_000, end: 1_768_521_599_999)

    @Test func everyFilterIsABoundParameterAndTheTimePredicatesComeFirst() {
        var filter = HistoryFilter()
        filter.eventName = "ConsoleLogin"
        filter.userName = "alice"
        filter.readOnly = false
        filter.sourceIP = SourceIPFilter("10.0.0.0/8")
        let statement = HistoryQuery(filter: filter, window: window, schema: "cloud\"trail").statement()
        #expect(statement.parameters == [
            "2026-01-15T00:00:00.000Z", "2026-01-15T23:59:59.999Z", "ConsoleLogin", "false", "alice", "10.0.0.0/8", "51",
        ])
        #expect(statement.text.contains("WHERE e.event_time >= $1::timestamptz\n  AND e.event_time <= $2::timestamptz"))
        #expect(statement.text.contains("e.event_name = $3::text"))
        #expect(statement.text.contains("e.read_only = $4::boolean"))
        #expect(statement.text.contains(#""cloud""trail".history_user_name(e.user_type, e.user_name, e.user_arn, e.actor) = $5::text"#))
        #expect(statement.text.contains("e.source_ip <<= $6::inet"))
        #expect(statement.text.contains("ORDER BY e.event_time DESC, e.event_id DESC, e.recipient_account_id DESC\nLIMIT $7::bigint"))
    }

    @Test func hostileValuesNeverReachTheSQLText() {
        let hostile = "x' OR '1'='1; DROP TABLE events; -- %_\\\u{0}\"$1"
        var filter = HistoryFilter()
        filter.eventName = hostile
        filter.userName = hostile
        filter.resourceName = hostile
        filter.resourceType = hostile
        filter.accessKeyID = hostile
        filter.sourceIP = SourceIPFilter(hostile)
        filter.category = hostile
        let queries = [
            HistoryQuery(filter: filter, window: window, investigation: .whoDeleted(hostile)).statement(),
            SummaryInvestigation.accessDenied.statement(filter: filter, window: window, limit: 10, schema: "cloudtrail"),
        ]
        for statement in queries {
            #expect(!statement.text.contains("DROP"))
            #expect(!statement.text.contains("%_"))
            #expect(!statement.text.contains("\u{0}"))
            // Bound as the load stores it: U+0000 as U+FFFD.
            let bound = String(hostile.map { $0 == "\u{0}" ? "\u{FFFD}" : $0 })
            #expect(statement.parameters.filter { $0 == bound }.count >= 7)
        }
    }

    @Test func sourceIPsAreClassified() {
        #expect(SourceIPFilter("203.0.113.7") == .address("203.0.113.7"))
        #expect(SourceIPFilter("2001:db8::1") == .address("2001:db8::1"))
        #expect(SourceIPFilter("203.0.113.0/24") == .block("203.0.113.0/24"))
        #expect(SourceIPFilter("2001:db8::/32") == .block("2001:db8::/32"))
        #expect(SourceIPFilter("203.0.113.0/33") == .text("203.0.113.0/33"))
        #expect(SourceIPFilter("AWS Internal") == .text("AWS Internal"))
        #expect(SourceIPFilter("ec2.amazonaws.com") == .text("ec2.amazonaws.com"))
    }

    @Test func aPageTokenRoundTripsAndContinuesAfterItsRow() throws {
        let token = PageToken(
            eventTime: "2026-01-15T10:00:00.000000Z", eventID: "3f0e.x", account: "12\"34", queryFingerprint: "abc")
        let parsed = try #require(PageToken(parsing: token.description))
        #expect(parsed == token)
        #expect(token.description.allSatisfy { $0.isLetter || $0.isNumber || $0 == "." })
        #expect(PageToken(parsing: "v2.00.00.00.00") == nil)
        #expect(PageToken(parsing: "nonsense") == nil)
        let statement = HistoryQuery(filter: HistoryFilter(), window: window, limit: 10, after: token).statement()
        #expect(statement.text.contains(
            "(e.event_time, e.event_id, e.recipient_account_id) < ($3::timestamptz, $4::text, $5::text)"))
        #expect(Array(statement.parameters[2...]) == ["2026-01-15T10:00:00.000000Z", "3f0e.x", "12\"34", "11"])
    }

    @Test func theFingerprintTracksFiltersWindowAndSchemaButNotThePage() {
        var filter = HistoryFilter()
        filter.eventName = "A"
        let base = HistoryQuery(filter: filter, window: window)
        var paged = base
        paged.after = PageToken(eventTime: "t", eventID: "i", account: "a", queryFingerprint: "f")
        paged.includeRecord = true
        #expect(paged.fingerprint == base.fingerprint)
        var other = base
        other.filter.eventName = "B"
        #expect(other.fingerprint != base.fingerprint)
        var otherSchema = base
        otherSchema.schema = "elsewhere"
        #expect(otherSchema.fingerprint != base.fingerprint)
    }
}
