/// Where and how a PostgreSQL sink loads (`trailmill load`, a job's `postgres` sink).
public struct PostgresTarget: Sendable {
    /// A libpq connection string or URI; nil = `DATABASE_URL` or libpq's environment (`PGHOST`, ...).
    public var conninfo: String?
    /// The target schema.
    public var schema = "cloudtrail"
    /// Apply pending migrations before loading instead of refusing to run.
    public var migrate = false
    /// A transaction is committed once its rows pass this many bytes of COPY text (whole files only).
    public var batchBytes = 32 << 20
    /// Reconnection attempts after a lost connection before the sink gives up.
    public var maxRetries = 5
    /// The first wait before reconnecting; it doubles on every attempt up to `maxBackoff`.
    public var initialBackoff: Duration = .milliseconds(250)
    /// The longest wait between reconnection attempts.
    public var maxBackoff: Duration = .seconds(8)
    /// The current UTC date as days since 1970-01-01 (decides which days get a partition); nil = the clock's.
    public var today: Int?
    /// Also store each record itself in the `raw` jsonb column (for `trailmill history --event-id`); off by default.
    public var keepsRawRecords = false
    /// Recorded in `load_runs.host`.
    public var host = ""
    /// Recorded in `load_runs.source`.
    public var source = ""

    /// Creates settings for the database libpq's environment names.
    public init(conninfo: String? = nil) {
        self.conninfo = conninfo
    }
}
