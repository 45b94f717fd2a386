public import TrailMillDecoding
import TrailMillArchive

/// Turns one scanned record into flat schema v1 (`FlatEvent`). Every record comes out: missing or odd values
/// become null or a documented derived value, and derived columns are listed in `FlatEvent.derived`.
public enum Normalizer {
    /// Normalizes `record`, read from the file described by `context`.
    public static func normalize(_ record: RecordView, context: FileContext) -> FlatEvent {
        record.withUnsafeBytes { bytes in
            record.members.withUnsafeBufferPointer { members in
                normalize(bytes: bytes, members: members, index: record.index, context: context)
            }
        }
    }

    /// Normalizes the record in `bytes` whose top-level members are `members`.
    private static func normalize(
        bytes: UnsafeRawBufferPointer, members: UnsafeBufferPointer<JSONMember>, index: Int, context: FileContext
    ) -> FlatEvent {
        var event = FlatEvent()
        event.recordIndex = index
        var eventTime: JSONSlice?
        var sessionCredentialFromConsole: JSONSlice?
        var managementEvent: JSONSlice?
        var readOnly: JSONSlice?
        var keyView = Key(bytes: bytes)
        for member in members {
            let v = member.value
            keyView.slice = member.key
            // An escaped key ("event\u0049D") is compared decoded, so dispatch on its decoded length.
            let keyLength = member.key.hasEscapes ? JSONText.string(bytes, member.key).utf8.count : member.key.count
            switch keyLength {
            case 7:
                if keyView.is("eventID") { event.eventID = text(v) }
            case 8:
                if keyView.is("readOnly") {
                    readOnly = v
                } else if keyView.is("addendum") {
                    event.addendum = payload(v)
                }
            case 9:
                if keyView.is("eventTime") {
                    eventTime = v
                } else if keyView.is("eventName") {
                    event.eventName = text(v)
                } else if keyView.is("awsRegion") {
                    event.awsRegion = text(v)
                } else if keyView.is("userAgent") {
                    event.userAgent = text(v)
                } else if keyView.is("errorCode") {
                    event.errorCode = text(v)
                } else if keyView.is("requestID") {
                    event.requestID = text(v)
                } else if keyView.is("eventType") {
                    event.eventType = text(v)
                } else if keyView.is("resources") {
                    event.resources = payload(v)
                }
            case 10:
                if keyView.is("apiVersion") {
                    event.apiVersion = text(v)
                } else if keyView.is("tlsDetails") {
                    readTLSDetails(bytes, v, into: &event)
                }
            case 11:
                if keyView.is("eventSource") { event.eventSource = text(v) }
            case 12:
                if keyView.is("eventVersion") {
                    event.eventVersion = text(v)
                } else if keyView.is("userIdentity") {
                    event.userIdentity = payload(v)
                } else if keyView.is("errorMessage") {
                    event.errorMessage = text(v)
                }
            case 13:
                if keyView.is("sharedEventID") || keyView.is("sharedEventId") {
                    event.sharedEventID = text(v)
                } else if keyView.is("vpcEndpointId") {
                    event.vpcEndpointID = text(v)
                } else if keyView.is("eventCategory") {
                    event.eventCategory = text(v)
                }
            case 14:
                if keyView.is("insightDetails") {
                    event.insightDetails = payload(v)
                    if v.kind == .object {
                        event.insightState = JSONText.member(bytes, v, "state").flatMap(text)
                        event.insightType = JSONText.member(bytes, v, "insightType").flatMap(text)
                    }
                }
            case 15:
                if keyView.is("sourceIPAddress") {
                    event.sourceIPAddress = text(v)
                } else if keyView.is("managementEvent") {
                    managementEvent = v
                }
            case 16:
                if keyView.is("responseElements") { event.responseElements = payload(v) }
            case 17:
                if keyView.is("requestParameters") {
                    event.requestParameters = payload(v)
                } else if keyView.is("edgeDeviceDetails") {
                    event.edgeDeviceDetails = payload(v)
                }
            case 18:
                if keyView.is("recipientAccountId") { event.recipientAccountID = text(v) }
            case 19:
                if keyView.is("additionalEventData") {
                    event.additionalEventData = payload(v)
                } else if keyView.is("serviceEventDetails") {
                    event.serviceEventDetails = payload(v)
                }
            case 20:
                if keyView.is("vpcEndpointAccountId") { event.vpcEndpointAccountID = text(v) }
            case 28:
                if keyView.is("sessionCredentialFromConsole") { sessionCredentialFromConsole = v }
            default:
                break
            }
        }

        // Typed and derived columns.
        if let eventTime, eventTime.kind == .string,
            let millis = withDecoded(bytes, eventTime, Timestamp.parseMillis)
        {
            event.eventTimeMillis = millis
        } else {
            event.eventTimeMillis = context.deliveryMillis
            event.derived.insert(.eventTime)
        }
        if event.recipientAccountID == nil { event.derived.insert(.recipientAccountID) }
        event.managementEvent = managementEvent.flatMap { boolean(bytes, $0) }
        event.readOnly = readOnly.flatMap { boolean(bytes, $0) }
        event.sessionCredentialFromConsole = sessionCredentialFromConsole.flatMap { boolean(bytes, $0) }
        if let ip = event.sourceIPAddress, ip.kind == .string {
            event.sourceIsIP = withDecoded(bytes, ip, IPAddress.isAddress)
        }
        if event.eventCategory == nil {
            event.derivedEventCategory = deriveCategory(bytes, event, folder: context.file.folder)
            event.derived.insert(.eventCategory)
        }
        if let identity = event.userIdentity, identity.kind == .object {
            readUserIdentity(bytes, identity, into: &event)
        }
        readOutcome(bytes, into: &event)
        event.actor = actor(bytes, event)
        return event
    }

