import Yams

/// A node of a job file together with where it is, for error messages; reads typed values with `${VAR}` references
/// substituted.
struct YAMLNode {
    let node: Node
    /// Key path, e.g. `sinks[0].format`.
    let path: String
    let context: Context

    /// What every node of one file shares.
    struct Context {
        let file: String
        let environment: [String: String]
    }

    var line: Int { node.mark?.line ?? 1 }
    var column: Int { node.mark?.column ?? 1 }

    /// An error at this node.
    func error(_ message: String) -> JobFileError {
        JobFileError(file: context.file, line: line, column: column, keyPath: path, message: message)
    }

    /// A child node's path.
    func childPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// What the node is, for "expected X, found Y" messages.
    var kindName: String {
        switch node {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        case .scalar: isNull ? "no value" : "a scalar"
        }
    }

    /// A plain `~`, `null` or empty scalar.
    var isNull: Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// The mapping at this node; any key outside `allowed` is an error (with a suggestion for likely typos).
    func mapping(allowed: Set<String>) throws(JobFileError) -> YAMLMapping {
        guard case .mapping(let mapping) = node else { throw error("expected a mapping, found \(kindName)") }
        var entries: [String: YAMLNode] = [:]
        for (key, value) in mapping {
            let keyNode = YAMLNode(node: key, path: path, context: context)
            guard case .scalar(let scalar) = key else { throw keyNode.error("keys must be plain strings") }
            let name = scalar.string
            let child = YAMLNode(node: value, path: childPath(name), context: context)
            guard allowed.contains(name) else {
                let unknown = YAMLNode(node: key, path: childPath(name), context: context)
                if let guess = JobValues.suggestion(for: name, among: allowed) {
                    throw unknown.error("unknown key (did you mean \"\(guess)\"?)")
                }
                throw unknown.error("unknown key (expected one of: \(allowed.sorted().joined(separator: ", ")))")
            }
            entries[name] = child
        }
        return YAMLMapping(node: self, entries: entries)
    }

    /// The items of the list at this node.
    func sequence() throws(JobFileError) -> [YAMLNode] {
        guard case .sequence(let sequence) = node else { throw error("expected a list, found \(kindName)") }
        return sequence.enumerated().map { YAMLNode(node: $1, path: "\(path)[\($0)]", context: context) }
    }

    /// The scalar's text with references substituted.
    func substituted() throws(JobFileError) -> EnvironmentSubstitution.Result {
        guard case .scalar(let scalar) = node, !isNull else { throw error("expected a value, found \(kindName)") }
        switch EnvironmentSubstitution.substitute(scalar.string, environment: context.environment) {
        case .success(let result): return result
        case .failure(let failure): throw error(failure.description)
        }
    }

    /// A non-empty string.
    func string() throws(JobFileError) -> String {
        let text = try substituted().text
        guard !text.isEmpty else { throw error("must not be empty") }
        return text
    }

    /// `true` or `false`.
    func bool() throws(JobFileError) -> Bool {
        switch try substituted().text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: throw error("expected true or false, found \(quoted())")
        }
    }

    /// A decimal integer within `range`.
    func int(in range: ClosedRange<Int>) throws(JobFileError) -> Int {
        let text = try substituted().text
        guard let value = Int(text), range.contains(value) else {
            throw error("expected a whole number from \(range.lowerBound) to \(range.upperBound), found \(quoted())")
        }
        return value
    }

    /// A list of non-empty strings (a single scalar is not accepted: write `[value]`).
    func stringList() throws(JobFileError) -> [String] {
        var values: [String] = []
        for item in try sequence() { values.append(try item.string()) }
        return values
    }

    /// The value as written for messages: quoted, or `(from the environment)` when it came from a reference, so an
    /// error never prints an environment value.
    func quoted() -> String {
        guard case .scalar(let scalar) = node else { return kindName }
        if scalar.string.contains("${") { return "a value from the environment" }
        return "\"\(scalar.string)\""
    }
}

/// A mapping whose keys were checked; reads required and optional children.
struct YAMLMapping {
    let node: YAMLNode
    let entries: [String: YAMLNode]

    /// The child at `key`, or nil when absent.
    subscript(key: String) -> YAMLNode? { entries[key] }

    /// The child at `key`; its absence is an error reported at the mapping's line.
    func required(_ key: String) throws(JobFileError) -> YAMLNode {
        guard let child = entries[key] else {
            throw JobFileError(
                file: node.context.file, line: node.line, column: node.column, keyPath: node.childPath(key),
                message: "missing required key")
        }
        return child
    }
}
