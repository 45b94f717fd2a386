/// The attribute filters of a history query. Every filter set is AND-ed; nil means "any".
///
/// The first eight are the console's Event history attributes (`LookupEvents`' `AttributeKey`s); the rest are
/// what the console lacks. Values match exactly and case-sensitively, as written in the record.
public struct HistoryFilter: Sendable, Hashable {
    /// `eventID` (or TrailMill's surrogate id for records without one).
    public var eventID: String?
    /// `eventName`, for example `ConsoleLogin`.
    public var eventName: String?
    /// `eventSource`, for example `iam.amazonaws.com`.
    public var eventSource: String?
    /// `readOnly`.
    public var readOnly: Bool?
    /// The console's user name (see `HistorySchema.userNameRule`).
    public var userName: String?
    /// `userIdentity.accessKeyId`.
    public var accessKeyID: String?
    /// A `resources[].type`, either in full (`AWS::S3::Bucket`) or its last part (`Bucket`), as the console's short types.
    public var resourceType: String?
    /// A `resources[].ARN`, or its name: the part after the ARN's last `/` or `:`.
    public var resourceName: String?
    /// `recipientAccountId`.
    public var account: String?
    /// `awsRegion`.
    public var region: String?
    /// `sourceIPAddress`: one address, a CIDR block, or (when neither) the text as written (`AWS Internal`).
    public var sourceIP: SourceIPFilter?
    /// `errorCode`.
    public var errorCode: String?
    /// Only events with an `errorCode`.
    public var errorsOnly = false
    /// `eventCategory` (`Management`, `Data`, `Insight`, `NetworkActivity`), compared case-insensitively.
    public var category: String?
    /// `userIdentity.arn`.
    public var userARN: String?
    /// TrailMill's derived `actor` (flat schema v1).
    public var actor: String?

    /// No filter: every event in the window.
    public init() {}
}

/// A `--source-ip` value, classified once so the SQL can use the `inet` column and its index.
public enum SourceIPFilter: Sendable, Hashable {
    /// Exactly this address.
    case address(String)
    /// Any address inside this block (`10.0.0.0/8`).
    case block(String)
    /// `sourceIPAddress` text equal to this (service names such as `ec2.amazonaws.com`, `AWS Internal`).
    case text(String)

    /// Classifies `value`: an IP address, an address with a `/prefix`, or anything else as text.
    public init(_ value: String) {
        if HistoryValues.isAddress(value) {
            self = .address(value)
        } else if let slash = value.lastIndex(of: "/"), HistoryValues.isAddress(String(value[..<slash])),
            let bits = Int(value[value.index(after: slash)...]), bits >= 0,
            bits <= (value.contains(":") ? 128 : 32), value[value.index(after: slash)...].allSatisfy(\.isASCII)
        {
            self = .block(value)
        } else {
            self = .text(value)
        }
    }
}
