import Dispatch
public import Logging
import Synchronization
import TrailMillArchive
import TrailMillDecoding
public import TrailMillDedupe
import TrailMillSinks

/// One `trailmill export`: discovery → parallel decode/normalize/filter/encode → in-order dedupe → NDJSON files.
///
/// Files are decoded by `jobs` Dispatch workers, at most `2 × jobs` files ahead of the writer, so memory stays flat
/// however large the archive is. A single sequencer consumes the results in path order, which makes the output
/// (and which copy of a duplicate is kept) identical for every `jobs` value.
public struct ExportRun: Sendable {
    /// What to do.
    public var options: ExportOptions
    /// Where to log (warnings for dead files and conflicts; debug per file).
    public var logger: Logger
    /// Draw a progress bar on stderr when it is a terminal.
    public var showProgress: Bool

    /// Creates a run.
    public init(options: ExportOptions, logger: Logger, showProgress: Bool = false) {
        self.options = options
        self.logger = logger
        self.showProgress = showProgress
    }

    /// A failure that stops the whole run (the archive root is unreadable, or output cannot be written).
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// What went wrong.
        public var message: String
        public var description: String { message }
    }

    /// What a run did, beyond its summary (for the job runner).
    public struct Outcome: Sendable {
        /// The run's account.
        public var summary: RunSummary
        /// Files decoded and consumed, in order (done, skipped or dead by their content); files the run did not
        /// reach (after a cancellation) or that the digest gate held back are not in it.
        public var consumed: [String] = []
        /// Key and event day (midnight UTC, ms) of every event written, when `collectDeliveredKeys` is set.
        public var delivered: [DeliveredEvent] = []
        /// The run stopped early because its ``ExportOptions/cancellation`` was set.
        public var interrupted = false
        /// The output files, in order.
        public var published: [PublishedOutput] = []
    }

    /// An event an export wrote: its dedupe key and the UTC day of its event time (as midnight, ms).
    public struct DeliveredEvent: Sendable, Hashable {
        /// The dedupe key.
        public var key: EventKey
        /// Midnight UTC of the event's day, in ms since 1970.
        public var eventDayMillis: Int64
    }

    /// A published output file.
    public struct PublishedOutput: Sendable, Hashable {
        /// Absolute path.
        public var path: String
        /// Lines (events) in it.
        public var events: Int
        /// Uncompressed bytes of content.
        public var bytes: Int
    }

    /// Runs the export and returns its summary. Per-file problems never throw: they are counted in the summary.
    public func run() throws(Failure) -> RunSummary {
        try execute().summary
    }

    /// Runs the export and returns what it did. Per-file problems never throw: they are counted in the summary.
    public func execute() throws(Failure) -> Outcome {
        let clock = ContinuousClock()
        let started = clock.now
        var summary = RunSummary()
        summary.format = options.format.rawValue

        let files: [TrailFile]
        do throws(RunInputs.Failure) {
            files = try RunInputs.eventFiles(options: options, summary: &summary, logger: logger)
        } catch {
            throw Failure(message: error.message)
        }

        var outputOptions = OutputFileOptions(
            directory: options.outputDirectory, baseName: options.outputStem, fileExtension: options.format.fileExtension)
        outputOptions.gzip = options.gzip
        outputOptions.maxBytesPerFile = options.maxBytesPerOutputFile
        let writer: RotatingFileWriter
        do { writer = try RotatingFileWriter(options: outputOptions) } catch {
            throw Failure(message: "cannot write output: \(error)")
        }

        let processor = FileProcessor(
            encoding: .line(options.format, options.syslog), filter: options.filter, maxDecompressedBytes: options.maxDecompressedBytes,
            spillThreshold: options.spillThresholdBytes, spillDirectory: options.outputDirectory)
        let pool = WorkerPool(files: files, processor: processor, jobs: max(1, options.jobs))
        let progress = ProgressReporter(
            totalFiles: files.count, totalBytes: files.reduce(0) { $0 + $1.size }, enabled: showProgress)
        // CloudTrail files hold roughly one event per 150–200 compressed bytes; the table grows if this is short.
        var table = DedupeTable(expected: max(1 << 16, files.reduce(0) { $0 + $1.size } / 160))
        var sinkFailure: SinkError?
        var outcome = Outcome(summary: RunSummary())
        var collector = DeliveryCollector(
            alreadyDelivered: options.alreadyDelivered, collect: options.collectDeliveredKeys,
            observer: options.observer)

        pool.start()
        for index in files.indices {
            if options.cancellation?.isCancelled == true {
                outcome.interrupted = true
                logger.info("stopping: no new files", metadata: ["files.consumed": "\(index)"])
                break
            }
            let result = pool.result(at: index)
            let path = files[index].relativePath
            summary.bytes.compressed += result.compressedBytes
            summary.bytes.decompressed += result.decompressedBytes
            switch result.status {
            case .skipped(let reason):
                summary.markSkipped(path, reason: reason)
                logger.debug("file skipped", metadata: ["file.key": "\(path)", "reason": "\(reason)"])
            case .dead(let reason):
                summary.markDead(path, reason: reason, logger: logger)
            case .done:
                summary.files.done += 1
                summary.events.read += result.eventsRead
                summary.events.filtered += result.eventsFiltered
                if sinkFailure == nil {
                    sinkFailure = deliver(
                        result, from: path, table: &table, collector: &collector, writer: writer, summary: &summary)
                    if sinkFailure != nil { pool.cancel() }
                }
            }
            pool.release(result.lines)
            outcome.consumed.append(path)
            options.observer?(.fileConsumed(index: index))
            progress.update(
                files: index + 1, events: summary.events.read, compressedBytes: summary.bytes.compressed,
                decompressedBytes: summary.bytes.decompressed)
            if sinkFailure != nil { break }
        }
        pool.waitUntilStopped()
        progress.finish()
        if let sinkFailure {
            writer.abandon()
            throw Failure(message: "cannot write output: \(sinkFailure)")
        }
        do {
            for file in try writer.finish() {
                summary.outputs.append(.init(path: file.path, events: file.lines, bytes: file.bytes))
                outcome.published.append(.init(path: file.path, events: file.lines, bytes: file.bytes))
            }
        } catch {
            throw Failure(message: "cannot write output: \(error)")
        }
        summary.skipped.sort { $0.file.utf8.lexicographicallyPrecedes($1.file.utf8) }
        summary.dead.sort { $0.file.utf8.lexicographicallyPrecedes($1.file.utf8) }
        summary.dedupeKeys = table.count
        summary.dedupeTableBytes = table.storageBytes
        summary.exitStatus = summary.files.dead > 0 ? 1 : 0
        summary.seconds = (clock.now - started) / .seconds(1)
        if outcome.interrupted { summary.interrupted = true }
        outcome.summary = summary
        outcome.delivered = collector.delivered
        return outcome
    }

    /// Deduplicates one file's records against everything delivered so far and writes the new ones.
    /// Returns the output failure that must stop the run, if any.
    private func deliver(
        _ result: FileResult, from path: String, table: inout DedupeTable, collector: inout DeliveryCollector,
        writer: RotatingFileWriter, summary: inout RunSummary
    ) -> SinkError? {
        guard let batch = result.lines else { return nil }
        var sinkFailure: SinkError?
        do throws(SpillError) {
            try batch.forEachLine(result.records) { recordNumber, line in
                guard sinkFailure == nil else { return }
                let entry = result.records[recordNumber]
                if let key = entry.key {
                    if collector.wasDeliveredBefore(key) {
                        summary.events.duplicates += 1
                        return
                    }
                    switch table.insert(key, contentHash: entry.contentHash) {
                    case .new: break
                    case .duplicate:
                        summary.events.duplicates += 1
                        return
                    case .conflict:
                        summary.events.conflicts += 1
                        if summary.events.conflicts <= 20 {
                            logger.warning(
                                "same eventID and recipient account as an earlier event, different content; kept the first",
                                metadata: ["file.key": "\(path)", "record.kept_out": "\(recordNumber)"])
                        }
                        return
                    }
                }
                do throws(SinkError) { try writer.writeLine(line) } catch {
                    sinkFailure = error
                    return
                }
                summary.events.written += 1
                summary.bytes.written += line.count
                collector.wrote(entry)
            }
        } catch {
            return SinkError(path: path, operation: "read back spilled lines", message: error.description)
        }
        batch.reset()
        return sinkFailure
    }
}

