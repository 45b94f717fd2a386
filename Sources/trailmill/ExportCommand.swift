public import ArgumentParser
import Foundation
import TrailMillNormalize
import TrailMillPipeline
import TrailMillSIEM

extension OutputFormat: ExpressibleByArgument {}
extension SyslogHeader: ExpressibleByArgument {}

/// `trailmill export`.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export an archive's events as deduplicated NDJSON (flat schema v1 or raw records), CEF or LEEF.",
        discussion: """
            Examples:
              trailmill export --source /data/cloudtrail --out /var/spool/siem --gzip
              trailmill export --source /data/cloudtrail --out /var/spool/arcsight --format cef
              trailmill export --source ./archive --out ./out --since 2026-01-01 --until 2026-01-31 \\
                  --event-name ConsoleLogin --errors-only --summary-json run.json
            """
    )

    @OptionGroup var input: InputOptions

    @Option(help: "Output directory (created when missing).")
    var out: String

    @Option(help: "Line format: flat (NDJSON, schema v1), raw (NDJSON, the original record), cef or leef.")
    var format: OutputFormat = .flat

    @Option(help: "Syslog header before each CEF/LEEF line: none, rfc5424 or rfc3164.")
    var syslog: SyslogHeader = .none

    @Flag(help: "gzip the output files.")
    var gzip = false

    @Option(help: "Start a new output file after this many bytes.")
    var maxFileBytes: Int = 256 << 20

    func validate() throws {
        if maxFileBytes < 1 { throw ValidationError("Size limits must be positive.") }
        if syslog != .none && (format == .flat || format == .raw) {
            throw ValidationError("--syslog applies to --format cef or leef, not NDJSON.")
        }
    }

    func run() throws {
        let logger = LoggingSetup.bootstrap(quiet: input.quiet, verbose: input.verbose)
        var output = FileOutput(directory: out, stem: Self.outputStem(), format: format)
        output.gzip = gzip
        output.syslog = syslog
        output.maxBytesPerFile = maxFileBytes
        output.stalePartialPrefix = Self.stemPrefix
        var control = input.control
        control.spillDirectory = out
        try RunReporting.checkSummaryTarget(input.summaryJSON)
        let cancellation = RunCancellation()
        control.cancellation = cancellation
        let signals = StopSignals.install(cancelling: cancellation, logger: logger)
        defer { withExtendedLifetime(signals) {} }

        let summary: RunSummary
        do {
            summary = try ExportRun(
                input: input.selection, control: control, output: output, logger: logger, showProgress: !input.quiet
            ).run()
        } catch {
            throw RunReporting.finish(failure: error, summaryPath: input.summaryJSON)
        }
        try input.finish(summary)
    }

    /// What every export's output names start with (a killed export's hidden partial files are found by it).
    static let stemPrefix = "cloudtrail-"

    /// `cloudtrail-<UTC time>-<random>`: unique per run, sortable by time.
    static func outputStem() -> String {
        let millis = Int64(Date().timeIntervalSince1970 * 1000)
        let stamp = Timestamp.compactStamp(millis)
        let random = String(UInt16.random(in: .min ... .max), radix: 16)
        return "\(stemPrefix)\(stamp)-\(String(repeating: "0", count: 4 - random.count))\(random)"
    }
}
