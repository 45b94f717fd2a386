import ArgumentParser
import Foundation
import TrailMillNormalize
import TrailMillIntegrity
import TrailMillPipeline
import TrailMillPOSIX

/// What to read and which events to keep: the options `export` and `load` share.
struct InputOptions: ParsableArguments {
    @Option(
        name: [.customShort("s"), .long],
        help: "Archive root (a local copy of the bucket: any folder above AWSLogs/), one log file, or - for one log file on stdin.")
    var source: String

    @Option(name: .customLong("account"), help: "Only this account folder (repeatable).")
    var accounts: [String] = []

    @Option(name: .customLong("region"), help: "Only this region folder (repeatable).")
    var regions: [String] = []

    @Option(parsing: .unconditional, help: ArgumentHelp("Only events at or after this time (\(TimeArgument.forms)).", valueName: "time"))
    var since: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Only events at or before this time (as --since; a date means the end of that day).", valueName: "time"))
    var until: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Only events of the last duration, e.g. 3d or 36h (same as --since -3d).", valueName: "duration"))
    var lookback: String?

    @Option(name: .customLong("event-name"), help: "Only this eventName: case-insensitive, * globs, comma lists (repeatable).")
    var eventNames: [String] = []

    @Option(
        name: .customLong("event-source"),
        help: "Only this eventSource: iam means iam.amazonaws.com; case-insensitive, * globs, comma lists (repeatable).")
    var eventSources: [String] = []

    @Option(
        name: .customLong("user"),
        help: "Only events whose user name, role, actor or ARN is this; root = the root user, dave also finds dave@example.com (repeatable).")
    var users: [String] = []

    @Option(name: .customLong("user-type"), help: "Only this userIdentity.type, e.g. Root, IAMUser, AssumedRole (repeatable).")
    var userTypes: [String] = []

    @Option(
        name: .customLong("resource"),
        help: "Only events naming this resource: an ARN (or its last part) in resources, or a bucket/role/user name in requestParameters (repeatable).")
    var resources: [String] = []

    @Option(name: .customLong("category"), help: "Only this eventCategory: Management, Data, Insight, NetworkActivity (repeatable).")
    var categories: [String] = []

    @Flag(help: "Only read-only events.")
    var readOnly = false

    @Flag(help: "Only events that are not read-only.")
    var writesOnly = false

    @Flag(help: "Only failed calls (errorCode or errorMessage, or a failed console login).")
    var errorsOnly = false

    @Option(name: [.customShort("j"), .long], help: "Parallel decoders (default: the active processor count).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Days of delivery folders read after --until, for late deliveries.")
    var deliveryMarginDays = 1

    @Option(help: ArgumentHelp("Per-file limit on decompressed bytes, e.g. 2GiB (gzip bomb guard).", valueName: "size"))
    var maxUncompressedBytes = ByteSize(2 << 30)

    @Flag(help: "Check files against CloudTrail's digest chains first: failing files are dead, unverifiable ones held.")
    var verifyDigests = false

    @Option(
        name: .customLong("public-keys"),
        help: "With --verify-digests: 'aws cloudtrail list-public-keys' JSON, PEM or DER (repeatable).")
    var publicKeys: [String] = []

    @Option(help: "With --verify-digests: a sidecar of digest signatures (the S3 signature metadata).")
    var signatures: String?

    @Flag(help: "With --verify-digests: deliver files whose digest is unverified or not yet written instead of holding them.")
    var deliverUnverified = false

    @Option(help: "Write the run summary as JSON to this file (atomically).")
    var summaryJSON: String?

    @OptionGroup var logging: LoggingOptions

    var quiet: Bool { logging.quiet }
    var verbose: Bool { logging.verbose }

