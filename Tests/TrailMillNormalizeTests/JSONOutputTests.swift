import Foundation
import Testing
import TrailMillArchive
import TrailMillDecoding
import TrailMillNormalize

private func written(_ body: (OutputBuffer) -> Void) -> String {
    let out = OutputBuffer(capacity: 16)
    body(out)
    return String(decoding: out.bytes, as: UTF8.self)
}

@Suite("JSONOutput")
struct JSONOutputTests {
    @Test(arguments: [
        ("plain", #""plain""#),
        ("", #""""#),
        ("quote \" backslash \\ slash /", #""quote \" backslash \\ slash /""#),
        ("nl\n cr\r tab\t", #""nl\n cr\r tab\t""#),
        ("\u{0}\u{1}\u{8}\u{c}\u{1f}", #""\u0000\u0001\u0008\u000c\u001f""#),
        ("ls\u{2028}ps\u{2029}", #""ls\u2028ps\u2029""#),
        ("ü € 日本 😀 \u{7f}", "\"ü € 日本 😀 \u{7f}\""),
        ("\u{2027}\u{202A}", "\"\u{2027}\u{202A}\""),
    ])
    func appendString(text: String, expected: String) throws {
        let json = written { JSONOutput.appendString(text, to: $0) }
        #expect(json == expected)
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed]) as? String
        #expect(parsed == text)
    }

    @Test func membersAndScalars() {
        #expect(written { JSONOutput.appendMember("k", string: "v\"", to: $0) } == #","k":"v\"""#)
        #expect(written { JSONOutput.appendName("name", to: $0) } == #","name":"#)
        #expect(written { JSONOutput.appendLiteral("{\"a\":1", to: $0) } == #"{"a":1"#)
        #expect(written { JSONOutput.appendBool(true, to: $0) } == "true")
        #expect(written { JSONOutput.appendBool(false, to: $0) } == "false")
        for value in [0, 1, 9, 10, 99, 100, 12345, -1, -10, -987654321, Int.max, Int.min + 1] {
            #expect(written { JSONOutput.appendInt(value, to: $0) } == String(value))
        }
    }

    /// Provenance strings (file paths) are escaped: any character a key prefix may hold stays valid JSON, one line.
    @Test func provenanceIsEscaped() throws {
        let prefix = "we\"ird\\pre\u{2028}fix\tü"
        let path = prefix + "/" + Fixture.accountTrailPath
        let file = TrailFile(
            relativePath: path, absolutePath: "/x/" + path, prefix: prefix, organizationID: "o-\"org\"",
            accountID: "111122223333", folder: .cloudTrail, region: "us-east-1", deliveryDate: Fixture.date(2024, 3, 15),
            size: 1)
        let line = try flat(record(), file: file)
        #expect(line.string("source_file") == path)
        #expect(line.string("archive_org_id") == "o-\"org\"")
        #expect(line.contains(#""source_file":"we\"ird\\pre\u2028fix\tü/AWSLogs/"#))
        #expect(!line.bytes.containsSubsequence([0xE2, 0x80, 0xA8]))
        // The stamp in the file name still gives the delivery time.
        #expect(FileContext(file: file).deliveryMillis == Timestamp.parseMillis("2024-03-15T12:05:00Z"))
    }

    /// The delivery stamp is read from the file name only, never from folders or other parts.
    @Test(arguments: [
        ("111122223333_CloudTrail_us-east-1_20240315T1205Z_Ab12Cd34Ef56Gh78.json.gz", "2024-03-15T12:05:00.000Z"),
        ("111122223333_CloudTrail-Insight_us-east-1_20231231T2359Z_x.json.gz", "2023-12-31T23:59:00.000Z"),
        ("111122223333_CloudTrail_us-east-1_20240315T2505Z_Ab12Cd34Ef56Gh78.json.gz", "2024-03-15T00:00:00.000Z"),
        ("111122223333_CloudTrail_us-east-1_20230229T1205Z_Ab12Cd34Ef56Gh78.json.gz", "2024-03-15T00:00:00.000Z"),
        ("111122223333_CloudTrail_us-east-1_2024-03-15_Ab12Cd34Ef56Gh78.json.gz", "2024-03-15T00:00:00.000Z"),
        ("export.json", "2024-03-15T00:00:00.000Z"),
    ])
    func deliveryStamp(name: String, expected: String) {
        let path = "AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/15/" + name
        let file = TrailFile(
            relativePath: path, absolutePath: "", prefix: "", organizationID: nil, accountID: "111122223333",
            folder: .cloudTrail, region: "us-east-1", deliveryDate: Fixture.date(2024, 3, 15), size: 0)
        #expect(Timestamp.iso8601(FileContext(file: file).deliveryMillis) == expected)
    }
}
