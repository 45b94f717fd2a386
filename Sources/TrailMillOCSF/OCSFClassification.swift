import TrailMillDecoding
public import TrailMillNormalize

/// The OCSF 1.1.0 classes TrailMill writes.
public enum OCSFClass: Int, Sendable, Hashable, CaseIterable {
    /// Detection Finding: CloudTrail Insights records and TrailMill detections.
    case detectionFinding = 2004
    /// Account Change: the IAM user, credential and policy changes of `Schemas/ocsf-mapping-v1.md` §2.
    case accountChange = 3001
    /// Authentication: console and SSO sign-ins, role assumption.
    case authentication = 3002
    /// API Activity: every other CloudTrail record.
    case apiActivity = 6003

    /// `class_uid`.
    public var uid: Int { rawValue }
    /// `category_uid`.
    public var categoryUID: Int { rawValue / 1000 }

    /// `class_name`.
    public var name: String {
        switch self {
        case .detectionFinding: "Detection Finding"
        case .accountChange: "Account Change"
        case .authentication: "Authentication"
        case .apiActivity: "API Activity"
        }
    }

    /// `category_name`.
    public var categoryName: String {
        switch self {
        case .detectionFinding: "Findings"
        case .accountChange, .authentication: "Identity & Access Management"
        case .apiActivity: "Application Activity"
        }
    }

    /// `activity_name` for each `activity_id` TrailMill writes in this class.
    public var activityNames: [Int: String] {
        switch self {
        case .detectionFinding: [1: "Create", 3: "Close"]
        case .accountChange:
            [
                1: "Create", 3: "Password Change", 4: "Password Reset", 6: "Delete", 7: "Attach Policy",
                8: "Detach Policy", 10: "MFA Factor Enable", 11: "MFA Factor Disable", 99: "Other",
            ]
        case .authentication: [1: "Logon", 99: "Other"]
        case .apiActivity: [1: "Create", 2: "Read", 3: "Update", 4: "Delete", 99: "Other"]
        }
    }
}

/// The class and activity chosen for one record, with the `type_uid` they make.
public struct OCSFClassification: Sendable, Hashable {
    /// The class.
    public var eventClass: OCSFClass
    /// `activity_id`, one of the class's enum values.
    public var activityID: Int
    /// `type_uid` = `class_uid * 100 + activity_id`.
    public var typeUID: Int { eventClass.uid * 100 + activityID }
    /// `activity_name`.
    public var activityName: String { eventClass.activityNames[activityID] ?? "Other" }
    /// `type_name` = `class_name: activity_name`.
    public var typeName: String { eventClass.name + ": " + activityName }

    /// Creates a classification.
    public init(eventClass: OCSFClass, activityID: Int) {
        self.eventClass = eventClass
        self.activityID = activityID
    }
}

/// Choosing the class and `activity_id` for a normalized record (`Schemas/ocsf-mapping-v1.md` §2 and §3).
///
/// Class, first match wins: an Insights record (`insightDetails` is an object, or `eventType` is
/// `AwsCloudTrailInsight`) → Detection Finding; an `eventName` of the Authentication list from an identity service
/// (`iam`, `signin`, `sts`, `sso` or `account.amazonaws.com`) → Authentication; an `eventName` of the Account Change
/// list from one of those services → Account Change; everything else → API Activity.
public enum OCSFClassifier {
    /// The class and activity for `event`, whose slices point into `bytes`.
    public static func classify(_ event: FlatEvent, bytes: UnsafeRawBufferPointer) -> OCSFClassification {
        if isInsight(event, bytes: bytes) {
            let end = event.insightState.map { JSONText.equals(bytes, $0, "End") } ?? false
            return OCSFClassification(eventClass: .detectionFinding, activityID: end ? 3 : 1)
        }
        guard let name = event.eventName, name.kind == .string else {
            return OCSFClassification(eventClass: .apiActivity, activityID: 99)
        }
        return withDecoded(bytes, name) { text in
            if fromIdentityService(event, bytes: bytes) {
                if let activity = authenticationActivity(text) {
                    return OCSFClassification(eventClass: .authentication, activityID: activity)
                }
                if accountChangeNames.contains(text) {
                    let activity = accountChangeActivity(text, event: event, bytes: bytes)
                    return OCSFClassification(eventClass: .accountChange, activityID: activity)
                }
            }
            return OCSFClassification(eventClass: .apiActivity, activityID: apiActivity(text, readOnly: event.readOnly))
        }
    }

    /// Whether the record is a CloudTrail Insights event.
    public static func isInsight(_ event: FlatEvent, bytes: UnsafeRawBufferPointer) -> Bool {
        if let details = event.insightDetails, details.kind == .object { return true }
        guard let type = event.eventType, type.kind == .string else { return false }
        return JSONText.equals(bytes, type, "AwsCloudTrailInsight")
    }

