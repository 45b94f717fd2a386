internal import Foundation

/// One event of a history page: the console's columns and what the other outputs print.
public struct HistoryRow: Sendable, Hashable {
    /// `event_time` in UTC with microseconds (`2026-01-15T10:00:00.000000Z`), the page key's first part.
    public var eventTimeKey: String
    /// `eventID` (or the surrogate id).
    public var eventID: String
    /// `recipientAccountId`.
    public var account: String
    /// `eventName`.
    public var eventName: String?
    /// `eventSource`.
    public var eventSource: String?
    /// The console's user name (`HistorySchema.userNameRule`).
    public var userName: String?
    /// `userIdentity.accessKeyId`.
    public var accessKeyID: String?
    /// `awsRegion`.
    public var region: String?
    /// `errorCode`.
    public var errorCode: String?
    /// `sourceIPAddress` as written.
    public var sourceIPAddress: String?
    /// `readOnly`.
    public var readOnly: Bool?
    /// `resources[].type`, in record order.
    public var resourceTypes: [String]
    /// `resources[].ARN`, in record order.
    public var resourceARNs: [String]
    /// `userIdentity.arn`.
    public var userARN: String?
    /// TrailMill's derived `actor`.
    public var actor: String?
    /// The whole stored row as JSON text (flat schema v1 names, nulls left out), when the query asked for it.
    public var record: String?
    /// The original record as JSON text (the `raw` column, stored by `load --keep-raw`), when asked for and stored.
    public var original: String?

    /// `eventTime` as CloudTrail writes it: whole seconds unless the stored time has a fraction.
    public var eventTime: String {
        if eventTimeKey.hasSuffix(".000000Z") { return String(eventTimeKey.dropLast(8)) + "Z" }
        return eventTimeKey
    }

    /// The resource names: each ARN's part after its last `/` or `:` (the ARN itself when it ends in one).
    public var resourceNames: [String] {
        resourceARNs.map { arn in
            guard let cut = arn.lastIndex(where: { $0 == "/" || $0 == ":" }), arn.index(after: cut) < arn.endIndex
            else { return arn }
            return String(arn[arn.index(after: cut)...])
        }
    }

    /// The key the next page starts after.
    func token(fingerprint: String) -> PageToken {
        PageToken(eventTime: eventTimeKey, eventID: eventID, account: account, queryFingerprint: fingerprint)
    }

    /// A row in the select list's column order (`HistoryQuery.selectList` plus the two record columns).
    init?(columns c: [String?]) {
        guard c.count == 17, let time = c[0], let id = c[1], let account = c[2] else { return nil }
        eventTimeKey = time
        eventID = id
        self.account = account
        eventName = c[3]
        eventSource = c[4]
        userName = c[5]
        accessKeyID = c[6]
        region = c[7]
        errorCode = c[8]
        sourceIPAddress = c[9]
        readOnly = c[10].map { $0 == "t" }
        resourceTypes = Self.strings(c[11])
        resourceARNs = Self.strings(c[12])
        userARN = c[13]
        actor = c[14]
        record = c[15]
        original = c[16]
    }

    /// A JSON array of strings (`array_to_json`), empty for NULL.
    private static func strings(_ json: String?) -> [String] {
        guard let json, let array = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [Any] else { return [] }
        return array.compactMap { $0 as? String }
    }
}
