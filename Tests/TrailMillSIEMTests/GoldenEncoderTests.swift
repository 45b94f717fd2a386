import Foundation
import Testing
import TrailMillTestSupport

/// The encoder reproduces the reference vectors (`vectors/cef/README.md` "What a TrailMill encoder should do").
@Suite(.enabled(if: Vectors.present, "../shared/reference/vectors/cef is absent (set TRAILMILL_VECTORS)"))
struct GoldenEncoderTests {
    /// The four source records of `golden.cef`, written by hand from `golden_expected.json` and the README's
    /// description of each line.
    static let goldenRecords: [String] = [
        // (1) IAM DeleteUser by an IAMUser.
        #"""
        {"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","accessKeyId":"AKIAEXAMPLE","userName":"alice"},"eventTime":"2024-03-01T12:34:56Z","eventSource":"iam.amazonaws.com","eventName":"DeleteUser","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.7","userAgent":"aws-cli/2.15.0 Python/3.11 Linux/6.1 exe/x86_64 prompt/off command/iam.delete-user","requestParameters":{"userName":"bob"},"responseElements":null,"requestID":"11111111-2222-3333-4444-555555555555","eventID":"0f0e0d0c-1111-2222-3333-444455556666","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}
        """#,
        // (2) S3 GetObject from IPv6 by an AssumedRole; `=`, `|`, `\` in principalId, userAgent and errorMessage;
        // LF, CRLF, TAB (JSON-escaped) inside the requestParameters JSON. Pretty-printed, so the encoder compacts it.
        #"""
        {
          "eventVersion": "1.09",
          "userIdentity": {
            "type": "AssumedRole",
            "principalId": "AROAEXAMPLE:session=evil|x",
            "arn": "arn:aws:sts::111122223333:assumed-role/Dev Role/sess",
            "accountId": "111122223333",
            "sessionContext": {
              "sessionIssuer": {"type": "Role", "principalId": "AROAEXAMPLE", "arn": "arn:aws:iam::111122223333:role/Dev Role", "accountId": "111122223333", "userName": "Dev Role"},
              "attributes": {"creationDate": "2024-03-01T12:00:00Z", "mfaAuthenticated": "false"}
            }
          },
          "eventTime": "2024-03-01T12:35:00Z",
          "eventSource": "s3.amazonaws.com",
          "eventName": "GetObject",
          "awsRegion": "eu-west-1",
          "sourceIPAddress": "2001:db8::42",
          "userAgent": "Mozilla/5.0 (X11; Linux) a=b|c\\d",
          "errorCode": "AccessDenied",
          "errorMessage": "User: arn:aws:sts::111122223333:assumed-role/Dev Role/sess is not authorized to perform: s3:GetObject on resource: \"arn:aws:s3:::b/dir\\file=1|x.txt\" because no identity-based policy allows the s3:GetObject action",
          "requestParameters": {"bucketName": "b", "key": "dir\\file=1|x.txt", "note": "line1\nline2\r\nline3\ttab"},
          "responseElements": null,
          "requestID": "REQ2",
          "eventID": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
          "readOnly": true,
          "eventType": "AwsApiCall",
          "managementEvent": false,
          "recipientAccountId": "111122223333",
          "eventCategory": "Data"
        }
        """#,
        // (3) Root StopLogging invoked by CloudFormation, non-IP sourceIPAddress → shost.
        #"""
        {"eventVersion":"1.08","userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333","invokedBy":"cloudformation.amazonaws.com"},"eventTime":"2024-03-01T12:36:00Z","eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","awsRegion":"us-west-2","sourceIPAddress":"cloudformation.amazonaws.com","userAgent":"cloudformation.amazonaws.com","requestParameters":{"name":"arn:aws:cloudtrail:us-west-2:111122223333:trail/main"},"responseElements":null,"requestID":"REQ3","eventID":"12345678-90ab-cdef-1234-567890abcdef","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}
        """#,
        // (4) Failed ConsoleLogin with a Unicode user name and user agent (no arn, no requestParameters, no readOnly).
        #"""
        {"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE2","accountId":"111122223333","userName":"\u00fcn\u00efc\u00f6d\u00e9"},"eventTime":"2024-03-01T12:37:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.9","userAgent":"Mozilla/5.0 ユーザー ✓","errorMessage":"Failed authentication","requestParameters":null,"responseElements":{"ConsoleLogin":"Failure"},"additionalEventData":{"LoginTo":"https://console.aws.amazon.com/","MobileVersion":"No","MFAUsed":"No"},"eventID":"99999999-8888-7777-6666-555555555555","eventType":"AwsConsoleSignIn","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}
        """#,
    ]

    /// golden.cef's severities 8 (line 1) and 9 (line 3) were set by hand (README); the §2.3 policy gives 6 and 10.
    static let policySeverity = [0: "6", 2: "10"]

    @Test func goldenRecordsEncodeToTheGoldenLines() throws {
        let lines = try Vectors.lines("golden.cef")
        let expected = try Vectors.expected("golden_expected.json")
        let outputs = try EncoderHarness.encode(Self.goldenRecords)
        try #require(outputs.count == 4 && lines.count == 4)
        for n in 0..<4 {
            let event = try StrictCEFParser.parse(bytes: outputs[n].cef)
            var header = expected[n].header
            if let severity = Self.policySeverity[n] { header[6] = severity }
            #expect(event.header == header, "golden line \(n + 1)")
            #expect(event.ext == expected[n].ext, "golden line \(n + 1): \(Self.diff(event.ext, expected[n].ext))")
            // Byte equality (the key order matches §2.2), with the policy severity in place of the hand-set one.
            var line = String(decoding: lines[n], as: UTF8.self)
            if let severity = Self.policySeverity[n] {
                let old = "|\(expected[n].header[6])|rt="
                #expect(line.contains(old))
                line = line.replacingOccurrences(of: old, with: "|\(severity)|rt=")
            }
            #expect(outputs[n].cefText == line, "golden line \(n + 1) bytes")
            // The records are also what the oracle expects (so the oracle agrees with the vectors).
            let object = try #require(try JSONSerialization.jsonObject(with: Data(Self.goldenRecords[n].utf8)) as? [String: Any])
            let problems = MappingOracle.check(
                event, MappingOracle.cef(MappingOracle.Record(object, raw: Self.goldenRecords[n]), fileAccount: EncoderHarness.account))
            #expect(problems.isEmpty, "golden line \(n + 1): \(problems)")
        }
    }

    static func diff(_ a: [String: String], _ b: [String: String]) -> [String] {
        Set(a.keys).union(b.keys).filter { a[$0] != b[$0] }.sorted().map {
            "\($0): got \(a[$0]?.debugDescription ?? "nil") want \(b[$0]?.debugDescription ?? "nil")"
        }
    }

    // MARK: Stress vectors

    struct StressKey: Hashable {
        var externalId: String?
        var rt: String?
        var act: String?
        var deviceExternalId: String?
    }

    /// Where the encoder's output for the public samples and `stress_expected.json` disagree, by field.
    struct StressReport {
        var matchedLines = Set<Int>()
        var matchedRecords = 0
        var ambiguousRecords: [String] = []
        /// Records told apart from same-key lines only by the oracle's suser/outcome/severity.
        var matchedByDerivedValues = 0
        /// Matched records whose line is byte-identical to the `stress.cef` line.
        var byteIdentical = 0
        var unmatchedRecords: [String] = []
        /// Documented deviations of mapping v1 from the reference generator, applied to the expectation.
        var deviations: [String: [String]] = [:]
        var mismatches: [String: [String]] = [:]
    }

    static func stressReport() throws -> StressReport {
        let expected = try Vectors.expected("stress_expected.json")
        let wire = try Vectors.lines("stress.cef")
        var index: [StressKey: [Int]] = [:]
        for (n, line) in expected.enumerated() {
            let key = StressKey(
                externalId: line.ext["externalId"], rt: line.ext["rt"], act: line.ext["act"],
                deviceExternalId: line.ext["deviceExternalId"])
            index[key, default: []].append(n)
        }
        func same(_ a: Vectors.Expected, _ b: Vectors.Expected) -> Bool { a.header == b.header && a.ext == b.ext }
        let records = try SampleRecords.all(in: Vectors.samples)
        var report = StressReport()
        var byFile: [String: [SampleRecords.Record]] = [:]
        for record in records { byFile[record.file, default: []].append(record) }
        for file in byFile.keys.sorted() {
            let group = byFile[file]!
            let outputs = try EncoderHarness.encode(group.map(\.text))
            for (record, output) in zip(group, outputs) {
                let r = MappingOracle.Record(record.object, raw: record.text)
                let location = "\(record.file)#\(record.index)"
                // The key from the source record, independently of the encoder (§2.2: externalId = eventID,
                // rt = eventTime in ms, act = eventName, deviceExternalId = recipientAccountId).
                let key = StressKey(
                    externalId: MappingOracle.text(r["eventID"]), rt: MappingOracle.millis(r["eventTime"]).map(String.init),
                    act: MappingOracle.text(r["eventName"]), deviceExternalId: MappingOracle.text(r["recipientAccountId"]))
                guard var candidates = index[key] else {
                    report.unmatchedRecords.append("\(location) \(key)")
                    continue
                }
                if candidates.count > 1 {
                    // Narrow down by more source fields, mapped by the reference rules (no encoder output involved).
                    let identity = r["userIdentity"] as? [String: Any] ?? [:]
                    let probes: [(String, String?)] = [
                        ("suid", MappingOracle.cefValue(MappingOracle.text(identity["principalId"]), limit: 1023)),
                        ("cs1", MappingOracle.cefValue(MappingOracle.text(identity["arn"]), limit: 4000)),
                        ("cs3", MappingOracle.cefValue(MappingOracle.text(r["awsRegion"]), limit: 4000)),
                        ("requestClientApplication", MappingOracle.cefValue(MappingOracle.text(r["userAgent"]), limit: 1023)),
                        ("reason", MappingOracle.cefValue(MappingOracle.text(r["errorCode"]), limit: 1023)),
                        ("sourceServiceName", MappingOracle.cefValue(MappingOracle.text(identity["invokedBy"]), limit: 1023)),
                    ]
                    let address: (String, String?) =
                        switch MappingOracle.source(r["sourceIPAddress"]) {
                        case .ipv4(let ip): ("src", ip)
                        case .ipv6(let ip): ("c6a2", ip)
                        case .host(let host): ("shost", MappingOracle.cefValue(host, limit: 1023))
                        case nil: ("src", nil)
                        }
                    let parameters = r["requestParameters"].flatMap { $0 is NSNull ? nil : MappingOracle.canonical($0) }
                    candidates = candidates.filter { n in
                        probes.allSatisfy { expected[n].ext[$0.0] == $0.1 } && expected[n].ext[address.0] == address.1
                            && expected[n].ext["cs4"].flatMap { text in
                                MappingOracle.canonical(try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]))
                            } == parameters
                    }
                    // Last resort, for test records that differ only in derived values (Panther's ConsoleLogin
                    // fixtures share eventID "1" and eventTime): the oracle's suser, outcome and severity. A record
                    // whose derived values disagree with every candidate is then reported as ambiguous, not hidden.
                    if Set(candidates.map { expected[$0].ext }).count > 1 {
                        report.matchedByDerivedValues += 1
                        candidates = candidates.filter { n in
                            expected[n].ext["suser"] == MappingOracle.cefValue(MappingOracle.sourceUser(r), limit: 1023)
                                && expected[n].ext["outcome"] == MappingOracle.outcome(r)
                                && expected[n].header[6] == String(MappingOracle.severity(r))
                        }
                    }
                }
                // Several candidates are fine only when they are the same line (duplicated sample records).
                guard let n = candidates.first, candidates.allSatisfy({ same(expected[$0], expected[n]) }) else {
                    report.ambiguousRecords.append("\(location) → lines \(candidates.map { $0 + 1 })")
                    continue
                }
                report.matchedRecords += 1
                report.matchedLines.formUnion(candidates)
                var want = expected[n]
                let where_ = "\(location) ↔ stress line \(n + 1)"
                if output.cef == wire[n] { report.byteIdentical += 1 }
                let event: CEFEvent
                do { event = try StrictCEFParser.parse(bytes: output.cef) } catch {
                    report.mismatches["parse", default: []].append("\(where_): \(error)")
                    continue
                }
                // Documented deviation 1 (mapping §9): no recipientAccountId → the archive account folder.
                if MappingOracle.nonBlank(r["recipientAccountId"]) == nil, want.ext["deviceExternalId"] == nil {
                    want.ext["deviceExternalId"] = EncoderHarness.account
                    report.deviations["deviceExternalId = archive account folder", default: []].append(where_)
                }
                // Documented deviation 2 (mapping §4.2 row 19): cs4 keeps the record's string escapes as written,
                // where the reference generator re-serialized (decoded) them. Accept it only if the JSON values are
                // equal, the source really contains escapes, and cs4 is exactly the source's compact text.
                if let got = event["cs4"], let wanted = want.ext["cs4"], got != wanted,
                    let exact = MappingOracle.compactRequestParameters(r), got == exact, exact.contains("\\u"),
                    MappingOracle.canonical(try? JSONSerialization.jsonObject(with: Data(got.utf8)))
                        == MappingOracle.canonical(try? JSONSerialization.jsonObject(with: Data(wanted.utf8)))
                {
                    want.ext["cs4"] = got
                    report.deviations["cs4 keeps JSON string escapes as written", default: []].append(where_)
                }
                for (i, field) in ["version", "vendor", "product", "deviceVersion", "classId", "name", "severity"].enumerated()
                where event.header[i] != want.header[i] {
                    report.mismatches["header." + field, default: []].append(
                        "\(where_): got \(event.header[i].debugDescription), want \(want.header[i].debugDescription)")
                }
                let got = event.ext
                for k in Set(got.keys).union(want.ext.keys).sorted() where got[k] != want.ext[k] {
                    report.mismatches[k, default: []].append(
                        "\(where_): got \(MappingOracle.short(got[k])), want \(MappingOracle.short(want.ext[k]))")
                }
            }
        }
        return report
    }

    static var haveBoth: Bool { Vectors.present && Vectors.samplesPresent }

    @Test(.enabled(if: GoldenEncoderTests.haveBoth, "../shared/samples is absent"))
    func stressVectorsAreReproducedFromThePublicSamples() throws {
        let report = try Self.stressReport()
        func lines(_ groups: [String: [String]]) -> String {
            groups.keys.sorted().map { field in
                let items = groups[field]!
                return "  \(field): \(items.count) — e.g. " + items.prefix(3).joined(separator: " | ")
            }.joined(separator: "\n")
        }
        let summary = lines(report.mismatches)
        print(
            "stress: \(report.matchedLines.count)/704 lines reproduced from \(report.matchedRecords) sample records "
                + "(\(report.byteIdentical) byte-identical, \(report.matchedByDerivedValues) told apart by derived values); "
                + "\(report.ambiguousRecords.count) ambiguous, \(report.unmatchedRecords.count) unmatched records\n"
                + "documented deviations:\n\(lines(report.deviations))\nmismatches:\n\(summary)\n"
                + "ambiguous e.g. \(report.ambiguousRecords.prefix(5))\nunmatched e.g. \(report.unmatchedRecords.prefix(8))")
        #expect(report.matchedLines.count >= 700, "only \(report.matchedLines.count) of 704 stress lines matched")
        #expect(report.mismatches.isEmpty, "stress mismatches by field:\n\(summary)")
    }
}
