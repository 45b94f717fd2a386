public import TrailMillNormalize
import TrailMillOCSF
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
    /// OCSF 1.1.0 events (API Activity, Authentication, Account Change; Insights as Detection Finding), one JSON
    /// object per line (`Schemas/ocsf-mapping-v1.md`).
    case ocsf

    /// Whether the lines are NDJSON (flat, raw or OCSF), as opposed to CEF or LEEF text.
    public var isNDJSON: Bool {
        switch self {
        case .flat, .raw, .ocsf: true
        case .cef, .leef: false
        }
    }

    /// Output file extension (before `.gz`). OCSF files are `.ocsf.ndjson`: still NDJSON to any reader that
    /// globs `*.ndjson`, and told apart from flat files in the same directory by name.
    public var fileExtension: String {
        switch self {
        case .flat, .raw: "ndjson"
        case .ocsf: "ocsf.ndjson"
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
        case .ocsf: OCSFLineEncoding()
        }
    }
}

/// Where and how a file sink writes.
public struct FileOutput: Sendable, Hashable {
    /// Output directory (created when missing), or ``standardOutput`` for one stream on stdout.
    public var directory: String
    /// File name stem: files are `<stem>-00001.<ext>[.gz]` and so on.
    public var stem: String
    /// Line format.
    public var format: OutputFormat = .flat
    /// A syslog header before each CEF or LEEF line (ignored for NDJSON, OCSF included).
    public var syslog: SyslogHeader = .none
    /// gzip the output files.
    public var gzip = false
    /// Rotate output files after this many uncompressed bytes.
    public var maxBytesPerFile = 256 << 20

    /// The `directory` that means "write every line to standard output" (`--out -`).
    public static let standardOutput = "-"

    /// Whether the lines go to standard output (one stream, no rotation) rather than files.
    public var isStandardOutput: Bool { directory == Self.standardOutput }

    /// Creates settings.
    public init(directory: String, stem: String, format: OutputFormat = .flat) {
        self.directory = directory
        self.stem = stem
        self.format = format
    }
}
