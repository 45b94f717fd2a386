import Foundation
import Testing
import TrailMillOCSF
import TrailMillTestSupport

/// Class selection and `activity_id` rules (`Schemas/ocsf-mapping-v1.md` §2, §3), expectations written by hand.
@Suite struct ClassificationTests {
    /// The class, activity and a few members of the event for one record.
    static func event(
        name: String, source: String = "ec2.amazonaws.com", readOnly: Bool? = nil, extra: String = ""
    ) throws -> [String: Any] {
        let record = ArchiveBuilder.record(
            id: "00000000-0000-4000-8000-000000000001", source: source, name: name, readOnly: readOnly, extra: extra)
        return try OCSFHarness.object(try OCSFHarness.encode([record])[0].ocsf)
    }

    @Test(arguments: [
        // The reference's misclassifications under substring rules, fixed by the leading verb.
        ("GetJobRuns", 2), ("ListTagsForResource", 2), ("DeleteTags", 4), ("DescribeDirectConnectGateways", 2),
        ("RunInstances", 1), ("CreateBucket", 1), ("CopyObject", 1), ("AllocateAddress", 1),
        ("PutObject", 3), ("ModifyInstanceAttribute", 3), ("StartInstances", 3), ("TagResource", 3), ("Untag", 3),
        ("TerminateInstances", 4), ("RevokeSecurityGroupIngress", 4), ("ReleaseAddress", 4),
        ("BatchGetItem", 2), ("BatchWriteItem", 99), ("HeadObject", 2), ("Decrypt", 99), ("AssumeRoot", 99),
        ("Unknown", 99), ("Get", 2), ("ConsoleLogin", 99),  // from ec2 this is no sign-in
    ])
    func apiActivityUsesTheLeadingVerb(name: String, activity: Int) throws {
        let event = try Self.event(name: name)
        #expect(event["class_uid"] as? Int == 6003)
        #expect(event["activity_id"] as? Int == activity, "\(name)")
        #expect(event["type_uid"] as? Int == 600300 + activity)
    }

    @Test func anUnknownVerbOfAReadOnlyCallIsRead() throws {
        #expect(try Self.event(name: "Decrypt", readOnly: true)["activity_id"] as? Int == 2)
        #expect(try Self.event(name: "Decrypt", readOnly: false)["activity_id"] as? Int == 99)
    }

    @Test(arguments: [
        ("ConsoleLogin", "signin.amazonaws.com", 1), ("AssumeRole", "sts.amazonaws.com", 1),
        ("AssumeRoleWithSAML", "sts.amazonaws.com", 1), ("AssumeRoleWithWebIdentity", "sts.amazonaws.com", 1),
        ("ExternalIdPDirectoryLogin", "signin.amazonaws.com", 1), ("UserAuthentication", "sso.amazonaws.com", 1),
        ("CheckMfa", "signin.amazonaws.com", 99), ("CredentialChallenge", "signin.amazonaws.com", 99),
        ("CredentialVerification", "signin.amazonaws.com", 99),
    ])
    func authentication(name: String, source: String, activity: Int) throws {
        let event = try Self.event(name: name, source: source)
        #expect(event["class_uid"] as? Int == 3002, "\(name)")
        #expect(event["activity_id"] as? Int == activity, "\(name)")
    }

    @Test(arguments: [
        ("CreateUser", 1), ("CreateAccessKey", 1), ("CreateVirtualMFADevice", 1), ("ResyncMFADevice", 1),
        ("EnableMFADevice", 10), ("DeactivateMFADevice", 11), ("DeleteVirtualMFADevice", 11),
        ("ChangePassword", 3), ("PasswordUpdated", 3), ("AttachUserPolicy", 7), ("PutRolePolicy", 7),
        ("PutUserPermissionsBoundary", 7), ("AddUserToGroup", 7), ("DetachRolePolicy", 8), ("RemoveUserFromGroup", 8),
        ("RemoveRoleFromInstanceProfile", 8), ("DeleteUser", 6), ("DeleteAccessKey", 6), ("DeleteAccountAlias", 99),
        ("DeleteAccountPasswordPolicy", 99), ("DeleteServiceLinkedRole", 99), ("UpdateUser", 99), ("TagRole", 99),
        ("AddRoleToInstanceProfile", 99),
    ])
    func accountChange(name: String, activity: Int) throws {
        let event = try Self.event(name: name, source: "iam.amazonaws.com")
        #expect(event["class_uid"] as? Int == 3001, "\(name)")
        #expect(event["activity_id"] as? Int == activity, "\(name)")
        #expect(event["type_uid"] as? Int == 300100 + activity)
    }

