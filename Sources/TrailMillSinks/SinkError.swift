import TrailMillPOSIX

/// A failure writing output (disk full, permission denied…). Output failures stop the run: nothing partial is
/// published, and temporary files are removed.
public struct SinkError: Error, Sendable, CustomStringConvertible {
    /// The file or directory concerned.
    public var path: String
    /// What was being done ("write", "fsync", "rename"…).
    public var operation: String
    /// `errno`, when a system call failed.
    public var systemErrno: Int32?
    /// Explanation.
    public var message: String

    /// Creates a value.
    public init(path: String, operation: String, systemErrno: Int32? = nil, message: String) {
        self.path = path
        self.operation = operation
        self.systemErrno = systemErrno
        self.message = message
    }

    public var description: String { "\(operation) \(path): \(message)" }
}

extension SinkError {
    /// The sink error of a failed system call.
    init(_ error: SystemCallError) {
        self.init(path: error.path, operation: error.operation, systemErrno: error.errno, message: error.reason)
    }
}