    func validate() throws {
        if readOnly && writesOnly { throw ValidationError("Use at most one of --read-only and --writes-only.") }
        if jobs < 1 { throw ValidationError("Please specify a '--jobs' of at least 1.") }
        if let since, TimeArgument.parse(since, endOfDay: false) == nil {
            throw ValidationError("--since '\(since)' is not \(TimeArgument.forms).")
        }
        if let until, TimeArgument.parse(until, endOfDay: true) == nil {
            throw ValidationError("--until '\(until)' is not \(TimeArgument.forms).")
        }
        if let lookback {
            if since != nil { throw ValidationError("Use --lookback or --since, not both.") }
            if DurationArgument.parseMillis(lookback) == nil {
                throw ValidationError("--lookback '\(lookback)' is not \(DurationArgument.forms).")
            }
        }
        if let start = sinceMillis, let end = untilMillis, start > end {
            throw ValidationError("--since must not be after --until.")
        }
        let known = Set(EventCategory.allCases.map { $0.rawValue.lowercased() })
        for category in TextPattern.list(categories) where !known.contains(category.lowercased()) {
            throw ValidationError("--category '\(category)' is not one of Management, Data, Insight, NetworkActivity.")
        }
        if !verifyDigests && (!publicKeys.isEmpty || signatures != nil || deliverUnverified) {
            throw ValidationError("--public-keys, --signatures and --deliver-unverified go with --verify-digests.")
        }
        if source.isEmpty { throw ValidationError("--source must not be empty.") }
    }

    /// `--since`, or now minus `--lookback`.
    var sinceMillis: Int64? {
        if let lookback, let millis = DurationArgument.parseMillis(lookback) {
            return TimeArgument.currentMillis() - millis
        }
        return since.flatMap { TimeArgument.parse($0, endOfDay: false) }
    }

    /// `--until`.
    var untilMillis: Int64? { until.flatMap { TimeArgument.parse($0, endOfDay: true) } }

    /// What to read: the source, selection, filters and digest check. `stdinCopy` is the file standard input was
    /// copied to when the source is `-`.
    func selection(stdinCopy: String? = nil) -> InputSelection {
        var input: InputSelection
        if let stdinCopy {
            input = InputSelection(source: SingleFileSource(path: stdinCopy, displayName: "-"))
        } else if (try? FileSystem.status(source))?.isRegularFile == true {
            input = InputSelection(source: SingleFileSource(path: source))
        } else {
            input = InputSelection(root: source)
        }
        input.accounts = Set(TextPattern.list(accounts))
        input.regions = Set(TextPattern.list(regions))
        input.deliveryMarginDays = deliveryMarginDays
        input.filter.sinceMillis = sinceMillis
        input.filter.untilMillis = untilMillis
        input.filter.eventNames = TextPattern.list(eventNames)
        input.filter.eventSources = TextPattern.list(eventSources)
        input.filter.users = TextPattern.list(users)
        input.filter.userTypes = TextPattern.list(userTypes)
        input.filter.resources = TextPattern.list(resources)
        input.filter.categories = TextPattern.list(categories)
        input.filter.readOnly = readOnly ? .readOnly : (writesOnly ? .writesOnly : .any)
        input.filter.errorsOnly = errorsOnly
        if verifyDigests {
            var verification = DigestVerification()
            verification.publicKeyPaths = publicKeys
            verification.signaturesPath = signatures
            verification.deliverUnverified = deliverUnverified
            input.digestVerification = verification
        }
        return input
    }

    /// For `--source -`: standard input copied to a temporary file (nil for other sources); exits 1 when it
    /// cannot be read.
    func standardInputCopy() throws -> StandardInputCopy? {
        guard source == "-" else { return nil }
        do { return try StandardInputCopy() } catch {
            StandardError.write("trailmill: cannot read a log file from stdin: \(error)\n")
            throw ExitCode(RunVerdict.failed.exitStatus)
        }
    }

    /// How to run: parallelism and limits.
    var control: RunControl {
        var control = RunControl()
        control.jobs = jobs
        control.maxDecompressedBytes = maxUncompressedBytes.bytes
        return control
    }

    /// Writes the summary file when asked, prints what the run found, and exits with the run's status.
    func finish(_ summary: RunSummary, filter: EventFilter) throws {
        if let summaryJSON { try summary.write(to: summaryJSON) }
        RunReport.print(summary, quiet: quiet, filtered: !filter.isEmpty)
        if summary.exitStatus != 0 { throw ExitCode(Int32(summary.exitStatus)) }
    }
}
