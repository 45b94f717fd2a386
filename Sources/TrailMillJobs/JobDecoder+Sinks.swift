import TrailMillPipeline
import TrailMillSIEM
import Yams

extension JobDecoder {
    /// `sinks`: a non-empty list; names unique; at most one sink per type and path (or database and schema).
    func sinks(_ node: YAMLNode, jobName: String) throws(JobFileError) -> [JobSink] {
        let items = try node.sequence()
        guard !items.isEmpty else { throw node.error("must list at least one sink") }
        var sinks: [JobSink] = []
        var names: [String: String] = [:]  // name → path of the sink that has it
        var targets: [String: String] = [:]  // type + target → path of the sink that writes there
        for item in items {
            let defaultName = items.count == 1 ? jobName : nil
            let (sink, nameNode, targetNode, target) = try self.sink(item, defaultName: defaultName, jobName: jobName)
            if let other = names[sink.name] {
                let at = nameNode ?? item
                throw JobFileError(
                    file: at.context.file, line: at.line, column: at.column, keyPath: item.childPath("name"),
                    message: "sink name \"\(sink.name)\" is already used by \(other); give each sink a distinct name")
            }
            names[sink.name] = item.path
            if let other = targets[target] {
                let what = sink.type == .postgres ? "database and schema" : "\(sink.type.rawValue) output directory"
                throw targetNode.error("\(other) already uses this \(what)")
            }
            targets[target] = item.path
            sinks.append(sink)
        }
        return sinks
    }

    /// One sink, its `name` node (nil when defaulted), the node naming its target, and a key for its target.
    private func sink(
        _ item: YAMLNode, defaultName: String?, jobName: String
    ) throws(JobFileError) -> (JobSink, YAMLNode?, YAMLNode, String) {
        let type = try sinkType(item)
        let map = try item.mapping(allowed: JobKeys.sink(type))
        let nameNode = map["name"]
        var name = defaultName ?? "\(jobName)-\(type.rawValue)"
        if let nameNode {
            name = try nameNode.string()
            guard JobValues.isValidName(name) else {
                throw nameNode.error(
                    "\(nameNode.quoted()) is not a valid name: use 1-100 of A-Z a-z 0-9 . _ -, not starting with . or -"
                )
            }
        }
        if type == .postgres {
            var sink = PostgresSink(name: name, database: nil)
            if let database = map["database"] {
                let value = try database.substituted()
                if !value.text.isEmpty { sink.database = DatabaseConninfo(value: value.text, masked: value.masked) }
            }
            if let schema = map["schema"] {
                sink.schema = try schema.string()
                guard JobValues.isValidSchemaName(sink.schema) else {
                    throw schema.error("\(schema.quoted()) is not a schema name: use lower-case a-z, 0-9 and _")
                }
            }
            sink.migrate = try map["migrate"]?.bool() ?? false
            let target = "postgres\u{0}\(sink.database?.reveal() ?? "")\u{0}\(sink.schema)"
            return (.postgres(sink), nameNode, map["database"] ?? item, target)
        }

        let pathNode = try map.required("path")
        let format: OutputFormat
        switch type {
        case .cef: format = .cef
        case .leef: format = .leef
        case .ocsf: format = .ocsf
        default: format = try map["format"].map(outputFormat) ?? .flat
        }
        var sink = FileSink(name: name, type: type, directory: try path(pathNode), format: format)
        sink.gzip = try map["gzip"]?.bool() ?? false
        if let size = map["max_file_bytes"] { sink.maxFileBytes = try byteSize(size) }
        if let syslog = map["syslog"] {
            guard let header = SyslogHeader(rawValue: try syslog.string()) else {
                throw syslog.error("\(syslog.quoted()) is not one of none, rfc5424, rfc3164")
            }
            sink.syslog = header
        }
        return (.file(sink), nameNode, pathNode, "\(type.rawValue)\u{0}\(sink.directory)")
    }

    /// The item's `type`, checked before its other keys (which depend on it).
    private func sinkType(_ item: YAMLNode) throws(JobFileError) -> SinkType {
        guard case .mapping(let mapping) = item.node else {
            throw item.error("expected a mapping, found \(item.kindName)")
        }
        guard let typeValue = mapping["type"] else {
            throw JobFileError(
                file: item.context.file, line: item.line, column: item.column, keyPath: item.childPath("type"),
                message: "missing required key (one of ndjson, ocsf, cef, leef, postgres)")
        }
        let typeNode = YAMLNode(node: typeValue, path: item.childPath("type"), context: item.context)
        guard let type = SinkType(rawValue: try typeNode.string()) else {
            let guess = JobValues.suggestion(
                for: typeNode.node.scalar?.string ?? "", among: SinkType.allCases.map(\.rawValue))
            throw typeNode.error(
                "\(typeNode.quoted()) is not a sink type (ndjson, ocsf, cef, leef, postgres)"
                    + (guess.map { "; did you mean \"\($0)\"?" } ?? ""))
        }
        // A key that belongs to another sink type gets a pointed message rather than "unknown key".
        for (key, _) in mapping {
            guard let name = key.scalar?.string, !JobKeys.sink(type).contains(name) else { continue }
            let owners = SinkType.allCases.filter { JobKeys.sink($0).contains(name) }.map(\.rawValue)
            if !owners.isEmpty {
                let node = YAMLNode(node: key, path: item.childPath(name), context: item.context)
                throw node.error(
                    "not a key of \(type.rawValue) sinks (it applies to \(owners.joined(separator: ", ")))")
            }
        }
        return type
    }

    private func outputFormat(_ node: YAMLNode) throws(JobFileError) -> OutputFormat {
        let text = try node.string()
        guard let format = OutputFormat(rawValue: text), format == .flat || format == .raw else {
            if text == "cef" || text == "leef" || text == "ocsf" {
                throw node.error("use type: \(text) for \(text.uppercased()) output")
            }
            throw node.error("\(node.quoted()) is not an NDJSON format (flat, raw)")
        }
        return format
    }
}
