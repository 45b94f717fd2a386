import Foundation
import Testing
import TrailMillPipeline
import TrailMillTestSupport

/// Attacker-controlled strings (user agents, session names, error messages, request parameters) reach the
/// NDJSON unchanged as JSON values, one object per line (reliability.md §6.8).
@Suite struct HostileStringTests {
    /// The shared hostile literals (`TrailMillTestSupport.HostileRecords`).
    static var cases: [(json: String, value: String)] { HostileRecords.literals }

    func archive(with records: [String]) throws -> ArchiveBuilder {
        let archive = try ArchiveBuilder()
        try archive.writeLog(
            ArchiveBuilder.logKey(account: "111122223333", region: "us-east-1", date: (2026, 1, 15)), records: records)
        return archive
    }

    func record(_ literal: String) -> String {
        ArchiveBuilder.record(extra: #""errorMessage":\#(literal),"additionalEventData":{"note":\#(literal),"list":[\#(literal)]}"#)
            .replacingOccurrences(of: #""userAgent":"aws-cli/2.15.0""#, with: #""userAgent":\#(literal)"#)
    }

    @Test func hostileValuesSurviveInFlatAndRawLines() throws {
        let archive = try archive(with: Self.cases.map { record($0.json) })
        defer { archive.root.remove() }
        for format in [OutputFormat.flat, .raw] {
            let (summary, output) = try runExport(archive.root) { $0.format = format }
            defer { output.remove() }
            #expect(summary.events.written == Self.cases.count)
            let lines = try OutputReader.rawLines(in: output.path)
            #expect(lines.count == Self.cases.count)
            for (line, expected) in zip(lines, Self.cases) {
                // One line: no raw CR, LF, U+2028 or U+2029 inside.
                #expect(!line.contains(0x0A) && !line.contains(0x0D))
                let text = String(decoding: line, as: UTF8.self)
                #expect(!text.contains("\u{2028}") && !text.contains("\u{2029}") && !text.contains("\u{85}"))
                #expect(text.split(whereSeparator: \.isNewline).count == 1)
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
                let agent = format == .flat ? object["user_agent"] : object["userAgent"]
                let message = format == .flat ? object["error_message"] : object["errorMessage"]
                let extra = (format == .flat ? object["additional_event_data"] : object["additionalEventData"]) as? [String: Any]
                #expect(agent as? String == expected.value)
                #expect(message as? String == expected.value)
                #expect(extra?["note"] as? String == expected.value)
                #expect((extra?["list"] as? [String])?.first == expected.value)
            }
        }
    }

    @Test func loneSurrogatesAreKeptAsWrittenEscapes() throws {
        let archive = try archive(with: [record(#""bad \ud800 and \udfff end""#)])
        defer { archive.root.remove() }
        let (_, output) = try runExport(archive.root)
        defer { output.remove() }
        let line = String(decoding: try #require(try OutputReader.rawLines(in: output.path).first), as: UTF8.self)
        #expect(line.contains(#""user_agent":"bad \ud800 and \udfff end""#))
    }

    @Test func hugeFieldsAndDeepNestingPassThrough() throws {
        let big = String(repeating: "x", count: 250_000)
        let deep = String(repeating: "[", count: 150) + "1" + String(repeating: "]", count: 150)
        let records = [
            ArchiveBuilder.record(extra: #""requestParameters":{"blob":"\#(big)"}"#)
                .replacingOccurrences(of: #""requestParameters":null,"#, with: ""),
            ArchiveBuilder.record(extra: #""requestParameters":{"deep":\#(deep)}"#)
                .replacingOccurrences(of: #""requestParameters":null,"#, with: ""),
        ]
        let archive = try archive(with: records)
        defer { archive.root.remove() }
        let (summary, output) = try runExport(archive.root)
        defer { output.remove() }
        #expect(summary.files.dead == 0 && summary.events.written == 2)
        let objects = try OutputReader.objects(in: output.path)
        #expect((objects[0]["request_parameters"] as? [String: Any])?["blob"] as? String == big)
        var value: Any? = (objects[1]["request_parameters"] as? [String: Any])?["deep"]
        var depth = 0
        while let array = value as? [Any] {
            depth += 1
            value = array.first
        }
        #expect(depth == 150)
    }

    @Test func prettyPrintedRecordsComeOutOnOneLine() throws {
        let pretty = ArchiveBuilder.record(extra: #""requestParameters" : {  "a" : [ 1 , 2 ],"s":"keep  these  spaces" }"#)
            .replacingOccurrences(of: #""requestParameters":null,"#, with: "")
            .replacingOccurrences(of: ",", with: ",\n   ")
        let archive = try archive(with: [pretty])
        defer { archive.root.remove() }
        let (_, output) = try runExport(archive.root) { $0.format = .raw }
        defer { output.remove() }
        let line = String(decoding: try #require(try OutputReader.rawLines(in: output.path).first), as: UTF8.self)
        #expect(line.contains(#""requestParameters":{"a":[1,2],"s":"keep  these  spaces"}"#))
    }
}