    // MARK: Value helpers

    /// A text column: a non-empty string, or the literal text of a number or boolean; else nil.
    @inline(__always)
    public static func text(_ v: JSONSlice) -> JSONSlice? {
        switch v.kind {
        case .string: v.count > 0 ? v : nil
        case .number, .true, .false: v
        default: nil
        }
    }

    /// A payload column: any JSON value except null.
    @inline(__always)
    static func payload(_ v: JSONSlice) -> JSONSlice? { v.kind == .null ? nil : v }

    /// `true` / `false`, or the strings "true" / "false" in any case; else nil.
    static func boolean(_ bytes: UnsafeRawBufferPointer, _ v: JSONSlice) -> Bool? {
        switch v.kind {
        case .true: return true
        case .false: return false
        case .string: return caseInsensitiveBool(bytes, v, yes: "true", no: "false")
        default: return nil
        }
    }

    /// Compares an unescaped string slice case-insensitively (ASCII) with two words.
    static func caseInsensitiveBool(_ bytes: UnsafeRawBufferPointer, _ v: JSONSlice, yes: StaticString, no: StaticString)
        -> Bool?
    {
        guard v.kind == .string, !v.hasEscapes else { return nil }
        if asciiCaseInsensitiveEquals(bytes, v, yes) { return true }
        if asciiCaseInsensitiveEquals(bytes, v, no) { return false }
        return nil
    }

    /// `resource_arns`: calls `body` with the non-empty string `ARN` member (any key case; the first one) of each
    /// object element of `resources`, in order. Nothing happens unless `resources` is an array.
    public static func forEachResourceARN(
        _ bytes: UnsafeRawBufferPointer, _ resources: JSONSlice?, _ body: (JSONSlice) -> Void
    ) {
        guard let resources, resources.kind == .array else { return }
        JSONText.forEachElement(bytes, array: resources) { element in
            guard element.kind == .object else { return }
            JSONText.forEachMember(bytes, object: element) { member in
                guard asciiCaseInsensitiveEquals(bytes, member.key, "arn"), member.value.kind == .string
                else { return true }
                // An empty ARN is no ARN (empty strings are null everywhere in the schema).
                if member.value.count > 0 { body(member.value) }
                return false
            }
        }
    }

    /// Whether the slice's bytes equal `word` up to ASCII case (escapes are not decoded).
    public static func asciiCaseInsensitiveEquals(_ bytes: UnsafeRawBufferPointer, _ v: JSONSlice, _ word: StaticString) -> Bool {
        guard v.count == word.utf8CodeUnitCount else { return false }
        let w = word.utf8Start
        var k = 0
        for index in v.range {
            if bytes[index] | 0x20 != w[k] | 0x20 { return false }
            k += 1
        }
        return true
    }

    /// Runs `body` on a string slice's decoded UTF-8: the input bytes themselves on the (usual) escape-free path.
    static func withDecoded<R>(
        _ bytes: UnsafeRawBufferPointer, _ slice: JSONSlice, _ body: (UnsafeRawBufferPointer) -> R
    ) -> R {
        guard slice.hasEscapes else { return body(UnsafeRawBufferPointer(rebasing: bytes[slice.range])) }
        var decoded = JSONText.string(bytes, slice)
        return decoded.withUTF8 { body(UnsafeRawBufferPointer($0)) }
    }

    // MARK: Nested objects

    static func readTLSDetails(_ bytes: UnsafeRawBufferPointer, _ tls: JSONSlice, into event: inout FlatEvent) {
        JSONText.forEachMember(bytes, object: tls) { m in
            var key = Key(bytes: bytes)
            key.slice = m.key
            if key.is("tlsVersion") {
                event.tlsVersion = text(m.value)
            } else if key.is("cipherSuite") {
                event.tlsCipherSuite = text(m.value)
            } else if key.is("clientProvidedHostHeader") {
                event.tlsClientHost = text(m.value)
            }
            return true
        }
    }

