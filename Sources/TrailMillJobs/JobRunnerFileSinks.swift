import Logging
import Foundation
import TrailMillArchive
import TrailMillDedupe
import TrailMillNormalize
import TrailMillPipeline

/// The file-sink step: exactly-once publication of NDJSON/CEF/LEEF outputs across crashes.
///
/// The files to process go in batches. For each batch, every file sink exports the batch into a staging directory
/// inside its own directory (`<sink>/.trailmill-staging/run-<id>-<batch>-<sink>/`, same file system, so the final
/// rename is atomic); the export drops events whose keys earlier runs delivered (pre-seeded from the state).
/// Then, in this order:
/// 1. each staged output is hashed and a publish intent is recorded (outputs with staged and final paths and
///    SHA-256, the input files, the delivered event keys) — one SQLite commit;
/// 2. each output is renamed into place and the sink directories are fsynced;
/// 3. the intent is completed: files done, outputs recorded, keys delivered — one SQLite commit.
///
/// A crash before 1 leaves only staging garbage (removed by the next run; the files are still new). A crash
/// between 1 and 3 leaves a pending intent that the next run rolls forward (``JobRunner/recover(state:)``).
extension JobRunner {
    func runFileSinks(
        _ files: [TrailFile], state: JobState, runID: Int64, summary: inout JobRunSummary
    ) throws(JobRunFailure) -> StepOutcome {
        let windowStart = job.dedupeWindowStartMillis(today: options.today, override: options.dates)
        var delivered = Set<EventKey>()
        let stored = try JobRunFailure.wrap { () throws(JobStateError) in
            try state.deliveredKeys(eventTimes: windowStart...Int64.max)
        }
        delivered.reserveCapacity(stored.count)
        for key in stored { delivered.insert(EventKey(high: key.high, low: key.low)) }
        logger.debug("delivered keys loaded", metadata: ["keys": "\(delivered.count)"])

        var sinkSummaries = job.fileSinks.map { JobRunSummary.Sink(name: $0.name, type: $0.type.rawValue, summary: RunSummary()) }
        var naming = OutputNaming(runID: runID)
        var step = StepOutcome()
        var start = files.startIndex
        var batchNumber = 0
        while start < files.endIndex {
            var end = start
            var bytes = 0
            while end < files.endIndex && (end == start || (bytes < options.publishBatchBytes
                && end - start < options.publishBatchFiles))
            {
                bytes += files[end].size
                end += 1
            }
            if options.cancellation.isCancelled { break }
            batchNumber += 1
            let batch = Array(files[start..<end])
            let published = try publishBatch(
                batch, number: batchNumber, state: state, runID: runID, delivered: &delivered, naming: &naming,
                sinkSummaries: &sinkSummaries, summary: &summary)
            step.notDone.formUnion(published.notDone)
            start = end
            if published.interrupted { break }
        }
        // Files of batches never started.
        let notReached = files[start...].map(\.relativePath)
        step.notDone.formUnion(notReached)
        summary.files.notReached += notReached.count
        summary.sinks += sinkSummaries
        if let first = sinkSummaries.first { summary.events = first.summary.events }
        for sink in job.fileSinks { removeStagingRoot(of: sink) }
        return step
    }

    private struct BatchResult {
        var notDone = Set<String>()
        var interrupted = false
    }

