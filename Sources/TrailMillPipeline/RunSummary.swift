import Foundation
import Logging
public import TrailMillPOSIX

/// The machine-readable account of a run (`--summary-json`). Every input file is counted once as done, skipped
/// or dead, and every skipped or dead file is listed with its reason.
public struct RunSummary: Codable, Sendable {
    /// File counts.
    public struct Files: Codable, Sendable, Hashable {
        public var done = 0
        public var skipped = 0
        public var dead = 0
        /// Files decoded: each at most once per run, however many sinks take it (not a verdict: a decoded file is
        /// also done, skipped or dead).
        public var decoded = 0

        /// Zero counts.
        public init() {}
    }

    /// Event counts. `read` = `written` + `duplicates` + `conflicts` + `filtered`.
    public struct Events: Codable, Sendable, Hashable {
        public var read = 0
        public var written = 0
        public var duplicates = 0
        public var conflicts = 0
        public var filtered = 0

        /// Zero counts.
        public init() {}
    }

    /// Byte counts.
    public struct Bytes: Codable, Sendable, Hashable {
        /// Bytes read from disk.
        public var compressed = 0
        /// Bytes after decompression.
        public var decompressed = 0
        /// Uncompressed bytes written to outputs.
        public var written = 0
    }

    /// A skipped or dead file.
    public struct FileReason: Codable, Sendable, Hashable {
        /// Path relative to the source.
        public var file: String
        /// Why.
        public var reason: String

        /// Creates a value.
        public init(file: String, reason: String) {
            self.file = file
            self.reason = reason
        }
    }

    /// An output file.
    public struct Output: Codable, Sendable, Hashable {
        public var path: String
        public var events: Int
        public var bytes: Int

        /// Creates a value.
        public init(path: String, events: Int, bytes: Int) {
            self.path = path
            self.events = events
            self.bytes = bytes
        }
    }

    /// What a `trailmill load` did in PostgreSQL (absent for exports).
    public struct Database: Codable, Sendable, Hashable {
        /// The target schema.
        public var schema = ""
        /// The `load_runs.run_id` of this run.
        public var runID: Int64 = 0
        /// Files skipped because `loaded_files` already records them (included in `files.skipped`).
        public var filesAlreadyLoaded = 0
        /// Events that were already in the table from an earlier run (included in `events.duplicates`).
        public var duplicatesInDatabase = 0
        /// Transactions committed.
        public var batches = 0
        /// Daily partitions created.
        public var partitionsCreated = 0
        /// Reconnections after a lost connection.
        public var reconnects = 0
        /// U+0000 stored as U+FFFD.
        public var replacedNUL = 0
        /// Unpaired surrogate escapes stored as U+FFFD.
        public var replacedLoneSurrogates = 0
        /// JSON numbers out of `numeric`'s range, stored as JSON strings.
        public var hugeNumbersAsStrings = 0

        enum CodingKeys: String, CodingKey {
            case schema, batches, reconnects
            case runID = "run_id", filesAlreadyLoaded = "files_already_loaded"
            case duplicatesInDatabase = "duplicates_in_database", partitionsCreated = "partitions_created"
            case replacedNUL = "replaced_nul", replacedLoneSurrogates = "replaced_lone_surrogates"
            case hugeNumbersAsStrings = "huge_numbers_as_strings"
        }
    }

    public var files = Files()
    public var events = Events()
    public var bytes = Bytes()
    public var skipped: [FileReason] = []
    public var dead: [FileReason] = []
    public var outputs: [Output] = []
    /// PostgreSQL figures of a load.
    public var database: Database?
    /// Wall-clock duration.
    public var seconds = 0.0
    /// Distinct dedupe keys held at the end, and the table's memory.
    public var dedupeKeys = 0
    public var dedupeTableBytes = 0
    /// `flat`, `raw`, `cef`, `leef`, or `postgres` for a load.
    public var format = ""
    public var schemaVersion = 1
    /// How the run ended; setting it sets ``exitStatus``.
    public var verdict: RunVerdict = .complete { didSet { exitStatus = Int(verdict.exitStatus) } }
    /// The process exit status of ``verdict`` (see ``RunVerdict/exitStatus``).
    public private(set) var exitStatus = 0
    /// Set when the run stopped early on a cancellation (SIGINT/SIGTERM in `trailmill run`); absent otherwise.
    public var interrupted: Bool?
    /// Why the run failed as a whole (the output could not be written, the database was lost, the archive could
    /// not be read); absent when it finished. Set together with ``verdict`` `.failed`.
    public var failure: String?

