import Foundation
import Logging
import TrailMillArchive
import TrailMillDedupe
import TrailMillNormalize
import TrailMillPipeline
import TrailMillPOSIX
import TrailMillSinks

/// A job's NDJSON/CEF/LEEF sink: exactly-once publication across crashes, with its own bookkeeping.
///
/// Lines are written into a staging directory inside the sink's directory
/// (`<sink>/.trailmill-staging/run-<id>-<batch>-<sink>/`, same file system, so the final rename is atomic). At each
/// checkpoint, in this order:
/// 1. each staged output is hashed and a publish intent for this sink is recorded (outputs with staged and final
///    paths and SHA-256, the input files, the delivered event keys) — one SQLite commit;
/// 2. each output is renamed into place and the directory is fsynced;
/// 3. the intent is completed: the files are done *for this sink*, the outputs recorded, the keys delivered *to
///    this sink* — one SQLite commit.
///
/// A crash before 1 leaves only staging garbage (removed by the next run; the files are still new for this sink).
/// A crash between 1 and 3 leaves a pending intent that the next run rolls forward (``JobRunner/recover(state:)``).
/// Other sinks keep their own verdicts: a file published here but lost by another sink is redone only there.
final class JobFileSink: EventSink {
    let sink: FileSink
    private let state: JobState
    private let runID: Int64
    private let writer: FileOutputSink
    private let faults: FaultInjector
    private let logger: Logger
    /// Files the job already holds for every sink (done before per-sink bookkeeping, or done for the job).
    private let doneForJob: Set<String>
    /// The earliest event time whose delivered keys matter (the run's dedupe window).
    private let keyWindowStart: Int64
    private var naming: OutputNaming
    private var batch = 0
    private var stagingDirectory: String?
    /// Files and event keys committed since the last checkpoint.
    private var files: [FileIdentity] = []
    private var events: [DeliveredEvent] = []
    private var published: [RunSummary.Output] = []
    private var publishedOutputs: [PublishIntent.Output] = []
    private var bytesWritten = 0

    var name: String { sink.name }
    var encoding: any EventEncoding { writer.encoding }
    var needsContentDigest: Bool { true }

    init(
        sink: FileSink, state: JobState, runID: Int64, naming: OutputNaming, doneForJob: Set<String>,
        keyWindowStart: Int64, faults: FaultInjector, logger: Logger
    ) {
        self.sink = sink
        self.state = state
        self.runID = runID
        self.naming = naming
        self.doneForJob = doneForJob
        self.keyWindowStart = keyWindowStart
        self.faults = faults
        self.logger = logger
        var output = FileOutput(directory: sink.directory, stem: "part", format: sink.format)
        output.gzip = sink.gzip
        output.syslog = sink.syslog
        output.maxBytesPerFile = sink.maxFileBytes
        writer = FileOutputSink(name: sink.name, output: output)
        if faults.point == .midWrite { writer.onFirstLine = { [faults] in faults.hit(.midWrite) } }
    }

    /// Static paths of this sink's staging.
    static func stagingRoot(of sink: FileSink) -> String { sink.directory + "/.trailmill-staging" }

    func admit(_ files: [TrailFile]) throws(SinkFailure) -> [SinkAdmission] {
        let held: [String: Int64?]
        do { held = try state.sinkFiles(sink.name, among: files.map(\.relativePath)) } catch {
            throw SinkFailure(message: error.description)
        }
        return files.map { file in
            if doneForJob.contains(file.relativePath) { return .alreadyDelivered(reason: "already done") }
            guard let run = held[file.relativePath] else { return .take }
            return .alreadyDelivered(reason: "already published by this sink" + (run.map { " (run \($0))" } ?? ""))
        }
    }

    func deliveredBefore() throws(SinkFailure) -> [EventKey] {
        do {
            return try state.deliveredKeys(sink: sink.name, eventTimes: keyWindowStart...Int64.max).map {
                EventKey(high: $0.high, low: $0.low)
            }
        } catch {
            throw SinkFailure(message: error.description)
        }
    }

    func consume(_ file: SinkFile) throws(SinkFailure) -> SinkReceipt {
        if stagingDirectory == nil {
            batch += 1
            let directory = Self.stagingRoot(of: sink) + "/run-\(runID)-\(batch)-\(sink.name)"
            stagingDirectory = directory
            writer.output.directory = directory
        }
        let receipt = try writer.consume(file)
        files.append(FileIdentity(key: file.file.relativePath, size: file.file.size, sha256: file.contentSHA256))
        for event in file.takenEvents() {
            guard let key = event.key else { continue }
            events.append(
                DeliveredEvent(
                    key: DeliveredKey(high: key.high, low: key.low), eventTimeMillis: Int64(event.eventDay) * 86_400_000))
        }
        return receipt
    }

