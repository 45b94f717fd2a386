import Synchronization
import TrailMillPOSIX

/// An exclusive, non-blocking lock on a job's lock file (`flock(LOCK_EX | LOCK_NB)` on `<state>.lock`), held until
/// ``release()`` or deinit, or until the process ends. The kernel drops the lock when the process dies, so a
/// killed run never blocks the next. The holder writes its pid into the file for the "already running" message.
public final class RunLock: Sendable {
    /// The lock file.
    public let path: String
    /// The open file holding the lock; nil once released.
    private let file: Mutex<FileDescriptor?>

    private init(path: String, file: sending FileDescriptor) {
        self.path = path
        self.file = Mutex(file)
    }

    deinit { release() }

    /// Takes the lock at `path` (creating the file when missing), or throws at once: ``RunLockError/isAlreadyRunning``
    /// when another process (or another open of the file) holds it.
    public static func acquire(path: String) throws(RunLockError) -> RunLock {
        let file: FileDescriptor
        do { file = try FileDescriptor.openOrCreate(path) } catch {
            throw RunLockError(path: path, code: .cannotOpen, errno: error.errno)
        }
        let locked: Bool
        do { locked = try file.tryLockExclusive() } catch {
            throw RunLockError(path: path, code: .cannotLock, errno: error.errno)
        }
        guard locked else { throw RunLockError(path: path, code: .alreadyRunning, holderPID: readPID(file)) }
        // The pid is informational: a failure to write it does not give up the lock.
        try? file.truncate(to: 0)
        try? file.write(Array("\(ProcessIdentity.current)\n".utf8), at: 0)
        return RunLock(path: path, file: file)
    }

    /// Gives up the lock (closing the file). The file is left in place; calling this twice is harmless.
    public func release() {
        file.withLock { file in
            try? file?.close()
            file = nil
        }
    }

    /// Whether this object still holds the lock.
    public var isHeld: Bool { file.withLock { $0 != nil } }

    /// The pid written at the start of the file, if any.
    private static func readPID(_ file: FileDescriptor) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let read: Result<Int, SystemCallError> = buffer.withUnsafeMutableBytes { raw in
            Result { () throws(SystemCallError) in try file.read(at: 0, into: raw) }
        }
        let count = (try? read.get()) ?? 0
        guard count > 0 else { return nil }
        let digits = buffer.prefix(count).prefix { (48...57).contains($0) }
        guard !digits.isEmpty, digits.count <= 10 else { return nil }
        return Int32(String(decoding: digits, as: UTF8.self))
    }
}

/// The run lock cannot be taken.
public struct RunLockError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Kinds of failure (a struct over a private enum, so new kinds do not break callers).
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Kind: Sendable, Hashable { case alreadyRunning, cannotOpen, cannotLock }
        private let kind: Kind
        /// Another run holds the lock.
        public static let alreadyRunning = Code(kind: .alreadyRunning)
        /// The lock file cannot be opened or created.
        public static let cannotOpen = Code(kind: .cannotOpen)
        /// `flock` failed for another reason than contention.
        public static let cannotLock = Code(kind: .cannotLock)

        /// A short name.
        public var description: String {
            switch kind {
            case .alreadyRunning: "already running"
            case .cannotOpen: "cannot open lock file"
            case .cannotLock: "cannot lock"
            }
        }
    }

    /// The lock file.
    public var path: String
    /// What failed.
    public var code: Code
    /// The pid recorded by the holder, when `code` is ``Code/alreadyRunning`` and the file names one.
    public var holderPID: Int32?
    /// The C `errno`, when a call failed.
    public var errno: Int32?

    init(path: String, code: Code, holderPID: Int32? = nil, errno: Int32? = nil) {
        self.path = path
        self.code = code
        self.holderPID = holderPID
        self.errno = errno
    }

    /// Whether another run holds the lock (the runner's "already running" exit status).
    public var isAlreadyRunning: Bool { code == .alreadyRunning }

    /// e.g. `already running (pid 4242): /var/lib/trailmill/nightly.sqlite.lock is locked`.
    public var description: String {
        if isAlreadyRunning {
            let pid = holderPID.map { "pid \($0)" } ?? "pid unknown"
            return "already running (\(pid)): \(path) is locked"
        }
        let reason = errno.map(SystemCallError.describe) ?? "unknown error"
        return "\(code): \(path): \(reason)"
    }
}
