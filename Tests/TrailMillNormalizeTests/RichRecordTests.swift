import Foundation
import Testing
import TrailMillArchive
import TrailMillNormalize

/// An eventVersion 1.08 AssumedRole record that fills nearly every column, pretty-printed like the AWS docs.
enum RichRecord {
    static let userIdentity = """
        {
                "type": "AssumedRole",
                "principalId": "AROAIDPPEZS35WEXAMPLE:alice-session",
                "arn": "arn:aws:sts::111122223333:assumed-role/Admin/alice-session",
                "accountId": "111122223333",
                "accessKeyId": "ASIAIOSFODNN7EXAMPLE",
                "invokedBy": "cloudformation.amazonaws.com",
                "credentialId": "cred-0123",
                "identityProvider": "accounts.example.com",
                "sessionContext": {
                    "sessionIssuer": {
                        "type": "Role",
                        "principalId": "AROAIDPPEZS35WEXAMPLE",
                        "arn": "arn:aws:iam::111122223333:role/Admin",
                        "accountId": "111122223333",
                        "userName": "Admin"
                    },
                    "webIdFederationData": {},
                    "attributes": {
                        "creationDate": "2024-03-15T11:58:07Z",
                        "mfaAuthenticated": "true"
                    },
                    "sourceIdentity": "alice@example.com",
                    "ec2RoleDelivery": "2.0"
                }
            }
        """
    static let requestParameters = """
        {
                "userName": "bob",
                "tags": [ { "key": "team", "value": "blue green" } ],
                "permissionsBoundary": null,
                "path": "/"
            }
        """
    static let additionalEventData = #"{ "SignatureVersion": "SigV4", "bytesTransferredIn": 1024 }"#
    static let serviceEventDetails = #"{ "detail": "x y", "values": [ 1, 2.50, -3e2, true, null ] }"#
    static let resources = """
        [
                { "accountId": "111122223333", "type": "AWS::IAM::User", "ARN": "arn:aws:iam::111122223333:user/bob" },
                { "accountId": "111122223333", "type": "AWS::IAM::Role", "ARN": "arn:aws:iam::111122223333:role/Admin" }
            ]
        """
    static let addendum = """
        { "reason": "UPDATED_DATA", "updatedFields": "requestParameters", "originalRequestID": "req-0", \
        "originalEventID": "0a0a0a0a-0000-4000-8000-000000000000" }
        """
    static let edgeDeviceDetails = #"{ "type": "outposts", "deviceID": "op-0123" }"#

    static let pretty = """
        {
            "eventVersion": "1.08",
            "userIdentity": \(userIdentity),
            "eventTime": "2024-03-15T12:01:02Z",
            "eventSource": "iam.amazonaws.com",
            "eventName": "CreateUser",
            "awsRegion": "us-east-1",
            "sourceIPAddress": "203.0.113.7",
            "userAgent": "aws-cli/2.15.30 Python/3.11.8 Linux/6.1 exe/x86_64.amzn.2023",
            "errorCode": "EntityAlreadyExists",
            "errorMessage": "User with name bob already exists.",
            "requestParameters": \(requestParameters),
            "responseElements": null,
            "additionalEventData": \(additionalEventData),
            "requestID": "9d6a0e8b-1111-4c7e-8f00-0123456789ab",
            "eventID": "3b8f3a1e-6a7d-4c2b-9d0e-1f2a3b4c5d6e",
            "readOnly": false,
            "resources": \(resources),
            "eventType": "AwsApiCall",
            "apiVersion": "2010_05_08",
            "managementEvent": true,
            "recipientAccountId": "111122223333",
            "sharedEventID": "c0ffee00-1234-4abc-8def-00112233aabb",
            "vpcEndpointId": "vpce-0a1b2c3d4e5f67890",
            "vpcEndpointAccountId": "444455556666",
            "eventCategory": "Management",
            "serviceEventDetails": \(serviceEventDetails),
            "addendum": \(addendum),
            "sessionCredentialFromConsole": "true",
            "edgeDeviceDetails": \(edgeDeviceDetails),
            "tlsDetails": {
                "tlsVersion": "TLSv1.3",
                "cipherSuite": "TLS_AES_128_GCM_SHA256",
                "clientProvidedHostHeader": "iam.amazonaws.com",
                "keyExchange": "X25519MLKEM768"
            },
            "@timestamp": "shipper field, not mapped"
        }
        """
    static var compact: String { compactJSON(pretty) }

    /// A second, minimal record placed before the rich one so that the rich one has `record_index` 1.
    static let first = #"{"eventVersion":"1.08","eventTime":"2024-03-15T12:00:00Z","eventID":"11111111-2222-4333-8444-555555555555"}"#

