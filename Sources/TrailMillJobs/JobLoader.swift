public import Foundation
import Yams

/// Reads job files: YAML → checked ``JobFile``, with `${VAR}` references substituted from an injected environment.
///
/// ```swift
/// let job = try JobLoader().load(path: "Jobs/nightly-siem-cef.yaml")
/// ```
public struct JobLoader: Sendable {
    /// Where `${VAR}` references are looked up.
    public var environment: [String: String]
    /// `parallelism.jobs` when the file does not set it.
    public var defaultJobs: Int
    /// The directory relative job file paths are resolved against.
    public var currentDirectory: String

    /// Whether the process runs as root (the default state directory is then `/var/lib/trailmill`).
    public var isRoot: Bool

    /// Creates a loader; by default it reads this process's environment, processor count, working directory and
    /// user.
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        defaultJobs: Int = ProcessInfo.processInfo.activeProcessorCount,
        currentDirectory: String = FileManager.default.currentDirectoryPath,
        isRoot: Bool = geteuid() == 0
    ) {
        self.environment = environment
        self.defaultJobs = max(1, defaultJobs)
        self.currentDirectory = currentDirectory
        self.isRoot = isRoot
    }

    /// Reads and checks the job file at `path`.
    public func load(path: String) throws(JobFileError) -> JobFile {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw JobFileError(
                file: path, line: 0, column: 0, keyPath: "", message: "cannot read: \(Self.reason(error))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw JobFileError(file: path, line: 0, column: 0, keyPath: "", message: "not UTF-8 text")
        }
        return try parse(yaml: text, path: path)
    }

    /// Checks a job document whose file is at `path` (used for messages and to resolve relative paths).
    public func parse(yaml: String, path: String) throws(JobFileError) -> JobFile {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw Self.syntaxError(error, file: path)
        }
        guard let root else {
            throw JobFileError(file: path, line: 1, column: 1, keyPath: "", message: "the job file is empty")
        }
        let absolute = JobPaths.resolve(path, against: currentDirectory)
        let decoder = JobDecoder(
            directory: JobPaths.directory(of: absolute), defaultJobs: defaultJobs,
            defaultStateDirectory: JobPaths.defaultStateDirectory(environment: environment, isRoot: isRoot))
        let context = YAMLNode.Context(file: path, environment: environment)
        return try decoder.decode(YAMLNode(node: root, path: "", context: context), filePath: path)
    }

    /// A Yams error as a job file error with its position.
    private static func syntaxError(_ error: any Error, file: String) -> JobFileError {
        func make(_ mark: Mark, _ message: String) -> JobFileError {
            JobFileError(file: file, line: mark.line, column: mark.column, keyPath: "", message: message)
        }
        guard let yamlError = error as? YamlError else {
            return JobFileError(file: file, line: 0, column: 0, keyPath: "", message: "invalid YAML")
        }
        switch yamlError {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return make(mark, "invalid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "\"\($0)\"" }.joined(separator: ", ")
            return make(context.mark, "duplicate key \(keys) in one mapping")
        case .reader(let problem, _, _, _):
            return JobFileError(file: file, line: 0, column: 0, keyPath: "", message: "invalid YAML: \(problem)")
        default:
            return JobFileError(file: file, line: 0, column: 0, keyPath: "", message: "invalid YAML")
        }
    }

    private static func reason(_ error: any Error) -> String {
        let cocoa = error as NSError
        if let posix = cocoa.userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain,
            let code = POSIXErrorCode(rawValue: Int32(posix.code))
        {
            return String(describing: POSIXError(code).localizedDescription)
        }
        return cocoa.localizedDescription
    }
}
