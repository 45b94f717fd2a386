import ArgumentParser
import Foundation
import TrailMillArchive
import TrailMillNormalize
import TrailMillIntegrity
import TrailMillPipeline

/// What to read and which events to keep: the options `export` and `load` share.
struct InputOptions: ParsableArguments {
    @Option(help: "Archive root: a local copy of the bucket (any folder above AWSLogs/).")
    var source: String

    @Option(name: .customLong("account"), help: "Only this account folder (repeatable).")
    var accounts: [String] = []

    @Option(name: .customLong("region"), help: "Only this region folder (repeatable).")
    var regions: [String] = []

    @Option(help: "Only events at or after this time (RFC 3339, or YYYY-MM-DD = start of that day, UTC).")
    var since: String?

    @Option(help: "Only events at or before this time (RFC 3339, or YYYY-MM-DD = end of that day, UTC).")
    var until: String?

    @Option(name: .customLong("event-name"), help: "Only this eventName (repeatable).")
    var eventNames: [String] = []

    @Option(name: .customLong("event-source"), help: "Only this eventSource, e.g. iam.amazonaws.com (repeatable).")
    var eventSources: [String] = []

    @Option(name: .customLong("user"), help: "Only events whose user name, role name, actor or ARN is this (repeatable).")
    var users: [String] = []

    @Option(name: .customLong("category"), help: "Only this eventCategory: Management, Data, Insight, NetworkActivity (repeatable).")
    var categories: [String] = []

    @Flag(help: "Only read-only events.")
    var readOnly = false

    @Flag(help: "Only events that are not read-only.")
    var writesOnly = false

    @Flag(help: "Only failed calls (errorCode or errorMessage, or a failed console login).")
    var errorsOnly = false

    @Option(parsing: .unconditional, help: "Parallel decoders, 1-1024 (default: the active processor count).")
    var jobs: Int = min(1024, ProcessInfo.processInfo.activeProcessorCount)

    @Option(help: "Days of delivery folders read after --until, for late deliveries.")
    var deliveryMarginDays = 1

    @Option(help: "Per-file limit on decompressed bytes (gzip bomb guard).")
    var maxUncompressedBytes: Int = 2 << 30

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

    @Option(help: "Write the run summary as JSON to this file (atomically; '-' = stdout; a FIFO or /dev/stdout is written in place).")
    var summaryJSON: String?

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    @Flag(help: "Log every file.")
    var verbose = false

    func validate() throws {
        if readOnly && writesOnly { throw ValidationError("Use at most one of --read-only and --writes-only.") }
        if !(1...1024).contains(jobs) { throw ValidationError("--jobs must be between 1 and 1024 (got \(jobs)).") }
        if !(0...366).contains(deliveryMarginDays) {
            throw ValidationError("--delivery-margin-days must be between 0 and 366.")
        }
        for account in accounts where !AWSNames.isAccountID(account) {
            throw ValidationError("--account '\(account)' is not a 12-digit AWS account ID.")
        }
        for region in regions where !AWSNames.isRegion(region) {
            throw ValidationError("--region '\(region)' is not a region name such as us-east-1.")
        }
        if let since, TimeArgument.parse(since, endOfDay: false) == nil {
            throw ValidationError("--since '\(since)' is not an RFC 3339 time or a YYYY-MM-DD date.")
        }
        if let until, TimeArgument.parse(until, endOfDay: true) == nil {
            throw ValidationError("--until '\(until)' is not an RFC 3339 time or a YYYY-MM-DD date.")
        }
        let known = Set(EventCategory.allCases.map { $0.rawValue.lowercased() })
        for category in categories where !known.contains(category.lowercased()) {
            throw ValidationError("--category '\(category)' is not one of Management, Data, Insight, NetworkActivity.")
        }
        if maxUncompressedBytes < 1 { throw ValidationError("Size limits must be positive.") }
        if !verifyDigests && (!publicKeys.isEmpty || signatures != nil || deliverUnverified) {
            throw ValidationError("--public-keys, --signatures and --deliver-unverified go with --verify-digests.")
        }
    }

    /// What to read: the source, selection, filters and digest check.
    var selection: InputSelection {
        var input = InputSelection(root: source)
        input.accounts = Set(accounts)
        input.regions = Set(regions)
        input.deliveryMarginDays = deliveryMarginDays
        input.filter.sinceMillis = since.flatMap { TimeArgument.parse($0, endOfDay: false) }
        input.filter.untilMillis = until.flatMap { TimeArgument.parse($0, endOfDay: true) }
        input.filter.eventNames = eventNames
        input.filter.eventSources = eventSources
        input.filter.users = users
        input.filter.categories = categories
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

    /// How to run: parallelism and limits.
    var control: RunControl {
        var control = RunControl()
        control.jobs = jobs
        control.maxDecompressedBytes = maxUncompressedBytes
        return control
    }

    /// Writes the summary file when asked, prints the summary line unless quiet, and exits with the run's status
    /// (1 when the summary cannot be written).
    func finish(_ summary: RunSummary) throws {
        let written = RunReporting.writeSummary(summary, to: summaryJSON)
        if !quiet { StandardError.write(summary.oneLine + "\n") }
        if summary.exitStatus != 0 { throw ExitCode(Int32(summary.exitStatus)) }
        if !written { throw ExitCode(RunVerdict.failed.exitStatus) }
    }
}
