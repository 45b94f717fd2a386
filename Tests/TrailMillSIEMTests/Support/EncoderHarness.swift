import Foundation
import Logging
import Testing
import TrailMillArchive
import TrailMillCompression
import TrailMillDecoding
import TrailMillNormalize
import TrailMillPipeline
import TrailMillSIEM
import TrailMillTestSupport

/// Running the encoders over records, directly (decoder → normalizer → encoder, like `FileProcessor` does) or
/// through a whole `ExportRun`.
enum EncoderHarness {
    static let account = "111122223333"

    /// An account trail file stamped `20240315T1205Z` (the fallback time for records without a usable eventTime).
    static let trailFile: TrailFile = {
        let path = "AWSLogs/\(account)/CloudTrail/us-east-1/2024/03/15/\(account)_CloudTrail_us-east-1_20240315T1205Z_Ab12Cd34Ef56Gh78.json.gz"
        return TrailFile(
            relativePath: path, absolutePath: "/archive/" + path, prefix: "", organizationID: nil, accountID: account,
            folder: .cloudTrail, region: "us-east-1", deliveryDate: CivilDate(year: 2024, month: 3, day: 15)!, size: 0)
    }()

    /// What the encoders wrote for one record: each line without its `\n`.
    struct Output {
        var cef: [UInt8]
        var leef: [UInt8]
        var cefText: String { String(decoding: cef, as: UTF8.self) }
        var leefText: String { String(decoding: leef, as: UTF8.self) }
    }

    struct HarnessError: Error, CustomStringConvertible {
        var description: String
    }

    /// Encodes the records (JSON texts) of one `{"Records":[…]}` file with both encoders. Each output must be
    /// exactly one line ending in `\n`.
    static func encode(
        _ records: [String], file: TrailFile = trailFile, syslog: SyslogHeader = .none, hostName: String = "testhost"
    ) throws -> [Output] {
        let text = #"{"Records":["# + records.joined(separator: ",") + "]}"
        return try encode(bytes: Array(text.utf8), file: file, syslog: syslog, hostName: hostName)
    }

    static func encode(
        bytes: [UInt8], file: TrailFile = trailFile, syslog: SyslogHeader = .none, hostName: String = "testhost"
    ) throws -> [Output] {
        let context = FileContext(file: file)
        let decoder = LogFileDecoder(reader: try DecompressingReader(bytes: bytes))
        let scratch = SIEMScratch(hostName: hostName)
        let cef = OutputBuffer(capacity: 4096)
        let leef = OutputBuffer(capacity: 4096)
        var outputs: [(cef: [UInt8], leef: [UInt8])] = []
        let content = try decoder.forEachRecord { record in
            cef.removeAll()
            leef.removeAll()
            let event = Normalizer.normalize(record, context: context)
            CEFEncoder.appendLine(event, record: record, context: context, syslog: syslog, scratch: scratch, to: cef)
            LEEFEncoder.appendLine(event, record: record, context: context, syslog: syslog, scratch: scratch, to: leef)
            outputs.append((cef.bytes, leef.bytes))
        }
        guard case .records(let count) = content, count == outputs.count else {
            throw HarnessError(description: "decoder: \(content), \(outputs.count) records")
        }
        return try outputs.map { item in
            Output(cef: try oneLine(item.cef, "CEF"), leef: try oneLine(item.leef, "LEEF"))
        }
    }

    /// The line without its final `\n`; throws unless there is exactly one `\n`, at the end, and no CR.
    static func oneLine(_ bytes: [UInt8], _ what: String) throws -> [UInt8] {
        guard bytes.last == UInt8(ascii: "\n") else {
            throw HarnessError(description: "\(what) output does not end in \\n: \(String(decoding: bytes, as: UTF8.self))")
        }
        let line = Array(bytes.dropLast())
        if line.contains(UInt8(ascii: "\n")) || line.contains(UInt8(ascii: "\r")) {
            throw HarnessError(description: "\(what) output is split into several lines: \(String(decoding: bytes, as: UTF8.self).debugDescription)")
        }
        return line
    }

    /// Runs an export of `root` in `format` and returns the summary and every output line (without `\n`).
    static func export(
        _ root: String, format: OutputFormat, gzip: Bool = false, jobs: Int = 2, errorsOnly: Bool = false
    ) throws -> (summary: RunSummary, lines: [[UInt8]]) {
        let output = try TemporaryDirectory("siem-out")
        defer { output.remove() }
        var input = InputSelection(root: root)
        input.filter.errorsOnly = errorsOnly
        var control = RunControl()
        control.jobs = jobs
        var target = FileOutput(directory: output.path, stem: "siem", format: format)
        target.gzip = gzip
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        let summary = try ExportRun(input: input, control: control, output: target, logger: logger).run()
        let names = try FileManager.default.contentsOfDirectory(atPath: output.path).sorted()
        var lines: [[UInt8]] = []
        for name in names {
            var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: output.path + "/" + name)))
            if name.hasSuffix(".gz") { bytes = try Gzip.decompress(bytes) }
            let wanted = "." + format.fileExtension + (gzip ? ".gz" : "")
            // Mapping §1: `<stem>-00001.cef` / `.leef` (`.gz` with gzip), nothing else left in the directory.
            guard name.hasPrefix("siem-"), name.hasSuffix(wanted),
                name.dropFirst(5).dropLast(wanted.count).allSatisfy(\.isNumber), name.count == 5 + 5 + wanted.count
            else {
                throw HarnessError(description: "unexpected output file \(name) (wanted siem-NNNNN\(wanted))")
            }
            guard bytes.isEmpty || bytes.last == UInt8(ascii: "\n") else {
                throw HarnessError(description: "\(name) does not end in \\n")
            }
            lines += bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast().map(Array.init)
        }
        return (summary, lines)
    }
}
