import Logging
import TrailMillArchive
import TrailMillPipeline

/// After the engine: what each file came to for the job, recorded in the state and the summary.
extension JobRunner {
    /// Records every offered file's outcome. A file is done for the job once every sink holds it; dead when it
    /// was dead while decoding or for any sink (the sinks that hold it keep it: a retry goes only to the others);
    /// skipped when skipped while decoding; left as it was when the run stopped before a sink got it.
    func record(
        _ outcome: RunOutcome, sinks: [any EventSink], plan: JobPlan, doneForJob: Set<String>, state: JobState,
        runID: Int64, summary: inout JobRunSummary
    ) throws(JobRunFailure) {
        for (index, sink) in job.sinks.enumerated() {
            var sinkSummary = outcome.summary(sink: index)
            sinkSummary.format = sink.type == .postgres ? "postgres" : (job.fileSinks.first { $0.name == sink.name }?.format.rawValue ?? "")
            summary.sinks.append(
                .init(
                    name: sink.name, type: sink.type.rawValue, summary: sinkSummary,
                    failure: outcome.sinks[index].failure?.message))
        }
        if let first = summary.sinks.first { summary.events = first.summary.events }
        summary.files.decoded = outcome.filesDecoded
        for case let sink as JobFileSink in sinks {
            summary.outputs += sink.outputs.map {
                JobRunSummary.Output(sink: $0.sink, path: $0.path, events: $0.events, bytes: $0.bytes, sha256: $0.sha256)
            }
        }
        // A database sink's own records are the authority; the state mirrors what it holds.
        for (index, sink) in job.sinks.enumerated() where sink.type == .postgres {
            let held = outcome.sinks[index].done + outcome.sinks[index].alreadyDelivered.map(\.file)
            try JobRunFailure.wrap { () throws(JobStateError) in
                try state.markSinkDone(sink.name, keys: held, runID: runID)
            }
        }

        let commonDead = Dictionary(outcome.common.dead.map { ($0.file, $0.reason) }, uniquingKeysWith: { a, _ in a })
        let commonSkipped = Dictionary(outcome.common.skipped.map { ($0.file, $0.reason) }, uniquingKeysWith: { a, _ in a })
        let doneNow = outcome.sinks.map { Set($0.done) }
        let held = outcome.sinks.indices.map { doneNow[$0].union(outcome.sinks[$0].alreadyDelivered.map(\.file)) }
        let deadFor = outcome.sinks.map { sink in
            Dictionary(sink.dead.map { ($0.file, $0.reason) }, uniquingKeysWith: { a, _ in a })
        }
        let prefixed = job.sinks.count > 1
        var done: [FileIdentity] = []
        var alreadyDone = plan.alreadyDone.count
        for file in outcome.files {
            let key = file.relativePath
            let wasDone = doneForJob.contains(key)
            var deadReasons: [String] = []
            if let reason = commonDead[key] {
                deadReasons.append(reason)
            } else if let reason = commonSkipped[key] {
                if wasDone { alreadyDone -= 1 }
                try JobRunFailure.wrap { () throws(JobStateError) in
                    try state.recordSkipped(FileIdentity(key: key, size: file.size), reason: reason, runID: runID)
                }
                summary.files.skipped += 1
                summary.skipped.append(.init(file: key, reason: reason))
                continue
            } else {
                for (index, sink) in job.sinks.enumerated() {
                    if let reason = deadFor[index][key] { deadReasons.append(prefixed ? "sink \(sink.name): \(reason)" : reason) }
                }
            }
            if !deadReasons.isEmpty {
                if wasDone { alreadyDone -= 1 }
                let reason = deadReasons.joined(separator: "; ")
                let attempts = try JobRunFailure.wrap { () throws(JobStateError) in
                    try state.recordDead(
                        FileIdentity(key: key, size: file.size, sha256: outcome.contentDigests[key]), reason: reason,
                        runID: runID)
                }
                summary.files.dead += 1
                summary.dead.append(.init(file: key, reason: reason, attempts: attempts, permanent: attempts >= maxAttempts))
                if commonDead[key] == nil {
                    logger.warning("file is dead", metadata: ["file.key": "\(key)", "reason": "\(reason)"])
                }
                continue
            }
            guard held.allSatisfy({ $0.contains(key) }) else {
                summary.files.notReached += 1
                continue
            }
            if wasDone && doneNow.allSatisfy({ !$0.contains(key) }) { continue }
            if wasDone { alreadyDone -= 1 }
            done.append(FileIdentity(key: key, size: file.size, sha256: outcome.contentDigests[key]))
        }
        try JobRunFailure.wrap { () throws(JobStateError) in try state.markDone(done, runID: runID) }
        summary.files.done += done.count
        summary.files.alreadyDone = alreadyDone
    }
}
