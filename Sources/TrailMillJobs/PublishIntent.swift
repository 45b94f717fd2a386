/// A publication the runner is about to make: output files written under temporary names and fsynced, about to be
/// renamed into place. Recorded in the state store *before* the renames; completed (files done, outputs recorded,
/// event keys stored, in one transaction) *after* the renames and the directory fsync.
///
/// An intent covers one batch of one sink (or, from states before per-sink bookkeeping, of every sink). After a
/// crash, ``JobState/pendingIntents()`` returns the intents left behind and ``resolve(sha256Of:)``
/// says whether to roll each forward or back.
public struct PublishIntent: Sendable, Hashable {
    /// Store id (assigned by ``JobState/recordIntent(runID:outputs:files:events:nowMillis:)``).
    public var id: Int64
    /// The run that made it.
    public var runID: Int64
    /// The sink it publishes for; nil = every sink of the job.
    public var sink: String?
    /// When it was recorded (UTC ms).
    public var createdMillis: Int64
    /// The files it publishes.
    public var outputs: [Output]
    /// The input files it covers: done once it completes.
    public var files: [FileIdentity]
    /// The events it delivers: their keys join the cross-run dedupe set once it completes.
    public var events: [DeliveredEvent]

    /// Creates a value (the store creates them; tests and recovery tools may too).
    public init(
        id: Int64, runID: Int64, sink: String? = nil, createdMillis: Int64, outputs: [Output], files: [FileIdentity],
        events: [DeliveredEvent]
    ) {
        self.id = id
        self.runID = runID
        self.sink = sink
        self.createdMillis = createdMillis
        self.outputs = outputs
        self.files = files
        self.events = events
    }

    /// One output file of a publication.
    public struct Output: Sendable, Hashable {
        /// The sink's name.
        public var sink: String
        /// Final path (after the rename).
        public var path: String
        /// Temporary path it is written under, when the runner uses a deterministic one (lets a recovery finish
        /// an interrupted rename); nil otherwise.
        public var temporaryPath: String?
        /// Lowercase hex SHA-256 of the content.
        public var sha256: String
        /// Events in it.
        public var events: Int
        /// Size in bytes.
        public var bytes: Int

        /// Creates a value.
        public init(sink: String, path: String, temporaryPath: String? = nil, sha256: String, events: Int, bytes: Int) {
            self.sink = sink
            self.path = path
            self.temporaryPath = temporaryPath
            self.sha256 = sha256
            self.events = events
            self.bytes = bytes
        }
    }

    /// What to do with a pending intent after a crash.
    public enum Resolution: Sendable, Hashable {
        /// Every output is in place with its recorded hash: call ``JobState/completeIntent(_:nowMillis:)``.
        case rollForward
        /// No output is in place: delete any temporary files, then call ``JobState/discardIntent(_:)``; the files
        /// are processed again.
        case rollBack
        /// Some outputs are in place and some are not (the crash hit between renames). `pending` lists those not
        /// in place; where their temporary file still holds the recorded hash, rename it and complete the intent.
        case partial(pending: [Output])
    }

    /// Decides how to recover this intent. `sha256Of` returns the hex SHA-256 of the file at a path, or nil when
    /// there is no such file (or it cannot be read).
    public func resolve(sha256Of: (String) -> String?) -> Resolution {
        let pending = outputs.filter { sha256Of($0.path) != $0.sha256 }
        if pending.isEmpty { return .rollForward }
        if pending.count == outputs.count { return .rollBack }
        return .partial(pending: pending)
    }
}