    @Test func aLoginProfileUpdatedForSomeoneElseIsAPasswordReset() throws {
        let other = try Self.event(
            name: "UpdateLoginProfile", source: "iam.amazonaws.com",
            extra: #""requestParameters":{"userName":"bob","passwordResetRequired":true}"#)
        // ArchiveBuilder writes requestParameters:null first; the later member wins, as in the normalizer.
        #expect(other["activity_id"] as? Int == 4)
        let own = try Self.event(name: "UpdateLoginProfile", source: "iam.amazonaws.com", extra: #""requestParameters":{"userName":"alice"}"#)
        #expect(own["activity_id"] as? Int == 3)
    }

    /// The reference's guard: Organizations' `DeletePolicy` is no Account Change.
    @Test func accountChangeNamesFromOtherServicesStayAPIActivity() throws {
        let event = try Self.event(name: "DeletePolicy", source: "organizations.amazonaws.com")
        #expect(event["class_uid"] as? Int == 6003)
        #expect(event["activity_id"] as? Int == 4)
    }

    @Test func accountChangeNamesTheTargetUserAndPolicy() throws {
        let event = try Self.event(
            name: "AttachUserPolicy", source: "iam.amazonaws.com",
            extra: #""requestParameters":{"userName":"bob","policyArn":"arn:aws:iam::aws:policy/AdministratorAccess"}"#)
        #expect((event["user"] as? [String: Any])?["name"] as? String == "bob")
        #expect((event["policy"] as? [String: Any])?["uid"] as? String == "arn:aws:iam::aws:policy/AdministratorAccess")
        #expect(((event["actor"] as? [String: Any])?["user"] as? [String: Any])?["name"] as? String == "alice")
    }

    @Test func assumeRoleAuthenticatesTheRoleWithItsSession() throws {
        let event = try Self.event(
            name: "AssumeRole", source: "sts.amazonaws.com",
            extra: #""requestParameters":{"roleArn":"arn:aws:iam::111122223333:role/Admin","roleSessionName":"s1"}"#)
        let user = event["user"] as? [String: Any]
        #expect(user?["uid"] as? String == "arn:aws:iam::111122223333:role/Admin")
        #expect(user?["name"] as? String == "s1")
        #expect(user?["uid_alt"] == nil)
        #expect((event["service"] as? [String: Any])?["name"] as? String == "sts.amazonaws.com")
        #expect(event["dst_endpoint"] == nil)
    }

    @Test func aFailedConsoleLoginIsAFailure() throws {
        let event = try Self.event(
            name: "ConsoleLogin", source: "signin.amazonaws.com",
            extra: #""responseElements":{"ConsoleLogin":"Failure"},"errorMessage":"Failed authentication","additionalEventData":{"LoginTo":"https://console.aws.amazon.com/","MFAUsed":"No"}"#)
        #expect(event["status_id"] as? Int == 2)
        #expect(event["status"] as? String == "Failure")
        #expect(event["status_detail"] as? String == "Failed authentication")
        #expect(event["is_mfa"] as? Bool == false)
        #expect((event["dst_endpoint"] as? [String: Any])?["svc_name"] as? String == "https://console.aws.amazon.com/")
    }

    @Test func errorsAreFailuresWithTheirCodes() throws {
        let record = ArchiveBuilder.record(id: "00000000-0000-4000-8000-000000000002", errorCode: "AccessDenied")
        let event = try OCSFHarness.object(try OCSFHarness.encode([record])[0].ocsf)
        #expect(event["status_id"] as? Int == 2)
        #expect(event["status_code"] as? String == "AccessDenied")
        #expect(event["status_detail"] as? String == "denied")
        let response = (event["api"] as? [String: Any])?["response"] as? [String: Any]
        #expect(response?["error"] as? String == "AccessDenied")
        #expect(response?["message"] as? String == "denied")
    }

    @Test func insightsAreDetectionFindings() throws {
        let start = #"{"eventVersion":"1.07","eventTime":"2020-07-21T20:56:00Z","awsRegion":"us-east-1","eventID":"55555555-0000-4000-8000-000000000001","eventType":"AwsCloudTrailInsight","recipientAccountId":"111122223333","sharedEventID":"66666666-0000-4000-8000-000000000001","insightDetails":{"state":"Start","eventSource":"autoscaling.amazonaws.com","eventName":"CompleteLifecycleAction","insightType":"ApiCallRateInsight","insightContext":{"statistics":{"insightDuration":5}}},"eventCategory":"Insight"}"#
        let end = start.replacingOccurrences(of: #""state":"Start""#, with: #""state":"End""#)
            .replacingOccurrences(of: "000000000001\",\"eventType", with: "000000000002\",\"eventType")
        let events = try OCSFHarness.encode([start, end]).map { try OCSFHarness.object($0.ocsf) }
        #expect(events.map { $0["class_uid"] as? Int } == [2004, 2004])
        #expect(events.map { $0["activity_id"] as? Int } == [1, 3])
        #expect(events.map { $0["status_id"] as? Int } == [1, 4])
        let info = events.map { $0["finding_info"] as? [String: Any] }
        #expect(info[0]?["uid"] as? String == "66666666-0000-4000-8000-000000000001")
        #expect(info[1]?["uid"] as? String == info[0]?["uid"] as? String)
        #expect(info[0]?["title"] as? String == "ApiCallRateInsight on autoscaling.amazonaws.com CompleteLifecycleAction")
        #expect((events[0]["api"] as? [String: Any])?["operation"] as? String == "CompleteLifecycleAction")
        let unmapped = (events[0]["unmapped"] as? [String: Any])?["insightDetails"] as? [String: Any]
        #expect(unmapped?.keys.sorted() == ["insightContext"])
        #expect((events[0]["metadata"] as? [String: Any])?["uid"] as? String == "55555555-0000-4000-8000-000000000001")
    }

    /// The `activity_name` / `type_name` literals the encoder writes agree with `OCSFClassification`.
    @Test func namesAgreeWithTheClassification() throws {
        let names = ["DescribeX", "CreateX", "UpdateX", "DeleteX", "FrobX"]
        for name in names {
            let event = try Self.event(name: name)
            let classification = OCSFClassification(eventClass: .apiActivity, activityID: event["activity_id"] as? Int ?? -1)
            #expect(event["activity_name"] as? String == classification.activityName)
            #expect(event["type_name"] as? String == classification.typeName)
            #expect(event["class_name"] as? String == OCSFClass.apiActivity.name)
        }
    }
}
