import Foundation
import Testing
import TrailMillNormalize

/// A sign-in record with the given members after the fixed ones.
private func consoleLogin(_ extra: String) -> String {
    #"{"eventVersion":"1.08","eventTime":"2024-03-15T12:00:00Z","eventSource":"signin.amazonaws.com","#
        + #""eventName":"ConsoleLogin","eventType":"AwsConsoleSignIn","recipientAccountId":"111122223333","# + extra + "}"
}

/// A record with the given `userIdentity` object text and extra members.
private func withIdentity(_ identity: String, _ extra: String = "") -> String {
    record(#""userIdentity":"# + identity + (extra.isEmpty ? "" : "," + extra))
}

@Suite("Flat schema v1: outcome")
struct OutcomeTests {
    @Test func errorCodeOrMessageMeansFailure() throws {
        let code = try flat(record(#""errorCode":"AccessDenied""#))
        #expect(code.string("outcome") == "failure")
        #expect(code.string("error_code") == "AccessDenied")
        #expect(!code.has("error_message"))

        let message = try flat(record(#""errorMessage":"Request limit exceeded.""#))
        #expect(message.string("outcome") == "failure")
        #expect(message.string("error_message") == "Request limit exceeded.")

        let both = try flat(record(#""errorCode":"VpceAccessDenied","errorMessage":"denied""#))
        #expect(both.string("outcome") == "failure")

        let neither = try flat(record())
        #expect(neither.string("outcome") == "success")
        #expect(!neither.has("console_login_result"))
        #expect(!neither.has("mfa_used"))
    }

    @Test(arguments: [
        // (ConsoleLogin value, MFAUsed value, errorMessage, outcome, mfa_used)
        ("Success", #""Yes""#, nil, "success", "true"),
        ("Success", #""No""#, nil, "success", "false"),
        ("success", #""yes""#, nil, "success", "true"),
        ("SUCCESS", #""NO""#, nil, "success", "false"),
        ("Failure", #""No""#, "Failed authentication", "failure", "false"),
        ("failure", #""No""#, nil, "failure", "false"),
        ("FAILURE", #""Yes""#, nil, "failure", "true"),
        ("Success", #""Maybe""#, nil, "success", nil),
        ("Success", "true", nil, "success", "true"),  // a JSON boolean is accepted too
        ("Success", "null", nil, "success", nil),
    ] as [(String, String, String?, String, String?)])
    func consoleLoginOutcome(result: String, mfa: String, errorMessage: String?, outcome: String, mfaUsed: String?)
        throws
    {
        var extra =
            #""responseElements":{"ConsoleLogin":"\#(result)"},"#
            + #""additionalEventData":{"LoginTo":"https://console.aws.amazon.com/","MobileVersion":"No","MFAUsed":\#(mfa)}"#
        if let errorMessage { extra += #","errorMessage":"\#(errorMessage)""# }
        let line = try flat(consoleLogin(extra))
        #expect(line.string("outcome") == outcome)
        #expect(line.string("console_login_result") == result)
        #expect(line.json("mfa_used") == mfaUsed)
        #expect(line.keys.firstIndex(of: "outcome")! < line.keys.firstIndex(of: "console_login_result")!)
    }

    /// Any other ConsoleLogin text is kept as the result; the outcome then follows the error fields.
    @Test func consoleLoginOtherText() throws {
        let line = try flat(consoleLogin(#""responseElements":{"ConsoleLogin":"Pending"}"#))
        #expect(line.string("console_login_result") == "Pending")
        #expect(line.string("outcome") == "success")
        let failed = try flat(consoleLogin(#""responseElements":{"ConsoleLogin":"Pending"},"errorCode":"X""#))
        #expect(failed.string("outcome") == "failure")
    }

    /// ConsoleLogin without responseElements (null) has no result; MFAUsed still reads.
    @Test func consoleLoginWithoutResponse() throws {
        let line = try flat(consoleLogin(#""responseElements":null,"additionalEventData":{"MFAUsed":"Yes"}"#))
        #expect(!line.has("console_login_result"))
        #expect(!line.has("response_elements"))
        #expect(line.json("mfa_used") == "true")
        #expect(line.string("outcome") == "success")
    }

    /// Only sign-in events are searched: a ConsoleLogin member elsewhere is payload, not an outcome.
    @Test func notASignInEvent() throws {
        let line = try flat(
            record(#""responseElements":{"ConsoleLogin":"Failure"},"additionalEventData":{"MFAUsed":"Yes"}"#))
        #expect(!line.has("console_login_result"))
        #expect(!line.has("mfa_used"))
        #expect(line.string("outcome") == "success")
        // Another signin.amazonaws.com event does get mfa_used.
        let other = try flat(
            #"{"eventVersion":"1.08","eventTime":"2024-03-15T12:00:00Z","eventSource":"signin.amazonaws.com","#
                + #""eventName":"CheckMfa","additionalEventData":{"MFAUsed":"Yes"},"responseElements":{"CheckMfa":"Success"}}"#
        )
        #expect(other.json("mfa_used") == "true")
        #expect(!other.has("console_login_result"))
    }
}

@Suite("Flat schema v1: actor")
struct ActorTests {
    @Test func rootWithUserName() throws {
        let line = try flat(
            withIdentity(
                #"{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","#
                    + #""accountId":"111122223333","userName":"my-account-alias"}"#))
        #expect(line.string("actor") == "my-account-alias")
        #expect(line.string("user_type") == "Root")
    }

    @Test func rootWithoutUserName() throws {
        let line = try flat(
            withIdentity(
                #"{"type":"Root","principalId":"999988887777","arn":"arn:aws:iam::999988887777:root","accountId":"999988887777"}"#
            ))
        #expect(line.string("actor") == "999988887777")
    }

    @Test func iamUser() throws {
        let line = try flat(
            withIdentity(
                #"{"type":"IAMUser","principalId":"AIDAJ45Q7YFFAREXAMPLE","arn":"arn:aws:iam::111122223333:user/Alice","#
                    + #""accountId":"111122223333","accessKeyId":"AKIAIOSFODNN7EXAMPLE","userName":"Alice"}"#))
        #expect(line.string("actor") == "Alice")
        #expect(line.string("user_name") == "Alice")
        #expect(line.string("user_access_key_id") == "AKIAIOSFODNN7EXAMPLE")
    }

    @Test func assumedRole() throws {
        let line = try flat(
            withIdentity(
                #"{"type":"AssumedRole","principalId":"AROAEXAMPLE:session-1","arn":"arn:aws:sts::111122223333:assumed-role/Deploy/session-1","#
                    + #""sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLE","userName":"Deploy"},"#
                    + #""attributes":{"creationDate":"20131102T010628Z","mfaAuthenticated":"false"}}}"#))
        #expect(line.string("actor") == "Deploy")
        #expect(line.string("session_creation_date") == "2013-11-02T01:06:28.000Z")
        #expect(line.json("session_mfa_authenticated") == "false")
    }

    @Test func assumedRoleIdentityCenter() throws {
        let line = try flat(
            withIdentity(
                #"{"type":"AssumedRole","principalId":"AROAEXAMPLE:alice@example.com","#
                    + #""arn":"arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/alice@example.com","#
                    + #""sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLE","#
                    + #""userName":"AWSReservedSSO_AdministratorAccess_0123456789abcdef"}}}"#))
        #expect(line.string("actor") == "alice@example.com")
        #expect(line.string("session_issuer_user_name") == "AWSReservedSSO_AdministratorAccess_0123456789abcdef")
        // Without a session name after ':' the issuer name stays.
        let bare = try flat(
            withIdentity(
                #"{"type":"AssumedRole","principalId":"AROAEXAMPLE:","#
                    + #""sessionContext":{"sessionIssuer":{"userName":"AWSReservedSSO_ReadOnly_1"}}}"#))
        #expect(bare.string("actor") == "AWSReservedSSO_ReadOnly_1")
    }

    @Test func federatedUser() throws {
        let line = try flat(
            withIdentity(
                #"{"type":"FederatedUser","principalId":"111122223333:bob","arn":"arn:aws:sts::111122223333:federated-user/bob","#
                    + #""accountId":"111122223333","sessionContext":{"sessionIssuer":{"type":"IAMUser","#
                    + #""principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/fedadmin","userName":"fedadmin"}}}"#))
        #expect(line.string("actor") == "fedadmin")
    }

    @Test func identityCenterUserFromAdditionalEventData() throws {
        let line = try flat(
            withIdentity(
                #"{"type":"IdentityCenterUser","accountId":"111122223333","onBehalfOf":{"userId":"90676fa2-uid","#
                    + #""identityStoreArn":"arn:aws:identitystore::111122223333:identitystore/d-1234567890"},"credentialId":"cred-9"}"#,
                #""additionalEventData":{"UserName":"carol"}"#))
        #expect(line.string("actor") == "carol")
        #expect(line.string("user_credential_id") == "cred-9")
    }

    @Test func identityCenterUserFromOnBehalfOf() throws {
        let line = try flat(
            withIdentity(
                #"{"type":"IdentityCenterUser","accountId":"111122223333","onBehalfOf":{"userId":"90676fa2-uid","#
                    + #""identityStoreArn":"arn:aws:identitystore::111122223333:identitystore/d-1234567890"}}"#,
                #""additionalEventData":{"UserName":""}"#))
        #expect(line.string("actor") == "90676fa2-uid")
    }

    @Test func awsService() throws {
        let line = try flat(
            withIdentity(#"{"type":"AWSService","invokedBy":"cloudtrail.amazonaws.com"}"#, #""eventType":"AwsServiceEvent""#))
        #expect(line.string("actor") == "cloudtrail.amazonaws.com")
        #expect(line.string("user_invoked_by") == "cloudtrail.amazonaws.com")
    }

    @Test func samlUser() throws {
        let line = try flat(
            withIdentity(
                #"{"type":"SAMLUser","principalId":"SampleUkh1i4+ExamplexL/jEvs=:SamlExample","userName":"SamlExample","#
                    + #""identityProvider":"bdGOnTesti4+ExampleGZ+ExampleD3TxgqWS0xIvyZ8="}"#))
        #expect(line.string("actor") == "SamlExample")
        #expect(line.string("user_identity_provider") == "bdGOnTesti4+ExampleGZ+ExampleD3TxgqWS0xIvyZ8=")
    }

    /// When the type is missing (S3 Batch Operations) or unknown, or its rule finds nothing: userName, issuer
    /// userName, principalId, ARN, invokedBy, in that order.
    @Test(arguments: [
        (#"{"userName":"u","sessionContext":{"sessionIssuer":{"userName":"i"}},"principalId":"p","arn":"a","invokedBy":"s"}"#, "u"),
        (#"{"sessionContext":{"sessionIssuer":{"userName":"i"}},"principalId":"p","arn":"a","invokedBy":"s"}"#, "i"),
        (#"{"principalId":"p","arn":"a","invokedBy":"s"}"#, "p"),
        (#"{"arn":"a","invokedBy":"s"}"#, "a"),
        (#"{"invokedBy":"s3.amazonaws.com"}"#, "s3.amazonaws.com"),
        (#"{"type":"Mystery","principalId":"p","arn":"a"}"#, "p"),
        (#"{"type":"AssumedRole","principalId":"AROA:x","sessionContext":{"sessionIssuer":{}}}"#, "AROA:x"),
        (#"{"type":"AWSService","principalId":"p"}"#, "p"),
        (#"{"type":"IAMUser","arn":"arn:aws:iam::1:user/x","userName":""}"#, "arn:aws:iam::1:user/x"),
        (#"{"type":"Root","accountId":"","arn":"arn:aws:iam::1:root"}"#, "arn:aws:iam::1:root"),
    ])
    func fallbackOrder(identity: String, expected: String) throws {
        let line = try flat(withIdentity(identity))
        #expect(line.string("actor") == expected)
    }

    @Test func noActor() throws {
        let empty = try flat(withIdentity("{}"))
        #expect(!empty.has("actor"))
        #expect(empty.json("user_identity") == "{}")
        let none = try flat(record())
        #expect(!none.has("actor"))
        #expect(!none.has("user_identity"))
        #expect(!none.has("user_type"))
        // userIdentity that is not an object is payload only.
        let text = try flat(withIdentity(#""someone""#))
        #expect(!text.has("actor"))
        #expect(text.json("user_identity") == #""someone""#)
    }
}
