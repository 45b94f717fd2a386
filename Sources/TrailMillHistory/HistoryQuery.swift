internal import TrailMillNormalize
internal import TrailMillPostgres

/// One page of an event-history query as a value: filters, window, page size and where the page starts.
///
/// `statement()` turns it into one parameterized `SELECT` over `<schema>.events`: every filter value is a bound
/// parameter, the time predicates come first (partition pruning on the daily partitions), and rows come newest first
/// in the primary key's order, one more than `limit` so the caller knows whether another page exists.
public struct HistoryQuery: Sendable, Hashable {
    /// The attribute filters, AND-ed.
    public var filter: HistoryFilter
    /// The time range, both ends inclusive.
    public var window: HistoryWindow
    /// Rows per page (the console's and `LookupEvents`' default is 50).
    public var limit: Int
    /// Continue after this row (from the previous page's `next-token`).
    public var after: PageToken?
    /// A listing investigation's extra predicates (`--who-deleted`, `--root-activity`), nil for a plain query.
    public var investigation: ListingInvestigation?
    /// The schema holding `events` (quoted as an identifier in the SQL).
    public var schema: String
    /// Also select the whole stored record (flat columns as JSON, nulls left out) and the original record (the `raw`
    /// column, filled by `load --keep-raw`) for `json` / `ndjson` output and `--event-id`.
    public var includeRecord = false

    /// A query of `schema` with these filters over `window`, first page.
    public init(
        filter: HistoryFilter, window: HistoryWindow, limit: Int = 50, after: PageToken? = nil,
        investigation: ListingInvestigation? = nil, schema: String = "cloudtrail"
    ) {
        self.filter = filter
        self.window = window
        self.limit = limit
        self.after = after
        self.investigation = investigation
        self.schema = schema
    }

    /// The hash a page token carries: the same filters, window, investigation and schema give the same value.
    public var fingerprint: String {
        var base = self
        base.after = nil
        base.includeRecord = false
        let statement = base.statement()
        return Fingerprint.of([statement.text] + statement.parameters)
    }

    /// The columns every page row carries, in `HistoryRow` order.
    static func selectList(schema quoted: String) -> String {
        """
        to_char(e.event_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), e.event_id, \
        e.recipient_account_id, e.event_name, e.event_source, \
        \(quoted).history_user_name(e.user_type, e.user_name, e.user_arn, e.actor), e.user_access_key_id, \
        e.aws_region, e.error_code, e.source_ip_address, e.read_only, \
        array_to_json(\(quoted).history_resource_types(e.resources))::text, array_to_json(e.resource_arns)::text, \
        e.user_arn, e.actor
        """
    }

    /// The whole stored row as JSON (nulls and `raw` left out) and the original record, or NULLs when not asked for.
    var recordColumns: String {
        includeRecord ? "jsonb_strip_nulls(to_jsonb(e) - 'raw')::text, e.raw::text" : "NULL::text, NULL::text"
    }

    /// The page's `SELECT`: `limit + 1` rows, newest first.
    public func statement() -> SQLStatement {
        var parameters = ParameterList()
        let quoted = PostgresConnection.quoteIdentifier(schema)
        var conditions = HistoryPredicates.conditions(
            filter: filter, window: window, schema: quoted, parameters: &parameters)
        if let investigation {
            conditions += investigation.conditions(schema: quoted, parameters: &parameters)
        }
        if let after {
            conditions.append(
                "(e.event_time, e.event_id, e.recipient_account_id) < (\(parameters.bind(after.eventTime, as: "timestamptz")), "
                    + "\(parameters.bind(after.eventID)), \(parameters.bind(after.account)))")
        }
        let text = """
            SELECT \(Self.selectList(schema: quoted)), \(recordColumns)
            FROM \(quoted).events e
            WHERE \(conditions.joined(separator: "\n  AND "))
            ORDER BY e.event_time DESC, e.event_id DESC, e.recipient_account_id DESC
            LIMIT \(parameters.bind(String(limit + 1), as: "bigint"))
            """
        return SQLStatement(text: text, parameters: parameters.values)
    }
}

/// The WHERE conditions of the filters, shared by pages and the aggregating investigations.
enum HistoryPredicates {
    static func conditions(
        filter: HistoryFilter, window: HistoryWindow, schema quoted: String, parameters: inout ParameterList
    ) -> [String] {
        var conditions = [
            "e.event_time >= \(parameters.bind(Timestamp.iso8601(window.start), as: "timestamptz"))",
            "e.event_time <= \(parameters.bind(Timestamp.iso8601(window.end), as: "timestamptz"))",
        ]
        func equal(_ column: String, _ value: String?) {
            if let value { conditions.append("\(column) = \(parameters.bind(value))") }
        }
        equal("e.event_id", filter.eventID)
        equal("e.event_name", filter.eventName)
        equal("e.event_source", filter.eventSource)
        if let readOnly = filter.readOnly {
            conditions.append("e.read_only = \(parameters.bind(readOnly ? "true" : "false", as: "boolean"))")
        }
        if let user = filter.userName {
            conditions.append(
                "\(quoted).history_user_name(e.user_type, e.user_name, e.user_arn, e.actor) = \(parameters.bind(user))")
        }
        equal("e.user_access_key_id", filter.accessKeyID)
        if let type = filter.resourceType {
            conditions.append(
                "\(quoted).history_resource_types(e.resources) @> ARRAY[\(parameters.bind(type))]")
        }
        if let name = filter.resourceName {
            conditions.append(
                "\(quoted).history_resource_names(e.resource_arns) @> ARRAY[\(parameters.bind(name))]")
        }
        equal("e.recipient_account_id", filter.account)
        equal("e.aws_region", filter.region)
        switch filter.sourceIP {
        case .address(let address): conditions.append("e.source_ip = \(parameters.bind(address, as: "inet"))")
        case .block(let block): conditions.append("e.source_ip <<= \(parameters.bind(block, as: "inet"))")
        case .text(let text): conditions.append("e.source_ip_address = \(parameters.bind(text))")
        case nil: break
        }
        equal("e.error_code", filter.errorCode)
        if filter.errorsOnly { conditions.append("e.error_code IS NOT NULL") }
        if let category = filter.category {
            conditions.append("lower(e.event_category) = lower(\(parameters.bind(category)))")
        }
        equal("e.user_arn", filter.userARN)
        equal("e.actor", filter.actor)
        return conditions
    }
}
