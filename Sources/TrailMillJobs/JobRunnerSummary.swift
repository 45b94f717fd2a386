import Foundation
public import TrailMillPOSIX
public import TrailMillPipeline

/// The machine-readable account of one `trailmill run` (written atomically to the job's `summary` path and to
/// `--summary-json`, and kept in the state's runs table). Every listed file is counted once: processed this run
/// (done, skipped or dead), already done earlier, permanently dead, or not reached (the run was stopped).
public struct JobRunSummary: Codable, Sendable {
    /// File counts.
    public struct Files: Codable, Sendable, Hashable {
        /// Event files listed in the selection.
        public var listed = 0
        /// Files this run set out to process (new, retried, changed).
        public var toProcess = 0
        /// Files done by an earlier run (not read again).
        public var alreadyDone = 0
        /// Files done by this run.
        public var done = 0
        /// Files skipped by this run (retried next run).
        public var skipped = 0
        /// Files dead in this run, including those found changed since they were done.
        public var dead = 0
        /// Dead files with no attempts left: listed, not retried.
        public var permanentlyDead = 0
        /// Files not reached because the run was stopped; the next run takes them.
        public var notReached = 0
        /// Files decoded: each at most once, however many sinks take it.
        public var decoded = 0

        enum CodingKeys: String, CodingKey {
            case listed, done, skipped, dead, decoded
            case toProcess = "to_process", alreadyDone = "already_done", permanentlyDead = "permanently_dead"
            case notReached = "not_reached"
        }
    }

    /// A dead file.
    public struct DeadFile: Codable, Sendable, Hashable {
        /// Path relative to the archive root.
        public var file: String
        /// Why.
        public var reason: String
        /// Failed attempts so far.
        public var attempts: Int
        /// No attempts left: later runs do not retry it.
        public var permanent: Bool
    }

    /// An output file published by this run.
    public struct Output: Codable, Sendable, Hashable {
        public var sink: String
        public var path: String
        public var events: Int
        public var bytes: Int
        public var sha256: String
    }

    /// What one sink did this run.
    public struct Sink: Codable, Sendable {
        public var name: String
        public var type: String
        public var summary: RunSummary
        /// Why the sink stopped taking files, when it failed (the other sinks carried on).
        public var failure: String?
    }

    /// What the run found left over by a crashed run and repaired first.
    public struct Recovery: Codable, Sendable, Hashable {
        /// Publications completed (outputs were in place or finished renaming).
        public var rolledForward = 0
        /// Publications dropped (an output was missing); their files are processed again.
        public var discarded = 0
        /// Staging directories of crashed runs removed.
        public var stagingRemoved = 0

        enum CodingKeys: String, CodingKey {
            case discarded
            case rolledForward = "rolled_forward", stagingRemoved = "staging_removed"
        }
    }

    public var job = ""
    /// The state's run id (0 for a dry run).
    public var runID: Int64 = 0
    public var dryRun = false
    /// First and last delivery date read (`YYYY-MM-DD`).
    public var deliveryFrom = ""
    public var deliveryTo = ""
    public var files = Files()
    /// Compressed bytes of the files to process.
    public var bytesToProcess = 0
    /// Event counts of the first sink (each sink's own are in `sinks`).
    public var events = RunSummary.Events()
    public var dead: [DeadFile] = []
    public var skipped: [RunSummary.FileReason] = []
    public var outputs: [Output] = []
    public var sinks: [Sink] = []
    public var recovery = Recovery()
    /// Stopped by SIGINT/SIGTERM.
    public var interrupted = false
    /// Why the run failed as a whole, when it did.
    public var failure: String?
    public var seconds = 0.0
    /// How the run ended; setting it sets ``exitStatus``.
    public var verdict: RunVerdict = .complete { didSet { exitStatus = verdict.exitStatus } }
    /// The process exit status of ``verdict``.
    public private(set) var exitStatus: Int32 = 0
    public var schemaVersion = 1

    enum CodingKeys: String, CodingKey {
        case job, files, events, dead, skipped, outputs, sinks, recovery, interrupted, failure, seconds, verdict
        case runID = "run_id", dryRun = "dry_run", deliveryFrom = "delivery_from", deliveryTo = "delivery_to"
        case bytesToProcess = "bytes_to_process", exitStatus = "exit_status", schemaVersion = "schema_version"
    }

    /// Creates an empty summary.
    public init() {}

    /// One line for humans (stderr).
    public var oneLine: String {
        var text = "job \(job): files: \(files.listed) listed, \(files.done) done, \(files.alreadyDone) already done, "
            + "\(files.skipped) skipped, \(files.dead + files.permanentlyDead) dead"
        if files.notReached > 0 { text += ", \(files.notReached) not reached" }
        text += "; events: \(events.read) read, \(events.written) written, \(events.duplicates) duplicates; "
            + "\(outputs.count) output files; \(String(format: "%.2f", seconds)) s"
        if interrupted { text += " (stopped by a signal; run again to resume)" }
        return text
    }

    /// The summary as JSON (`pretty` for files, compact for the state).
    public func json(pretty: Bool) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys]
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Writes the summary as JSON to `path`: a regular file atomically (temporary file, then rename); a special
    /// file (`/dev/stdout`, a FIFO, a symbolic link) in place, never replaced.
    public func write(to path: String) throws(SystemCallError) {
        try FileSystem.writeWhole(Array((json(pretty: true) + "\n").utf8), to: path)
    }
}
