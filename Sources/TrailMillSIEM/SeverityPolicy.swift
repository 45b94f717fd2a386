import TrailMillDecoding
public import TrailMillNormalize

/// The severity TrailMill gives an event, 0–10 (CEF bands: 0–3 Low, 4–6 Medium, 7–8 High, 9–10 Very-High).
///
/// The maximum of every rule that applies, capped at 10 (cef.md §2.3):
///
/// | rule | severity |
/// |---|---|
/// | base: `readOnly` true | 2 |
/// | base: name starts with Get, List, Describe, Head, Lookup | 3 |
/// | base: anything else | 5 |
/// | destructive verb: Delete, Terminate, Remove, Disable, Stop, Detach, Revoke, Deregister | ≥ 6 |
/// | high-risk API (`highRiskEventNames`: logging tampering, MFA removal, public exposure, key destruction, persistence) | ≥ 8 |
/// | errorCode containing AccessDenied or Unauthorized (probing) | ≥ 6 |
/// | any other errorCode | ≥ 4 |
/// | ConsoleLogin that failed | ≥ 7 |
/// | ConsoleLogin that succeeded without MFA (`MFAUsed` = No) | ≥ 6 |
/// | root user: read-only / other | ≥ 8 / ≥ 9 |
/// | root user and a high-risk API | 10 |
public enum SeverityPolicy {
    /// API names that weaken logging or detection, remove MFA, expose data publicly, destroy keys or create
    /// persistence.
    public static let highRiskEventNames: [StaticString] = [
        "StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors", "DeleteFlowLogs", "DeleteDetector",
        "DisableSecurityHub", "StopConfigurationRecorder", "DeleteConfigurationRecorder", "DeleteLogGroup",
        "DeactivateMFADevice", "DeleteVirtualMFADevice", "PutBucketPolicy", "PutBucketAcl", "PutBucketPublicAccessBlock",
        "DeleteBucketPublicAccessBlock", "ModifySnapshotAttribute", "ModifyImageAttribute", "ModifyDBSnapshotAttribute",
        "AuthorizeSecurityGroupIngress", "ScheduleKeyDeletion", "DisableKey", "PutKeyPolicy", "CreateAccessKey",
        "CreateLoginProfile", "UpdateLoginProfile", "AttachUserPolicy", "AttachRolePolicy", "PutUserPolicy",
        "PutRolePolicy", "UpdateAssumeRolePolicy", "CreatePolicyVersion", "SetDefaultPolicyVersion", "LeaveOrganization",
    ]

    static let readVerbs: [StaticString] = ["Get", "List", "Describe", "Head", "Lookup"]
    static let destructiveVerbs: [StaticString] = [
        "Delete", "Terminate", "Remove", "Disable", "Stop", "Detach", "Revoke", "Deregister",
    ]

    /// The severity of `event`, made from a record with `bytes`.
    public static func severity(_ event: FlatEvent, bytes: UnsafeRawBufferPointer) -> Int {
        let name = event.eventName.flatMap { $0.kind == .string && !$0.hasEscapes ? $0 : nil }
            .map { UnsafeRawBufferPointer(rebasing: bytes[$0.range]) }
        var severity: Int
        if event.readOnly == true {
            severity = 2
        } else if let name, readVerbs.contains(where: { hasPrefix(name, $0) }) {
            severity = 3
        } else {
            severity = 5
        }
        if let name, destructiveVerbs.contains(where: { hasPrefix(name, $0) }) { severity = max(severity, 6) }
        let highRisk = name.map { n in highRiskEventNames.contains { JSONText.equals(n, $0) } } ?? false
        if highRisk { severity = max(severity, 8) }
        if let code = event.errorCode {
            let text = JSONText.string(bytes, code)
            severity = max(severity, text.contains("AccessDenied") || text.contains("Unauthorized") ? 6 : 4)
        }
        if let name, JSONText.equals(name, "ConsoleLogin") {
            if event.isFailure {
                severity = max(severity, 7)
            } else if event.mfaUsed == false {
                severity = max(severity, 6)
            }
        }
        if let type = event.userType, JSONText.equals(bytes, type, "Root") {
            severity = max(severity, event.readOnly == true ? 8 : 9)
            if highRisk { severity = 10 }
        }
        return min(severity, 10)
    }

    static func hasPrefix(_ text: UnsafeRawBufferPointer, _ prefix: StaticString) -> Bool {
        let n = prefix.utf8CodeUnitCount
        guard text.count >= n else { return false }
        return JSONText.bytesEqual(text.baseAddress!, UnsafeRawPointer(prefix.utf8Start), n)
    }
}
