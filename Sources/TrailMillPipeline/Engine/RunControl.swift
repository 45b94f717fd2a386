import Synchronization

/// How a run executes, whatever it reads and wherever it writes.
public struct RunControl: Sendable {
    /// Parallel decoders (files in flight).
    public var jobs = 1
    /// Per-file limit on decompressed bytes (gzip bomb guard).
    public var maxDecompressedBytes = 2 << 30
    /// A file's encoded lines are held until the whole file has decoded; past this many bytes they move to an
    /// anonymous temporary file in `spillDirectory`, so memory stays bounded for very large log files.
    public var spillThresholdBytes = 64 << 20
    /// Where spill files go (empty = the system's temporary directory).
    public var spillDirectory = ""
    /// Checked before each file: once cancelled, the run takes no new file, commits what the sinks hold and
    /// returns, marked interrupted.
    public var cancellation: RunCancellation?
    /// Sinks checkpoint (publish, commit) after about this many compressed input bytes and at most this many
    /// files, so a crash or a stop loses at most that much work; nil = once, at the end of the run.
    public var checkpointEvery: (bytes: Int, files: Int)?
    /// Called on the sequencing thread at points of the run (fault-injection tests).
    public var observer: (@Sendable (RunEvent) -> Void)?

    /// The defaults: one decoder, no cancellation, one checkpoint at the end.
    public init() {}
}

/// A stop request shared between a signal handler and a run: set once, checked between files.
public final class RunCancellation: Sendable {
    private let flag = Atomic<Bool>(false)

    /// Creates a token that is not cancelled.
    public init() {}

    /// Asks the runs holding this token to stop after the file in hand.
    public func cancel() { flag.store(true, ordering: .relaxed) }

    /// Whether ``cancel()`` was called.
    public var isCancelled: Bool { flag.load(ordering: .relaxed) }
}

/// A point in a run's life, for ``RunControl/observer``.
public enum RunEvent: Sendable, Hashable {
    /// The sequencer consumed file `index` (0-based) of the run's list and handed it to the sinks.
    case fileConsumed(index: Int)
    /// The first output line of the run was handed to a file sink (the output is not finished yet).
    case firstLineWritten
    /// A database sink's batch COPY is open and its rows are about to be sent (batches are numbered from 1 per
    /// sink; a retry counts as a new batch).
    case copying(batch: Int)
    /// A database sink's batch transaction committed.
    case committed(batch: Int)
}
