public import TrailMillDecoding

/// The schema version written in every flat row (`schema_version`). See `Schemas/flat-schema-v1.md`.
public let flatSchemaVersion = 1

/// `eventCategory`, read or derived.
public enum EventCategory: String, Sendable, Hashable, CaseIterable {
    case management = "Management"
    case data = "Data"
    case insight = "Insight"
    case networkActivity = "NetworkActivity"
}

/// Columns whose value was derived rather than read from the record (`derived_fields` in the output).
public struct DerivedFields: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// `eventTime` was missing or unparseable: the file's delivery time was used.
    public static let eventTime = DerivedFields(rawValue: 1 << 0)
    /// `recipientAccountId` was missing: the account folder of the file's key was used.
    public static let recipientAccountID = DerivedFields(rawValue: 1 << 1)
    /// `eventCategory` was missing: derived from eventType, the trail folder and managementEvent.
    public static let eventCategory = DerivedFields(rawValue: 1 << 2)

    /// Column names, in schema order.
    public var columnNames: [String] {
        var names: [String] = []
        if contains(.eventTime) { names.append("event_time") }
        if contains(.recipientAccountID) { names.append("recipient_account_id") }
        if contains(.eventCategory) { names.append("event_category") }
        return names
    }
}

/// One record in flat schema v1, as slices into the record's bytes plus derived values.
///
/// Text columns are `JSONSlice`s of the source value (escaped exactly as in the input), so nothing is copied or
/// re-encoded until a sink writes them. A column is nil when the source member is absent, null, an empty string,
/// an object or an array (payload columns keep objects and arrays as raw JSON instead).
///
/// - Warning: The slices refer to the `RecordView` the event was made from and are valid only with its bytes.
public struct FlatEvent {
    // Event
    public var eventID: JSONSlice?
    public var recipientAccountID: JSONSlice?
    public var eventTimeMillis: Int64 = 0
    public var eventVersion: JSONSlice?
    public var eventSource: JSONSlice?
    public var eventName: JSONSlice?
    public var eventType: JSONSlice?
    /// `eventCategory` as written in the record.
    public var eventCategory: JSONSlice?
    /// The category derived when the record has none (`derived` then contains `.eventCategory`).
    public var derivedEventCategory: EventCategory?
    public var awsRegion: JSONSlice?
    public var managementEvent: Bool?
    public var readOnly: Bool?
    public var requestID: JSONSlice?
    public var apiVersion: JSONSlice?
    public var sharedEventID: JSONSlice?
    // Source
    public var sourceIPAddress: JSONSlice?
    public var sourceIsIP = false
    public var userAgent: JSONSlice?
    public var vpcEndpointID: JSONSlice?
    public var vpcEndpointAccountID: JSONSlice?
    public var tlsVersion: JSONSlice?
    public var tlsCipherSuite: JSONSlice?
    public var tlsClientHost: JSONSlice?
    public var sessionCredentialFromConsole: Bool?
    // Outcome
    public var errorCode: JSONSlice?
    public var errorMessage: JSONSlice?
    public var isFailure = false
    public var consoleLoginResult: JSONSlice?
    public var mfaUsed: Bool?
    // Actor
    public var userType: JSONSlice?
    public var userPrincipalID: JSONSlice?
    public var userARN: JSONSlice?
    public var userAccountID: JSONSlice?
    public var userAccessKeyID: JSONSlice?
    public var userName: JSONSlice?
    public var userInvokedBy: JSONSlice?
    public var userIdentityProvider: JSONSlice?
    public var userCredentialID: JSONSlice?
    public var sessionIssuerType: JSONSlice?
    public var sessionIssuerPrincipalID: JSONSlice?
    public var sessionIssuerARN: JSONSlice?
    public var sessionIssuerAccountID: JSONSlice?
    public var sessionIssuerUserName: JSONSlice?
    public var sessionMFAAuthenticated: Bool?
    public var sessionCreationMillis: Int64?
    public var sessionSourceIdentity: JSONSlice?
    public var sessionEC2RoleDelivery: JSONSlice?
    /// One display name for who acted (see `Normalizer.actor`).
    public var actor: JSONSlice?
    // Payload (raw JSON values of any type)
    public var requestParameters: JSONSlice?
    public var responseElements: JSONSlice?
    public var additionalEventData: JSONSlice?
    public var serviceEventDetails: JSONSlice?
    public var resources: JSONSlice?
    public var insightDetails: JSONSlice?
    public var addendum: JSONSlice?
    public var edgeDeviceDetails: JSONSlice?
    public var userIdentity: JSONSlice?
    public var insightState: JSONSlice?
    public var insightType: JSONSlice?
    // Provenance
    public var recordIndex = 0
    public var derived: DerivedFields = []

    /// An empty event.
    public init() {}

    /// `success` or `failure`.
    public var outcome: String { isFailure ? "failure" : "success" }
}
