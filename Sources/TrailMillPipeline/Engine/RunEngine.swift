import Foundation
public import Logging
public import TrailMillArchive
import TrailMillDedupe
import TrailMillNormalize

/// The one run engine behind every command and job: a source lists objects → decode workers decode and normalize
/// each file once, encoding it once per distinct encoding → one ordered stage dedupes → every sink consumes the
/// same events, each with its own commit, abort and bookkeeping (see ``EventSink``).
///
/// Files are decoded by ``RunControl/jobs`` Dispatch workers, a bounded window ahead of the sequencer, so memory
/// stays flat however large the archive is. The sequencer consumes results in path order, which makes every
/// output (and which copy of a duplicate each sink keeps) identical for every `jobs` value.
public struct RunEngine {
    /// What to read.
    public var input: InputSelection
    /// How to run.
    public var control: RunControl
    /// Where events go (at most ``DedupeTable/maxSinks``).
    public var sinks: [any EventSink]
    /// Where to log.
    public var logger: Logger
    /// Draw a progress bar on stderr when it is a terminal.
    public var showProgress = false
    /// Files decoded ahead of the sequencer beyond `2 × jobs` (a database sink wants the next batch decoded
    /// while the server takes the current one).
    public var extraWindow = 0

    /// Creates an engine.
    public init(input: InputSelection, control: RunControl, sinks: [any EventSink], logger: Logger) {
        self.input = input
        self.control = control
        self.sinks = sinks
        self.logger = logger
    }

    /// Runs, returning what happened per file and per sink. Per-file and per-sink problems never throw: a sink
    /// that fails is reported in its ``SinkOutcome/failure`` while the others carry on.
    public func run() throws(RunFailure) -> RunOutcome {
        precondition(sinks.count <= DedupeTable.maxSinks, "at most \(DedupeTable.maxSinks) sinks per run")
        let clock = ContinuousClock()
        let started = clock.now
        var common = RunSummary()
        let files = try RunInputs.eventFiles(input, concurrency: max(1, control.jobs), summary: &common, logger: logger)
        var sequencer = Sequencer(engine: self, files: files, common: common)
        sequencer.admit()
        sequencer.decodeAndDeliver()
        var outcome = sequencer.outcome()
        outcome.common.seconds = (clock.now - started) / .seconds(1)
        return outcome
    }
}

/// A failure that stops a whole run before any sink gets a file (the archive root is unreadable, the digest check
/// cannot start), or, for a single-sink command, the failure of its sink.
public struct RunFailure: Error, Sendable, CustomStringConvertible {
    /// What went wrong (never a password or row data).
    public var message: String
    /// Another process holds the target's lock.
    public var isLockBusy = false
    /// The account of the run up to the failure, with ``RunSummary/failure`` set, when the run got that far.
    public var summary: RunSummary?

    /// Creates a failure.
    public init(message: String, isLockBusy: Bool = false, summary: RunSummary? = nil) {
        self.message = message
        self.isLockBusy = isLockBusy
        self.summary = summary
    }

    public var description: String { message }
}

/// What a run did.
public struct RunOutcome: Sendable {
    /// The event files the run set out to read (after discovery and the digest gate), in order.
    public var files: [TrailFile]
    /// What every sink shares: files skipped or dead before or while decoding (with reasons; a sink never gets
    /// them), byte counts, the dedupe table's size and the run's duration. Its event counts are empty: events
    /// are counted per sink.
    public var common: RunSummary
    /// Per sink, in the order given.
    public var sinks: [SinkOutcome]
    /// The run stopped early because its ``RunControl/cancellation`` was set.
    public var interrupted = false
    /// Files decoded (each at most once, whatever the number of sinks).
    public var filesDecoded = 0
    /// SHA-256 of each file done while decoding, by relative path (when a sink asked for digests).
    public var contentDigests: [String: String] = [:]

