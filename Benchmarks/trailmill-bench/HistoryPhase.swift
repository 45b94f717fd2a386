import Foundation
import TrailMillHistory
import TrailMillPostgres

/// Phase J: `trailmill history` latency over an already loaded schema (`--history SCHEMA`; load it first, see
/// Benchmarks/history-bench.sh). For each console attribute, the first page of 50 over a 7-day and a 90-day window
/// ending at the newest stored event, for the attribute's most and least frequent value; then the named
/// investigations. Prints median and p95 of `--runs` runs (client-side: libpq round trip and row decoding included).
enum HistoryPhase {
    static func run(schema: String, conninfo: String?, runs: Int) {
        do {
            try measure(schema: schema, conninfo: conninfo, runs: runs)
        } catch {
            print("J  history phase failed: \(error)")
        }
    }

    private static func measure(schema: String, conninfo: String?, runs: Int) throws {
        let connection = try PostgresConnection(conninfo: conninfo)
        let q = PostgresConnection.quoteIdentifier(schema)
        let store = HistoryStore(connection: connection)
        let rows = try connection.queryValue("SELECT count(*) FROM \(q).events") ?? "?"
        let days = try connection.queryValue("SELECT count(DISTINCT event_time::date) FROM \(q).events") ?? "?"
        let newest = Int64(try connection.queryValue(
            "SELECT (extract(epoch FROM max(event_time)) * 1000)::bigint FROM \(q).events") ?? "0") ?? 0
        print("J  history over \(schema): \(rows) events, \(days) days; first page of 50, \(runs) runs each, ms")

        /// The most and least frequent value of `expression` over the last 7 days.
        func values(_ expression: String, from: String = "\(q).events e") throws -> [(String, String)] {
            let sql = """
                SELECT v, n FROM (SELECT \(expression) AS v, count(*) AS n FROM \(from)
                  WHERE e.event_time >= to_timestamp(\(newest / 1000 - 7 * 86_400)) GROUP BY 1) s
                WHERE v IS NOT NULL ORDER BY n DESC, v
                """
            let all = try connection.query(sql)
            guard let top = all.first?[0] ?? nil, let bottom = all.last?[0] ?? nil else { return [] }
            return [("common", top), ("rare", bottom)]
        }
        var cases: [(String, HistoryFilter)] = []
        func add(_ name: String, _ expression: String, from: String = "\(q).events e", _ set: @escaping (inout HistoryFilter, String) -> Void) throws {
            for (kind, value) in try values(expression, from: from) {
                var filter = HistoryFilter()
                set(&filter, value)
                cases.append(("\(name) (\(kind))", filter))
            }
        }
        let anyID = try connection.queryValue("SELECT event_id FROM \(q).events WHERE event_time >= to_timestamp(\(newest / 1000 - 86_400)) LIMIT 1") ?? ""
        var byID = HistoryFilter()
        byID.eventID = anyID
        cases.append(("event-id", byID))
        try add("event-name", "e.event_name") { $0.eventName = $1 }
        try add("event-source", "e.event_source") { $0.eventSource = $1 }
        for flag in [true, false] {
            var filter = HistoryFilter()
            filter.readOnly = flag
            cases.append(("read-only \(flag)", filter))
        }
        try add("user", "\(q).history_user_name(e.user_type, e.user_name, e.user_arn, e.actor)") { $0.userName = $1 }
        try add("access-key", "e.user_access_key_id") { $0.accessKeyID = $1 }
        try add("resource-type", "t", from: "\(q).events e, unnest(\(q).history_resource_types(e.resources)) t") { $0.resourceType = $1 }
        try add("resource-name", "a", from: "\(q).events e, unnest(e.resource_arns) a") { $0.resourceName = $1 }

        func time(_ body: () throws -> Void) rethrows -> (median: Double, p95: Double) {
            var samples: [Double] = []
            for _ in 0..<runs {
                let start = DispatchTime.now().uptimeNanoseconds
                try body()
                samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            samples.sort()
            return (samples[samples.count / 2], samples[min(samples.count - 1, Int((Double(samples.count) * 0.95).rounded(.up)) - 1)])
        }
        func cell(_ value: Double) -> String { String(format: "%8.1f", value) }
        print("   query                                           7d median   7d p95  90d median  90d p95  rows(90d)")
        for (name, filter) in cases {
            var figures: [String] = []
            var shown = 0
            for days: Int64 in [7, 90] {
                let query = HistoryQuery(filter: filter, window: .lastDays(days, endingAt: newest), schema: schema)
                _ = try store.page(query)  // warm
                let t = try time { shown = try store.page(query).rows.count }
                figures += [cell(t.median), cell(t.p95)]
            }
            print("   \(name.padding(toLength: 46, withPad: " ", startingAt: 0)) \(figures.joined(separator: "  "))  \(shown)")
        }

        let principal = try connection.queryValue(
            "SELECT user_arn FROM \(q).events WHERE user_type = 'IAMUser' AND event_time >= to_timestamp(\(newest / 1000 - 86_400)) LIMIT 1") ?? ""
        let bucket = try connection.queryValue(
            "SELECT a FROM \(q).events e, unnest(resource_arns) a WHERE a LIKE 'arn:aws:s3:::%' AND event_time >= to_timestamp(\(newest / 1000 - 86_400)) LIMIT 1") ?? ""
        var byPrincipal = HistoryFilter()
        byPrincipal.userARN = principal
        let window = HistoryWindow.lastDays(90, endingAt: newest)
        let named: [(String, () throws -> Int)] = [
            ("who-deleted \(bucket.suffix(30))", { try store.page(HistoryQuery(filter: HistoryFilter(), window: window, investigation: .whoDeleted(bucket), schema: schema)).rows.count }),
            ("root-activity", { try store.page(HistoryQuery(filter: HistoryFilter(), window: window, investigation: .rootActivity, schema: schema)).rows.count }),
            ("failed-console-logins", { try store.summary(.failedConsoleLogins, filter: HistoryFilter(), window: window, limit: 50, schema: schema).count }),
            ("access-denied", { try store.summary(.accessDenied, filter: HistoryFilter(), window: window, limit: 50, schema: schema).count }),
            ("first-seen ips (one IAM user)", { try store.summary(.firstSeenSourceIPs, filter: byPrincipal, window: window, limit: 50, schema: schema).count }),
            ("first-seen regions (one IAM user)", { try store.summary(.firstSeenRegions, filter: byPrincipal, window: window, limit: 50, schema: schema).count }),
        ]
        print("   named investigation (90 days)                  median      p95  rows")
        for (name, body) in named {
            var shown = try body()
            let t = try time { shown = try body() }
            print("   \(name.padding(toLength: 46, withPad: " ", startingAt: 0)) \(cell(t.median)) \(cell(t.p95))  \(shown)")
        }
    }
}
