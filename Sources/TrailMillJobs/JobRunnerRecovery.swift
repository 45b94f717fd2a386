import Logging
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
                    if let staged = output.temporaryPath { unlink(staged) }
                    continue
                }
                if let staged = output.temporaryPath, !OutputFiles.exists(output.path),
                    ContentHash.sha256(path: staged) == output.sha256
                {
                    do throws(OutputFiles.Failure) { try OutputFiles.move(staged, to: output.path) } catch {
                        throw JobRunFailure(message: "recovery: cannot publish \(output.path): \(error.message)")
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
                unlink(output.path)
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
            do throws(OutputFiles.Failure) { try OutputFiles.syncDirectory(directory) } catch {
                throw JobRunFailure(message: "cannot fsync \(directory): \(error.message)")
            }
        }
    }
}

/// The few file-system calls publication needs.
enum OutputFiles {
    struct Failure: Error {
        var message: String
    }

    /// Moves `staged` to `final` without ever replacing a file at `final`: a hard link (which fails when the name
    /// exists), then the staged name is removed; `rename` after a check where hard links are not supported.
    /// The caller fsyncs the directory.
    static func move(_ staged: String, to final: String) throws(Failure) {
        if link(staged, final) == 0 {
            unlink(staged)
            return
        }
        let code = errno
        guard code == EPERM || code == ENOTSUP || code == EOPNOTSUPP || code == ENOSYS else {
            throw Failure(message: "link: \(String(cString: strerror(code)))")
        }
        if exists(final) { throw Failure(message: "rename: \(String(cString: strerror(EEXIST)))") }
        if rename(staged, final) != 0 { throw Failure(message: "rename: \(String(cString: strerror(errno)))") }
    }

    /// fsyncs a directory, so renames and removals in it survive a crash.
    static func syncDirectory(_ directory: String) throws(Failure) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(message: "open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        if fsync(fd) != 0 && errno != EINVAL { throw Failure(message: "fsync: \(String(cString: strerror(errno)))") }
    }

    /// Whether anything exists at `path` (without following a final symbolic link).
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }
}
