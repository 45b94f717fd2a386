public import TrailMillArchive
public import TrailMillDedupe
public import TrailMillNormalize

/// A destination of a run's events: NDJSON/CEF/LEEF files, PostgreSQL rows, and later alerts and insights.
///
/// The engine decodes every file once, whatever the number of sinks, and offers each sink, in path order, every
/// decoded file the sink admitted, with the records the dedupe stage gave it. The contract, per file:
/// - ``consume(_:)`` takes the file's records. `.committed` means the sink now holds them for the rest of the run
///   (a file sink wrote its lines); `.pending` means they wait in a batch that ``flush()`` commits or rejects as
///   a whole.
/// - A record's event counts as delivered to this sink only once its file is committed; until then the key is
///   only claimed, and a rejected or unflushed file's claims are released, so a later copy of the event (in
///   another file) is delivered instead.
/// - ``checkpoint()`` makes everything committed so far durable (files published, transactions committed, job
///   state recorded). The engine calls it after about ``RunControl/checkpointEvery`` input, and at the end.
/// - A thrown ``SinkFailure`` means the sink can take nothing more (disk full, database gone): its uncommitted
///   files are released, and it is left out of the rest of the run; other sinks carry on.
///
/// Sinks are used from the sequencing thread only.
public protocol EventSink: AnyObject {
    /// The sink's name in summaries and messages.
    var name: String { get }
    /// What each record becomes for this sink.
    var encoding: any EventEncoding { get }
    /// Whether the sink needs each file's SHA-256 (``SinkFile/contentSHA256``).
    var needsContentDigest: Bool { get }
    /// Before anything is decoded: this sink's verdict on each listed file, in order.
    func admit(_ files: [TrailFile]) throws(SinkFailure) -> [SinkAdmission]
    /// Event keys this sink holds from earlier runs (dropped as duplicates for it).
    func deliveredBefore() throws(SinkFailure) -> [EventKey]
    /// Takes one decoded file's records.
    func consume(_ file: SinkFile) throws(SinkFailure) -> SinkReceipt
    /// Whether pending files should be committed now.
    var wantsFlush: Bool { get }
    /// Whether a commit is already durable (a database transaction), so committed files are done at once rather
    /// than at the next checkpoint.
    var commitIsDurable: Bool { get }
    /// Commits every pending file as one unit, or rejects them all (the engine then offers them again one by one,
    /// so only the offending file ends dead).
    func flush() throws(SinkFailure) -> FlushResult
    /// Makes everything committed so far durable.
    func checkpoint() throws(SinkFailure)
    /// The run is over for this sink (failed or stopped): discard what is neither committed nor durable.
    func abandon()
    /// What the sink did, for the run summary.
    func report() -> SinkReport
}

extension EventSink {
    public var needsContentDigest: Bool { false }
    public func deliveredBefore() throws(SinkFailure) -> [EventKey] { [] }
    public var wantsFlush: Bool { false }
    public var commitIsDurable: Bool { false }
    public func flush() throws(SinkFailure) -> FlushResult { .committed }
}

/// A sink's verdict on a listed file before decoding.
public enum SinkAdmission: Sendable, Hashable {
    /// Decode it and offer it to the sink.
    case take
    /// The sink holds it already (its events are delivered), with the reason; counts as done for the sink.
    case alreadyDelivered(reason: String)
    /// The sink will not take it, with the reason (e.g. changed since it was loaded); counts as dead for the sink.
    case refuse(reason: String)
}

/// What ``EventSink/consume(_:)`` did with a file.
public enum SinkReceipt: Sendable, Hashable {
    /// The sink holds the records now.
    case committed
    /// The records wait in a batch for ``EventSink/flush()``.
    case pending
}

/// What ``EventSink/flush()`` did with the pending files.
public enum FlushResult: Sendable, Hashable {
    /// Every pending file is committed.
    case committed
    /// None is committed: the target refused the batch for this reason (not a lost connection).
    case rejected(reason: String)
}

/// A failure after which a sink takes nothing more: the same shape as a whole run's failure (a single-sink
/// command's run fails with its sink's failure as is).
public typealias SinkFailure = RunFailure

/// What a sink reports at the end of a run.
public struct SinkReport: Sendable {
    /// Events stored by the target (for a database: rows inserted, which excludes events it already held).
    public var eventsWritten = 0
    /// Events the target already held from before (a database's stored duplicates); part of the duplicates.
    public var duplicatesInTarget = 0
    /// Uncompressed bytes written.
    public var bytesWritten = 0
    /// Output files published.
    public var outputs: [RunSummary.Output] = []
    /// PostgreSQL figures.
    public var database: RunSummary.Database?

