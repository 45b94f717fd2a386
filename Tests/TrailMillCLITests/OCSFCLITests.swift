import Foundation
import Testing
import TrailMillTestSupport

/// `--format ocsf` and `type: ocsf` end to end: every line the binary writes is a valid OCSF 1.1.0 event (checked by
/// the schema validator over `../shared/vectors/ocsf`), and the OCSF stream carries the same events, in the same
/// order, as the flat export of the same archive.
@Suite(.serialized, .enabled(if: OCSFCLI.haveVectors, "../shared/vectors/ocsf is absent"))
struct OCSFCLITests {
    @Test func exportWritesOneValidOCSFEventPerFlatEvent() throws {
        let out = try TemporaryDirectory("cli-ocsf")
        defer { out.remove() }
        let flat = try CLIRunner.run([
            "export", "--source", RepositoryPaths.sampleArchive, "--out", out.path + "/flat", "--quiet",
        ])
        #expect(flat.status == 0, "\(flat.stderr)")
        let summaryPath = out.path + "/ocsf.json"
        let ocsf = try CLIRunner.run([
            "export", "--source", RepositoryPaths.sampleArchive, "--out", out.path + "/ocsf", "--format", "ocsf", "--gzip",
            "--summary-json", summaryPath, "--quiet",
        ])
        #expect(ocsf.status == 0, "\(ocsf.stderr)")

        // Files: <stem>-00001.ocsf.ndjson.gz, published (no partial or staging names left).
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path + "/ocsf")
        #expect(!names.isEmpty && names.allSatisfy { $0.hasPrefix("cloudtrail-") && $0.hasSuffix("-00001.ocsf.ndjson.gz") }, "\(names)")

        let flatRows = try OutputReader.objects(in: out.path + "/flat")
        let events = try OCSFCLI.validEvents(in: out.path + "/ocsf")
        #expect(flatRows.count == 376, "the sample archive holds 376 distinct events")
        #expect(events.count == flatRows.count)
        // The same events in the same order: metadata.uid is the flat event_id.
        let uids = events.map { FoundationJSON.path($0, "metadata", "uid") as? String }
        #expect(uids == flatRows.map { $0["event_id"] as? String })
        // More than one class comes out of the sample archive.
        #expect(Set(events.compactMap { $0["class_uid"] as? Int }).count >= 2)

        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summaryPath))) as? [String: Any])
        #expect(summary["format"] as? String == "ocsf")
        #expect((summary["events"] as? [String: Int])?["written"] == flatRows.count)
    }

    @Test func syslogIsRefusedForOCSF() throws {
        let result = try CLIRunner.run(["export", "--source", "/tmp", "--out", "/tmp/x", "--format", "ocsf", "--syslog", "rfc5424"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("--syslog"))
    }

    @Test func aJobWithOCSFAndFlatSinksDeliversBoth() throws {
        let work = try TemporaryDirectory("job-cli-ocsf")
        defer { work.remove() }
        let distinct = try JobCLI.synth(work.path + "/archive")
        let job = try JobCLI.writeJob(
            in: work, source: work.path + "/archive",
            sinks: """
                  - {type: ocsf, name: lake, path: \(work.path)/ocsf, gzip: true}
                  - {type: ndjson, name: flat, path: \(work.path)/flat}
                """)
        let summaryPath = work.path + "/summary.json"
        let run = try CLIRunner.run(["run", job, "--quiet", "--summary-json", summaryPath])
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summaryPath))) as? [String: Any])
        let files = try #require(summary["files"] as? [String: Int])
        #expect(files["decoded"] == 24 && files["listed"] == 24, "each file is decoded once for both sinks: \(files)")
        let sinks = try #require(summary["sinks"] as? [[String: Any]])
        #expect(Set(sinks.compactMap { $0["name"] as? String }) == ["lake", "flat"])
        for sink in sinks {
            let sinkSummary = try #require(sink["summary"] as? [String: Any])
            let sinkFiles = try #require(sinkSummary["files"] as? [String: Int])
            #expect(sinkFiles["decoded"] == 24, "\(sink["name"] ?? "?"): \(sinkFiles)")
            if sink["name"] as? String == "lake" { #expect(sinkSummary["format"] as? String == "ocsf") }
        }

        let names = try FileManager.default.contentsOfDirectory(atPath: work.path + "/ocsf").filter { !$0.hasPrefix(".") }
        #expect(!names.isEmpty && names.allSatisfy { $0.hasPrefix("lake-") && $0.hasSuffix(".ocsf.ndjson.gz") }, "\(names)")
        let events = try OCSFCLI.validEvents(in: work.path + "/ocsf")
        let flatIDs = try JobCLI.eventIDs(in: work.path + "/flat")
        #expect(events.count == distinct && flatIDs.count == distinct)
        let uids = events.compactMap { FoundationJSON.path($0, "metadata", "uid") as? String }
        #expect(Set(uids) == Set(flatIDs) && Set(uids).count == distinct)

        // A rerun delivers nothing new to either sink.
        let again = try CLIRunner.run(["run", job, "--quiet"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try OutputReader.rawLines(in: work.path + "/ocsf").count == distinct)
        #expect(try JobCLI.eventIDs(in: work.path + "/flat").count == distinct)
    }
}

enum OCSFCLI {
    static let vectors = RepositoryPaths.shared + "/vectors/ocsf"
    static var haveVectors: Bool { FileManager.default.fileExists(atPath: vectors + "/compiled-1.1.0.json") }

    /// Every line of the OCSF files in `directory`, parsed; records an issue for each line that is not a valid
    /// OCSF 1.1.0 event.
    static func validEvents(in directory: String) throws -> [[String: Any]] {
        var validator = try OCSFSchemaValidator(folder: vectors)
        var events: [[String: Any]] = []
        var problems: [String] = []
        for (n, line) in try OutputReader.rawLines(in: directory).enumerated() {
            let text = HostileRecords.replacingLoneSurrogates(String(decoding: line, as: UTF8.self))
            let event = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            problems += validator.validate(event).map { "line \(n + 1): \($0)" }
            events.append(event)
        }
        #expect(problems.isEmpty, "\(problems.count) problems:\n\(problems.prefix(20).joined(separator: "\n"))")
        return events
    }
}
