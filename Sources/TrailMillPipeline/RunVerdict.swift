/// How a run ended, and the one table of process exit statuses every command and job uses.
///
/// Library code reports verdicts (and errors with kinds, never numbers); the command line turns a verdict into
/// the process's exit status with ``exitStatus``.
public enum RunVerdict: String, Sendable, Hashable, Codable {
    /// Every file done or skipped.
    case complete
    /// Some file is dead; the rest were processed.
    case someFilesDead = "some-files-dead"
    /// The run could not finish (output unwritable, database unusable, archive unreadable).
    case failed
    /// A usage error or a bad job file.
    case badConfiguration = "bad-configuration"
    /// Another run of the job holds its lock, or another load holds the schema's lock.
    case alreadyRunning = "already-running"
    /// Stopped by SIGINT/SIGTERM; state and outputs are consistent and the next run resumes.
    case interrupted

    /// The process exit status: 0 complete, 1 some file dead or failed, 2 bad configuration, 3 already running,
    /// 4 interrupted.
    public var exitStatus: Int32 {
        switch self {
        case .complete: 0
        case .someFilesDead, .failed: 1
        case .badConfiguration: 2
        case .alreadyRunning: 3
        case .interrupted: 4
        }
    }

    /// The verdict of a run that finished (not failed as a whole): interrupted, else whether any file is dead.
    public static func finished(deadFiles: Int, interrupted: Bool) -> RunVerdict {
        interrupted ? .interrupted : (deadFiles > 0 ? .someFilesDead : .complete)
    }
}
