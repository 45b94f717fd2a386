import Foundation
import Testing
import TrailMillTestSupport

/// Nothing is lost: every flat-schema column of every record (samples, sample archive, hostile records) is found
/// again in the OCSF event made from the same record — at its mapped place or in `unmapped` — with the same value.
/// The flat line comes from `FlatEventEncoder` on the same normalized event; where each column may be found is
/// written here from `Schemas/ocsf-mapping-v1.md` §4, independently of the encoder's code. A flat column without a
/// rule fails the test, so a new column cannot slip by.
@Suite struct FlatCoverageTests {
    @Test(.enabled(if: OCSFHarness.haveSamples, "../shared/samples is absent"))
    func everySampleColumnIsFoundInTheOCSFEvent() throws {
        let outputs = try OCSFHarness.sampleOutputs()
        #expect(outputs.count > 900)
        var log = CoverageLog()
        for (record, output) in outputs { try Self.check(output, label: "\(record.file)#\(record.index)", into: &log) }
        #expect(log.problems.isEmpty, "\(log.problems.count) problems:\n\(log.problems.prefix(40).joined(separator: "\n"))")
        // Every column of the flat schema that the samples have was checked somewhere.
        #expect(log.columns.count > 60, "\(log.columns.sorted())")
    }

    @Test func everyArchiveColumnIsFoundInTheOCSFEvent() throws {
        var log = CoverageLog()
        for (n, item) in try OCSFHarness.archiveOutputs().enumerated() { try Self.check(item.output, label: "archive #\(n)", into: &log) }
        #expect(log.problems.isEmpty, "\(log.problems.prefix(40).joined(separator: "\n"))")
    }

    @Test func everyHostileColumnIsFoundInTheOCSFEvent() throws {
        var log = CoverageLog()
        for (name, text) in OCSFHarness.hostileRecords() {
            try Self.check(try OCSFHarness.encode([text])[0], label: name, into: &log)
        }
        #expect(log.problems.isEmpty, "\(log.problems.prefix(40).joined(separator: "\n"))")
    }

    /// Records with the rarer members: IdentityCenter `onBehalfOf` / `credentialId`, web identity federation, an
    /// Insights End event, odd `resources`, a requestParameters without requestID, unknown and duplicate keys.
    @Test func rareMembersAreFoundInTheOCSFEvent() throws {
        let records = [
            #"{"eventVersion":"1.08","userIdentity":{"type":"IdentityCenterUser","accountId":"111122223333","onBehalfOf":{"userId":"94482488-3041-7026-18f3-be45837cd0e4","identityStoreArn":"arn:aws:identitystore::111122223333:identitystore/d-9067642ac7"},"credentialId":"EXAMPLEVHULjJdTUdPJfofVa1sufHDoj7aYcOYcxFVllWR_Whr1fEXAMPLE"},"eventTime":"2023-12-12T21:02:54Z","eventSource":"signin.amazonaws.com","eventName":"CredentialChallenge","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.1","userAgent":"Mozilla/5.0","requestParameters":null,"responseElements":null,"additionalEventData":{"CredentialType":"PASSWORD","UserName":"alice"},"requestID":"f8d2c8c5-2b0f-4f5a-a8b2-6d8ec9d0e4b1","eventID":"f4a2e9c8-2b0f-4f5a-a8b2-6d8ec9d0e4b1","readOnly":false,"eventType":"AwsServiceEvent","managementEvent":true,"recipientAccountId":"111122223333","serviceEventDetails":{"CredentialChallenge":"Success"},"eventCategory":"Management"}"#,
            #"{"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:web","arn":"arn:aws:sts::111122223333:assumed-role/WebRole/web","accountId":"111122223333","accessKeyId":"ASIAEXAMPLE","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLE","arn":"arn:aws:iam::111122223333:role/WebRole","accountId":"111122223333","userName":"WebRole"},"webIdFederationData":{"federatedProvider":"accounts.google.com","attributes":{"accounts.google.com:aud":"1234.apps.googleusercontent.com"}},"attributes":{"creationDate":"2024-03-15T11:00:00Z","mfaAuthenticated":"false","extra":"kept"},"sourceIdentity":"alice"}},"eventTime":"2024-03-15T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":"ListBuckets","awsRegion":"us-east-1","sourceIPAddress":"2001:db8::1","userAgent":"aws-sdk","requestParameters":{"Host":"s3.amazonaws.com"},"responseElements":null,"eventID":"a4a2e9c8-2b0f-4f5a-a8b2-6d8ec9d0e4b1","readOnly":true,"resources":[{"ARNPrefix":"arn:aws:s3:::b/","type":"AWS::S3::Object"},{"arn":"arn:aws:s3:::b","accountId":"111122223333","type":"AWS::S3::Bucket"}],"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","futureField":{"x":1},"eventCategory":"Management","eventCategory":"Management"}"#,
            #"{"eventVersion":"1.07","eventTime":"2020-07-21T21:01:00Z","awsRegion":"us-east-1","eventID":"b4a2e9c8-2b0f-4f5a-a8b2-6d8ec9d0e4b1","eventType":"AwsCloudTrailInsight","recipientAccountId":"111122223333","sharedEventID":"c4a2e9c8-2b0f-4f5a-a8b2-6d8ec9d0e4b1","insightDetails":{"state":"End","eventSource":"autoscaling.amazonaws.com","eventName":"CompleteLifecycleAction","insightType":"ApiCallRateInsight","insightContext":{"statistics":{"baseline":{"average":0.0000882145},"insight":{"average":0.6},"insightDuration":5,"baselineDuration":11336}}},"eventCategory":"Insight"}"#,
            #"{"eventVersion":"1.08","userIdentity":{"type":"Unknown"},"eventTime":"not a time","eventSource":"iam.amazonaws.com","eventName":"CreateUser","awsRegion":"us-east-1","requestParameters":{"userName":"bob"},"eventID":"","readOnly":"TRUE","vpcEndpointId":"","eventType":"AwsApiCall","recipientAccountId":"111122223333"}"#,
        ]
        var log = CoverageLog()
        for (n, output) in try OCSFHarness.encode(records).enumerated() { try Self.check(output, label: "rare #\(n)", into: &log) }
        #expect(log.problems.isEmpty, "\(log.problems.joined(separator: "\n"))")
    }

