import Foundation
import Testing
import TrailMillArchive
import TrailMillNormalize

@Suite("Flat schema v1: payload columns, escapes and raw lines")
struct PayloadTests {
    // MARK: resources / resource_arns

    @Test func resourceARNsFromAnyKeyCase() throws {
        let resources =
            #"[{"ARN":"arn:aws:s3:::bucket-a","type":"AWS::S3::Bucket"},{"accountId":"1","arn":"arn:aws:s3:::bucket-a/key"},"#
            + #"{"Arn":"arn:aws:kms:us-east-1:1:key/k","ARNPrefix":"arn:aws:s3:::p"},{"ARNPrefix":"arn:aws:s3:::only-prefix"},"#
            + #""not an object",{"ARN":42},{"type":"AWS::IAM::Role"}]"#
        let line = try flat(record(#""resources":"# + resources))
        #expect(line.json("resources") == canonical(json: resources))
        #expect(
            line.json("resource_arns")
                == canonical(json: #"["arn:aws:s3:::bucket-a","arn:aws:s3:::bucket-a/key","arn:aws:kms:us-east-1:1:key/k"]"#))
        #expect(line.contains(#""resources":"# + resources + #","resource_arns":["#))
    }

    @Test(arguments: [
        #"[{"type":"AWS::S3::Bucket","accountId":"1"}]"#, "[]", #"[{"ARNPrefix":"arn:aws:s3:::x"}]"#, #"[{"ARN":""}]"#,
        #"{"ARN":"arn:aws:s3:::not-in-an-array"}"#, #""arn:aws:s3:::a-string""#,
    ])
    func noResourceARNs(resources: String) throws {
        let line = try flat(record(#""resources":"# + resources))
        #expect(line.json("resources") == canonical(json: resources))
        #expect(!line.has("resource_arns"))
    }

    /// An empty ARN is no ARN, like empty strings in every other column; the resource itself is kept.
    @Test func emptyARNIsSkipped() throws {
        let line = try flat(record(#""resources":[{"ARN":""},{"ARN":"arn:x"},{"arn":""}]"#))
        #expect(line.json("resource_arns") == #"["arn:x"]"#)
        #expect(line.json("resources") == #"[{"ARN":""},{"ARN":"arn:x"},{"arn":""}]"#)
    }

    @Test func nullResources() throws {
        let line = try flat(record(#""resources":null"#))
        #expect(!line.has("resources"))
        #expect(!line.has("resource_arns"))
    }

    // MARK: Payload columns

    @Test func payloadValuesOfEveryType() throws {
        let line = try flat(
            record(
                #""requestParameters":{"a":[1,2,{"b":null}],"n":12345678901234567890123,"e":9.82222E-5},"#
                    + #""responseElements":[1,"x",false],"additionalEventData":"{\"stringified\":true}","#
                    + #""serviceEventDetails":12.50,"edgeDeviceDetails":true,"addendum":null,"insightDetails":"x""#))
        #expect(
            line.contains(
                #""request_parameters":{"a":[1,2,{"b":null}],"n":12345678901234567890123,"e":9.82222E-5},"#
                    + #""response_elements":[1,"x",false],"additional_event_data":"{\"stringified\":true}","#
                    + #""service_event_details":12.50,"#))
        #expect(line.contains(#""edge_device_details":true,"#))
        #expect(line.contains(#""insight_details":"x","#))
        #expect(line.string("additional_event_data") == #"{"stringified":true}"#)
        #expect(line.json("response_elements") == #"[1,"x",false]"#)
        #expect(!line.has("addendum"))
        #expect(!line.has("insight_state"))
        #expect(isInSchemaOrder(line.keys))
    }

    @Test func nullPayloadsAreOmitted() throws {
        let line = try flat(
            record(
                #""requestParameters":null,"responseElements":null,"additionalEventData":null,"#
                    + #""serviceEventDetails":null,"edgeDeviceDetails":null,"userIdentity":null,"insightDetails":null"#))
        for column in [
            "request_parameters", "response_elements", "additional_event_data", "service_event_details",
            "edge_device_details", "user_identity", "insight_details",
        ] {
            #expect(!line.has(column), "\(column) should be omitted")
        }
        #expect(!line.text.contains("null"))
    }

    /// A pretty-printed record's payloads come out compact, strings (and their spaces and escapes) untouched.
    @Test func prettyPayloadsAreCompacted() throws {
        let payload = """
            {
            \t"name" : "a  b\\n c",
              "list" : [ 1 ,
                 2 , { "k" : [ ] } ],\r
              "empty" : { }
            }
            """
        let line = try flat(
            """
            {
              "eventVersion" : "1.08",
              "eventTime" : "2024-03-15T12:00:00Z",
              "requestParameters" : \(payload),
              "userAgent" : "ua  with  spaces"
            }
            """)
        #expect(line.contains(#""request_parameters":{"name":"a  b\n c","list":[1,2,{"k":[]}],"empty":{}}"#))
        #expect(line.string("user_agent") == "ua  with  spaces")
        #expect(line.json("request_parameters") == canonical(json: payload))
        #expect(!line.text.contains("\n"))
        #expect(!line.text.contains("\r"))
        #expect(!line.text.contains("\t"))
    }

    // MARK: Line separators and escapes

    /// A raw U+2028 / U+2029 in a string is written as `\u2028` / `\u2029`, in text and payload columns and the raw line.
    @Test func lineSeparatorsAreEscaped() throws {
        let line = try flat(
            record(#""userAgent":"a\#u{2028}b","requestParameters":{"note":"c\#u{2029}d","k\#u{2028}":1}"#))
        #expect(line.isCompact == false)
        #expect(line.contains(#""user_agent":"a\u2028b""#))
        #expect(line.contains(#""request_parameters":{"note":"c\u2029d","k\u2028":1}"#))
        #expect(!line.bytes.containsSubsequence([0xE2, 0x80, 0xA8]))
        #expect(!line.bytes.containsSubsequence([0xE2, 0x80, 0xA9]))
        #expect(line.string("user_agent") == "a\u{2028}b")
        #expect(line.json("request_parameters") == canonical(json: "{\"note\":\"c\u{2029}d\",\"k\u{2028}\":1}"))
        // The raw line too.
        #expect(!line.raw.containsSubsequence([0xE2, 0x80, 0xA8]))
        #expect(line.rawText.contains(#""userAgent":"a\u2028b""#))
        let rawObject = try JSONSerialization.jsonObject(with: Data(line.raw)) as? [String: Any]
        #expect(rawObject?["userAgent"] as? String == "a\u{2028}b")
    }

    /// Other non-ASCII text is copied as UTF-8.
    @Test func nonASCIIText() throws {
        let line = try flat(record(#""userAgent":"Mozilla ü €","requestParameters":{"name":"日本語 😀"}"#))
        #expect(line.string("user_agent") == "Mozilla ü €")
        #expect(line.contains(#""request_parameters":{"name":"日本語 😀"}"#))
        #expect(line.isCompact)
        #expect(line.raw == line.record)
    }

    /// Escapes stay exactly as written in the line, and Foundation reads the same value back.
    @Test func escapesStayAsWritten() throws {
        let line = try flat(
            record(
                #""userAgent":"a\u0000b","errorMessage":"say \"hi\"\\ \/ \t\u00e9\ud83d\ude00","#
                    + #""requestParameters":{"k\"ey":"v\u0001\n","p":"\u2028"}"#))
        #expect(line.contains(#""user_agent":"a\u0000b""#))
        #expect(line.contains(#""error_message":"say \"hi\"\\ \/ \t\u00e9\ud83d\ude00""#))
        #expect(line.contains(#""request_parameters":{"k\"ey":"v\u0001\n","p":"\u2028"}"#))
        #expect(line.string("user_agent") == "a\u{0}b")
        #expect(line.string("error_message") == "say \"hi\"\\ / \té😀")
        #expect(line.json("request_parameters") == canonical(json: "{\"k\\\"ey\":\"v\\u0001\\n\",\"p\":\"\u{2028}\"}"))
        // The raw line is the record's bytes.
        #expect(line.raw == line.record)
    }

    /// A lone surrogate escape is valid JSON text and is kept as written. Foundation may reject it, so the check
    /// is on the bytes, then on the value with the lone escape replaced by U+FFFD.
    @Test func loneSurrogateKeptAsWritten() throws {
        let line = try normalizeRecord(
            record(#""userAgent":"x\ud800y","requestParameters":{"s":"\udc00","pair":"\ud83d\ude00"}"#))
        #expect(line.contains(#""user_agent":"x\ud800y""#))
        #expect(line.contains(#""request_parameters":{"s":"\udc00","pair":"\ud83d\ude00"}"#))
        // Exactly one occurrence of each lone escape, so no other bytes were changed around them.
        let replaced = line.text.replacingOccurrences(of: #"\ud800"#, with: #"\ufffd"#)
            .replacingOccurrences(of: #"\udc00"#, with: #"\ufffd"#)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(replaced.utf8)) as? [String: Any])
        #expect(object["user_agent"] as? String == "x\u{FFFD}y")
        #expect(canonical(object["request_parameters"]) == canonical(json: #"{"s":"\ufffd","pair":"😀"}"#))
        #expect(line.raw == line.record)
    }

    // MARK: Raw lines

    @Test func rawLineOfCompactRecordIsIdentical() throws {
        let text = #"{"eventVersion":"1.08","eventTime":"2024-03-15T12:00:00Z","requestParameters":{"a":[1,{"b":"c d"}]},"x":"\u0041\""}"#
        let line = try normalizeRecord(text)
        #expect(line.isCompact)
        #expect(line.raw == Array(text.utf8))
    }

    @Test func rawLineOfPrettyRecordIsCompacted() throws {
        let text = """
            {
                "eventVersion": "1.08",
                "eventTime": "2024-03-15T12:00:00Z",
                "requestParameters": { "a": [ 1, { "b": "c  d" } ], "e": [ ] },
                "x": "\\u0041\\" \u{2028}"
            }
            """
        let line = try normalizeRecord(text)
        #expect(line.isCompact == false)
        #expect(line.rawText == #"{"eventVersion":"1.08","eventTime":"2024-03-15T12:00:00Z","requestParameters":{"a":[1,{"b":"c  d"}],"e":[]},"x":"\u0041\" \u2028"}"#)
        #expect(canonical(try JSONSerialization.jsonObject(with: Data(line.raw))) == canonical(json: text))
    }

    /// Several records, some pretty: every raw line is one line holding one record, in order.
    @Test func rawLinesOfMixedFile() throws {
        let records = [
            #"{"eventID":"a","n":1}"#, "{\n  \"eventID\" : \"b\",\n  \"n\" : 2\n}", #"{"eventID":"c","n":{"m":[3]}}"#,
        ]
        let lines = try normalizeFile("{\"Records\" : [\n" + records.joined(separator: " ,\n") + "\n] }")
        #expect(lines.map(\.rawText) == [#"{"eventID":"a","n":1}"#, #"{"eventID":"b","n":2}"#, #"{"eventID":"c","n":{"m":[3]}}"#])
        #expect(lines.map { $0.json("record_index") } == ["0", "1", "2"])
        #expect(lines.map { $0.string("event_id") } == ["a", "b", "c"])
    }

    // MARK: Insights

    @Test func insightsRecord() throws {
        let text = """
            {
                "eventVersion": "1.07",
                "eventTime": "2024-03-15T11:00:00Z",
                "awsRegion": "us-east-1",
                "eventID": "a9edc959-9488-4790-be0f-05d60e56b547",
                "eventType": "AwsCloudTrailInsight",
                "recipientAccountId": "111122223333",
                "sharedEventID": "12edc982-3348-4794-83d3-a3db26525049",
                "insightDetails": {
                    "state": "Start",
                    "eventSource": "ec2.amazonaws.com",
                    "eventName": "RunInstances",
                    "insightType": "ApiCallRateInsight",
                    "insightContext": {
                        "statistics": {
                            "baseline": { "average": 9.82222E-5 },
                            "insight": { "average": 1.5 },
                            "insightDuration": 1
                        },
                        "attributions": [
                            { "attribute": "userIdentityArn", "insight": [ { "value": "arn:aws:iam::111122223333:user/x", "average": 1.5 } ], "baseline": [] }
                        ]
                    }
                },
                "eventCategory": "Insight"
            }
            """
        let line = try flat(text, file: Fixture.inFolder(.insight))
        #expect(line.string("insight_state") == "Start")
        #expect(line.string("insight_type") == "ApiCallRateInsight")
        #expect(line.string("event_category") == "Insight")
        #expect(line.string("event_type") == "AwsCloudTrailInsight")
        #expect(line.string("shared_event_id") == "12edc982-3348-4794-83d3-a3db26525049")
        #expect(line.string("outcome") == "success")
        #expect(line.derived.isEmpty)
        for column in ["actor", "user_type", "user_identity", "event_name", "event_source", "source_ip_address"] {
            #expect(!line.has(column), "\(column) should be omitted")
        }
        #expect(line.contains(#""baseline":{"average":9.82222E-5}"#))
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(line.json("insight_details") == canonical(parsed["insightDetails"]))
        let keys = line.keys
        #expect(keys.firstIndex(of: "insight_details")! < keys.firstIndex(of: "insight_state")!)
        #expect(keys.firstIndex(of: "insight_state")! < keys.firstIndex(of: "insight_type")!)
        #expect(line.string("archive_region") == "us-east-1")
        #expect(line.string("source_file")?.contains("/CloudTrail-Insight/") == true)
    }

    /// An Insights record without eventCategory: derived from the folder, or from eventType elsewhere.
    @Test func insightsCategoryDerived() throws {
        let text =
            #"{"eventVersion":"1.07","eventTime":"2024-03-15T11:00:00Z","eventType":"AwsCloudTrailInsight","#
            + #""recipientAccountId":"111122223333","insightDetails":{"state":"End","insightType":"ApiErrorRateInsight","errorCode":"AccessDenied"}}"#
        for file in [Fixture.inFolder(.insight), Fixture.accountTrail] {
            let line = try flat(text, file: file)
            #expect(line.string("event_category") == "Insight")
            #expect(line.derived == [.eventCategory])
            #expect(line.string("insight_state") == "End")
            #expect(line.string("insight_type") == "ApiErrorRateInsight")
            // The insight's errorCode is inside insightDetails: not an error of this record.
            #expect(line.string("outcome") == "success")
        }
    }

    @Test func insightDetailsWithOddMembers() throws {
        let line = try flat(record(#""insightDetails":{"state":"","insightType":7,"extra":{}}"#))
        #expect(!line.has("insight_state"))
        #expect(line.string("insight_type") == "7")
        let array = try flat(record(#""insightDetails":[{"state":"Start"}]"#))
        #expect(!array.has("insight_state"))
        #expect(array.json("insight_details") == #"[{"state":"Start"}]"#)
    }
}