    static func file(_ richText: String) -> String { #"{"Records":["# + first + ",\n" + richText + "]}" }

    /// The expected flat line, column by column, in the encoder's order.
    static func expectedColumns(for file: TrailFile) -> [(String, String)] {
        var columns: [(String, String)] = [
            ("schema_version", "1"),
            ("event_id", #""3b8f3a1e-6a7d-4c2b-9d0e-1f2a3b4c5d6e""#),
            ("recipient_account_id", #""111122223333""#),
            ("event_time", #""2024-03-15T12:01:02.000Z""#),
            ("event_version", #""1.08""#),
            ("event_source", #""iam.amazonaws.com""#),
            ("event_name", #""CreateUser""#),
            ("event_type", #""AwsApiCall""#),
            ("event_category", #""Management""#),
            ("aws_region", #""us-east-1""#),
            ("management_event", "true"),
            ("read_only", "false"),
            ("request_id", #""9d6a0e8b-1111-4c7e-8f00-0123456789ab""#),
            ("api_version", #""2010_05_08""#),
            ("shared_event_id", #""c0ffee00-1234-4abc-8def-00112233aabb""#),
            ("source_ip_address", #""203.0.113.7""#),
            ("source_ip", #""203.0.113.7""#),
            ("user_agent", #""aws-cli/2.15.30 Python/3.11.8 Linux/6.1 exe/x86_64.amzn.2023""#),
            ("vpc_endpoint_id", #""vpce-0a1b2c3d4e5f67890""#),
            ("vpc_endpoint_account_id", #""444455556666""#),
            ("tls_version", #""TLSv1.3""#),
            ("tls_cipher_suite", #""TLS_AES_128_GCM_SHA256""#),
            ("tls_client_host", #""iam.amazonaws.com""#),
            ("session_credential_from_console", "true"),
            ("error_code", #""EntityAlreadyExists""#),
            ("error_message", #""User with name bob already exists.""#),
            ("outcome", #""failure""#),
            ("user_type", #""AssumedRole""#),
            ("user_principal_id", #""AROAIDPPEZS35WEXAMPLE:alice-session""#),
            ("user_arn", #""arn:aws:sts::111122223333:assumed-role/Admin/alice-session""#),
            ("user_account_id", #""111122223333""#),
            ("user_access_key_id", #""ASIAIOSFODNN7EXAMPLE""#),
            ("user_invoked_by", #""cloudformation.amazonaws.com""#),
            ("user_identity_provider", #""accounts.example.com""#),
            ("user_credential_id", #""cred-0123""#),
            ("session_issuer_type", #""Role""#),
            ("session_issuer_principal_id", #""AROAIDPPEZS35WEXAMPLE""#),
            ("session_issuer_arn", #""arn:aws:iam::111122223333:role/Admin""#),
            ("session_issuer_account_id", #""111122223333""#),
            ("session_issuer_user_name", #""Admin""#),
            ("session_mfa_authenticated", "true"),
            ("session_creation_date", #""2024-03-15T11:58:07.000Z""#),
            ("session_source_identity", #""alice@example.com""#),
            ("session_ec2_role_delivery", #""2.0""#),
            ("actor", #""Admin""#),
            ("request_parameters", compactJSON(requestParameters)),
            ("additional_event_data", compactJSON(additionalEventData)),
            ("service_event_details", compactJSON(serviceEventDetails)),
            ("resources", compactJSON(resources)),
            ("resource_arns", #"["arn:aws:iam::111122223333:user/bob","arn:aws:iam::111122223333:role/Admin"]"#),
            ("addendum", compactJSON(addendum)),
            ("edge_device_details", compactJSON(edgeDeviceDetails)),
            ("user_identity", compactJSON(userIdentity)),
            ("source_file", "\"\(file.relativePath)\""),
        ]
        if let org = file.organizationID { columns.append(("archive_org_id", "\"\(org)\"")) }
        columns += [
            ("archive_account_id", "\"\(file.accountID)\""),
            ("archive_region", "\"\(file.region)\""),
            ("delivery_date", #""2024-03-15""#),
            ("record_index", "1"),
        ]
        return columns
    }

    static func expectedLine(for file: TrailFile) -> String {
        "{" + expectedColumns(for: file).map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }
}

@Suite("Flat schema v1: a rich eventVersion 1.08 record")
struct RichRecordTests {
    /// Column by column, parsed by Foundation, for a pretty-printed record in an organization trail.
    @Test func everyColumnOrgTrail() throws {
        let lines = try normalizeFile(RichRecord.file(RichRecord.pretty), file: Fixture.orgTrail)
        try #require(lines.count == 2)
        let line = lines[1]
        #expect(line.isCompact == false)
        try #require(line.object != nil, "not parseable: \(line.text)")
        let expected = RichRecord.expectedColumns(for: Fixture.orgTrail)
        for (column, value) in expected {
            #expect(line.json(column) == canonical(json: value), "column \(column)")
        }
        #expect(line.keys == expected.map(\.0))
        #expect(isInSchemaOrder(line.keys))
        #expect(line.derived.isEmpty)
        #expect(!line.has("derived_fields"))
        // schema_version is the number 1 (not a string) and leads the line.
        #expect(line.text.hasPrefix(#"{"schema_version":1,"#))
        #expect(line.json("schema_version") == "1")
        // Provenance: the organization trail's parts.
        #expect(line.string("archive_org_id") == "o-a1b2c3d4e5")
        #expect(line.string("archive_account_id") == "444455556666")
        #expect(line.string("archive_region") == "eu-west-1")
        #expect(line.string("source_file") == Fixture.orgTrailPath)
        // Null / absent columns are omitted, never written as null.
        for absent in [
            "response_elements", "user_name", "console_login_result", "mfa_used", "insight_details", "insight_state",
            "insight_type",
        ] {
            #expect(!line.has(absent), "\(absent) should be omitted")
        }
        // A null inside a payload is kept as written.
        #expect(line.contains(#""permissionsBoundary":null"#))
        // The exact bytes.
        #expect(line.text == RichRecord.expectedLine(for: Fixture.orgTrail))
    }

    /// The same record written compactly gives the same line byte for byte; an account trail has no org column.
    @Test func compactRecordAccountTrail() throws {
        let lines = try normalizeFile(RichRecord.file(RichRecord.compact), file: Fixture.accountTrail)
        try #require(lines.count == 2)
        let line = lines[1]
        #expect(line.isCompact)
        #expect(line.text == RichRecord.expectedLine(for: Fixture.accountTrail))
        #expect(!line.has("archive_org_id"))
        #expect(line.string("archive_account_id") == "111122223333")
        #expect(line.string("source_file") == Fixture.accountTrailPath)
        #expect(line.json("record_index") == "1")
        #expect(line.eventTimeMillis == Timestamp.parseMillis("2024-03-15T12:01:02Z"))

        let pretty = try normalizeFile(RichRecord.file(RichRecord.pretty), file: Fixture.accountTrail)
        #expect(pretty[1].bytes == line.bytes)
    }

    /// A trail file from `ArchiveDiscovery.classify` gives the same provenance as the hand-built one.
    @Test func provenanceFromClassifiedPath() throws {
        guard case .trailFile(let file) = ArchiveDiscovery.classify(relativePath: Fixture.orgTrailPath) else {
            Issue.record("org trail path did not classify")
            return
        }
        #expect(file.organizationID == "o-a1b2c3d4e5")
        let lines = try normalizeFile(RichRecord.file(RichRecord.compact), file: file)
        #expect(lines[1].text == RichRecord.expectedLine(for: Fixture.orgTrail))
    }

    /// The first record: few members, so the derived columns and the fallbacks show.
    @Test func minimalRecordInSameFile() throws {
        let lines = try normalizeFile(RichRecord.file(RichRecord.compact), file: Fixture.orgTrail)
        let line = lines[0]
        #expect(
            line.text
                == #"{"schema_version":1,"event_id":"11111111-2222-4333-8444-555555555555","recipient_account_id":"444455556666","#
                + #""event_time":"2024-03-15T12:00:00.000Z","event_version":"1.08","event_category":"Management","outcome":"success","#
                + #""source_file":"\#(Fixture.orgTrailPath)","archive_org_id":"o-a1b2c3d4e5","archive_account_id":"444455556666","#
                + #""archive_region":"eu-west-1","delivery_date":"2024-03-15","record_index":0,"#
                + #""derived_fields":["recipient_account_id","event_category"]}"#)
        #expect(line.derived == [.recipientAccountID, .eventCategory])
    }

    /// The raw line of the pretty record is its compact form; of the compact record, its exact bytes.
    @Test func rawLines() throws {
        let pretty = try normalizeFile(RichRecord.file(RichRecord.pretty))
        #expect(pretty[1].rawText == RichRecord.compact)
        let compact = try normalizeFile(RichRecord.file(RichRecord.compact))
        #expect(compact[1].raw == Array(RichRecord.compact.utf8))
        #expect(compact[1].raw == compact[1].record)
        #expect(compact[0].rawText == RichRecord.first)
    }
}