    // MARK: The check

    struct CoverageLog {
        var problems: [String] = []
        var columns: Set<String> = []
    }

    /// Checks every column of the flat line against the OCSF event.
    static func check(_ output: OCSFHarness.Output, label: String, into log: inout CoverageLog) throws {
        let flat = try OCSFHarness.object(output.flat)
        let o = Event(try OCSFHarness.object(output.ocsf))
        for (column, value) in flat {
            log.columns.insert(column)
            if let problem = try find(column, value, flat: flat, in: o) { log.problems.append("\(label): \(column): \(problem)") }
        }
    }

    /// Nil when `column` = `value` is found in the event, else what is wrong.
    static func find(_ column: String, _ value: Any, flat: [String: Any], in o: Event) throws -> String? {
        func any(_ places: [Any?]) -> String? {
            places.contains { same(value, $0) } ? nil : "\(value) not found (places hold \(places.map { $0.map { "\($0)" } ?? "nil" }))"
        }
        let finding = o["class_uid"] as? Int == 2004
        switch column {
        case "schema_version", "derived_fields":
            // The flat format's own version and bookkeeping; the columns derived_fields names are checked themselves.
            return nil
        case "event_id": return any([o["metadata", "uid"], o["unmapped", "eventID"]])
        case "recipient_account_id": return any([o["cloud", "account", "uid"]])
        case "event_time":
            guard let text = value as? String, let time = o["time"] as? Int, text == o["time_dt"] as? String else {
                return "time_dt \(String(describing: o["time_dt"])) ≠ \(value)"
            }
            return isoMillis(text) == time ? nil : "time \(time) ≠ \(text)"
        case "event_version": return any([o["metadata", "product", "version"]])
        case "event_source": return any([o["api", "service", "name"], o["unmapped", "eventSource"]])
        case "event_name": return any([o["api", "operation"], o["unmapped", "eventName"]])
        case "event_type": return any([o["metadata", "event_code"]])
        case "event_category": return any([o["metadata", "product", "feature", "name"]])
        case "aws_region": return any([o["cloud", "region"]])
        case "management_event": return any([o["unmapped", "managementEvent"]])
        case "read_only": return any([o["unmapped", "readOnly"]])
        case "request_id": return any([o["api", "request", "uid"], o["unmapped", "requestID"]])
        case "api_version": return any([o["api", "version"], o["unmapped", "apiVersion"]])
        case "shared_event_id": return any([o["metadata", "correlation_uid"]])
        case "source_ip_address", "source_ip":
            return any([o["src_endpoint", "ip"], o["src_endpoint", "domain"], o["unmapped", "sourceIPAddress"]])
        case "user_agent": return any([o["http_request", "user_agent"], o["unmapped", "userAgent"]])
        case "vpc_endpoint_id": return any([o["src_endpoint", "uid"], o["unmapped", "vpcEndpointId"]])
        case "vpc_endpoint_account_id": return any([o["unmapped", "vpcEndpointAccountId"]])
        case "tls_version": return any([o["unmapped", "tlsDetails", "tlsVersion"]])
        case "tls_cipher_suite": return any([o["unmapped", "tlsDetails", "cipherSuite"]])
        case "tls_client_host": return any([o["unmapped", "tlsDetails", "clientProvidedHostHeader"]])
        case "session_credential_from_console": return any([o["unmapped", "sessionCredentialFromConsole"]])
        case "error_code":
            return finding ? any([o["unmapped", "errorCode"]]) : any([o["status_code"]]) ?? any([o["api", "response", "error"]])
        case "error_message":
            return finding ? any([o["unmapped", "errorMessage"]]) : any([o["status_detail"]]) ?? any([o["api", "response", "message"]])
        case "outcome":
            // A finding's status is the finding's own; an Insights record has no outcome of its own.
            if finding { return nil }
            return (value as? String == "failure" ? 2 : 1) == o["status_id"] as? Int ? nil : "status_id \(String(describing: o["status_id"]))"
        case "console_login_result":
            return any([embedded(o["api", "response", "data"]).flatMap { ($0 as? [String: Any])?["ConsoleLogin"] }])
        case "mfa_used": return any([o["is_mfa"], o["unmapped", "additionalEventData", "MFAUsed"]])
        case "user_type", "user_principal_id", "user_arn", "user_account_id", "user_access_key_id", "user_name",
            "user_invoked_by", "user_identity_provider", "user_credential_id", "session_issuer_type",
            "session_issuer_principal_id", "session_issuer_arn", "session_issuer_account_id", "session_issuer_user_name",
            "session_mfa_authenticated", "session_creation_date", "session_source_identity", "session_ec2_role_delivery":
            let path = identityPaths[column]!
            return leaf(path, value, in: o)
        case "actor":
            // The one display name: some string of the event, or the session name after ':' in uid_alt (SSO roles).
            let alt = (o["actor", "user", "uid_alt"] as? String)?.split(separator: ":", maxSplits: 1).last.map(String.init)
            return same(value, alt) || o.strings.contains(where: { same(value, $0) }) ? nil : "\(value) is no value of the event"
        case "request_parameters":
            return any([embedded(o["api", "request", "data"]), o["unmapped", "requestParameters"]])
        case "response_elements": return any([embedded(o["api", "response", "data"]), o["unmapped", "responseElements"]])
        case "additional_event_data":
            guard let members = value as? [String: Any] else { return any([o["unmapped", "additionalEventData"]]) }
            for (key, member) in members {
                let mapped: [Any?] =
                    switch key {
                    case "LoginTo": [o["dst_endpoint", "svc_name"]]
                    case "MFAUsed": [o["is_mfa"]]
                    case "UserName": [o["actor", "user", "name"]]
                    default: []
                    }
                if !(mapped + [o["unmapped", "additionalEventData", key]]).contains(where: { same(member, $0) }) {
                    return "additionalEventData.\(key) = \(member) not found"
                }
            }
            return nil
        case "service_event_details": return any([o["unmapped", "serviceEventDetails"]])
        case "resources":
            if same(value, o["unmapped", "resources"]) { return nil }
            guard let elements = value as? [[String: Any]], let written = o["resources"] as? [[String: Any]],
                elements.count == written.count
            else { return "resources neither in resources[] nor in unmapped" }
            for (element, resource) in zip(elements, written) {
                for (key, member) in element {
                    let place: Any? =
                        switch key.lowercased() {
                        case "arn": resource["uid"]
                        case "type": resource["type"]
                        case "accountid": ((resource["owner"] as? [String: Any])?["account"] as? [String: Any])?["uid"]
                        default: nil
                        }
                    if !same(member, place) { return "resources[].\(key) = \(member) not found" }
                }
            }
            return nil
        case "resource_arns":
            let uids = (o["resources"] as? [[String: Any]] ?? []).compactMap { $0["uid"] }
            let raw = (o["unmapped", "resources"] as? [[String: Any]] ?? []).flatMap { $0.filter { $0.key.lowercased() == "arn" }.map(\.value) }
            for arn in value as? [Any] ?? [] where !(uids + raw).contains(where: { same(arn, $0) }) { return "\(arn) not found" }
            return nil
        case "insight_details":
            guard let members = value as? [String: Any] else { return any([o["unmapped", "insightDetails"]]) }
            for (key, member) in members {
                let mapped: Any? =
                    switch key {
                    case "state": o["activity_id"] as? Int == 3 ? "End" : "Start"
                    case "insightType": (o["finding_info", "types"] as? [Any])?.first
                    case "eventSource": o["api", "service", "name"]
                    case "eventName": o["api", "operation"]
                    default: nil
                    }
                if !same(member, mapped) && !same(member, o["unmapped", "insightDetails", key]) {
                    return "insightDetails.\(key) = \(member) not found"
                }
            }
            return nil
        case "insight_state": return any([o["activity_id"] as? Int == 3 ? "End" : "Start", o["unmapped", "insightDetails", "state"]])
        case "insight_type": return any([(o["finding_info", "types"] as? [Any])?.first, o["unmapped", "insightDetails", "insightType"]])
        case "addendum": return any([o["unmapped", "addendum"]])
        case "edge_device_details": return any([o["unmapped", "edgeDeviceDetails"]])
        case "user_identity":
            guard let identity = value as? [String: Any] else { return any([o["unmapped", "userIdentity"]]) }
            return leaves(identity, path: []).lazy.compactMap { leaf($0.path, $0.value, in: o) }.first
        case "source_file": return any([o["metadata", "log_name"]])
        case "archive_account_id", "archive_region", "archive_org_id", "delivery_date":
            // Parsed from the file's key, which is `metadata.log_name`.
            guard let name = o["metadata", "log_name"] as? String, let text = value as? String else { return "no log_name" }
            let key = column == "delivery_date" ? text.replacingOccurrences(of: "-", with: "/") : text
            return name.contains("/" + key + "/") ? nil : "\(text) is not in log_name \(name)"
        case "record_index": return any([o["metadata", "sequence"]])
        default:
            return "no rule for this flat column"
        }
    }

