import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive, non-blocking lock on a job's lock file (`flock(LOCK_EX | LOCK_NB)` on `<state>.lock`), held until
/// ``release()`` or deinit, or until the process ends. The kernel drops the lock when the process dies, so a
/// killed run never blocks the next. The holder writes its pid into the file for the "already running" message.
///
/// Keeps the lock file interop in one small type.
public final class RunLock: Sendable {
    /// The lock file.
    public let path: String
    /// The open descriptor holding the lock; -1 once released.
    private let descriptor: Mutex<Int32>

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = Mutex(descriptor)
    }

    deinit { release() }

    /// Takes the lock at `path` (creating the file when missing), or throws at once: ``RunLockError/isAlreadyRunning``
    /// when another process (or another open of the file) holds it.
    public static func acquire(path: String) throws(RunLockError) -> RunLock {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw RunLockError(path: path, code: .cannotOpen, errno: errno) }
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let error = errno
            if error == EINTR { continue }
            let holder = readPID(fd)
            close(fd)
            if error == EWOULDBLOCK {
                throw RunLockError(path: path, code: .alreadyRunning, holderPID: holder)
            }
            throw RunLockError(path: path, code: .cannotLock, errno: error)
        }
        // The pid is informational: a failure to write it does not give up the lock.
        let text = Array("\(getpid())\n".utf8)
        if ftruncate(fd, 0) == 0 {
            _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        }
        return RunLock(path: path, descriptor: fd)
    }

    /// Gives up the lock (closing the descriptor). The file is left in place; calling this twice is harmless.
    public func release() {
        descriptor.withLock { fd in
            guard fd >= 0 else { return }
            close(fd)
            fd = -1
        }
    }

    /// Whether this object still holds the lock.
    public var isHeld: Bool { descriptor.withLock { $0 >= 0 } }

    /// The pid written at the start of the file, if any.
    private static func readPID(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
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
        let reason = errno.map { String(cString: strerror($0)) } ?? "unknown error"
        return "\(code): \(path): \(reason)"
    }
}