    static func readUserIdentity(_ bytes: UnsafeRawBufferPointer, _ identity: JSONSlice, into event: inout FlatEvent) {
        var key = Key(bytes: bytes)
        JSONText.forEachMember(bytes, object: identity) { m in
            key.slice = m.key
            let v = m.value
            // As at the top level: an escaped key is compared decoded, so dispatch on its decoded length.
            switch m.key.hasEscapes ? JSONText.string(bytes, m.key).utf8.count : m.key.count {
            case 3: if key.is("arn") { event.userARN = text(v) }
            case 4: if key.is("type") { event.userType = text(v) }
            case 8: if key.is("userName") { event.userName = text(v) }
            case 9:
                if key.is("accountId") {
                    event.userAccountID = text(v)
                } else if key.is("invokedBy") {
                    event.userInvokedBy = text(v)
                }
            case 11:
                if key.is("principalId") {
                    event.userPrincipalID = text(v)
                } else if key.is("accessKeyId") {
                    event.userAccessKeyID = text(v)
                }
            case 12: if key.is("credentialId") { event.userCredentialID = text(v) }
            case 14: if key.is("sessionContext"), v.kind == .object { readSessionContext(bytes, v, into: &event) }
            case 16: if key.is("identityProvider") { event.userIdentityProvider = text(v) }
            default: break
            }
            return true
        }
    }

    static func readSessionContext(_ bytes: UnsafeRawBufferPointer, _ context: JSONSlice, into event: inout FlatEvent) {
        var key = Key(bytes: bytes)
        JSONText.forEachMember(bytes, object: context) { m in
            key.slice = m.key
            let v = m.value
            if key.is("sessionIssuer"), v.kind == .object {
                JSONText.forEachMember(bytes, object: v) { issuer in
                    var k = Key(bytes: bytes)
                    k.slice = issuer.key
                    if k.is("type") {
                        event.sessionIssuerType = text(issuer.value)
                    } else if k.is("principalId") {
                        event.sessionIssuerPrincipalID = text(issuer.value)
                    } else if k.is("arn") {
                        event.sessionIssuerARN = text(issuer.value)
                    } else if k.is("accountId") {
                        event.sessionIssuerAccountID = text(issuer.value)
                    } else if k.is("userName") {
                        event.sessionIssuerUserName = text(issuer.value)
                    }
                    return true
                }
            } else if key.is("attributes"), v.kind == .object {
                JSONText.forEachMember(bytes, object: v) { attribute in
                    var k = Key(bytes: bytes)
                    k.slice = attribute.key
                    if k.is("mfaAuthenticated") {
                        event.sessionMFAAuthenticated = boolean(bytes, attribute.value)
                    } else if k.is("creationDate"), attribute.value.kind == .string {
                        event.sessionCreationMillis = withDecoded(bytes, attribute.value, Timestamp.parseMillis)
                    }
                    return true
                }
            } else if key.is("sourceIdentity") {
                event.sessionSourceIdentity = text(v)
            } else if key.is("ec2RoleDelivery") {
                event.sessionEC2RoleDelivery = text(v)
            }
            return true
        }
    }

    /// `outcome`, `console_login_result` and `mfa_used`. The last two exist only on AWS sign-in events, so the
    /// (possibly 100 KB) payloads are searched only for those.
    static func readOutcome(_ bytes: UnsafeRawBufferPointer, into event: inout FlatEvent) {
        event.isFailure = event.errorCode != nil || event.errorMessage != nil
        guard isSignInEvent(bytes, event) else { return }
        if let response = event.responseElements, response.kind == .object,
            let login = JSONText.member(bytes, response, "ConsoleLogin").flatMap(text)
        {
            event.consoleLoginResult = login
            if let success = caseInsensitiveBool(bytes, login, yes: "Success", no: "Failure") {
                event.isFailure = !success
            }
        }
        if let extra = event.additionalEventData, extra.kind == .object,
            let mfa = JSONText.member(bytes, extra, "MFAUsed")
        {
            event.mfaUsed = caseInsensitiveBool(bytes, mfa, yes: "Yes", no: "No") ?? boolean(bytes, mfa)
        }
    }

    /// `signin.amazonaws.com` events and any `ConsoleLogin`.
    static func isSignInEvent(_ bytes: UnsafeRawBufferPointer, _ event: FlatEvent) -> Bool {
        if let name = event.eventName, JSONText.equals(bytes, name, "ConsoleLogin") { return true }
        if let source = event.eventSource, JSONText.equals(bytes, source, "signin.amazonaws.com") { return true }
        return false
    }

