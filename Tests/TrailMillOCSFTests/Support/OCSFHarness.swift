import Foundation
import TrailMillArchive
import TrailMillCompression
import TrailMillDecoding
import TrailMillNormalize
import TrailMillOCSF
import TrailMillTestSupport

/// Runs records through the decoder, the normalizer and both encoders (OCSF and flat), as the export engine will.
enum OCSFHarness {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    /// `<package root>/../shared` (`/work/shared` from a worktree).
    static let shared = packageRoot.deletingLastPathComponent().appendingPathComponent("shared").path
    static let vectors = shared + "/vectors/ocsf"
    static let samples = ProcessInfo.processInfo.environment["TRAILMILL_SAMPLES"] ?? shared + "/samples"
    static let reference = shared + "/reference/ocsf.md"
    static let sampleArchive = packageRoot.appendingPathComponent("Tests/Fixtures/sample-archive").path

    static var haveVectors: Bool { FileManager.default.fileExists(atPath: vectors + "/compiled-1.1.0.json") }
    static var haveSamples: Bool { FileManager.default.fileExists(atPath: samples) }
    static var haveReference: Bool { FileManager.default.fileExists(atPath: reference) }

    static let account = "111122223333"

    /// An account trail file stamped `20240315T1205Z`.
    static let trailFile: TrailFile = {
        let path = "AWSLogs/\(account)/CloudTrail/us-east-1/2024/03/15/\(account)_CloudTrail_us-east-1_20240315T1205Z_Ab12Cd34Ef56Gh78.json.gz"
        return TrailFile(
            relativePath: path, absolutePath: "/archive/" + path, prefix: "", organizationID: nil, accountID: account,
            folder: .cloudTrail, region: "us-east-1", deliveryDate: CivilDate(year: 2024, month: 3, day: 15)!, size: 0)
    }()

    /// One record's outputs, each line without its `\n`.
    struct Output {
        var ocsf: [UInt8]
        var flat: [UInt8]
        var ocsfText: String { String(decoding: ocsf, as: UTF8.self) }
    }

    struct HarnessError: Error, CustomStringConvertible {
        var description: String
    }