    /// Exports one batch into every file sink's staging directory and publishes it through one intent.
    private func publishBatch(
        _ batch: [TrailFile], number: Int, state: JobState, runID: Int64, delivered: inout Set<EventKey>,
        naming: inout OutputNaming, sinkSummaries: inout [JobRunSummary.Sink], summary: inout JobRunSummary
    ) throws(JobRunFailure) -> BatchResult {
        var outcomes: [ExportRun.Outcome] = []
        var inputs = batch
        var stagingDirectories: [String] = []
        defer { for directory in stagingDirectories { try? FileManager.default.removeItem(atPath: directory) } }
        for (index, sink) in job.fileSinks.enumerated() {
            let staging = Self.stagingRoot(of: sink) + "/run-\(runID)-\(number)-\(sink.name)"
            stagingDirectories.append(staging)
            var export = job.exportOptions(for: sink, outputStem: "part")
            export.outputDirectory = staging
            export.files = inputs
            export.archiveSelection = archiveSelection
            export.alreadyDelivered = delivered
            // The first sink decides which files the batch covers (it alone stops on a signal); the others
            // export exactly the files it consumed.
            export.collectDeliveredKeys = index == 0
            export.cancellation = index == 0 ? options.cancellation : nil
            export.observer = index == 0 ? options.faults.exportObserver : nil
            let outcome: ExportRun.Outcome
            do { outcome = try ExportRun(options: export, logger: logger).execute() } catch {
                throw JobRunFailure(message: "sink \(sink.name): \(error.message)")
            }
            if index == 0 && outcome.interrupted {
                let consumed = Set(outcome.consumed)
                inputs = inputs.filter { consumed.contains($0.relativePath) }
            }
            outcomes.append(outcome)
            sinkSummaries[index].summary.merge(outcome.summary)
        }

        // Per input file: dead or skipped in any sink wins; done needs every sink.
        var dead: [String: String] = [:]
        var skipped: [String: String] = [:]
        for (index, outcome) in outcomes.enumerated() {
            let prefix = job.fileSinks.count > 1 ? "sink \(job.fileSinks[index].name): " : ""
            for item in outcome.summary.dead where dead[item.file] == nil { dead[item.file] = prefix + item.reason }
            for item in outcome.summary.skipped where skipped[item.file] == nil {
                skipped[item.file] = prefix + item.reason
            }
        }
        var consumedEverywhere = Set(outcomes.first?.consumed ?? [])
        for outcome in outcomes.dropFirst() { consumedEverywhere.formIntersection(outcome.consumed) }
        var done: [FileIdentity] = []
        var result = BatchResult(interrupted: outcomes.first?.interrupted ?? false)
        for file in batch {
            let key = file.relativePath
            if dead[key] != nil || skipped[key] != nil { result.notDone.insert(key); continue }
            if consumedEverywhere.contains(key) {
                // The state keys a file by path, size and content: the hash is read back here (the file was just
                // decoded, so this comes from the page cache).
                done.append(FileIdentity(key: key, size: file.size, sha256: ContentHash.sha256(path: file.absolutePath)))
            } else {
                result.notDone.insert(key)
                summary.files.notReached += 1
            }
        }

        // Stage → intent → rename → complete.
        var outputs: [PublishIntent.Output] = []
        for (index, outcome) in outcomes.enumerated() {
            let sink = job.fileSinks[index]
            for file in outcome.published {
                guard let sha256 = ContentHash.sha256(path: file.path) else {
                    throw JobRunFailure(message: "sink \(sink.name): cannot read back staged output \(file.path)")
                }
                let final = naming.next(for: sink, stagedPath: file.path)
                outputs.append(
                    PublishIntent.Output(
                        sink: sink.name, path: final, temporaryPath: file.path, sha256: sha256, events: file.events,
                        bytes: file.bytes))
            }
        }
        let events = (outcomes.first?.delivered ?? []).map {
            DeliveredEvent(key: DeliveredKey(high: $0.key.high, low: $0.key.low), eventTimeMillis: $0.eventDayMillis)
        }
        let intent = try JobRunFailure.wrap { () throws(JobStateError) in
            try state.recordIntent(runID: runID, outputs: outputs, files: done, events: events)
        }
        var directories = Set<String>()
        for output in outputs {
            guard let staged = output.temporaryPath else { continue }
            do throws(OutputFiles.Failure) { try OutputFiles.move(staged, to: output.path) } catch {
                throw JobRunFailure(message: "sink \(output.sink): cannot publish \(output.path): \(error.message)")
            }
            directories.insert(JobPaths.directory(of: output.path))
        }
        for directory in directories.sorted() {
            do throws(OutputFiles.Failure) { try OutputFiles.syncDirectory(directory) } catch {
                throw JobRunFailure(message: "cannot fsync \(directory): \(error.message)")
            }
        }
        options.faults.hit(.afterRename)
        try JobRunFailure.wrap { () throws(JobStateError) in _ = try state.completeIntent(intent.id) }
        for event in outcomes.first?.delivered ?? [] { delivered.insert(event.key) }
        summary.files.done += done.count
        summary.outputs += outputs.map {
            JobRunSummary.Output(sink: $0.sink, path: $0.path, events: $0.events, bytes: $0.bytes, sha256: $0.sha256)
        }

        // Dead and skipped files are recorded after the publication (a crash before leaves them new: redone).
        for (key, reason) in dead.sorted(by: { $0.key < $1.key }) {
            guard let file = batch.first(where: { $0.relativePath == key }) else { continue }
            let attempts = try JobRunFailure.wrap { () throws(JobStateError) in
                try state.recordDead(FileIdentity(key: key, size: file.size), reason: reason, runID: runID)
            }
            summary.files.dead += 1
            summary.dead.append(.init(file: key, reason: reason, attempts: attempts, permanent: attempts >= maxAttempts))
        }
        for (key, reason) in skipped.sorted(by: { $0.key < $1.key }) where dead[key] == nil {
            guard let file = batch.first(where: { $0.relativePath == key }) else { continue }
            try JobRunFailure.wrap { () throws(JobStateError) in
                try state.recordSkipped(FileIdentity(key: key, size: file.size), reason: reason, runID: runID)
            }
            summary.files.skipped += 1
            summary.skipped.append(.init(file: key, reason: reason))
        }
        logger.info(
            "batch published",
            metadata: ["batch": "\(number)", "files.done": "\(done.count)", "outputs": "\(outputs.count)"])
        return result
    }

    /// `<sink directory>/.trailmill-staging`: where exports are staged before publication.
    static func stagingRoot(of sink: FileSink) -> String { sink.directory + "/.trailmill-staging" }

    /// Removes the staging root when it is empty (readers of the sink directory see only outputs).
    func removeStagingRoot(of sink: FileSink) {
        let root = Self.stagingRoot(of: sink)
        if (try? FileManager.default.contentsOfDirectory(atPath: root))?.isEmpty == true {
            try? FileManager.default.removeItem(atPath: root)
        }
    }
}

/// Final output names: `<sink>-<UTC start time>-r<run>-<NNNNN>.<ext>[.gz]`, numbered per sink across the run's
/// batches, never an existing name.
struct OutputNaming {
    let stamp: String
    let runID: Int64
    private var sequence: [String: Int] = [:]

    init(runID: Int64, nowMillis: Int64 = JobClock.nowMillis()) {
        self.runID = runID
        stamp = Timestamp.compactStamp(nowMillis)
    }

    /// The next free final path for a staged output of `sink` (its extension is kept).
    mutating func next(for sink: FileSink, stagedPath: String) -> String {
        let name = stagedPath.split(separator: "/").last.map(String.init) ?? ""
        let suffix = name.firstIndex(of: ".").map { String(name[$0...]) } ?? ""
        while true {
            let number = (sequence[sink.name] ?? 0) + 1
            sequence[sink.name] = number
            let digits = String(number)
            let path = sink.directory + "/\(sink.name)-\(stamp)-r\(runID)-"
                + String(repeating: "0", count: max(0, 5 - digits.count)) + digits + suffix
            if !OutputFiles.exists(path) { return path }
        }
    }
}