    /// The account of a single-sink run: the common verdicts plus the sink's own (its already-delivered files
    /// count as skipped, with their reasons).
    public func summary(sink index: Int) -> RunSummary {
        var summary = common
        let sink = sinks[index]
        summary.files.done = sink.done.count
        for item in sink.alreadyDelivered { summary.markSkipped(item.file, reason: item.reason) }
        for item in sink.dead {
            summary.files.dead += 1
            summary.dead.append(item)
        }
        summary.events = sink.events
        summary.bytes.written = sink.report.bytesWritten
        summary.outputs = sink.report.outputs
        summary.database = sink.report.database
        summary.files.decoded = filesDecoded
        summary.skipped.sort { $0.file.utf8.lexicographicallyPrecedes($1.file.utf8) }
        summary.dead.sort { $0.file.utf8.lexicographicallyPrecedes($1.file.utf8) }
        if interrupted { summary.interrupted = true }
        return summary
    }
}

/// What one sink did in a run. Every file the run read ends, for this sink, in exactly one of: the common skipped
/// or dead lists, `done`, `alreadyDelivered`, `dead`, or `notReached`.
public struct SinkOutcome: Sendable {
    /// The sink's name.
    public var name: String
    /// Files whose events the sink committed and made durable this run, in order.
    public var done: [String] = []
    /// Files the sink held already (admission), with the reason.
    public var alreadyDelivered: [RunSummary.FileReason] = []
    /// Files the sink refused, rejected or lost to its failure, with the reason.
    public var dead: [RunSummary.FileReason] = []
    /// Files not offered to the sink because the run stopped first.
    public var notReached: [String] = []
    /// Why the sink stopped taking files, when it did.
    public var failure: SinkFailure?
    /// Event counts over the files in `done` (read = written + duplicates + conflicts + filtered).
    public var events = RunSummary.Events()
    /// The sink's own account (outputs, database figures).
    public var report = SinkReport()
}

/// The sequencing thread's state for one run.
private struct Sequencer {
    let engine: RunEngine
    let files: [TrailFile]
    var common: RunSummary
    var stage: DedupeStage
    /// Per file: the sinks that take it.
    var wanted: [SinkSet]
    /// Sinks still taking files.
    var alive: SinkSet
    var outcomes: [SinkOutcome]
    /// Per sink: files consumed as pending, waiting for its flush.
    var pending: [[SinkFile]]
    /// Per sink: files committed since its last checkpoint.
    var awaitingCheckpoint: [[SinkFile]]
    /// Per file index: its line batches and the sinks still holding them (pending).
    var holds: [Int: (batches: [LineBatch], holders: SinkSet)] = [:]
    var interrupted = false
    var filesDecoded = 0
    var contentDigests: [String: String] = [:]
    /// The pool, while decoding.
    var pool: WorkerPool?

    init(engine: RunEngine, files: [TrailFile], common: RunSummary) {
        self.engine = engine
        self.files = files
        self.common = common
        // CloudTrail files hold roughly one event per 150–200 compressed bytes; the table grows if this is short.
        stage = DedupeStage(expectedKeys: max(1 << 16, files.reduce(0) { $0 + $1.size } / 160))
        wanted = [SinkSet](repeating: [], count: files.count)
        alive = SinkSet.first(engine.sinks.count)
        outcomes = engine.sinks.map { SinkOutcome(name: $0.name) }
        pending = Array(repeating: [], count: engine.sinks.count)
        awaitingCheckpoint = Array(repeating: [], count: engine.sinks.count)
    }

    var sinks: [any EventSink] { engine.sinks }
    var logger: Logger { engine.logger }

    // MARK: Admission

    /// Asks every sink which files it takes and which keys it holds from earlier runs.
    mutating func admit() {
        for (index, sink) in sinks.enumerated() {
            do throws(SinkFailure) {
                let verdicts = try sink.admit(files)
                precondition(verdicts.count == files.count, "sink \(sink.name) admitted \(verdicts.count) of \(files.count) files")
                for (fileIndex, verdict) in verdicts.enumerated() {
                    switch verdict {
                    case .take: wanted[fileIndex].insert(SinkSet(sink: index))
                    case .alreadyDelivered(let reason):
                        outcomes[index].alreadyDelivered.append(.init(file: files[fileIndex].relativePath, reason: reason))
                    case .refuse(let reason):
                        outcomes[index].dead.append(.init(file: files[fileIndex].relativePath, reason: reason))
                        logger.warning(
                            "file is dead", metadata: ["sink": "\(sink.name)", "file.key": "\(files[fileIndex].relativePath)", "reason": "\(reason)"])
                    }
                }
                for key in try sink.deliveredBefore() { stage.seedDelivered(key, sink: index) }
            } catch {
                fail(index, error)
            }
        }
    }

