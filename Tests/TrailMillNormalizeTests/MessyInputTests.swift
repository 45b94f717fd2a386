import Foundation
import Testing
import TrailMillArchive
import TrailMillNormalize

@Suite("Flat schema v1: messy input")
struct MessyInputTests {
    // MARK: Booleans

    @Test(arguments: [
        (#"false"#, "false"), (#"true"#, "true"), (#""false""#, "false"), (#""TRUE""#, "true"), (#""True""#, "true"),
        (#""fAlSe""#, "false"),
    ])
    func booleanColumns(literal: String, expected: String) throws {
        let line = try flat(
            record(
                #""readOnly":\#(literal),"managementEvent":\#(literal),"sessionCredentialFromConsole":\#(literal),"#
                    + #""eventCategory":"Management","userIdentity":{"type":"AssumedRole","sessionContext":{"attributes":{"mfaAuthenticated":\#(literal)}}}"#
            ))
        #expect(line.json("read_only") == expected)
        #expect(line.json("management_event") == expected)
        #expect(line.json("session_credential_from_console") == expected)
        #expect(line.json("session_mfa_authenticated") == expected)
    }

    /// Anything else is not a boolean: the column is omitted.
    @Test(arguments: [#""yes""#, #""1""#, "1", "0", "null", #""""#, #"{}"#, #"[true]"#, #"" true""#, #""truex""#])
    func nonBooleansAreOmitted(literal: String) throws {
        let line = try flat(
            record(#""readOnly":\#(literal),"managementEvent":\#(literal),"sessionCredentialFromConsole":\#(literal)"#))
        #expect(!line.has("read_only"))
        #expect(!line.has("management_event"))
        #expect(!line.has("session_credential_from_console"))
    }

    // MARK: eventTime

    @Test(arguments: [
        ("2023-01-10T21:04:02Z", "2023-01-10T21:04:02.000Z"),
        ("2023-01-10 21:04:02", "2023-01-10T21:04:02.000Z"),
        ("2023-01-10 21:04:02.123456789", "2023-01-10T21:04:02.123Z"),
        ("2021-05-20 15:53:47Z", "2021-05-20T15:53:47.000Z"),
        ("2023-01-10T21:04:02+05:30", "2023-01-10T15:34:02.000Z"),
        ("2023-01-10T01:04:02.5+05:30", "2023-01-09T19:34:02.500Z"),
        ("2023-01-10T21:04:02-08:00", "2023-01-11T05:04:02.000Z"),
        ("2023-01-10T21:04:02+0530", "2023-01-10T15:34:02.000Z"),
        ("2023-01-10T21:04:02.12Z", "2023-01-10T21:04:02.120Z"),
        ("2023-01-10T21:04:02.1Z", "2023-01-10T21:04:02.100Z"),
        ("20131102T010628Z", "2013-11-02T01:06:28.000Z"),
        // Sub-millisecond digits are truncated, never rounded (no carry into the next second, day or year).
        ("2024-03-15T12:00:00.9999Z", "2024-03-15T12:00:00.999Z"),
        ("2023-12-31T23:59:59.9999999Z", "2023-12-31T23:59:59.999Z"),
        ("2023-01-10T21:04:02.0009Z", "2023-01-10T21:04:02.000Z"),
        ("2024-02-29T23:59:59.999999999Z", "2024-02-29T23:59:59.999Z"),
    ])
    func eventTimeForms(input: String, expected: String) throws {
        let line = try flat(record(eventTime: "\"\(input)\""))
        #expect(line.string("event_time") == expected)
        #expect(!line.derived.contains(.eventTime))
        #expect(line.json("derived_fields") == canonical(json: #"["recipient_account_id","event_category"]"#))
    }

    /// A missing eventTime falls back to the `_YYYYMMDDTHHmmZ_` stamp of the file name, flagged as derived.
    @Test func missingEventTimeUsesFileNameStamp() throws {
        let line = try flat(record(#""recipientAccountId":"111122223333","eventCategory":"Data""#, eventTime: nil))
        #expect(line.string("event_time") == "2024-03-15T12:05:00.000Z")
        #expect(line.derived == [.eventTime])
        #expect(line.json("derived_fields") == #"["event_time"]"#)
        #expect(line.keys.last == "derived_fields")

        let org = try flat(record(#""recipientAccountId":"444455556666""#, eventTime: nil), file: Fixture.orgTrail)
        #expect(org.string("event_time") == "2024-03-15T09:30:00.000Z")
        #expect(org.json("derived_fields") == #"["event_time","event_category"]"#)
    }

    /// Without a stamp in the file name, the fallback is midnight UTC of the delivery date folder.
    @Test func missingEventTimeUsesDeliveryDate() throws {
        let line = try flat(record(eventTime: nil), file: Fixture.unstamped)
        #expect(line.string("event_time") == "2024-02-29T00:00:00.000Z")
        #expect(line.derived == [.eventTime, .recipientAccountID, .eventCategory])
        #expect(line.json("derived_fields") == #"["event_time","recipient_account_id","event_category"]"#)
        #expect(FileContext(file: Fixture.unstamped).deliveryMillis == Timestamp.parseMillis("2024-02-29T00:00:00Z"))
        #expect(FileContext(file: Fixture.accountTrail).deliveryMillis == Timestamp.parseMillis("2024-03-15T12:05:00Z"))
    }

    @Test(arguments: [
        #""yesterday""#, #""2023-02-29T00:00:00Z""#, #""2023-01-10T25:00:00Z""#, #""2023-01-10T21:04:02Z ""#,
        #""2023-13-01T00:00:00Z""#, #""2023-01-10T21:61:00Z""#, #""2023-01-10T21:04:02.Z""#, #""""#, "1700000000000",
        "null", "{}", #""2023-01-10T21:04""#, #""2023/01/10 21:04:02""#, #""9999-12-31T23:30:00-01:00""#,
    ])
    func unparseableEventTime(literal: String) throws {
        let line = try flat(record(#""recipientAccountId":"111122223333","eventCategory":"Data""#, eventTime: literal))
        #expect(line.string("event_time") == "2024-03-15T12:05:00.000Z")
        #expect(line.derived == [.eventTime])
        #expect(line.json("derived_fields") == #"["event_time"]"#)
    }

    // MARK: recipientAccountId

    @Test func missingRecipientUsesArchiveAccount() throws {
        let line = try flat(record(#""eventCategory":"Management""#), file: Fixture.orgTrail)
        #expect(line.string("recipient_account_id") == "444455556666")
        #expect(line.derived == [.recipientAccountID])
        #expect(line.json("derived_fields") == #"["recipient_account_id"]"#)
        // Present (even when it differs from the folder) it is kept and not derived.
        let kept = try flat(record(#""eventCategory":"Management","recipientAccountId":"999988887777""#))
        #expect(kept.string("recipient_account_id") == "999988887777")
        #expect(!kept.has("derived_fields"))
        // Empty string counts as missing.
        let empty = try flat(record(#""eventCategory":"Management","recipientAccountId":"""#))
        #expect(empty.string("recipient_account_id") == "111122223333")
        #expect(empty.derived == [.recipientAccountID])
    }

    // MARK: eventCategory derivation

    @Test(arguments: [
        // (members, folder, expected)
        (#""eventType":"AwsCloudTrailInsight""#, TrailFolder.cloudTrail, "Insight"),
        (#""eventType":"awscloudtrailinsight""#, .cloudTrail, "Insight"),
        (#""eventType":"AwsApiCall""#, .insight, "Insight"),
        (#""eventType":"AwsApiCall","managementEvent":false"#, .networkActivity, "NetworkActivity"),
        (#""eventType":"AwsVpceEvent""#, .cloudTrail, "NetworkActivity"),
        (#""insightDetails":{"state":"End"}"#, .cloudTrail, "Insight"),
        (#""eventType":"AwsApiCall","managementEvent":false"#, .cloudTrail, "Data"),
        (#""eventType":"AwsApiCall","managementEvent":"FALSE""#, .cloudTrail, "Data"),
        (#""eventType":"AwsApiCall","managementEvent":true"#, .cloudTrail, "Management"),
        (#""eventType":"AwsApiCall""#, .cloudTrail, "Management"),
        (#""eventType":"AwsConsoleSignin""#, .cloudTrail, "Management"),
        ("", .cloudTrail, "Management"),
    ])
    func derivedCategory(members: String, folder: TrailFolder, expected: String) throws {
        let line = try flat(record(#""recipientAccountId":"111122223333""# + (members.isEmpty ? "" : "," + members)),
            file: Fixture.inFolder(folder))
        #expect(line.string("event_category") == expected)
        #expect(line.derived == [.eventCategory])
        #expect(line.json("derived_fields") == #"["event_category"]"#)
    }

    /// A category in the record is kept as written and not derived, even when the folder disagrees.
    @Test func recordedCategoryWins() throws {
        let line = try flat(
            record(#""recipientAccountId":"111122223333","eventCategory":"Data","managementEvent":true"#),
            file: Fixture.inFolder(.insight))
        #expect(line.string("event_category") == "Data")
        #expect(line.derived.isEmpty)
    }

    /// `AwsConsoleSignin` (lower-case i, as in AWS's IAM guide) is kept as written and still a sign-in.
    @Test func eventTypeCasingKept() throws {
        let line = try flat(
            #"{"eventVersion":"1.05","eventTime":"2016-08-25T18:35:12Z","eventSource":"signin.amazonaws.com","#
                + #""eventName":"ConsoleLogin","eventType":"AwsConsoleSignin","recipientAccountId":"111122223333","#
                + #""responseElements":{"ConsoleLogin":"Success"},"additionalEventData":{"MFAUsed":"No"}}"#)
        #expect(line.string("event_type") == "AwsConsoleSignin")
        #expect(line.string("event_category") == "Management")
        #expect(line.string("outcome") == "success")
        #expect(line.string("console_login_result") == "Success")
        #expect(line.json("mfa_used") == "false")
    }

    // MARK: sourceIPAddress

    @Test(arguments: [
        ("203.0.113.7", true), ("0.0.0.0", true), ("255.255.255.255", true), ("2001:db8::1", true),
        ("::ffff:1.2.3.4", true), ("::1", true), ("FE80::ABCD", true),
        ("81.2.69.142, 192.168.10.10", false), ("ec2.amazonaws.com", false), ("AWS Internal", false),
        ("AWS Internal/3", false), ("225.01.00.16", false), ("256.1.1.1", false), ("1.2.3", false),
        (" 1.2.3.4", false), ("1.2.3.4 ", false), ("fe80::1%eth0", false), ("2001:db8::1::2", false),
        ("1.2.3.4.5", false), ("localhost", false),
    ])
    func sourceIP(value: String, isIP: Bool) throws {
        let line = try flat(record(#""sourceIPAddress":"\#(value)""#))
        #expect(line.string("source_ip_address") == value)
        #expect(line.string("source_ip") == (isIP ? value : nil))
        #expect(line.has("source_ip") == isIP)
    }

    @Test func emptySourceIP() throws {
        let line = try flat(record(#""sourceIPAddress":"""#))
        #expect(!line.has("source_ip_address"))
        #expect(!line.has("source_ip"))
    }

    // MARK: Text columns

    @Test func emptyStringsAreOmitted() throws {
        let line = try flat(
            record(
                #""eventID":"","userAgent":"","vpcEndpointId":"","awsRegion":"","errorCode":"","errorMessage":"","#
                    + #""userIdentity":{"type":"IAMUser","arn":"","accessKeyId":"","userName":"","principalId":"AIDA1"}"#))
        for column in [
            "event_id", "user_agent", "vpc_endpoint_id", "aws_region", "error_code", "error_message", "user_arn",
            "user_access_key_id", "user_name",
        ] {
            #expect(!line.has(column), "\(column) should be omitted")
        }
        // Empty error fields are no error.
        #expect(line.string("outcome") == "success")
        #expect(line.string("actor") == "AIDA1")
    }

    @Test func numbersAndBooleansBecomeText() throws {
        let line = try flat(
            record(
                #""awsRegion":42,"userAgent":true,"requestID":false,"apiVersion":1.5e3,"errorCode":-0.25,"#
                    + #""recipientAccountId":111122223333,"eventCategory":"Data","#
                    + #""userIdentity":{"type":"Root","accountId":123456789012}"#))
        #expect(line.json("aws_region") == #""42""#)
        #expect(line.json("user_agent") == #""true""#)
        #expect(line.json("request_id") == #""false""#)
        #expect(line.json("api_version") == #""1.5e3""#)
        #expect(line.json("error_code") == #""-0.25""#)
        #expect(line.json("recipient_account_id") == #""111122223333""#)
        #expect(line.json("user_account_id") == #""123456789012""#)
        #expect(line.json("actor") == #""123456789012""#)
        #expect(line.contains(#""api_version":"1.5e3""#))
        #expect(line.string("outcome") == "failure")
        #expect(line.derived.isEmpty)
    }

    @Test func objectsAndArraysInTextColumnsAreOmitted() throws {
        let line = try flat(
            record(
                #""eventID":{"id":"x"},"awsRegion":["us-east-1"],"userAgent":null,"errorCode":{},"#
                    + #""sourceIPAddress":["1.2.3.4"],"recipientAccountId":{"a":1},"eventCategory":["Data"],"#
                    + #""tlsDetails":{"tlsVersion":{"v":1},"cipherSuite":["x"],"clientProvidedHostHeader":null}"#))
        for column in [
            "event_id", "aws_region", "user_agent", "error_code", "source_ip_address", "source_ip", "tls_version",
            "tls_cipher_suite", "tls_client_host",
        ] {
            #expect(!line.has(column), "\(column) should be omitted")
        }
        #expect(line.string("outcome") == "success")
        #expect(line.string("recipient_account_id") == "111122223333")
        #expect(line.string("event_category") == "Management")
        #expect(line.derived == [.recipientAccountID, .eventCategory])
    }

    // MARK: Old and odd records

    /// An eventVersion 1.0 record (AWS docs): no eventID, eventType, recipientAccountId or eventCategory.
    @Test func eventVersion10WithoutEventID() throws {
        let line = try flat(
            """
            {
                "eventVersion": "1.0",
                "userIdentity": {
                    "type": "IAMUser",
                    "principalId": "EX_PRINCIPAL_ID",
                    "arn": "arn:aws:iam::123456789012:user/Alice",
                    "accessKeyId": "EXAMPLE_KEY_ID",
                    "accountId": "123456789012",
                    "userName": "Alice"
                },
                "eventTime": "2014-03-06T21:22:54Z",
                "eventSource": "ec2.amazonaws.com",
                "eventName": "StartInstances",
                "awsRegion": "us-east-2",
                "sourceIPAddress": "205.251.233.176",
                "userAgent": "ec2-api-tools 1.6.12.2",
                "requestParameters": {"instancesSet": {"items": [{"instanceId": "i-ebeaf9e2"}]}},
                "responseElements": {"instancesSet": {"items": [{"instanceId": "i-ebeaf9e2",
                    "currentState": {"code": 0, "name": "pending"}, "previousState": {"code": 80, "name": "stopped"}}]}}
            }
            """)
        #expect(!line.has("event_id"))
        #expect(!line.has("event_type"))
        #expect(line.string("event_version") == "1.0")
        #expect(line.string("recipient_account_id") == "111122223333")
        #expect(line.string("event_category") == "Management")
        #expect(line.string("event_time") == "2014-03-06T21:22:54.000Z")
        #expect(line.string("actor") == "Alice")
        #expect(line.string("source_ip") == "205.251.233.176")
        #expect(line.derived == [.recipientAccountID, .eventCategory])
        #expect(line.keys.first == "schema_version")
        #expect(line.keys[1] == "recipient_account_id")
        #expect(
            line.contains(
                #""response_elements":{"instancesSet":{"items":[{"instanceId":"i-ebeaf9e2","currentState":{"code":0,"name":"pending"},"previousState":{"code":80,"name":"stopped"}}]}}"#
            ))
    }

    @Test(arguments: ["sharedEventID", "sharedEventId"])
    func sharedEventIDSpellings(key: String) throws {
        let line = try flat(record(#""\#(key)":"c0ffee00-1234-4abc-8def-00112233aabb""#))
        #expect(line.string("shared_event_id") == "c0ffee00-1234-4abc-8def-00112233aabb")
    }

    @Test func otherSpellingsAreNotMapped() throws {
        let line = try flat(
            record(#""sharedEventid":"x","EventName":"y","eventid":"z","recipientAccountID":"999988887777""#))
        #expect(!line.has("shared_event_id"))
        #expect(line.string("event_name") == "ListBuckets")
        #expect(!line.has("event_id"))
        #expect(line.string("recipient_account_id") == "111122223333")
    }

    /// Keys written with escapes are matched by their decoded text.
    @Test func escapedKeys() throws {
        let line = try flat(
            #"{"eventVersion":"1.08","event\u004eame":"GetObject","\u0065ventID":"3b8f3a1e-6a7d-4c2b-9d0e-1f2a3b4c5d6e","#
                + #""eventTim\u0065":"2024-01-02T03:04:05Z","recipient\u0041ccountId":"111122223333","#
                + #""eventCategory":"Data","sourceIPAddress":"1.2.3.4","\u0072eadOnly":"true","#
                + #""userIdentity":{"typ\u0065":"IAMUser","user\u004eame":"Alice","\u0061ccountId":"111122223333"}}"#)
        #expect(line.string("event_name") == "GetObject")
        #expect(line.string("event_id") == "3b8f3a1e-6a7d-4c2b-9d0e-1f2a3b4c5d6e")
        #expect(line.string("event_time") == "2024-01-02T03:04:05.000Z")
        #expect(line.json("read_only") == "true")
        #expect(line.derived.isEmpty)
        #expect(line.string("user_type") == "IAMUser")
        #expect(line.string("user_name") == "Alice")
        #expect(line.string("user_account_id") == "111122223333")
        #expect(line.string("actor") == "Alice")
        // A similar key that decodes to something else is not mapped.
        let other = try flat(record(#""event\u004eam\u0065s":"Nope""#))
        #expect(other.string("event_name") == "ListBuckets")
    }

    /// Shipper fields (`@timestamp`, `p_*`) and unknown members are ignored.
    @Test func unknownMembersIgnored() throws {
        let plain = try flat(record(#""recipientAccountId":"1","eventCategory":"Data""#))
        let noisy = try flat(
            record(
                #""@version":"1","@timestamp":"2020-01-01T00:00:00Z","p_any":{"x":[1,2]},"recipientAccountId":"1","#
                    + #""eventCategory":"Data","eventContext":{"requestContext":{}}"#))
        #expect(noisy.keys == plain.keys)
        #expect(noisy.bytes == plain.bytes)
    }
}
