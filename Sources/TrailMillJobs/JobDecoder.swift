import TrailMillArchive
import TrailMillIntegrity
import TrailMillNormalize
import TrailMillPipeline
import Yams

/// Turns a composed job document into a ``JobFile``, checking every key and value.
struct JobDecoder {
    /// Absolute directory of the job file.
    let directory: String
    /// `parallelism.jobs` when absent.
    let defaultJobs: Int

    func decode(_ root: YAMLNode, filePath: String) throws(JobFileError) -> JobFile {
        let top = try root.mapping(allowed: JobKeys.job)
        if let version = top["version"] {
            let value = try version.int(in: 0...Int.max)
            guard value == 1 else {
                throw version.error("unsupported version \(value) (this TrailMill reads version 1)")
            }
        }
        let nameNode = try top.required("name")
        let name = try nameNode.string()
        guard JobValues.isValidName(name) else {
            throw nameNode.error(
                "\(nameNode.quoted()) is not a valid name: use 1-100 of A-Z a-z 0-9 . _ -, not starting with . or -")
        }
        let source = try top.required("source").mapping(allowed: JobKeys.source)
        let sourcePath = try path(source.required("path"))

        var job = JobFile(
            name: name, filePath: filePath, directory: directory, sourcePath: sourcePath,
            sinks: try sinks(top.required("sinks"), jobName: name), jobs: defaultJobs,
            statePath: try top["state"].map(path) ?? JobPaths.resolve("\(name).sqlite", against: directory))
        if let node = top["select"] { job.selection = try selection(node) }
        if let node = top["filters"] { job.filters = try filters(node) }
        if let node = top["parallelism"] {
            let parallelism = try node.mapping(allowed: JobKeys.parallelism)
            if let jobs = parallelism["jobs"] { job.jobs = try jobs.int(in: 1...1024) }
        }
        if let node = top["limits"] {
            let limits = try node.mapping(allowed: JobKeys.limits)
            if let bytes = limits["max_decompressed_bytes"] { job.limits.maxDecompressedBytes = try byteSize(bytes) }
            if let retries = limits["dead_file_retries"] { job.limits.deadFileRetries = try retries.int(in: 0...1000) }
        }
        if let node = top["verify_digests"] { job.digestVerification = try digestVerification(node) }
        job.summaryPath = try top["summary"].map(path)
        return job
    }

    // MARK: select

    private func selection(_ node: YAMLNode) throws(JobFileError) -> JobSelection {
        let select = try node.mapping(allowed: JobKeys.select)
        var selection = JobSelection()
        if let accounts = select["accounts"] {
            for item in try accounts.sequence() {
                let account = try item.string()
                guard AWSNames.isAccountID(account) else {
                    throw item.error("\(item.quoted()) is not a 12-digit AWS account ID")
                }
                selection.accounts.insert(account)
            }
        }
        if let regions = select["regions"] {
            for item in try regions.sequence() {
                let region = try item.string()
                guard AWSNames.isRegion(region) else {
                    throw item.error("\(item.quoted()) is not a region name such as us-east-1")
                }
                selection.regions.insert(region)
            }
        }
        if let folders = select["event_folders"] {
            selection.eventFolders = []
            for item in try folders.sequence() {
                guard let folder = TrailFolder(rawValue: try item.string()), folder.holdsEvents else {
                    throw item.error(
                        "\(item.quoted()) is not an event folder "
                            + "(CloudTrail, CloudTrail-Insight, CloudTrail-NetworkActivity)")
                }
                selection.eventFolders.insert(folder)
            }
            if selection.eventFolders.isEmpty { throw folders.error("must list at least one event folder") }
        }
        let from = select["from"]
        let to = select["to"]
        if let lookback = select["lookback"] {
            if let other = from ?? to {
                throw lookback.error(
                    "lookback and from/to are mutually exclusive (\(other.path) is on line \(other.line))")
            }
            guard let value = Lookback.parse(try lookback.string()) else {
                throw lookback.error("\(lookback.quoted()) is not a duration: write Nd (days) or Nh (hours), e.g. 3d")
            }
            selection.window = .lookback(value)
        } else if from != nil || to != nil {
            guard let from else {
                throw select.missing("from", near: to, because: "to needs from (a backfill has both)")
            }
            guard let to else { throw select.missing("to", near: from, because: "from needs to (a backfill has both)") }
            let start = try date(from)
            let end = try date(to)
            guard start <= end else { throw to.error("to (\(end)) is before from (\(start))") }
            selection.window = .range(start...end)
        }
        return selection
    }