    /// Where the `userIdentity` leaves are mapped (`Schemas/ocsf-mapping-v1.md` §4.3); anything else belongs in
    /// `unmapped.userIdentity` at the same path.
    static let identityMap: [[String]: [String]] = [
        ["arn"]: ["actor", "user", "uid"], ["principalId"]: ["actor", "user", "uid_alt"],
        ["userName"]: ["actor", "user", "name"], ["type"]: ["actor", "user", "type"],
        ["accountId"]: ["actor", "user", "account", "uid"], ["accessKeyId"]: ["actor", "user", "credential_uid"],
        ["credentialId"]: ["actor", "user", "credential_uid"], ["invokedBy"]: ["actor", "invoked_by"],
        ["identityProvider"]: ["actor", "idp", "name"],
        ["sessionContext", "sessionIssuer", "arn"]: ["actor", "session", "issuer"],
        ["sessionContext", "attributes", "creationDate"]: ["actor", "session", "created_time_dt"],
        ["sessionContext", "attributes", "mfaAuthenticated"]: ["actor", "session", "is_mfa"],
        ["sessionContext", "webIdFederationData", "federatedProvider"]: ["actor", "idp", "name"],
        ["onBehalfOf", "userId"]: ["actor", "user", "uid_alt"], ["onBehalfOf", "identityStoreArn"]: ["actor", "idp", "uid"],
    ]

