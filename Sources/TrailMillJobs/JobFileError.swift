/// A job file that cannot be used: unreadable, not YAML, or a key that is unknown, missing, of the wrong type or
/// with a bad value. The description names the file, the 1-based line and the key path, e.g.
/// `nightly.yaml:7: sinks[0].fromat: unknown key (did you mean "format"?)`.
///
/// Messages never quote the value of `database` (it may hold a password), nor any value taken from the environment.
public struct JobFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The job file's path as it was given to the loader.
    public var file: String
    /// 1-based line of the offending node; 0 when the error concerns the file as a whole (cannot be read).
    public var line: Int
    /// 1-based column (in Unicode scalars) of the offending node; 0 when unknown.
    public var column: Int
    /// Where in the document, e.g. `sinks[0].format`; empty for the document itself.
    public var keyPath: String
    /// What is wrong and, where possible, how to fix it.
    public var message: String

    /// Creates an error.
    public init(file: String, line: Int, column: Int, keyPath: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.keyPath = keyPath
        self.message = message
    }

    /// `file:line: keyPath: message` (the line and key path are left out when unknown).
    public var description: String {
        var text = file
        if line > 0 { text += ":\(line)" }
        text += ": "
        if !keyPath.isEmpty { text += "\(keyPath): " }
        return text + message
    }
}
