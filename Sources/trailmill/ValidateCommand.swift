import ArgumentParser
import Foundation
import TrailMillIntegrity
import TrailMillPipeline

/// `trailmill validate`.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate CloudTrail digest chains and log files (like aws cloudtrail validate-logs, offline).",
        discussion: """
            Walks every digest chain (trail, region; standard and backfill) in the archive, newest to oldest, and \
            checks each digest (format, location, public key, RSA SHA-256 signature, link to the next digest) and \
            each log file it lists (present, one gzip member, SHA-256 of the content). Output follows aws-cli: \
            INVALID lines, gaps and findings on stderr; valid lines on stdout with --verbose; a summary on stdout.

            A local copy has no S3 metadata, so a digest's signature is taken from the next digest's \
            previousDigestSignature. The newest digest of each chain segment has no next digest: it is UNVERIFIED \
            unless --signatures gives its signature (capture x-amz-meta-signature with aws s3api head-object).

            Exit status: 0 = everything in range valid; 1 = something invalid or missing; 2 = usage error; \
            3 = nothing invalid, but something could not be verified (chain heads without a signature, log files \
            no digest lists yet); --allow-unverified makes that 0.

            Examples:
              aws cloudtrail list-public-keys --region us-east-1 --start-time 2026-01-01 > keys.json
              trailmill validate --source /data/cloudtrail --public-keys keys.json --since 2026-01-01
              trailmill validate --source ./bucket --public-keys keys.json --signatures heads.json --verbose \\
                  --summary-json validation.json
            """
    )

    @Option(
        name: [.customShort("s"), .long],
        help: "Archive root: a local copy of the bucket (or a folder inside it, or a folder of bucket folders).")
    var source: String

    @Option(name: .customLong("account"), help: "Only this account folder (repeatable).")
    var accounts: [String] = []

    @Option(name: .customLong("region"), help: "Only this region folder (repeatable).")
    var regions: [String] = []

    @Option(parsing: .unconditional, help: ArgumentHelp("Digests ending at or after this time, and the one straddling it (\(TimeArgument.forms)).", valueName: "time"))
    var since: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Digests ending up to one hour after this time (as --since; a date means the end of that day).", valueName: "time"))
    var until: String?

    @Option(
        name: .customLong("public-keys"),
        help: ArgumentHelp(
            "Public keys: 'aws cloudtrail list-public-keys' JSON, PEM or DER (repeatable). Without keys, digests "
                + "are UNVERIFIED."))
    var publicKeys: [String] = []

    @Option(help: "Signature sidecar: JSON [{bucket, key, metadata: {signature, signature-algorithm}}] (S3 metadata).")
    var signatures: String?

    @Flag(name: [.customShort("v"), .long], help: "Also print valid files, as aws-cli --verbose.")
    var verbose = false

    @Flag(help: "Exit 0 when nothing is invalid even if some digests or log files could not be verified.")
    var allowUnverified = false

    @Option(help: "Write the counts and failures as JSON to this file (atomically).")
    var summaryJSON: String?

    func validate() throws {
        if let since, TimeArgument.parse(since, endOfDay: false) == nil {
            throw ValidationError("--since '\(since)' is not \(TimeArgument.forms).")
        }
        if let until, TimeArgument.parse(until, endOfDay: true) == nil {
            throw ValidationError("--until '\(until)' is not \(TimeArgument.forms).")
        }
        if let start = since.flatMap({ TimeArgument.parse($0, endOfDay: false) }),
            let end = until.flatMap({ TimeArgument.parse($0, endOfDay: true) }), start > end
        {
            throw ValidationError("--since must not be after --until.")
        }
    }

    func run() throws {
        var keys = PublicKeySet()
        var sidecar = SignatureSidecar()
        do {
            for path in publicKeys { try keys.add(path: path) }
            if let signatures { sidecar = try SignatureSidecar.load(path: signatures) }
        } catch {
            StandardError.write("trailmill: \(error)\n")
            throw ExitCode(2)
        }
        for problem in keys.problems { StandardError.write("trailmill: warning: \(problem)\n") }
        if publicKeys.isEmpty {
            StandardError.write("trailmill: warning: no --public-keys: digest signatures are not checked\n\n")
        }

        let selection = IntegritySelection(
            accounts: Set(accounts), regions: Set(regions),
            start: since.flatMap { TimeArgument.parse($0, endOfDay: false) }.map { Self.utc(millis: $0) },
            end: until.flatMap { TimeArgument.parse($0, endOfDay: true) }.map { Self.utc(millis: $0) })
        let validator = IntegrityValidator(root: source, selection: selection, keys: keys, signatures: sidecar)
        var output = ValidationOutput(verbose: verbose, start: selection.start, end: selection.end)
        let report: IntegrityReport
        do {
            report = try validator.validate { event in Self.write(output.write(event)) }
        } catch {
            StandardError.write("trailmill: \(error)\n")
            throw ExitCode(2)
        }
        Self.write(output.summary(report))
        if let summaryJSON {
            do {
                try IntegritySummary(report).write(to: summaryJSON)
            } catch {
                StandardError.write("trailmill: cannot write \(summaryJSON): \(error.localizedDescription)\n")
                throw ExitCode(1)
            }
        }
        let status = report.exitStatus(allowUnverified: allowUnverified)
        if status != 0 { throw ExitCode(status) }
    }

    /// Whole seconds (floor) of a millisecond time.
    static func utc(millis: Int64) -> UTCTime {
        UTCTime(seconds: millis >= 0 ? millis / 1000 : (millis - 999) / 1000)
    }

    static func write(_ chunks: [ValidationOutput.Chunk]) {
        for chunk in chunks {
            switch chunk.stream {
            case .standardOutput: FileHandle.standardOutput.write(Data(chunk.text.utf8))
            case .standardError: StandardError.write(chunk.text)
            }
        }
    }
}
