/// Everything a `trailmill load` needs to know.
public struct LoadOptions: Sendable {
    /// What to read and how: source, selection, filters, `--verify-digests`, jobs, limits. Its output fields are
    /// unused, except `outputDirectory`, which holds spill files of very large log files.
    public var input: ExportOptions
    /// A libpq connection string or URI; nil = `DATABASE_URL` or libpq's environment (`PGHOST`, ...).
    public var conninfo: String?
    /// The target schema.
    public var schema = "cloudtrail"
    /// Apply pending migrations before loading instead of refusing to run.
    public var migrate = false
    /// A transaction is committed once its rows pass this many bytes of COPY text (whole files only).
    public var batchBytes = 32 << 20
    /// Reconnection attempts after a lost connection before the run gives up.
    public var maxRetries = 5
    /// The first wait before reconnecting; it doubles on every attempt up to `maxBackoff`.
    public var initialBackoff: Duration = .milliseconds(250)
    /// The longest wait between reconnection attempts.
    public var maxBackoff: Duration = .seconds(8)
    /// The current UTC date as days since 1970-01-01 (decides which days get a partition); nil = the clock's.
    public var today: Int?
    /// Recorded in `load_runs.host`.
    public var host = ""
    /// Called on the loading thread as batches progress; the fault-injection tests stop the server from here.
    public var batchObserver: (@Sendable (BatchEvent) -> Void)?

    /// Creates options reading `input.source`.
    public init(input: ExportOptions) {
        self.input = input
    }
}

/// A point in a batch's life, for `LoadOptions.batchObserver`.
public enum BatchEvent: Sendable, Hashable {
    /// The batch's COPY is open and its rows are about to be sent (batches are numbered from 1 per run; a retry
    /// counts as a new batch).
    case copying(batch: Int)
    /// The batch's transaction committed.
    case committed(batch: Int)
}