    /// An empty report.
    public init() {}
}

/// One decoded file as a sink receives it: the file, its facts, and the records this sink takes with their lines.
///
/// Valid until the sink commits or the engine releases it (for a pending file: until the next ``EventSink/flush()``).
public final class SinkFile {
    /// The file.
    public let file: TrailFile
    /// Position of the file in the run's list.
    public let index: Int
    /// Records read from the file.
    public let eventsRead: Int
    /// Records the filters dropped.
    public let eventsFiltered: Int
    /// Records of the file that passed the filters (the engine's record numbering).
    public let recordCount: Int
    /// SHA-256 of the file as stored (when ``EventSink/needsContentDigest``).
    public let contentSHA256: String?
    /// What this sink's encoder reported about the file.
    public let note: (any Sendable)?
    /// Records this sink takes.
    public let taken: Int
    /// Records dropped for this sink as duplicates (held before, or an earlier copy in this run).
    public let duplicates: Int
    /// Records dropped for every sink as conflicting copies.
    public let conflicts: Int

    let lines: LineBatch?
    let records: [DedupeRecord]
    let eventDays: [Int32]
    let sinkIndex: Int
    let claim: DedupeStage.Claim

    init(
        file: TrailFile, index: Int, eventsRead: Int, eventsFiltered: Int, contentSHA256: String?,
        note: (any Sendable)?, lines: LineBatch?, records: [DedupeRecord], eventDays: [Int32], sinkIndex: Int,
        claim: DedupeStage.Claim
    ) {
        self.file = file
        self.index = index
        self.eventsRead = eventsRead
        self.eventsFiltered = eventsFiltered
        recordCount = records.count
        self.contentSHA256 = contentSHA256
        self.note = note
        self.lines = lines
        self.records = records
        self.eventDays = eventDays
        self.sinkIndex = sinkIndex
        self.claim = claim
        taken = claim.count(for: sinkIndex)
        duplicates = claim.duplicates[sinkIndex]
        conflicts = claim.conflicts
    }

    /// Sink `sinkIndex`'s view of a decoded file, whose lines for that sink's encoding are in `slot`.
    convenience init(
        file: TrailFile, index: Int, decoded: DecodedFile, slot: Int, sinkIndex: Int, claim: DedupeStage.Claim
    ) {
        self.init(
            file: file, index: index, eventsRead: decoded.eventsRead, eventsFiltered: decoded.eventsFiltered,
            contentSHA256: decoded.contentSHA256, note: decoded.notes.indices.contains(slot) ? decoded.notes[slot] : nil,
            lines: decoded.lines.indices.contains(slot) ? decoded.lines[slot] : nil, records: decoded.records,
            eventDays: decoded.eventDays, sinkIndex: sinkIndex, claim: claim)
    }

    /// Whether this sink takes record `number`.
    @inline(__always)
    public func takes(_ number: Int) -> Bool { claim.takenBy[number].contains(sink: sinkIndex) }

    /// Bytes of this sink's lines for the file (all records, taken or not).
    public var lineBytes: Int { lines?.totalBytes ?? 0 }

    /// Calls `body` with each taken record's number and line, in order.
    ///
    /// - Warning: Do not escape the pointer from the closure.
    public func forEachTakenLine<E: Error>(
        _ body: (Int, UnsafeRawBufferPointer) throws(E) -> Void
    ) throws(SinkFileError<E>) {
        guard let lines else { return }
        do {
            try lines.forEachLine(where: takes, body)
        } catch {
            switch error {
            case .spill(let spill): throw .spill(spill.message)
            case .body(let failure): throw .body(failure)
            }
        }
    }

    /// Key (nil without one) and UTC event day (days since 1970) of each taken record, in order.
    public func takenEvents() -> [(key: EventKey?, eventDay: Int32)] {
        records.indices.filter(takes).map { (records[$0].key, eventDays[$0]) }
    }

    /// The distinct UTC days (days since 1970) of the taken records.
    public var takenDays: Set<Int> {
        var days = Set<Int>()
        for number in records.indices where takes(number) { days.insert(Int(eventDays[number])) }
        return days
    }
}

@available(*, unavailable)
extension SinkFile: Sendable {}

/// Why ``SinkFile/forEachTakenLine(_:)`` stopped early.
public enum SinkFileError<Body: Error>: Error {
    /// Reading spilled lines back failed.
    case spill(String)
    /// The caller's body threw.
    case body(Body)
}