    // MARK: Derivations

    /// `eventCategory` for records older than eventVersion 1.07: Insight and NetworkActivity from eventType or the
    /// trail folder, Data when `managementEvent` is false, else Management.
    static func deriveCategory(_ bytes: UnsafeRawBufferPointer, _ event: FlatEvent, folder: TrailFolder) -> EventCategory {
        if folder == .insight { return .insight }
        if folder == .networkActivity { return .networkActivity }
        if let type = event.eventType {
            if asciiCaseInsensitiveEquals(bytes, type, "AwsCloudTrailInsight") { return .insight }
            if asciiCaseInsensitiveEquals(bytes, type, "AwsVpceEvent") { return .networkActivity }
        }
        if event.insightDetails != nil { return .insight }
        if event.managementEvent == false { return .data }
        return .management
    }

    /// One display name for who acted, following the reference's rule (cloudtrail-records.md §5.4): Root → userName
    /// or accountId; IAMUser, SAMLUser, WebIdentityUser, Directory, Unknown → userName; AssumedRole, Role,
    /// FederatedUser → the session issuer's userName (for `AWSReservedSSO_*` roles, the session name after `:` in
    /// principalId); IdentityCenterUser → additionalEventData.UserName or onBehalfOf.userId; AWSService →
    /// invokedBy. When the rule finds nothing: userName, issuer userName, principalId, ARN, invokedBy, in that order.
    static func actor(_ bytes: UnsafeRawBufferPointer, _ event: FlatEvent) -> JSONSlice? {
        var chosen: JSONSlice?
        if let type = event.userType, type.kind == .string {
            var key = Key(bytes: bytes)
            key.slice = type
            if key.is("Root") {
                chosen = event.userName ?? event.userAccountID
            } else if key.is("IAMUser") || key.is("SAMLUser") || key.is("WebIdentityUser") || key.is("Directory")
                || key.is("Unknown")
            {
                chosen = event.userName
            } else if key.is("AssumedRole") || key.is("Role") || key.is("FederatedUser") {
                chosen = event.sessionIssuerUserName
                if let issuer = chosen, startsWith(bytes, issuer, "AWSReservedSSO_"),
                    let principal = event.userPrincipalID, let session = afterColon(bytes, principal)
                {
                    chosen = session
                }
            } else if key.is("IdentityCenterUser") {
                chosen = identityCenterUser(bytes, event)
            } else if key.is("AWSService") {
                chosen = event.userInvokedBy
            }
        }
        return chosen ?? event.userName ?? event.sessionIssuerUserName ?? event.userPrincipalID ?? event.userARN
            ?? event.userInvokedBy
    }

    static func identityCenterUser(_ bytes: UnsafeRawBufferPointer, _ event: FlatEvent) -> JSONSlice? {
        if let extra = event.additionalEventData, extra.kind == .object,
            let name = JSONText.member(bytes, extra, "UserName").flatMap(text)
        {
            return name
        }
        if let identity = event.userIdentity, let onBehalf = JSONText.member(bytes, identity, "onBehalfOf"),
            onBehalf.kind == .object
        {
            return JSONText.member(bytes, onBehalf, "userId").flatMap(text)
        }
        return nil
    }

    static func startsWith(_ bytes: UnsafeRawBufferPointer, _ v: JSONSlice, _ prefix: StaticString) -> Bool {
        guard v.kind == .string, v.count >= prefix.utf8CodeUnitCount else { return false }
        return JSONText.equals(
            UnsafeRawBufferPointer(rebasing: bytes[Int(v.start)..<Int(v.start) + prefix.utf8CodeUnitCount]), prefix)
    }

    /// The part of a string slice after its first `:` (escape-free text only), when non-empty.
    static func afterColon(_ bytes: UnsafeRawBufferPointer, _ v: JSONSlice) -> JSONSlice? {
        guard v.kind == .string, !v.hasEscapes else { return nil }
        for index in v.range where bytes[index] == UInt8(ascii: ":") {
            guard index + 1 < Int(v.end) else { return nil }
            return JSONSlice(start: index + 1, end: Int(v.end), kind: .string)
        }
        return nil
    }
}

/// Compares one object key against literals; keys with escapes are decoded first.
struct Key {
    let bytes: UnsafeRawBufferPointer
    var slice = JSONSlice(start: 0, end: 0, kind: .string)

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    @inline(__always)
    func `is`(_ literal: StaticString) -> Bool {
        if slice.hasEscapes { return JSONText.equals(bytes, slice, literal) }
        guard slice.count == literal.utf8CodeUnitCount else { return false }
        return JSONText.bytesEqual(bytes.baseAddress! + Int(slice.start), UnsafeRawPointer(literal.utf8Start), slice.count)
    }
}