    /// The flat identity columns, by their `userIdentity` path.
    static let identityPaths: [String: [String]] = [
        "user_type": ["type"], "user_principal_id": ["principalId"], "user_arn": ["arn"], "user_account_id": ["accountId"],
        "user_access_key_id": ["accessKeyId"], "user_name": ["userName"], "user_invoked_by": ["invokedBy"],
        "user_identity_provider": ["identityProvider"], "user_credential_id": ["credentialId"],
        "session_issuer_type": ["sessionContext", "sessionIssuer", "type"],
        "session_issuer_principal_id": ["sessionContext", "sessionIssuer", "principalId"],
        "session_issuer_arn": ["sessionContext", "sessionIssuer", "arn"],
        "session_issuer_account_id": ["sessionContext", "sessionIssuer", "accountId"],
        "session_issuer_user_name": ["sessionContext", "sessionIssuer", "userName"],
        "session_mfa_authenticated": ["sessionContext", "attributes", "mfaAuthenticated"],
        "session_creation_date": ["sessionContext", "attributes", "creationDate"],
        "session_source_identity": ["sessionContext", "sourceIdentity"],
        "session_ec2_role_delivery": ["sessionContext", "ec2RoleDelivery"],
    ]

    /// One `userIdentity` leaf: at its mapped place or in `unmapped.userIdentity`.
    static func leaf(_ path: [String], _ value: Any, in o: Event) -> String? {
        if value is NSNull { return nil }  // null members are dropped, as everywhere
        if let object = value as? [String: Any], object.isEmpty { return nil }  // as are empty objects under partly mapped ones
        let unmapped = o[["unmapped", "userIdentity"] + path]
        if same(value, unmapped) { return nil }
        if let place = identityMap[path], same(value, o[place]) { return nil }
        return "userIdentity.\(path.joined(separator: ".")) = \(value) neither mapped nor in unmapped"
    }

