public import TrailMillPostgres

/// A page of history: at most `limit` rows, and the token of the next page when more rows remain.
public struct HistoryPage: Sendable, Hashable {
    /// The rows, newest first.
    public var rows: [HistoryRow]
    /// Where the next page starts; nil on the last page.
    public var next: PageToken?
}

/// Why a history query could not run.
public enum HistoryError: Error, Sendable, CustomStringConvertible {
    /// The page token belongs to another query (other filters, window or schema).
    case tokenForAnotherQuery
    /// The schema has no history functions: migration 003 is not applied.
    case notMigrated(schema: String)
    /// The server refused or the connection failed.
    case database(PostgresError)

    public var description: String {
        switch self {
        case .tokenForAnotherQuery:
            "--next-token belongs to another query: repeat the same filters, window and schema as the page that printed it"
        case .notMigrated(let schema):
            "schema \(schema) has no event-history indexes: run `trailmill db migrate --schema \(schema)`"
        case .database(let error): "\(error)"
        }
    }
}

/// Runs history queries over one connection.
public struct HistoryStore {
    /// The connection the queries run on.
    public let connection: PostgresConnection

    /// A store reading through `connection`.
    public init(connection: PostgresConnection) { self.connection = connection }

    /// One page of `query`: `limit` rows and, when more remain, the next page's token.
    public func page(_ query: HistoryQuery) throws(HistoryError) -> HistoryPage {
        let fingerprint = query.fingerprint
        if let after = query.after, after.queryFingerprint != fingerprint { throw .tokenForAnotherQuery }
        let statement = query.statement()
        let rows = try run(statement, schema: query.schema).compactMap(HistoryRow.init(columns:))
        let shown = Array(rows.prefix(query.limit))
        let next = rows.count > query.limit ? shown.last?.token(fingerprint: fingerprint) : nil
        return HistoryPage(rows: shown, next: next)
    }

    /// The groups of a summarising investigation.
    public func summary(
        _ investigation: SummaryInvestigation, filter: HistoryFilter, window: HistoryWindow, limit: Int, schema: String
    ) throws(HistoryError) -> [[String?]] {
        try run(investigation.statement(filter: filter, window: window, limit: limit, schema: schema), schema: schema)
    }

    private func run(_ statement: SQLStatement, schema: String) throws(HistoryError) -> [[String?]] {
        do {
            return try connection.query(statement.text, parameters: statement.parameters)
        } catch {
            // 42883: undefined function (history_user_name and friends come with migration 003).
            if error.sqlState == "42883" || error.sqlState == "3F000" || error.sqlState == "42P01" {
                throw .notMigrated(schema: schema)
            }
            throw .database(error)
        }
    }
}
