public import TrailMillNormalize
public import TrailMillSIEM

/// How each event is written to a file sink.
public enum OutputFormat: String, Sendable, Hashable, CaseIterable {
    /// One flat-schema-v1 JSON object per line.
    case flat
    /// The original CloudTrail record, verbatim but on one line.
    case raw
    /// ArcSight Common Event Format lines (`Schemas/cef-leef-mapping-v1.md`).
    case cef
    /// QRadar LEEF 2.0 lines, TAB-delimited (`Schemas/cef-leef-mapping-v1.md`).
    case leef

    /// Output file extension (before `.gz`).
    public var fileExtension: String {
        switch self {
        case .flat, .raw: "ndjson"
        case .cef: "cef"
        case .leef: "leef"
        }
    }

    /// The encoding that writes this format (`syslog` applies to CEF and LEEF only).
    public func encoding(syslog: SyslogHeader = .none) -> any EventEncoding {
        switch self {
        case .flat: FlatLineEncoding()
        case .raw: RawLineEncoding()
        case .cef: SIEMLineEncoding(format: .cef, syslog: syslog)
        case .leef: SIEMLineEncoding(format: .leef, syslog: syslog)
        }
    }
}

/// Where and how a file sink writes.
public struct FileOutput: Sendable, Hashable {
    /// Output directory (created when missing).
    public var directory: String
    /// File name stem: files are `<stem>-00001.<ext>[.gz]` and so on.
    public var stem: String
    /// Line format.
    public var format: OutputFormat = .flat
    /// A syslog header before each CEF or LEEF line (ignored for NDJSON).
    public var syslog: SyslogHeader = .none
    /// gzip the output files.
    public var gzip = false
    /// Rotate output files after this many uncompressed bytes.
    public var maxBytesPerFile = 256 << 20
    /// Publish no file until the run has finished (``FileOutputSink/publish()``): a failed or stopped run
    /// publishes nothing, so a retry cannot duplicate what a reader already took (`trailmill export`).
    public var publishAtEnd = false
    /// With `publishAtEnd`: hidden partial files whose names start with `.` and this prefix, left by a killed
    /// run and held by no live writer, are removed when the sink starts.
    public var stalePartialPrefix: String?

    /// Creates settings.
    public init(directory: String, stem: String, format: OutputFormat = .flat) {
        self.directory = directory
        self.stem = stem
        self.format = format
    }
}