    static func leaves(_ object: [String: Any], path: [String]) -> [(path: [String], value: Any)] {
        object.flatMap { key, value -> [(path: [String], value: Any)] in
            if let inner = value as? [String: Any], !inner.isEmpty { return leaves(inner, path: path + [key]) }
            return [(path + [key], value)]
        }
    }

    // MARK: Values

    /// The event, read by paths.
    struct Event {
        let object: [String: Any]
        init(_ object: [String: Any]) { self.object = object }
        subscript(_ path: String...) -> Any? { self[path] }
        subscript(_ path: [String]) -> Any? {
            var current: Any? = object
            for key in path { current = (current as? [String: Any])?[key] }
            return current
        }
        /// Every string value anywhere in the event.
        var strings: [String] {
            func collect(_ value: Any) -> [String] {
                if let text = value as? String { return [text] }
                if let array = value as? [Any] { return array.flatMap(collect) }
                if let object = value as? [String: Any] { return object.values.flatMap(collect) }
                return []
            }
            return collect(object)
        }
    }

    /// Parsed embedded JSON text, or nil.
    static func embedded(_ value: Any?) -> Any? {
        guard let text = value as? String else { return nil }
        return try? OCSFHarness.embedded(text)
    }

    /// Whether a flat value and an OCSF value say the same: equal JSON, or a flat text/boolean/time column and the
    /// raw or typed value it was made from (`"1.05"` / `1.05`, `true` / `"TRUE"`, an ISO time / epoch ms or
    /// `*_dt`, `true` / `"Yes"` for MFAUsed).
    static func same(_ flat: Any, _ ocsf: Any?) -> Bool {
        guard let ocsf else { return false }
        if isBoolean(flat) != isBoolean(ocsf) {
            // One side a boolean, the other its text.
            let (flag, other) = isBoolean(flat) ? ((flat as? NSNumber)?.boolValue, ocsf) : ((ocsf as? NSNumber)?.boolValue, flat)
            guard let flag, let text = other as? String else { return false }
            // `MFAUsed` says Yes / No, in any case.
            return FoundationJSON.boolean(text) == flag || (text.lowercased() == "yes" && flag) || (text.lowercased() == "no" && !flag)
        }
        if JSONEquality.equal(flat, ocsf) { return true }
        if let text = flat as? String, let number = ocsf as? NSNumber {
            return Double(text) == number.doubleValue || isoMillis(text) == number.intValue
        }
        if let text = flat as? String, let other = ocsf as? String, let a = isoMillis(text), let b = isoMillis(other) { return a == b }
        return false
    }

    static func isBoolean(_ value: Any) -> Bool { (value as? NSNumber).map(FoundationJSON.isBoolean) ?? false }

    /// Epoch ms of an RFC 3339 time (with or without fraction), or nil.
    static func isoMillis(_ text: String) -> Int? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return Int((date.timeIntervalSince1970 * 1000).rounded()) }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text).map { Int((($0.timeIntervalSince1970) * 1000).rounded()) }
    }
}
