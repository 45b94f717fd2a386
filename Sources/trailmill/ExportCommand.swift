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
        abstract: "Export an archive's events as deduplicated NDJSON (flat schema v1, raw records or OCSF 1.1.0), CEF or LEEF.",
        discussion: """
            Examples:
              trailmill export --source /data/cloudtrail --out /var/spool/siem --gzip
              trailmill export --source /data/cloudtrail --out /var/spool/arcsight --format cef
              trailmill export --source /data/cloudtrail --out /data/ocsf/cloudtrail --format ocsf --gzip
              trailmill export --source ./archive --out ./out --since 2026-01-01 --until 2026-01-31 \\
                  --event-name ConsoleLogin --errors-only --summary-json run.json
              trailmill export -s ./archive -o - --event-name consolelogin --lookback 7d | jq -c .actor_name
              aws s3 cp s3://bucket/AWSLogs/.../file.json.gz - | trailmill export --source - --out -
            """
    )

    @OptionGroup var input: InputOptions

    @Option(name: [.customShort("o"), .long], help: "Output directory (created when missing), or - for stdout (one stream, no rotation).")
    var out: String

    @Option(
        name: [.customShort("f"), .long],
        help: "Line format: flat (NDJSON, schema v1), raw (NDJSON, the original record), ocsf (NDJSON, OCSF 1.1.0), cef or leef.")
    var format: OutputFormat = .flat

    @Option(help: "Syslog header before each CEF/LEEF line: none, rfc5424 or rfc3164.")
    var syslog: SyslogHeader = .none

    @Flag(help: "gzip the output files.")
    var gzip = false

    @Option(help: ArgumentHelp("Start a new output file after this size, e.g. 64MiB (not with --out -).", valueName: "size"))
    var maxFileBytes: ByteSize?

    func validate() throws {
        if out.isEmpty { throw ValidationError("--out must not be empty.") }
        if out == FileOutput.standardOutput && maxFileBytes != nil {
            throw ValidationError("--max-file-bytes rotates files; --out - writes one stream.")
        }
        if syslog != .none && format.isNDJSON {
            throw ValidationError("--syslog applies to --format cef or leef, not NDJSON.")
        }
    }

    func run() throws {
        let logger = LoggingSetup.bootstrap(input.logging)
        var output = FileOutput(directory: out, stem: Self.outputStem(), format: format)
        output.gzip = gzip
        output.syslog = syslog
        output.maxBytesPerFile = maxFileBytes?.bytes ?? 256 << 20
        var control = input.control
        if !output.isStandardOutput { control.spillDirectory = out }
        let stdin = try input.standardInputCopy()
        let selection = input.selection(stdinCopy: stdin?.path)

        let summary: RunSummary
        do {
            summary = try ExportRun(
                input: selection, control: control, output: output, logger: logger, showProgress: !input.quiet
            ).run()
        } catch {
            StandardError.write("trailmill: \(error.message)\n")
            throw ExitCode(RunVerdict.failed.exitStatus)
        }
        try input.finish(summary, filter: selection.filter)
    }

    /// `cloudtrail-<UTC time>-<random>`: unique per run, sortable by time.
    static func outputStem() -> String {
        let millis = Int64(Date().timeIntervalSince1970 * 1000)
        let stamp = Timestamp.compactStamp(millis)
        let random = String(UInt16.random(in: .min ... .max), radix: 16)
        return "cloudtrail-\(stamp)-\(String(repeating: "0", count: 4 - random.count))\(random)"
    }
}