    private func date(_ node: YAMLNode) throws(JobFileError) -> CivilDate {
        guard let date = JobValues.parseDate(try node.string()) else {
            throw node.error("\(node.quoted()) is not a date: write YYYY-MM-DD, e.g. 2026-01-31")
        }
        return date
    }

    // MARK: filters

    private func filters(_ node: YAMLNode) throws(JobFileError) -> JobFilters {
        let map = try node.mapping(allowed: JobKeys.filters)
        var filters = JobFilters()
        if let since = map["since"] { filters.sinceMillis = try time(since, endOfDay: false) }
        if let until = map["until"] { filters.untilMillis = try time(until, endOfDay: true) }
        if let since = filters.sinceMillis, let until = filters.untilMillis, since > until, let node = map["until"] {
            throw node.error("until is before since")
        }
        filters.eventNames = try map["event_names"]?.stringList() ?? []
        filters.eventSources = try map["event_sources"]?.stringList() ?? []
        filters.users = try map["users"]?.stringList() ?? []
        if let categories = map["categories"] {
            let known = Set(EventCategory.allCases.map { $0.rawValue.lowercased() })
            for item in try categories.sequence() {
                let category = try item.string()
                guard known.contains(category.lowercased()) else {
                    throw item.error("\(item.quoted()) is not one of Management, Data, Insight, NetworkActivity")
                }
                filters.categories.append(category)
            }
        }
        filters.readOnly = try map["read_only"]?.bool()
        filters.errorsOnly = try map["errors_only"]?.bool() ?? false
        return filters
    }

    private func time(_ node: YAMLNode, endOfDay: Bool) throws(JobFileError) -> Int64 {
        guard let millis = TimeArgument.parse(try node.string(), endOfDay: endOfDay) else {
            throw node.error("\(node.quoted()) is not an RFC 3339 time or a YYYY-MM-DD date")
        }
        return millis
    }

    // MARK: verify_digests

    private func digestVerification(_ node: YAMLNode) throws(JobFileError) -> DigestVerification? {
        if case Node.scalar = node.node { return try node.bool() ? DigestVerification() : nil }
        let map = try node.mapping(allowed: JobKeys.verifyDigests)
        var verification = DigestVerification()
        if let keys = map["public_keys"] {
            for item in try keys.sequence() { verification.publicKeyPaths.append(try path(item)) }
        }
        verification.signaturesPath = try map["signatures"].map(path)
        verification.deliverUnverified = try map["deliver_unverified"]?.bool() ?? false
        return verification
    }

    // MARK: shared value kinds

    /// A path; relative paths resolve against the job file's directory.
    func path(_ node: YAMLNode) throws(JobFileError) -> String {
        let text = try node.string()
        guard !text.utf8.contains(0) else { throw node.error("paths cannot contain NUL") }
        return JobPaths.resolve(text, against: directory)
    }

    /// A byte size such as `256MiB`.
    func byteSize(_ node: YAMLNode) throws(JobFileError) -> Int {
        guard let value = JobValues.parseByteSize(try node.string()) else {
            throw node.error(
                "\(node.quoted()) is not a size: write bytes or a number with B, KB, MB, GB, KiB, MiB, GiB, e.g. 256MiB"
            )
        }
        return value
    }
}

extension YAMLMapping {
    /// A missing key that the present key `sibling` needs (reported on the sibling's line).
    func missing(_ key: String, near sibling: YAMLNode?, because reason: String) -> JobFileError {
        let at = sibling ?? node
        return JobFileError(
            file: node.context.file, line: at.line, column: at.column, keyPath: node.childPath(key),
            message: "missing: \(reason)")
    }
}