/// Cross-run dedupe and delivery bookkeeping for the job runner; does nothing for a plain `trailmill export`.
private struct DeliveryCollector {
    let alreadyDelivered: Set<EventKey>
    let collect: Bool
    let observer: (@Sendable (ExportEvent) -> Void)?
    var delivered: [ExportRun.DeliveredEvent] = []
    private var announced = false

    init(alreadyDelivered: Set<EventKey>, collect: Bool, observer: (@Sendable (ExportEvent) -> Void)?) {
        self.alreadyDelivered = alreadyDelivered
        self.collect = collect
        self.observer = observer
    }

    /// Whether an earlier run delivered `key`.
    @inline(__always)
    func wasDeliveredBefore(_ key: EventKey) -> Bool {
        !alreadyDelivered.isEmpty && alreadyDelivered.contains(key)
    }

    /// Notes a written event.
    @inline(__always)
    mutating func wrote(_ entry: RecordEntry) {
        if collect, let key = entry.key {
            delivered.append(.init(key: key, eventDayMillis: Int64(entry.eventDay) * 86_400_000))
        }
        if !announced, let observer {
            announced = true
            observer(.firstLineWritten)
        }
    }
}

/// Decodes files on `jobs` Dispatch workers, at most `2 × jobs` files ahead of the consumer, and hands results
/// out in file order.
final class WorkerPool: Sendable {
    private let files: [TrailFile]
    private let processor: FileProcessor
    private let jobs: Int
    private let next = Atomic<Int>(0)
    private let cancelled = Atomic<Bool>(false)
    private let results = Mutex<[Int: FileResult]>([:])
    /// Line buffers not in use; at most `2 × jobs + jobs` ever exist.
    private let batches = Mutex<[LineBatch]>([])
    /// Signalled once per finished file.
    private let finished = DispatchSemaphore(value: 0)
    /// Bounds how far workers run ahead of the consumer.
    private let window: DispatchSemaphore
    private let group = DispatchGroup()