    /// Encodes the records (JSON texts) of one `{"Records":[…]}` file.
    static func encode(_ records: [String], file: TrailFile = trailFile) throws -> [Output] {
        try encode(bytes: Array((#"{"Records":["# + records.joined(separator: ",") + "]}").utf8), file: file)
    }

    /// Encodes every record of one log file's bytes (gzip or plain). The OCSF line made from the decoder's view
    /// (`record:`) must equal the one made from the bytes alone (`bytes:`), the form the engine will call.
    static func encode(bytes: [UInt8], file: TrailFile) throws -> [Output] {
        let context = FileContext(file: file)
        let decoder = LogFileDecoder(reader: try DecompressingReader(bytes: bytes))
        let scratch = OCSFScratch()
        let viaRecord = OutputBuffer(capacity: 4096)
        let viaBytes = OutputBuffer(capacity: 4096)
        let flat = OutputBuffer(capacity: 4096)
        var outputs: [(ocsf: [UInt8], alternative: [UInt8], flat: [UInt8])] = []
        let content = try decoder.forEachRecord { record in
            viaRecord.removeAll()
            viaBytes.removeAll()
            flat.removeAll()
            let event = Normalizer.normalize(record, context: context)
            OCSFEncoder.appendLine(event, record: record, context: context, scratch: scratch, to: viaRecord)
            record.withUnsafeBytes { OCSFEncoder.appendLine(event, bytes: $0, context: context, scratch: scratch, to: viaBytes) }
            FlatEventEncoder.appendFlatLine(event, record: record, context: context, to: flat)
            outputs.append((viaRecord.bytes, viaBytes.bytes, flat.bytes))
        }
        guard case .records(let count) = content, count == outputs.count else {
            throw HarnessError(description: "decoder: \(content), \(outputs.count) records")
        }
        return try outputs.map { item in
            guard item.ocsf == item.alternative else {
                throw HarnessError(
                    description: "the bytes-only form wrote another line:\n\(String(decoding: item.ocsf, as: UTF8.self))\n"
                        + String(decoding: item.alternative, as: UTF8.self))
            }
            return Output(ocsf: try oneLine(item.ocsf), flat: try oneLine(item.flat))
        }
    }

    /// The line without its final `\n`; throws unless it is exactly one line for every line splitter.
    static func oneLine(_ bytes: [UInt8]) throws -> [UInt8] {
        guard bytes.last == UInt8(ascii: "\n") else {
            throw HarnessError(description: "output does not end in \\n: \(String(decoding: bytes, as: UTF8.self))")
        }
        let line = Array(bytes.dropLast())
        let text = String(decoding: line, as: UTF8.self)
        if line.contains(UInt8(ascii: "\n")) || line.contains(UInt8(ascii: "\r"))
            || text.unicodeScalars.contains(where: { $0 == "\u{85}" || $0 == "\u{2028}" || $0 == "\u{2029}" })
        {
            throw HarnessError(description: "output is split into several lines: \(text.debugDescription)")
        }
        return line
    }

    /// A line parsed by Foundation (lone surrogate escapes, which the encoders keep as written, read as U+FFFD).
    static func object(_ line: [UInt8]) throws -> [String: Any] {
        let text = HostileRecords.replacingLoneSurrogates(String(decoding: line, as: UTF8.self))
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw HarnessError(description: "not a JSON object: \(text)")
        }
        return object
    }

    /// JSON text embedded in a string (`api.request.data`), parsed.
    static func embedded(_ text: String) throws -> Any {
        try JSONSerialization.jsonObject(
            with: Data(HostileRecords.replacingLoneSurrogates(text).utf8), options: [.fragmentsAllowed])
    }

    // MARK: Inputs

    /// Every sample record of `../shared/samples`, encoded file by file (as published: escapes and key order kept).
    static func sampleOutputs() throws -> [(record: SampleRecords.Record, output: Output)] {
        let records = try SampleRecords.all(in: samples)
        var byFile: [String: [SampleRecords.Record]] = [:]
        for record in records { byFile[record.file, default: []].append(record) }
        var result: [(SampleRecords.Record, Output)] = []
        for file in byFile.keys.sorted() {
            let group = byFile[file]!
            let outputs = try encode(group.map(\.text))
            result += zip(group, outputs).map { ($0, $1) }
        }
        return result
    }

    /// Every record of every event file of the bundled sample archive, with its outputs.
    static func archiveOutputs() throws -> [(object: [String: Any], output: Output)] {
        let discovered = try ArchiveDiscovery(root: sampleArchive).discover()
        var result: [([String: Any], Output)] = []
        for file in discovered.eventFiles {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file.absolutePath)))
            let outputs = try encode(bytes: bytes, file: file)
            let plain = try Gzip.decompress(bytes)
            let top = try JSONSerialization.jsonObject(with: Data(plain)) as? [String: Any]
            let records = top?["Records"] as? [[String: Any]] ?? []
            guard records.count == outputs.count else { throw HarnessError(description: "\(file.relativePath): count") }
            result += zip(records, outputs).map { ($0, $1) }
        }
        return result
    }

    /// The hostile records of the SIEM and pipeline tests: hostile text in the payload fields, in the
    /// identity/header fields, and as string literals in the user agent, error message and additional data.
    static func hostileRecords() -> [(name: String, text: String)] {
        var records: [(String, String)] = []
        for (n, hostile) in HostileRecords.strings.enumerated() {
            records.append(("payload: " + hostile.name, HostileRecords.payloadRecord(hostile.json, n)))
            records.append(("header: " + hostile.name, HostileRecords.headerRecord(hostile.json, n)))
        }
        for (n, literal) in HostileRecords.literals.enumerated() {
            let record = ArchiveBuilder.record(
                id: String(format: "00000000-0000-4000-8000-%012d", 900 + n),
                extra: #""errorMessage":\#(literal.json),"additionalEventData":{"note":\#(literal.json),"list":[\#(literal.json)]}"#
            ).replacingOccurrences(of: #""userAgent":"aws-cli/2.15.0""#, with: #""userAgent":\#(literal.json)"#)
            records.append(("literal: \(literal.value.debugDescription)", record))
        }
        return records
    }
}