    // MARK: Decoding and delivery

    mutating func decodeAndDeliver() {
        var encodings: [any EventEncoding] = []
        var slotOfSink: [Int] = []
        for sink in sinks {
            let identity = sink.encoding.identity
            if let slot = encodings.firstIndex(where: { $0.identity == identity }) {
                slotOfSink.append(slot)
            } else {
                slotOfSink.append(encodings.count)
                encodings.append(sink.encoding)
            }
        }
        var work: [WorkerPool.Work] = []
        var fileOfWork: [Int] = []
        for (index, file) in files.enumerated() where !wanted[index].intersection(alive).isEmpty {
            var slots = [Bool](repeating: false, count: encodings.count)
            for sink in wanted[index].intersection(alive).indices { slots[slotOfSink[sink]] = true }
            work.append(WorkerPool.Work(file: file, slots: slots))
            fileOfWork.append(index)
        }
        let control = engine.control
        let processor = FileProcessor(
            source: engine.input.source, encodings: encodings, filter: engine.input.filter,
            maxDecompressedBytes: control.maxDecompressedBytes, spillThreshold: control.spillThresholdBytes,
            spillDirectory: control.spillDirectory.isEmpty ? NSTemporaryDirectory() : control.spillDirectory,
            hashFiles: sinks.contains { $0.needsContentDigest })
        let jobs = max(1, control.jobs)
        let pool = WorkerPool(work: work, processor: processor, jobs: jobs, window: 2 * jobs + engine.extraWindow)
        self.pool = pool
        let progress = ProgressReporter(
            totalFiles: work.count, totalBytes: work.reduce(0) { $0 + $1.file.size }, enabled: engine.showProgress)
        var sinceCheckpoint = (bytes: 0, files: 0)
        var eventsRead = 0
        var decodeVerdicts = Set<Int>()
        pool.start()
        var consumed = 0
        for (workIndex, fileIndex) in fileOfWork.enumerated() {
            if control.cancellation?.isCancelled == true {
                interrupted = true
                // Workers take no new file while the sinks finish: the stop waits for one file per worker at most.
                pool.cancel()
                logger.info("stopping: no new files", metadata: ["files.consumed": "\(workIndex)"])
                break
            }
            if alive.isEmpty { break }
            let decoded = pool.result(at: workIndex)
            pool.advance()
            consumed = workIndex + 1
            let path = files[fileIndex].relativePath
            common.bytes.compressed += decoded.compressedBytes
            common.bytes.decompressed += decoded.decompressedBytes
            switch decoded.status {
            case .skipped(let reason):
                common.markSkipped(path, reason: reason)
                logger.debug("file skipped", metadata: ["file.key": "\(path)", "reason": "\(reason)"])
                pool.recycle(decoded.batches)
                decodeVerdicts.insert(fileIndex)
            case .dead(let reason):
                common.markDead(path, reason: reason, logger: logger)
                pool.recycle(decoded.batches)
                decodeVerdicts.insert(fileIndex)
            case .done:
                eventsRead += decoded.eventsRead
                deliver(decoded, fileIndex: fileIndex, slotOfSink: slotOfSink)
            }
            engine.control.observer?(.fileConsumed(index: fileIndex))
            progress.update(
                files: workIndex + 1, events: eventsRead, compressedBytes: common.bytes.compressed,
                decompressedBytes: common.bytes.decompressed)
            sinceCheckpoint.bytes += files[fileIndex].size
            sinceCheckpoint.files += 1
            if let every = control.checkpointEvery, sinceCheckpoint.bytes >= every.bytes || sinceCheckpoint.files >= every.files {
                checkpointAll()
                sinceCheckpoint = (0, 0)
            }
        }
        checkpointAll()
        pool.waitUntilStopped()
        filesDecoded = pool.filesDecoded
        progress.finish()
        // Files the run did not reach because it was stopped (failed sinks account for theirs below).
        for workIndex in consumed..<fileOfWork.count {
            let fileIndex = fileOfWork[workIndex]
            for sink in wanted[fileIndex].intersection(alive).indices {
                outcomes[sink].notReached.append(files[fileIndex].relativePath)
            }
        }
        for sink in alive.indices { outcomes[sink].report = sinks[sink].report() }
        finishFailedSinks(decodeVerdicts: decodeVerdicts)
        for index in outcomes.indices {
            // Events the target already held count as duplicates, not as written.
            let stored = outcomes[index].report.duplicatesInTarget
            outcomes[index].events.written -= stored
            outcomes[index].events.duplicates += stored
        }
        self.pool = nil
    }