    // MARK: Authentication and Account Change

    /// The services whose events may be Authentication or Account Change (the reference's recommended guard:
    /// Organizations' `DeletePolicy`, for one, stays API Activity).
    static func fromIdentityService(_ event: FlatEvent, bytes: UnsafeRawBufferPointer) -> Bool {
        guard let source = event.eventSource, source.kind == .string else { return false }
        return JSONText.equals(bytes, source, "iam.amazonaws.com") || JSONText.equals(bytes, source, "signin.amazonaws.com")
            || JSONText.equals(bytes, source, "sts.amazonaws.com") || JSONText.equals(bytes, source, "sso.amazonaws.com")
            || JSONText.equals(bytes, source, "account.amazonaws.com")
    }

    /// 1 Logon for console, directory and SSO sign-ins and role assumption, 99 Other for the MFA and credential
    /// checks; nil when the name is not an Authentication event.
    static func authenticationActivity(_ name: UnsafeRawBufferPointer) -> Int? {
        if JSONText.equals(name, "ConsoleLogin") || JSONText.equals(name, "ExternalIdPDirectoryLogin")
            || JSONText.equals(name, "UserAuthentication") || JSONText.equals(name, "AssumeRole")
            || JSONText.equals(name, "AssumeRoleWithSAML") || JSONText.equals(name, "AssumeRoleWithWebIdentity")
        {
            return 1
        }
        if JSONText.equals(name, "CheckMfa") || JSONText.equals(name, "CredentialChallenge")
            || JSONText.equals(name, "CredentialVerification")
        {
            return 99
        }
        return nil
    }

    /// The Account Change event names (ocsf/examples `cloudtrail.yml`, v1.1.0).
    static let accountChangeNames = NameSet([
        "UpdateRole", "AttachUserPolicy", "PutRolePermissionsBoundary", "DeletePolicy", "RemoveUserFromGroup",
        "ChangePassword", "CreateAccessKey", "AttachGroupPolicy", "ResyncMFADevice", "DeleteRolePolicy",
        "PutUserPermissionsBoundary", "CreateUser", "CreateServiceLinkedRole", "PutRolePolicy", "DetachGroupPolicy",
        "UpdateAccessKey", "CreateInstanceProfile", "CreateRole", "DeleteUserPermissionsBoundary", "DeleteAccountAlias",
        "PutGroupPolicy", "CreateLoginProfile", "DeleteGroupPolicy", "DeleteLoginProfile", "DeleteUserPolicy",
        "DeactivateMFADevice", "RemoveRoleFromInstanceProfile", "UpdateUser", "EnableMFADevice", "DeleteUser",
        "AddRoleToInstanceProfile", "UpdateAccountEmailAddress", "UpdateRoleDescription", "DetachUserPolicy",
        "UpdateAssumeRolePolicy", "DeleteGroup", "DeleteServiceLinkedRole", "DeleteAccessKey", "AddUserToGroup",
        "DeleteVirtualMFADevice", "FinalizeSmsMfaRegistration", "DeleteRolePermissionsBoundary", "DetachRolePolicy",
        "DeleteInstanceProfile", "UpdateGroup", "UpdateLoginProfile", "RequestSmsMfaRegistration", "DeleteRole",
        "PutUserPolicy", "CreateVirtualMFADevice", "AttachRolePolicy", "EmailUpdated", "AccountNameUpdated",
        "PasswordUpdated", "DeleteAccountPasswordPolicy", "UpdateAccountPasswordPolicy", "UpdateAccountName",
        "TagInstanceProfile", "TagRole", "TagUser", "UntagInstanceProfile", "UntagRole", "UntagUser", "CreateAccountAlias",
    ])

    /// Account Change `activity_id` (ocsf/examples rules, with the reference's recommended MFA and password-reset
    /// values): 10 MFA Factor Enable, 11 MFA Factor Disable, 3 Password Change, 4 Password Reset (a login profile
    /// updated by someone else), 1 Create, 7 Attach Policy, 8 Detach Policy, 6 Delete, else 99 Other.
    static func accountChangeActivity(_ name: UnsafeRawBufferPointer, event: FlatEvent, bytes: UnsafeRawBufferPointer) -> Int {
        if JSONText.equals(name, "EnableMFADevice") { return 10 }
        if JSONText.equals(name, "DeactivateMFADevice") || JSONText.equals(name, "DeleteVirtualMFADevice") { return 11 }
        if JSONText.equals(name, "ChangePassword") || JSONText.equals(name, "PasswordUpdated") { return 3 }
        if JSONText.equals(name, "UpdateLoginProfile") { return resetsAnotherUsersPassword(event, bytes: bytes) ? 4 : 3 }
        if hasPrefix(name, "Create") || JSONText.equals(name, "ResyncMFADevice") { return 1 }
        if hasPrefix(name, "Attach") || hasPrefix(name, "Put") || JSONText.equals(name, "AddUserToGroup") { return 7 }
        if hasPrefix(name, "Detach") || hasPrefix(name, "Remove") { return 8 }
        if hasPrefix(name, "Delete") {
            // ocsf/examples keeps these account-level and service deletions out of 6 Delete.
            if hasPrefix(name, "DeleteSSH") || hasPrefix(name, "DeleteServer") || hasPrefix(name, "DeleteSign")
                || hasPrefix(name, "DeleteAccount") || hasPrefix(name, "DeleteCloudFront") || hasPrefix(name, "DeleteService")
            {
                return 99
            }
            return 6
        }
        return 99
    }

