internal import TrailMillPostgres

/// Named investigations that list events (pages like any query): extra predicates on top of the filters.
public enum ListingInvestigation: Sendable, Hashable {
    /// Who deleted this resource: `Delete*` events that reference it by ARN or name (`--who-deleted BUCKET|ARN`).
    case whoDeleted(String)
    /// What the root user did, excluding AWS service events on its behalf (`--root-activity`).
    case rootActivity

    func conditions(schema quoted: String, parameters: inout ParameterList) -> [String] {
        switch self {
        case .whoDeleted(let resource):
            [
                "\(quoted).history_resource_names(e.resource_arns) @> ARRAY[\(parameters.bind(resource))]",
                "starts_with(e.event_name, 'Delete')",
            ]
        case .rootActivity:
            ["e.user_type = 'Root'", "e.event_type IS DISTINCT FROM 'AwsServiceEvent'"]
        }
    }
}

/// Named investigations that summarise: one row per group, with counts and first/last times.
public enum SummaryInvestigation: Sendable, Hashable {
    /// Failed console sign-ins by user name and source address, most failures first.
    case failedConsoleLogins
    /// Access denied (the Security Lake "unauthorized attempts" codes) by principal and API, most first.
    case accessDenied
    /// The source addresses a principal used, newest first-seen first (`--first-seen ips`).
    case firstSeenSourceIPs
    /// The regions a principal used, newest first-seen first (`--first-seen regions`).
    case firstSeenRegions

    /// The column headings of the summary rows.
    public var headings: [String] {
        switch self {
        case .failedConsoleLogins: ["User name", "Source IP address", "Failures", "First", "Last"]
        case .accessDenied: ["User ARN", "Event source", "Event name", "Error code", "Events", "First", "Last"]
        case .firstSeenSourceIPs: ["Source IP address", "First seen", "Last seen", "Events"]
        case .firstSeenRegions: ["AWS region", "First seen", "Last seen", "Events"]
        }
    }

    /// The grouping `SELECT` over the filters and window, at most `limit` groups.
    public func statement(filter: HistoryFilter, window: HistoryWindow, limit: Int, schema: String) -> SQLStatement {
        var parameters = ParameterList()
        let quoted = PostgresConnection.quoteIdentifier(schema)
        var conditions = HistoryPredicates.conditions(filter: filter, window: window, schema: quoted, parameters: &parameters)
        func time(_ expression: String) -> String {
            #"to_char("# + expression + #" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')"#
        }
        let first = time("min(e.event_time)"), last = time("max(e.event_time)")
        let groups: [String]
        let order: String
        switch self {
        case .failedConsoleLogins:
            conditions += ["e.event_name = 'ConsoleLogin'", "e.console_login_result = 'Failure'"]
            groups = ["\(quoted).history_user_name(e.user_type, e.user_name, e.user_arn, e.actor)", "e.source_ip_address"]
            order = "count(*) DESC, 1, 2"
        case .accessDenied:
            conditions.append(
                "(e.error_code LIKE '%UnauthorizedOperation' OR e.error_code LIKE 'AccessDenied%' "
                    + "OR e.error_code IN ('Client.InvalidPermission.NotFound', 'Client.OperationNotPermitted'))")
            groups = ["e.user_arn", "e.event_source", "e.event_name", "e.error_code"]
            order = "count(*) DESC, 1, 2, 3, 4"
        case .firstSeenSourceIPs:
            groups = ["e.source_ip_address"]
            order = "min(e.event_time) DESC, 1"
        case .firstSeenRegions:
            groups = ["e.aws_region"]
            order = "min(e.event_time) DESC, 1"
        }
        let aggregates =
            switch self {
            case .failedConsoleLogins, .accessDenied: ["count(*)::text", first, last]
            case .firstSeenSourceIPs, .firstSeenRegions: [first, last, "count(*)::text"]
            }
        let text = """
            SELECT \((groups + aggregates).joined(separator: ", "))
            FROM \(quoted).events e
            WHERE \(conditions.joined(separator: "\n  AND "))
            GROUP BY \((1...groups.count).map(String.init).joined(separator: ", "))
            ORDER BY \(order)
            LIMIT \(parameters.bind(String(limit), as: "bigint"))
            """
        return SQLStatement(text: text, parameters: parameters.values)
    }
}
