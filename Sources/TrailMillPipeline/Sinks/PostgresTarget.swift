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
    /// Recorded in `load_runs.host`.
    public var host = ""
    /// Recorded in `load_runs.source`.
    public var source = ""
    /// How long a statement may wait for a lock another session holds (the server's `lock_timeout`) before the
    /// load gives up with a failure that names the holder.
    public var lockTimeout: Duration = .seconds(60)
    /// When a statement has waited this long, the wait is reported with the server process holding the lock.
    public var reportWaitAfter: Duration = .seconds(2)
    /// `statement_timeout` for the load's bookkeeping statements (schema checks, `loaded_files`, `load_runs`);
    /// batch statements run under `lockTimeout` only, since their duration grows with the batch.
    public var bookkeepingTimeout: Duration = .seconds(120)
    /// Checked while a statement runs: once cancelled, the statement is cancelled on the server (`PQcancel`) and
    /// the sink stops.
    public var cancellation: RunCancellation?

    /// Creates settings for the database libpq's environment names.
    public init(conninfo: String? = nil) {
        self.conninfo = conninfo
    }
}
