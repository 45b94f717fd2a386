import TrailMillDecoding

/// The constant parts of an OCSF line, written with one copy each: the class header and the activity members.
enum OCSFLiterals {
    /// `{"class_uid":…,"class_name":…,"category_uid":…,"category_name":…`.
    static func classHeader(_ eventClass: OCSFClass) -> StaticString {
        switch eventClass {
        case .apiActivity:
            #"{"class_uid":6003,"class_name":"API Activity","category_uid":6,"category_name":"Application Activity""#
        case .authentication:
            #"{"class_uid":3002,"class_name":"Authentication","category_uid":3,"category_name":"Identity & Access Management""#
        case .accountChange:
            #"{"class_uid":3001,"class_name":"Account Change","category_uid":3,"category_name":"Identity & Access Management""#
        case .detectionFinding:
            #"{"class_uid":2004,"class_name":"Detection Finding","category_uid":2,"category_name":"Findings""#
        }
    }

    /// `,"activity_id":…,"activity_name":…,"type_uid":…,"type_name":…` for an activity the classifier chooses.
    static func activity(_ c: OCSFClassification) -> StaticString {
        switch (c.eventClass, c.activityID) {
        case (.apiActivity, 1): #","activity_id":1,"activity_name":"Create","type_uid":600301,"type_name":"API Activity: Create""#
        case (.apiActivity, 2): #","activity_id":2,"activity_name":"Read","type_uid":600302,"type_name":"API Activity: Read""#
        case (.apiActivity, 3): #","activity_id":3,"activity_name":"Update","type_uid":600303,"type_name":"API Activity: Update""#
        case (.apiActivity, 4): #","activity_id":4,"activity_name":"Delete","type_uid":600304,"type_name":"API Activity: Delete""#
        case (.apiActivity, _): #","activity_id":99,"activity_name":"Other","type_uid":600399,"type_name":"API Activity: Other""#
        case (.authentication, 1): #","activity_id":1,"activity_name":"Logon","type_uid":300201,"type_name":"Authentication: Logon""#
        case (.authentication, _): #","activity_id":99,"activity_name":"Other","type_uid":300299,"type_name":"Authentication: Other""#
        case (.accountChange, 1): #","activity_id":1,"activity_name":"Create","type_uid":300101,"type_name":"Account Change: Create""#
        case (.accountChange, 3):
            #","activity_id":3,"activity_name":"Password Change","type_uid":300103,"type_name":"Account Change: Password Change""#
        case (.accountChange, 4):
            #","activity_id":4,"activity_name":"Password Reset","type_uid":300104,"type_name":"Account Change: Password Reset""#
        case (.accountChange, 6): #","activity_id":6,"activity_name":"Delete","type_uid":300106,"type_name":"Account Change: Delete""#
        case (.accountChange, 7):
            #","activity_id":7,"activity_name":"Attach Policy","type_uid":300107,"type_name":"Account Change: Attach Policy""#
        case (.accountChange, 8):
            #","activity_id":8,"activity_name":"Detach Policy","type_uid":300108,"type_name":"Account Change: Detach Policy""#
        case (.accountChange, 10):
            #","activity_id":10,"activity_name":"MFA Factor Enable","type_uid":300110,"type_name":"Account Change: MFA Factor Enable""#
        case (.accountChange, 11):
            #","activity_id":11,"activity_name":"MFA Factor Disable","type_uid":300111,"type_name":"Account Change: MFA Factor Disable""#
        case (.accountChange, _): #","activity_id":99,"activity_name":"Other","type_uid":300199,"type_name":"Account Change: Other""#
        case (.detectionFinding, 3): #","activity_id":3,"activity_name":"Close","type_uid":200403,"type_name":"Detection Finding: Close""#
        case (.detectionFinding, _): #","activity_id":1,"activity_name":"Create","type_uid":200401,"type_name":"Detection Finding: Create""#
        }
    }

    /// CloudTrail does not rate events: every event is Informational (detections carry their own severity).
    static let informational: StaticString = #","severity_id":1,"severity":"Informational""#
    static let success: StaticString = #","status_id":1,"status":"Success""#
    static let failure: StaticString = #","status_id":2,"status":"Failure""#
    static let findingNew: StaticString = #","status_id":1,"status":"New""#
    static let findingResolved: StaticString = #","status_id":4,"status":"Resolved""#
    /// The start of `metadata`, inside `product` after its constant members.
    static let metadataStart: StaticString =
        #","metadata":{"version":"1.1.0","profiles":["cloud","datetime"],"product":{"name":"CloudTrail","vendor_name":"AWS""#
}
