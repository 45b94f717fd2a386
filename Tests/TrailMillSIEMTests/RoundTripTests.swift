import Foundation
import Testing
import TrailMillArchive
import TrailMillCompression
import TrailMillPipeline
import TrailMillSIEM
import TrailMillSynth
import TrailMillTestSupport

/// Collects oracle problems per record and summarises them by field.
struct ProblemLog: CustomStringConvertible {
    var byField: [String: [String]] = [:]
    var records = 0

    mutating func add(_ problems: [String], at location: String) {
        records += 1
        for problem in problems {
            let field = String(problem.prefix { $0 != ":" })
            byField[field, default: []].append("\(location): \(problem)")
        }
    }

    mutating func fail(_ location: String, _ error: any Error) {
        records += 1
        byField["parse", default: []].append("\(location): \(error)")
    }

    var isEmpty: Bool { byField.isEmpty }

    var description: String {
        byField.keys.sorted().map { field in
            let items = byField[field]!
            return "[\(field)] \(items.count)×: " + items.prefix(4).joined(separator: "\n    ")
        }.joined(separator: "\n")
    }
}

/// Every line written by the encoders, parsed by the strict parsers, checked value by value against the mapping
/// computed by `MappingOracle` from the Foundation-parsed source record.
@Suite struct RoundTripTests {
    /// The fallback time of `EncoderHarness.trailFile` (its `20240315T1205Z` stamp), computed independently.
    static let fallbackMillis: Int64 = {
        var components = DateComponents()
        (components.year, components.month, components.day, components.hour, components.minute) = (2024, 3, 15, 12, 5)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return Int64(calendar.date(from: components)!.timeIntervalSince1970) * 1000
    }()

    /// Checks both encodings of `records` (JSON texts); `objects` are the oracle's view of them.
    static func check(
        _ records: [String], objects: [[String: Any]], labels: [String], outputs: [EncoderHarness.Output]
    ) -> (cef: ProblemLog, leef: ProblemLog) {
        var cef = ProblemLog()
        var leef = ProblemLog()
        for (n, output) in outputs.enumerated() {
            do {
                let event = try StrictCEFParser.parse(bytes: output.cef)
                let record = MappingOracle.Record(objects[n], raw: records[n])
                let expected = MappingOracle.cef(record, fileAccount: EncoderHarness.account, fallbackMillis: fallbackMillis)
                cef.add(MappingOracle.check(event, expected), at: labels[n])
            } catch {
                cef.fail(labels[n] + " " + output.cefText.prefix(300).debugDescription, error)
            }
            do {
                let event = try LEEFParser.parse(output.leefText)
                let record = MappingOracle.Record(objects[n], raw: records[n])
                let expected = MappingOracle.leef(record, fileAccount: EncoderHarness.account, fallbackMillis: fallbackMillis)
                leef.add(MappingOracle.check(event, expected), at: labels[n])
            } catch {
                leef.fail(labels[n] + " " + output.leefText.prefix(300).debugDescription, error)
            }
        }
        return (cef, leef)
    }

    // MARK: (c) every public sample record

    @Test(.enabled(if: Vectors.samplesPresent, "../shared/samples is absent (set TRAILMILL_SAMPLES)"))
    func everySampleRecordRoundTripsThroughBothEncoders() throws {
        let records = try SampleRecords.all(in: Vectors.samples)
        #expect(records.count > 900, "found \(records.count) sample records")
        var cef = ProblemLog()
        var leef = ProblemLog()
        var byFile: [String: [SampleRecords.Record]] = [:]
        for record in records { byFile[record.file, default: []].append(record) }
        for file in byFile.keys.sorted() {
            let group = byFile[file]!
            let outputs = try EncoderHarness.encode(group.map(\.text))
            let result = Self.check(
                group.map(\.text), objects: group.map(\.object), labels: group.map { "\($0.file)#\($0.index)" },
                outputs: outputs)
            cef.byField.merge(result.cef.byField) { $0 + $1 }
            leef.byField.merge(result.leef.byField) { $0 + $1 }
            cef.records += result.cef.records
            leef.records += result.leef.records
        }
        #expect(cef.records == records.count)
        #expect(cef.isEmpty, "CEF, \(cef.records) sample records:\n\(cef)")
        #expect(leef.isEmpty, "LEEF, \(leef.records) sample records:\n\(leef)")
    }