    init(files: [TrailFile], processor: FileProcessor, jobs: Int) {
        self.files = files
        self.processor = processor
        self.jobs = jobs
        window = DispatchSemaphore(value: 2 * jobs)
    }

    func start() {
        DispatchQueue.global().async(group: group) { [self] in
            DispatchQueue.concurrentPerform(iterations: jobs) { _ in work(scratch: FileProcessor.Scratch()) }
        }
    }

    private func work(scratch: FileProcessor.Scratch) {
        while true {
            window.wait()
            let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
            guard index < files.count, !cancelled.load(ordering: .relaxed) else {
                window.signal()
                return
            }
            let batch = batches.withLock { $0.popLast() } ?? LineBatch()
            let result = processor.process(files[index], batch: batch, scratch: scratch)
            if result.lines == nil { batches.withLock { $0.append(batch) } }
            results.withLock { $0[index] = result }
            finished.signal()
        }
    }

    /// Blocks until file `index` is done and takes its result. Indices must be asked for in order.
    func result(at index: Int) -> FileResult {
        while true {
            if let result = results.withLock({ $0.removeValue(forKey: index) }) { return result }
            finished.wait()
        }
    }

    /// Returns a consumed result's line buffer to the pool and lets workers take one more file (call once per
    /// consumed result).
    func release(_ batch: LineBatch?) {
        recycle(batch)
        advance()
    }

    /// Lets workers take one more file; for a consumer that keeps the result's lines a while (call once per
    /// consumed result, then `recycle` the lines when done with them).
    func advance() { window.signal() }

    /// Returns a line buffer to the pool for reuse.
    func recycle(_ batch: LineBatch?) {
        if let batch { batches.withLock { $0.append(batch) } }
    }

    /// Stops workers from taking new files, waking any that wait for room in the window.
    func cancel() {
        cancelled.store(true, ordering: .relaxed)
        for _ in 0..<jobs { window.signal() }
    }

    /// Waits for every worker to return (after the last file, or after `cancel`).
    func waitUntilStopped() {
        cancel()
        group.wait()
        // Results never consumed (the run stopped early) still hold their window slots; give them back, since
        // libdispatch traps when a semaphore is freed below its initial value.
        let unconsumed = results.withLock { pending in
            defer { pending.removeAll() }
            return pending.count
        }
        for _ in 0..<unconsumed { window.signal() }
    }
}