    /// Offers one decoded file to every sink that takes it.
    private mutating func deliver(_ decoded: DecodedFile, fileIndex: Int, slotOfSink: [Int]) {
        if let digest = decoded.contentSHA256 { contentDigests[files[fileIndex].relativePath] = digest }
        let takers = wanted[fileIndex].intersection(alive)
        let claim = stage.claim(decoded.records, for: takers)
        if claim.conflicts > 0 {
            for record in claim.conflictingRecords {
                logger.warning(
                    "same eventID and recipient account as an earlier event, different content; kept the first",
                    metadata: ["file.key": "\(files[fileIndex].relativePath)", "record.kept_out": "\(record)"])
            }
        }
        var holders = SinkSet()
        for index in takers.indices {
            let file = SinkFile(
                file: files[fileIndex], index: fileIndex, decoded: decoded, slot: slotOfSink[index], sinkIndex: index,
                claim: claim)
            let receipt: SinkReceipt
            do throws(SinkFailure) { receipt = try sinks[index].consume(file) } catch {
                stage.release(claim, records: decoded.records, sink: index)
                fail(index, error)
                continue
            }
            switch receipt {
            case .committed:
                noteCommitted([file], sink: index)
            case .pending:
                pending[index].append(file)
                holders.insert(SinkSet(sink: index))
            }
        }
        if holders.isEmpty {
            pool?.recycle(decoded.batches)
        } else {
            holds[fileIndex] = (decoded.batches, holders)
        }
        for index in holders.indices where alive.contains(sink: index) && sinks[index].wantsFlush { flush(index) }
    }

    /// Commits sink `index`'s pending files; on a rejection, offers them again one by one so only the offending
    /// file ends dead and every other file's events are delivered.
    private mutating func flush(_ index: Int) {
        let batch = pending[index]
        pending[index] = []
        guard !batch.isEmpty else { return }
        defer { for file in batch { drop(file.index, holder: index) } }
        let result: FlushResult
        do throws(SinkFailure) { result = try sinks[index].flush() } catch {
            for file in batch { stage.release(file.claim, records: file.records, sink: index) }
            fail(index, error)
            return
        }
        switch result {
        case .committed:
            noteCommitted(batch, sink: index)
        case .rejected(let reason):
            for file in batch { stage.release(file.claim, records: file.records, sink: index) }
            if batch.count == 1 {
                markDead(batch[0], sink: index, reason: reason)
                return
            }
            logger.info(
                "the target refused a batch; offering its files one at a time",
                metadata: ["sink": "\(sinks[index].name)", "files": "\(batch.count)"])
            for file in batch {
                // Claims are made again in order, so a copy of an event from a refused file is taken by a later one.
                let claim = stage.claim(file.records, for: SinkSet(sink: index))
                let retry = SinkFile(file: file, claim: claim)
                do throws(SinkFailure) {
                    let receipt = try sinks[index].consume(retry)
                    let alone = receipt == .committed ? FlushResult.committed : try sinks[index].flush()
                    switch alone {
                    case .committed:
                        noteCommitted([retry], sink: index)
                    case .rejected(let reason):
                        stage.release(claim, records: retry.records, sink: index)
                        markDead(retry, sink: index, reason: reason)
                    }
                } catch {
                    stage.release(claim, records: retry.records, sink: index)
                    fail(index, error)
                    return
                }
            }
        }
    }

    /// Flushes and checkpoints every live sink; files committed before a checkpoint are done for that sink.
    private mutating func checkpointAll() {
        for index in alive.indices {
            flush(index)
            guard alive.contains(sink: index) else { continue }
            do throws(SinkFailure) { try sinks[index].checkpoint() } catch {
                fail(index, error)
                continue
            }
            markDone(awaitingCheckpoint[index], sink: index)
            awaitingCheckpoint[index] = []
        }
    }