    // MARK: (a) a synthetic archive through ExportRun

    /// The records of every log file under `root`, read independently (gzip → Foundation; raw spans by `RawJSON`),
    /// keyed like deduplication: eventID + recipientAccountId (else the account folder).
    static func archiveSources(_ root: String) throws -> [String: MappingOracle.Record] {
        var sources: [String: MappingOracle.Record] = [:]
        let paths = (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? [])
            .filter { $0.hasSuffix(".json.gz") || $0.hasSuffix(".json") }
        // Log files only: under AWSLogs/, not digests (a synthetic archive also holds a manifest).
        for path in paths where path.split(separator: "/").contains("AWSLogs") && !path.contains("CloudTrail-Digest") {
            var json = Array(try Data(contentsOf: URL(fileURLWithPath: root + "/" + path)))
            if path.hasSuffix(".gz") { json = try Gzip.decompress(json) }
            let top = try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
            let parts = path.split(separator: "/")
            let afterLogs = parts.drop { $0 != "AWSLogs" }.dropFirst()
            let account = String((afterLogs.first?.hasPrefix("o-") == true ? afterLogs.dropFirst().first : afterLogs.first) ?? "")
            guard case .object(let members, _)? = RawJSON.parse(json),
                case .array(let items, _)? = members.first(where: { $0.key == "Records" })?.value
            else { throw EncoderHarness.HarnessError(description: "\(path): not {\"Records\":[…]}") }
            let records = top["Records"] as? [[String: Any]] ?? []
            try #require(records.count == items.count)
            for (record, item) in zip(records, items) {
                let key = (MappingOracle.text(record["eventID"]) ?? "") + "/"
                    + (MappingOracle.nonBlank(record["recipientAccountId"]) ?? account)
                sources[key] = MappingOracle.Record(record, raw: String(decoding: json[item.span], as: UTF8.self))
            }
        }
        return sources
    }

