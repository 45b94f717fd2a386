import Foundation
import TrailMillPOSIX

/// `--source -`: standard input copied to a temporary file (a log file is read twice: decoded, and hashed for
/// loads), removed when the command ends.
final class StandardInputCopy {
    /// The copy's path.
    let path: String

    /// Copies all of standard input; throws with the system error when reading or writing fails.
    init() throws(SystemCallError) {
        path = NSTemporaryDirectory() + "/trailmill-stdin-\(getpid())-\(UInt32.random(in: .min ... .max)).json.gz"
        let file = try FileDescriptor.createExclusive(path)
        var failure: SystemCallError?
        do throws(SystemCallError) {
            try FileDescriptor.standardInput().forEachChunk { chunk in
                guard failure == nil else { return }
                do throws(SystemCallError) { try file.write(chunk) } catch { failure = error }
            }
            if let failure { throw failure }
            try file.close()
        } catch {
            FileSystem.removeFile(path)
            throw error
        }
    }

    deinit { FileSystem.removeFile(path) }
}
