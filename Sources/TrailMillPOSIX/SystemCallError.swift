#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed system call on a path: the call, the path and `errno`, described in one line.
public struct SystemCallError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The call, e.g. `open`, `write`, `fsync directory`.
    public var operation: String
    /// The file or directory concerned.
    public var path: String
    /// The C `errno`.
    public var errno: Int32

    /// Creates a value.
    public init(_ operation: String, path: String, errno: Int32) {
        self.operation = operation
        self.path = path
        self.errno = errno
    }

    /// The current `errno` for a call that just failed.
    static func last(_ operation: String, _ path: String) -> SystemCallError {
        SystemCallError(operation, path: path, errno: currentErrno)
    }

    /// `strerror`'s text for `errno`.
    public var reason: String { Self.describe(errno) }

    /// `<operation> <path>: <strerror>`.
    public var description: String { "\(operation) \(path): \(reason)" }

    /// `strerror`'s text for `code`.
    public static func describe(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text)
    }

    /// Whether the error means something exists at the path already.
    public var isAlreadyExists: Bool { errno == EEXIST }

    /// Whether the error means the path is a directory or another non-regular file where a file was wanted.
    public var isNotRegularFile: Bool { errno == EISDIR }

    /// Whether the error means the path does not exist.
    public var isNotFound: Bool { errno == ENOENT || errno == ENOTDIR }
}

/// `errno`, read through a function so that call sites need not import the C library.
@inline(__always)
var currentErrno: Int32 { errno }

/// The process's own identity.
public enum ProcessIdentity {
    /// This process's pid.
    public static var current: Int32 { getpid() }
}
