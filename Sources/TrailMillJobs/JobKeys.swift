/// Every key a job file may contain, per kind of mapping. The loader rejects any other key, and a test checks that
/// `Schemas/job-v1.schema.json` allows exactly these (its `$defs` carry the same names).
public enum JobKeys {
    /// Top level.
    public static let job: Set<String> = [
        "version", "name", "source", "select", "filters", "sinks", "parallelism", "limits", "verify_digests", "state",
        "summary",
    ]
    /// `source`.
    public static let source: Set<String> = ["path"]
    /// `select`.
    public static let select: Set<String> = ["accounts", "regions", "event_folders", "lookback", "from", "to"]
    /// `filters`.
    public static let filters: Set<String> = [
        "since", "until", "event_names", "event_sources", "users", "user_types", "resources", "categories",
        "read_only", "errors_only",
    ]
    /// `parallelism`.
    public static let parallelism: Set<String> = ["jobs"]
    /// `limits`.
    public static let limits: Set<String> = ["max_uncompressed_bytes", "max_decompressed_bytes", "dead_file_retries"]
    /// `verify_digests` in its mapping form.
    public static let verifyDigests: Set<String> = ["public_keys", "signatures", "deliver_unverified"]
    /// Keys every sink has.
    static let sinkCommon: Set<String> = ["type", "name"]
    /// Keys every file sink has.
    static let fileSinkCommon: Set<String> = sinkCommon.union(["path", "gzip", "max_file_bytes"])

    /// The keys of a sink of `type`.
    public static func sink(_ type: SinkType) -> Set<String> {
        switch type {
        case .ndjson: fileSinkCommon.union(["format"])
        case .cef, .leef: fileSinkCommon.union(["syslog"])
        case .ocsf: fileSinkCommon
        case .postgres: sinkCommon.union(["database", "schema", "migrate"])
        }
    }

    /// Every kind of mapping by its `$defs` name in the JSON Schema (`job` is the schema's root).
    public static var all: [String: Set<String>] {
        var result: [String: Set<String>] = [
            "job": job, "source": source, "select": select, "filters": filters, "parallelism": parallelism,
            "limits": limits, "verify_digests": verifyDigests,
        ]
        for type in SinkType.allCases { result["sink_\(type.rawValue)"] = sink(type) }
        return result
    }
}