    /// Files sink `index` committed, now durable: done for it.
    private mutating func markDone(_ files: [SinkFile], sink index: Int) {
        for file in files {
            outcomes[index].done.append(file.file.relativePath)
            outcomes[index].events.read += file.eventsRead
            outcomes[index].events.filtered += file.eventsFiltered
            outcomes[index].events.written += file.taken
            outcomes[index].events.duplicates += file.duplicates
            outcomes[index].events.conflicts += file.conflicts
        }
    }

    /// Sink `index` committed `files`: their keys are held for good, and they wait for the next checkpoint (or are
    /// done at once when the sink's commits are durable).
    private mutating func noteCommitted(_ files: [SinkFile], sink index: Int) {
        for file in files { stage.commit(file.claim, records: file.records, sink: index) }
        if sinks[index].commitIsDurable {
            markDone(files, sink: index)
        } else {
            awaitingCheckpoint[index] += files
        }
    }

    /// Sink `index` can take nothing more: its pending claims are released and it is left out of the rest of the
    /// run. Every file it was to take and did not make durable ends dead for it (see `finishFailedSinks`).
    private mutating func fail(_ index: Int, _ failure: SinkFailure) {
        guard alive.contains(sink: index) else { return }
        alive.remove(SinkSet(sink: index))
        logger.error("sink failed", metadata: ["sink": "\(sinks[index].name)", "error": "\(failure)"])
        outcomes[index].failure = failure
        for file in pending[index] {
            stage.release(file.claim, records: file.records, sink: index)
            drop(file.index, holder: index)
        }
        awaitingCheckpoint[index] = []
        pending[index] = []
        sinks[index].abandon()
    }

    /// For every failed sink: each file it was to take that is neither done nor already dead for it (and did not
    /// end skipped or dead for every sink while decoding) is dead for it, with the failure as the reason.
    private mutating func finishFailedSinks(decodeVerdicts: Set<Int>) {
        for index in sinks.indices {
            guard let failure = outcomes[index].failure else { continue }
            let reason = "sink \(sinks[index].name) failed: \(failure.message)"
            let finished = Set(outcomes[index].done).union(outcomes[index].dead.map(\.file))
            for fileIndex in files.indices
            where wanted[fileIndex].contains(sink: index) && !decodeVerdicts.contains(fileIndex)
                && !finished.contains(files[fileIndex].relativePath)
            {
                outcomes[index].dead.append(.init(file: files[fileIndex].relativePath, reason: reason))
            }
            outcomes[index].report = sinks[index].report()
        }
    }

    private mutating func markDead(_ file: SinkFile, sink index: Int, reason: String) {
        outcomes[index].dead.append(.init(file: file.file.relativePath, reason: reason))
        logger.warning(
            "file is dead", metadata: ["sink": "\(sinks[index].name)", "file.key": "\(file.file.relativePath)", "reason": "\(reason)"])
    }

    /// Sink `holder` no longer needs file `fileIndex`'s lines; recycles them once no sink does.
    private mutating func drop(_ fileIndex: Int, holder: Int) {
        guard var hold = holds[fileIndex] else { return }
        hold.holders.remove(SinkSet(sink: holder))
        if hold.holders.isEmpty {
            holds[fileIndex] = nil
            pool?.recycle(hold.batches)
        } else {
            holds[fileIndex] = hold
        }
    }

    func outcome() -> RunOutcome {
        var outcome = RunOutcome(files: files, common: common, sinks: outcomes)
        outcome.interrupted = interrupted
        outcome.filesDecoded = filesDecoded
        outcome.contentDigests = contentDigests
        outcome.common.dedupeKeys = stage.keyCount
        outcome.common.dedupeTableBytes = stage.storageBytes
        outcome.common.files.decoded = filesDecoded
        if interrupted { outcome.common.interrupted = true }
        return outcome
    }
}

extension SinkFile {
    /// The same file with another claim (the engine's one-by-one retry after a rejected batch).
    convenience init(file other: SinkFile, claim: DedupeStage.Claim) {
        self.init(
            file: other.file, index: other.index, eventsRead: other.eventsRead, eventsFiltered: other.eventsFiltered,
            contentSHA256: other.contentSHA256, note: other.note, lines: other.lines, records: other.records,
            eventDays: other.eventDays, sinkIndex: other.sinkIndex, claim: claim)
    }
}
