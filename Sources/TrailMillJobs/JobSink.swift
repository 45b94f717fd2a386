public import TrailMillPipeline
public import TrailMillSIEM

/// One destination of a job's events (an entry of `sinks`).
public enum JobSink: Sendable, Hashable {
    /// NDJSON, OCSF, CEF or LEEF files in a directory.
    case file(FileSink)
    /// Rows in a PostgreSQL database.
    case postgres(PostgresSink)

    /// The sink's unique name within the job.
    public var name: String {
        switch self {
        case .file(let sink): sink.name
        case .postgres(let sink): sink.name
        }
    }

    /// The sink's `type`.
    public var type: SinkType {
        switch self {
        case .file(let sink): sink.type
        case .postgres: .postgres
        }
    }
}

/// A sink's `type` key.
public enum SinkType: String, Sendable, Hashable, CaseIterable {
    /// NDJSON files (`format: flat` or `raw`).
    case ndjson
    /// CEF lines.
    case cef
    /// LEEF 2.0 lines.
    case leef
    /// OCSF 1.1.0 events, one per line (NDJSON).
    case ocsf
    /// PostgreSQL rows.
    case postgres
}

/// An NDJSON, OCSF, CEF or LEEF sink: rotated files published atomically into `directory`.
public struct FileSink: Sendable, Hashable {
    /// Unique within the job; also the output file stem. Default: the job's name (with `-<type>` appended when
    /// the job has more than one sink).
    public var name: String
    /// `ndjson`, `ocsf`, `cef` or `leef`.
    public var type: SinkType
    /// The output directory (`path`), absolute.
    public var directory: String
    /// Line format: `flat` or `raw` for NDJSON; `ocsf`, `cef` or `leef` for those types.
    public var format: OutputFormat
    /// gzip the output files (`gzip`, default false).
    public var gzip = false
    /// Rotate after this many uncompressed bytes (`max_file_bytes`, default 256 MiB).
    public var maxFileBytes = 256 << 20
    /// Syslog header before each CEF/LEEF line (`syslog`, default none; always none for NDJSON).
    public var syslog: SyslogHeader = .none

    /// Creates a sink.
    public init(name: String, type: SinkType, directory: String, format: OutputFormat) {
        self.name = name
        self.type = type
        self.directory = directory
        self.format = format
    }
}

/// A PostgreSQL sink: the `trailmill load` event store.
public struct PostgresSink: Sendable, Hashable {
    /// Unique within the job. Default: the job's name (with `-postgres` appended when the job has more than one
    /// sink).
    public var name: String
    /// libpq conninfo or URI (`database`); nil (absent or empty) = `DATABASE_URL` or libpq's `PG*` variables.
    public var database: DatabaseConninfo?
    /// Target schema (`schema`, default `cloudtrail`).
    public var schema = "cloudtrail"
    /// Apply pending migrations before loading (`migrate`, default false).
    public var migrate = false

    /// Creates a sink.
    public init(name: String, database: DatabaseConninfo?) {
        self.name = name
        self.database = database
    }
}