    /// Exports `root` in `format` with `ExportRun` and checks every line against its source record.
    static func exportAndCheck(_ root: String, format: OutputFormat, gzip: Bool) throws
        -> (summary: RunSummary, lines: [[UInt8]], log: ProblemLog)
    {
        let sources = try archiveSources(root)
        let (summary, lines) = try EncoderHarness.export(root, format: format, gzip: gzip)
        #expect(summary.files.dead == 0)
        #expect(lines.count == summary.events.written)
        var log = ProblemLog()
        var seen: Set<String> = []
        for (n, line) in lines.enumerated() {
            do {
                switch format {
                case .cef:
                    let event = try StrictCEFParser.parse(bytes: line)
                    let key = (event["externalId"] ?? "") + "/" + (event["deviceExternalId"] ?? "")
                    #expect(seen.insert(key).inserted, "line \(n + 1): \(key) written twice")
                    let source = try #require(sources[key], "line \(n + 1): no source record for \(key)")
                    log.add(MappingOracle.check(event, MappingOracle.cef(source, fileAccount: "")), at: "line \(n + 1)")
                case .leef:
                    let event = try LEEFParser.parse(try #require(String(validating: line, as: UTF8.self)))
                    let key = (event["externalId"] ?? "") + "/" + (event["accountName"] ?? "")
                    #expect(seen.insert(key).inserted, "line \(n + 1): \(key) written twice")
                    let source = try #require(sources[key], "line \(n + 1): no source record for \(key)")
                    log.add(MappingOracle.check(event, MappingOracle.leef(source, fileAccount: "")), at: "line \(n + 1)")
                default:
                    Issue.record("unexpected format")
                }
            } catch {
                log.fail("line \(n + 1) \(String(decoding: line.prefix(300), as: UTF8.self).debugDescription)", error)
            }
        }
        #expect(log.records == lines.count)
        return (summary, lines, log)
    }

    @Test(arguments: [OutputFormat.cef, .leef])
    func aSyntheticArchiveExportsFaithfully(format: OutputFormat) throws {
        let archive = try TemporaryDirectory("siem-synth")
        defer { archive.remove() }
        var options = SyntheticArchiveOptions()
        options.accounts = 2
        options.regions = 2
        options.days = 1
        options.filesPerDay = 2
        options.eventsPerFile = 40
        options.insightsPerDay = 1
        options.organizationID = "o-siemtest01"
        options.seed = 7
        let manifest = try SyntheticArchive.write(to: archive.path, options: options)
        #expect(manifest.records >= 300)
        #expect(try Self.archiveSources(archive.path).count == manifest.distinctEvents)

        let (summary, lines, log) = try Self.exportAndCheck(archive.path, format: format, gzip: format == .leef)
        #expect(summary.events.read == manifest.records)
        #expect(summary.events.written == manifest.distinctEvents)
        #expect(lines.count > 250)
        #expect(log.isEmpty, "\(format) synthetic export:\n\(log)")
    }

    static let fixtureArchive = Vectors.packageRoot.appendingPathComponent("Tests/Fixtures/sample-archive").path

    @Test(arguments: [OutputFormat.cef, .leef])
    func theSampleArchiveExportsFaithfully(format: OutputFormat) throws {
        let (summary, lines, log) = try Self.exportAndCheck(Self.fixtureArchive, format: format, gzip: false)
        #expect(summary.events.written == 376)
        #expect(lines.count == 376)
        #expect(log.isEmpty, "\(format) sample archive export:\n\(log)")
    }

    /// Mapping §1: "the same records, in the same order … after the same deduplication and filters. `--errors-only`
    /// keeps exactly the lines whose `outcome` is `failure`."
    @Test(arguments: [false, true])
    func sameRecordsInTheSameOrderAsNDJSON(errorsOnly: Bool) throws {
        let flat = try EncoderHarness.export(Self.fixtureArchive, format: .flat, errorsOnly: errorsOnly).lines.map { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
            return "\(object["event_id"] as? String ?? "")/\(object["recipient_account_id"] as? String ?? "")"
        }
        let cef = try EncoderHarness.export(Self.fixtureArchive, format: .cef, errorsOnly: errorsOnly).lines.map {
            try StrictCEFParser.parse(bytes: $0)
        }
        let leef = try EncoderHarness.export(Self.fixtureArchive, format: .leef, errorsOnly: errorsOnly).lines.map {
            try LEEFParser.parse(String(decoding: $0, as: UTF8.self))
        }
        #expect(cef.map { "\($0["externalId"] ?? "")/\($0["deviceExternalId"] ?? "")" } == flat)
        #expect(leef.map { "\($0["externalId"] ?? "")/\($0["accountName"] ?? "")" } == flat)
        if errorsOnly {
            #expect(!cef.isEmpty)
            #expect(cef.allSatisfy { $0["outcome"] == "failure" })
            #expect(leef.allSatisfy { $0["outcome"] == "failure" })
        } else {
            #expect(cef.count == 376)
        }
    }

    @Test func syslogHeadersPrefixOtherwiseIdenticalLines() throws {
        let record = GoldenEncoderTests.goldenRecords[0]
        let plain = try EncoderHarness.encode([record])[0]
        for header in [SyslogHeader.rfc5424, .rfc3164] {
            let prefixed = try EncoderHarness.encode([record], syslog: header)[0]
            #expect(prefixed.cefText.hasSuffix(plain.cefText))
            #expect(prefixed.leefText.hasSuffix(plain.leefText))
            #expect(!prefixed.cefText.hasPrefix("CEF:"))
            // The strict parser rejects a prefix by default and reads the same event when told to skip it.
            #expect(throws: CEFParseError.self) { try StrictCEFParser.parse(prefixed.cefText) }
            let event = try StrictCEFParser(allowSyslogPrefix: true).parse(prefixed.cefText)
            #expect(event.ext == (try StrictCEFParser.parse(plain.cefText)).ext)
            // DeleteUser: severity 6 → syslog warning (4), facility 13 → <108>.
            #expect(prefixed.cefText.hasPrefix("<108>"))
        }
    }
}