    /// Stage → intent → rename → complete, for what was committed since the last checkpoint.
    func checkpoint() throws(SinkFailure) {
        guard !files.isEmpty else { return }
        defer { removeStaging() }
        try writer.checkpoint()
        var outputs: [PublishIntent.Output] = []
        for file in writer.takePublished() {
            guard let sha256 = ContentHash.sha256(path: file.path) else {
                throw SinkFailure(message: "cannot read back staged output \(file.path)")
            }
            outputs.append(
                PublishIntent.Output(
                    sink: sink.name, path: naming.next(for: sink, stagedPath: file.path), temporaryPath: file.path,
                    sha256: sha256, events: file.lines, bytes: file.bytes))
        }
        let intent: PublishIntent
        do {
            intent = try state.recordIntent(runID: runID, sink: sink.name, outputs: outputs, files: files, events: events)
        } catch {
            throw SinkFailure(message: error.description)
        }
        var directories = Set<String>()
        for output in outputs {
            guard let staged = output.temporaryPath else { continue }
            do throws(SystemCallError) { try FileSystem.moveWithoutReplacing(staged, to: output.path) } catch {
                throw SinkFailure(message: "cannot publish: \(error)")
            }
            directories.insert(JobPaths.directory(of: output.path))
        }
        for directory in directories.sorted() {
            do throws(SystemCallError) { try FileSystem.syncDirectory(directory) } catch {
                throw SinkFailure(message: "\(error)")
            }
        }
        faults.hit(.afterRename)
        do { try state.completeIntent(intent.id) } catch { throw SinkFailure(message: error.description) }
        logger.info(
            "batch published",
            metadata: ["sink": "\(sink.name)", "batch": "\(batch)", "files.done": "\(files.count)", "outputs": "\(outputs.count)"])
        publishedOutputs += outputs
        published += outputs.map { .init(path: $0.path, events: $0.events, bytes: $0.bytes) }
        files = []
        events = []
    }

    func abandon() {
        writer.abandon()
        removeStaging()
        files = []
        events = []
    }

    func report() -> SinkReport {
        var report = writer.report()
        report.outputs = published
        report.eventsWritten = published.reduce(0) { $0 + $1.events }
        return report
    }

    /// The outputs this sink published in the run, with their hashes.
    var outputs: [PublishIntent.Output] { publishedOutputs }

    /// Removes this batch's staging directory and, when empty, the staging root.
    private func removeStaging() {
        if let stagingDirectory { try? FileManager.default.removeItem(atPath: stagingDirectory) }
        stagingDirectory = nil
        Self.removeStagingRoot(of: sink)
    }

    /// Removes the staging root when it is empty (readers of the sink directory see only outputs).
    static func removeStagingRoot(of sink: FileSink) {
        let root = stagingRoot(of: sink)
        if (try? FileManager.default.contentsOfDirectory(atPath: root))?.isEmpty == true {
            try? FileManager.default.removeItem(atPath: root)
        }
    }
}

@available(*, unavailable)
extension JobFileSink: Sendable {}

/// Final output names: `<sink>-<UTC start time>-r<run>-<NNNNN>.<ext>[.gz]`, numbered per sink across the run's
/// batches, never an existing name.
struct OutputNaming {
    let stamp: String
    let runID: Int64
    private var sequence = 0

    init(runID: Int64, nowMillis: Int64 = JobClock.nowMillis()) {
        self.runID = runID
        stamp = Timestamp.compactStamp(nowMillis)
    }

    /// The next free final path for a staged output of `sink` (its extension is kept).
    mutating func next(for sink: FileSink, stagedPath: String) -> String {
        let name = stagedPath.split(separator: "/").last.map(String.init) ?? ""
        let suffix = name.firstIndex(of: ".").map { String(name[$0...]) } ?? ""
        while true {
            sequence += 1
            let digits = String(sequence)
            let path = sink.directory + "/\(sink.name)-\(stamp)-r\(runID)-"
                + String(repeating: "0", count: max(0, 5 - digits.count)) + digits + suffix
            if !FileSystem.exists(path) { return path }
        }
    }
}