    enum CodingKeys: String, CodingKey {
        case files, events, bytes, skipped, dead, outputs, seconds, format, database, interrupted, verdict, failure
        case dedupeKeys = "dedupe_keys", dedupeTableBytes = "dedupe_table_bytes", schemaVersion = "schema_version"
        case exitStatus = "exit_status"
    }

    /// Creates an empty summary.
    public init() {}

    /// One line for humans.
    public var oneLine: String {
        let rate = seconds > 0 ? Int(Double(events.read) / seconds) : 0
        var line = "files: \(files.done) done, \(files.skipped) skipped, \(files.dead) dead; events: \(events.read) read, "
            + "\(events.written) written, \(events.duplicates) duplicates, \(events.conflicts) conflicts, "
            + "\(events.filtered) filtered; \(String(format: "%.2f", seconds)) s (\(rate) events/s)"
        if let database {
            line += "; PostgreSQL \"\(database.schema)\" run \(database.runID): \(database.filesAlreadyLoaded) files "
                + "already loaded, \(database.duplicatesInDatabase) events already stored"
            if database.reconnects > 0 { line += ", \(database.reconnects) reconnects" }
            let replaced = database.replacedNUL + database.replacedLoneSurrogates + database.hugeNumbersAsStrings
            if replaced > 0 { line += ", \(replaced) values stored per the U+FFFD policy" }
        }
        return line
    }

    /// Adds `other`'s counts and lists to this summary (a job run publishes in several batches).
    public mutating func merge(_ other: RunSummary) {
        files.done += other.files.done
        files.skipped += other.files.skipped
        files.dead += other.files.dead
        files.decoded += other.files.decoded
        events.read += other.events.read
        events.written += other.events.written
        events.duplicates += other.events.duplicates
        events.conflicts += other.events.conflicts
        events.filtered += other.events.filtered
        bytes.compressed += other.bytes.compressed
        bytes.decompressed += other.bytes.decompressed
        bytes.written += other.bytes.written
        skipped += other.skipped
        dead += other.dead
        outputs += other.outputs
        if var mine = database, let theirs = other.database {
            mine.filesAlreadyLoaded += theirs.filesAlreadyLoaded
            mine.duplicatesInDatabase += theirs.duplicatesInDatabase
            mine.batches += theirs.batches
            mine.partitionsCreated += theirs.partitionsCreated
            mine.reconnects += theirs.reconnects
            mine.replacedNUL += theirs.replacedNUL
            mine.replacedLoneSurrogates += theirs.replacedLoneSurrogates
            mine.hugeNumbersAsStrings += theirs.hugeNumbersAsStrings
            database = mine
        } else if database == nil {
            database = other.database
        }
        seconds += other.seconds
        dedupeKeys = max(dedupeKeys, other.dedupeKeys)
        dedupeTableBytes = max(dedupeTableBytes, other.dedupeTableBytes)
        if format.isEmpty { format = other.format }
        if other.exitStatus > exitStatus { verdict = other.verdict }
        if other.interrupted == true { interrupted = true }
    }

    /// The summary as pretty-printed JSON, ending in a newline.
    public var jsonBytes: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Every member is a plain value: encoding cannot fail.
        return Array((try? encoder.encode(self)) ?? Data("{}".utf8)) + [UInt8(ascii: "\n")]
    }

    /// Writes the summary as JSON to `path`: a regular file atomically (temporary file, then rename); a special
    /// file (`/dev/stdout`, a FIFO, a symbolic link) in place, never replaced.
    public func write(to path: String) throws(SystemCallError) {
        try FileSystem.writeWhole(jsonBytes, to: path)
    }
}

extension RunSummary {
    /// Counts and lists a file that ends skipped.
    mutating func markSkipped(_ file: String, reason: String) {
        files.skipped += 1
        skipped.append(.init(file: file, reason: reason))
    }

    /// Counts and lists a file that ends dead, and logs it.
    mutating func markDead(_ file: String, reason: String, logger: Logger) {
        files.dead += 1
        dead.append(.init(file: file, reason: reason))
        logger.warning("file is dead", metadata: ["file.key": "\(file)", "reason": "\(reason)"])
    }
}
