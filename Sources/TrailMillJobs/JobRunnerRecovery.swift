import Logging
import Foundation
import TrailMillPOSIX

/// Repairs what a crashed run left behind, before anything else (under the lock).
extension JobRunner {
    /// Rolls every pending publish intent forward (outputs in place, or staged with the recorded hash: finish
    /// the renames, then complete it). An intent with an output that is neither in place nor staged cannot be
    /// completed: its published outputs are deleted and it is discarded, so its files are processed again.
    /// Then every staging directory left is garbage of a crash and is removed.
    func recover(state: JobState) throws(JobRunFailure) -> JobRunSummary.Recovery {
        var recovery = JobRunSummary.Recovery()
        let intents = try JobRunFailure.wrap { () throws(JobStateError) in try state.pendingIntents() }
        for intent in intents {
            var missing: [PublishIntent.Output] = []
            var directories = Set<String>()
            for output in intent.outputs {
                if ContentHash.sha256(path: output.path) == output.sha256 {
                    // In place; a crash between link and unlink may have left the staged name too.
                    if let staged = output.temporaryPath { FileSystem.removeFile(staged) }
                    continue
                }
                if let staged = output.temporaryPath, !FileSystem.exists(output.path),
                    ContentHash.sha256(path: staged) == output.sha256
                {
                    do throws(SystemCallError) { try FileSystem.moveWithoutReplacing(staged, to: output.path) } catch {
                        throw JobRunFailure(message: "recovery: cannot publish: \(error)")
                    }
                    directories.insert(JobPaths.directory(of: output.path))
                    continue
                }
                missing.append(output)
            }
            if missing.isEmpty {
                try sync(directories)
                try JobRunFailure.wrap { () throws(JobStateError) in _ = try state.completeIntent(intent.id) }
                recovery.rolledForward += 1
                logger.info(
                    "recovered an interrupted publication",
                    metadata: ["intent.id": "\(intent.id)", "run.id": "\(intent.runID)", "outputs": "\(intent.outputs.count)"])
                continue
            }
            logger.error(
                "an interrupted publication lost an output; its published outputs are removed and its files redone",
                metadata: ["intent.id": "\(intent.id)", "output.path": "\(missing[0].path)"])
            // Outputs first, then the intent: a crash in between repeats this on the next run.
            for output in intent.outputs where ContentHash.sha256(path: output.path) == output.sha256 {
                FileSystem.removeFile(output.path)
                directories.insert(JobPaths.directory(of: output.path))
            }
            try sync(directories)
            try JobRunFailure.wrap { () throws(JobStateError) in _ = try state.discardIntent(intent.id) }
            recovery.discarded += 1
        }
        for sink in job.fileSinks {
            let root = JobFileSink.stagingRoot(of: sink)
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: root) else { continue }
            for entry in entries {
                try? FileManager.default.removeItem(atPath: root + "/" + entry)
                recovery.stagingRemoved += 1
            }
            JobFileSink.removeStagingRoot(of: sink)
        }
        if recovery.stagingRemoved > 0 {
            logger.info("removed staging left by a crashed run", metadata: ["directories": "\(recovery.stagingRemoved)"])
        }
        return recovery
    }

    private func sync(_ directories: Set<String>) throws(JobRunFailure) {
        for directory in directories.sorted() {
            do throws(SystemCallError) { try FileSystem.syncDirectory(directory) } catch {
                throw JobRunFailure(message: "\(error)")
            }
        }
    }
}

