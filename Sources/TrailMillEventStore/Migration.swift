public import TrailMillPostgres

/// One numbered schema change from `Schemas/postgres/NNN_name.sql`, carried in the binary (`MigrationCatalog.swift`).
public struct Migration: Sendable, Hashable {
    /// The number in the file name; migrations apply in this order.
    public var version: Int
    /// The file name without `.sql`, such as `001_events`.
    public var name: String
    /// The SQL, run with `search_path` set to the target schema.
    public var sql: String

    /// Creates a migration.
    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// The newest version this build knows.
    public static var latestVersion: Int { all.last?.version ?? 0 }
}

/// Where a schema stands relative to this build's migrations.
public struct SchemaStatus: Sendable, Hashable {
    /// An applied migration as recorded in `schema_migrations`.
    public struct Applied: Sendable, Hashable {
        public var version: Int
        public var name: String
        /// When it was applied (server time, ISO 8601).
        public var appliedAt: String
        /// True when the recorded checksum differs from this build's SQL for the same version.
        public var edited: Bool
    }

    /// The schema name.
    public var schema: String
    /// Applied migrations, oldest first; empty when the schema has no TrailMill tables.
    public var applied: [Applied]
    /// Migrations this build knows and the schema lacks.
    public var pending: [Migration]

    /// The highest applied version (0 when none).
    public var version: Int { applied.last?.version ?? 0 }
    /// True when the schema is newer than this build.
    public var isNewer: Bool { version > Migration.latestVersion }
    /// True when every known migration is applied and none is unknown.
    public var isCurrent: Bool { pending.isEmpty && !isNewer }

    /// Why a load cannot use this schema as it is, or nil when it can.
    public var loadBlocker: String? {
        if isNewer {
            return "schema \"\(schema)\" is at version \(version), newer than this trailmill knows "
                + "(\(Migration.latestVersion)); upgrade trailmill"
        }
        if applied.isEmpty {
            return "schema \"\(schema)\" has no TrailMill tables; run `trailmill db migrate` or pass --migrate"
        }
        if !pending.isEmpty {
            return "schema \"\(schema)\" is at version \(version), this trailmill needs \(Migration.latestVersion); "
                + "run `trailmill db migrate` or pass --migrate"
        }
        return nil
    }
}

/// Applies `Migration.all` to a schema: each pending migration in its own transaction, recorded in
/// `<schema>.schema_migrations` with an MD5 of its SQL, under a transaction-level advisory lock so two migrators
/// never interleave.
public struct Migrator {
    let connection: PostgresConnection
    let schema: String
    let migrations: [Migration]

    /// Creates a migrator for `schema` (default migrations: this build's).
    public init(connection: PostgresConnection, schema: String, migrations: [Migration] = Migration.all) {
        self.connection = connection
        self.schema = schema
        self.migrations = migrations
    }

    private var quotedSchema: String { PostgresConnection.quoteIdentifier(schema) }

    /// Reads what is applied. Changes nothing.
    public func status() throws(PostgresError) -> SchemaStatus {
        let exists = try connection.queryValue(
            "SELECT to_regclass(format('%I.schema_migrations', $1::text)) IS NOT NULL", parameters: [schema])
        var applied: [SchemaStatus.Applied] = []
        if exists == "t" {
            let rows = try connection.query(
                """
                SELECT version::text, name, to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), checksum
                FROM \(quotedSchema).schema_migrations ORDER BY version
                """)
            for row in rows {
                let version = Int(row[0] ?? "") ?? 0
                let known = migrations.first { $0.version == version }
                let edited = try known.map { migration throws(PostgresError) in
                    try connection.queryValue("SELECT md5($1::text)", parameters: [migration.sql]) != row[3]
                } ?? false
                applied.append(.init(version: version, name: row[1] ?? "", appliedAt: row[2] ?? "", edited: edited))
            }
        }
        let done = Set(applied.map(\.version))
        return SchemaStatus(schema: schema, applied: applied, pending: migrations.filter { !done.contains($0.version) })
    }

    /// Applies every pending migration in order and returns those applied now (empty when the schema was current).
    /// A failing migration rolls back alone; earlier ones stay applied.
    @discardableResult
    public func migrate() throws(PostgresError) -> [Migration] {
        var appliedNow: [Migration] = []
        for migration in migrations {
            try connection.execute("BEGIN")
            do throws(PostgresError) {
                _ = try connection.query(
                    "SELECT pg_advisory_xact_lock(\(AdvisoryLock.classID), hashtext($1::text))", parameters: [schema])
                try connection.execute(
                    """
                    CREATE SCHEMA IF NOT EXISTS \(quotedSchema);
                    CREATE TABLE IF NOT EXISTS \(quotedSchema).schema_migrations (
                        version integer PRIMARY KEY,
                        name text NOT NULL,
                        checksum text NOT NULL,
                        applied_at timestamptz NOT NULL DEFAULT now()
                    )
                    """)
                let present = try connection.query(
                    "SELECT 1 FROM \(quotedSchema).schema_migrations WHERE version = $1::int",
                    parameters: [String(migration.version)])
                if present.isEmpty {
                    try connection.execute("SET LOCAL search_path TO \(quotedSchema)")
                    try connection.execute(migration.sql)
                    _ = try connection.query(
                        """
                        INSERT INTO \(quotedSchema).schema_migrations (version, name, checksum)
                        VALUES ($1::int, $2::text, md5($3::text))
                        """,
                        parameters: [String(migration.version), migration.name, migration.sql])
                    appliedNow.append(migration)
                }
                try connection.execute("COMMIT")
            } catch {
                if connection.transactionStatus != .idle { try? connection.execute("ROLLBACK") }
                throw PostgresError(
                    code: error.code, message: "migration \(migration.name) failed: \(error.message)",
                    sqlState: error.sqlState, detail: error.detail, hint: error.hint, context: error.context)
            }
        }
        return appliedNow
    }
}

/// The advisory lock key space TrailMill uses: `(classID, hashtext(schema))`.
public enum AdvisoryLock {
    /// `'TMLD'` as a 32-bit integer: the first key of every TrailMill advisory lock.
    public static let classID: Int32 = 0x544D_4C44
}