    /// `UpdateLoginProfile` whose `requestParameters.userName` is not the caller's own `userName`.
    static func resetsAnotherUsersPassword(_ event: FlatEvent, bytes: UnsafeRawBufferPointer) -> Bool {
        guard let parameters = event.requestParameters, parameters.kind == .object,
            let target = JSONText.member(bytes, parameters, "userName"), target.kind == .string
        else { return false }
        guard let caller = event.userName, caller.kind == .string else { return true }
        return JSONText.string(bytes, target) != JSONText.string(bytes, caller)
    }

    // MARK: API Activity

    /// API Activity `activity_id` from the leading verb of the PascalCase `eventName` (the reference's "prefix
    /// rules"): 1 Create, 2 Read, 3 Update, 4 Delete; an unknown verb falls back to 2 Read when `readOnly` is true,
    /// else 99 Other.
    public static func apiActivity(_ name: UnsafeRawBufferPointer, readOnly: Bool?) -> Int {
        let verb = leadingVerb(name)
        if createVerbs.contains(verb) { return 1 }
        if readVerbs.contains(verb) || (JSONText.equals(verb, "Batch") && hasPrefix(name, "BatchGet")) { return 2 }
        if updateVerbs.contains(verb) { return 3 }
        if deleteVerbs.contains(verb) { return 4 }
        return readOnly == true ? 2 : 99
    }

    static let createVerbs = NameSet(["Create", "Run", "Generate", "Allocate", "Import", "Copy", "Issue"])
    static let readVerbs = NameSet(["Get", "List", "Describe", "Search", "Lookup", "Head", "Select", "Query", "Scan"])
    static let updateVerbs = NameSet([
        "Update", "Put", "Modify", "Add", "Remove", "Start", "Stop", "Attach", "Detach", "Associate", "Disassociate",
        "Tag", "Untag", "Enable", "Disable", "Register", "Deregister", "Set", "Replace", "Reset", "Change", "Reboot",
        "Restore",
    ])
    static let deleteVerbs = NameSet(["Delete", "Terminate", "Revoke", "Release", "Purge"])

    /// The characters up to the second capital letter (`DescribeInstances` → `Describe`); the whole name when it
    /// has no second capital.
    static func leadingVerb(_ name: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var end = 1
        while end < name.count, !(name[end] >= UInt8(ascii: "A") && name[end] <= UInt8(ascii: "Z")) { end += 1 }
        return UnsafeRawBufferPointer(rebasing: name[0..<min(end, name.count)])
    }

    static func hasPrefix(_ name: UnsafeRawBufferPointer, _ prefix: StaticString) -> Bool {
        name.count >= prefix.utf8CodeUnitCount
            && JSONText.equals(UnsafeRawBufferPointer(rebasing: name[0..<prefix.utf8CodeUnitCount]), prefix)
    }

    /// Runs `body` on a string slice's decoded UTF-8 (the input bytes themselves when it has no escapes).
    static func withDecoded<R>(_ bytes: UnsafeRawBufferPointer, _ slice: JSONSlice, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        guard slice.hasEscapes else { return body(UnsafeRawBufferPointer(rebasing: bytes[slice.range])) }
        var text = JSONText.string(bytes, slice)
        return text.withUTF8 { body(UnsafeRawBufferPointer($0)) }
    }
}

/// A fixed set of ASCII names, looked up by bytes without building a `String`.
struct NameSet: Sendable {
    /// The names grouped by length, so a look-up compares only names of the right length.
    private let byLength: [[[UInt8]]]

    init(_ names: [StaticString]) {
        var groups: [[[UInt8]]] = []
        for name in names {
            let bytes = Array(UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            while groups.count <= bytes.count { groups.append([]) }
            groups[bytes.count].append(bytes)
        }
        byLength = groups
    }

    func contains(_ text: UnsafeRawBufferPointer) -> Bool {
        guard text.count < byLength.count, let base = text.baseAddress else { return false }
        for name in byLength[text.count] where name.withUnsafeBytes({ JSONText.bytesEqual(base, $0.baseAddress!, text.count) }) {
            return true
        }
        return false
    }
}
