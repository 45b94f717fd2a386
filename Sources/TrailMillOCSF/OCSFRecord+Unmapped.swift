import TrailMillDecoding
import TrailMillNormalize

/// `unmapped`: every member of the record that the event does not carry elsewhere, nested as in the record and
/// copied as written. A member counts as mapped only when the encoder wrote *its* value (the same bytes), so a
/// duplicate key, a value of an unexpected type or an empty string is kept here. `null` members are dropped.
extension OCSFRecord {
    /// What happens to one member of the record.
    enum Disposition {
        /// Written elsewhere in the event.
        case mapped
        /// Copied into `unmapped` as it is.
        case leftover
        /// Partly mapped: its leftover members go under the same key in `unmapped`.
        case descend(Level)
        /// `webIdFederationData.federatedProvider`, which becomes `actor.idp.name` when nothing else names the IdP.
        case identityProvider
    }

    /// The partly mapped objects.
    enum Level {
        case userIdentity, sessionContext, sessionIssuer, sessionAttributes, webIdentityFederation, onBehalfOf
        case additionalEventData, insightDetails
    }

    /// Writes `unmapped`. It runs before `actor` is written, because it is the walk that finds
    /// `webIdFederationData.federatedProvider` (the member order of a JSON object carries no meaning).
    mutating func writeUnmapped(scratch: OCSFScratch, topLevelMembers: UnsafeBufferPointer<JSONMember>?, to out: OutputBuffer) {
        var path = scratch.unmapped
        scratch.unmapped = UnmappedPath.empty
        path.reset()
        var provider: JSONSlice?
        if let topLevelMembers {
            for member in topLevelMembers { visit(member, level: nil, path: &path, provider: &provider, to: out) }
        } else {
            let record = JSONSlice(start: 0, end: bytes.count, kind: .object)
            JSONText.forEachMember(bytes, object: record) { member in
                visit(member, level: nil, path: &path, provider: &provider, to: out)
                return true
            }
        }
        path.finish(to: out)
        scratch.unmapped = path
        if let provider { idpName = provider }
    }

    /// Handles one member of the object at `level` (nil: the record itself).
    func visit(
        _ member: JSONMember, level: Level?, path: inout UnmappedPath, provider: inout JSONSlice?, to out: OutputBuffer
    ) {
        guard member.value.kind != .null else { return }
        let key = Key(bytes: bytes, slice: member.key)
        let disposition: Disposition
        if let level { disposition = nested(level, key, member.value) } else { disposition = topLevel(key, member.value) }
        switch disposition {
        case .mapped:
            return
        case .identityProvider:
            if idpName == nil, provider == nil, let text = Self.text(member.value) {
                provider = text
            } else {
                path.write(key: member.key, value: member.value, bytes: bytes, compact: compact, to: out)
            }
        case .leftover:
            path.write(key: member.key, value: member.value, bytes: bytes, compact: compact, to: out)
        case .descend(let inner):
            path.enter(member.key)
            JSONText.forEachMember(bytes, object: member.value) { child in
                visit(child, level: inner, path: &path, provider: &provider, to: out)
                return true
            }
            path.leave(to: out)
        }
    }

    @inline(__always)
    func mapped(_ slice: JSONSlice?, _ value: JSONSlice, when condition: Bool = true) -> Disposition {
        condition && Self.same(slice, value) ? .mapped : .leftover
    }

    /// A top-level member: mapped when the event wrote this very value.
    func topLevel(_ key: Key, _ v: JSONSlice) -> Disposition {
        let api = !isFinding
        switch key.length {
        case 7:
            if key.is("eventID") { return mapped(e.eventID, v) }
        case 9:
            if key.is("eventTime") { return e.derived.contains(.eventTime) ? .leftover : .mapped }
            if key.is("eventName") { return mapped(e.eventName, v, when: api) }
            if key.is("awsRegion") { return mapped(e.awsRegion, v) }
            if key.is("userAgent") { return mapped(e.userAgent, v, when: api) }
            if key.is("errorCode") { return mapped(e.errorCode, v, when: api) }
            if key.is("requestID") { return mapped(e.requestID, v, when: api) }
            if key.is("eventType") { return mapped(e.eventType, v) }
            if key.is("resources") { return mapped(e.resources, v, when: api && !resourcesHaveLeftovers) }
        case 10:
            if key.is("apiVersion") { return mapped(e.apiVersion, v, when: api) }
        case 11:
            if key.is("eventSource") { return mapped(e.eventSource, v, when: api) }
        case 12:
            if key.is("eventVersion") { return mapped(e.eventVersion, v) }
            if key.is("errorMessage") { return mapped(e.errorMessage, v, when: api) }
            if key.is("userIdentity") { return api && v.kind == .object && Self.same(e.userIdentity, v) ? .descend(.userIdentity) : .leftover }
        case 13:
            if key.is("sharedEventID") || key.is("sharedEventId") { return mapped(e.sharedEventID, v) }
            if key.is("vpcEndpointId") { return mapped(e.vpcEndpointID, v, when: api) }
            if key.is("eventCategory") { return mapped(e.eventCategory, v) }
        case 14:
            if key.is("insightDetails") {
                return isFinding && v.kind == .object && Self.same(e.insightDetails, v) ? .descend(.insightDetails) : .leftover
            }
        case 15:
            if key.is("sourceIPAddress") { return mapped(e.sourceIPAddress, v, when: api) }
        case 16:
            if key.is("responseElements") { return mapped(e.responseElements, v, when: api) }
        case 17:
            if key.is("requestParameters") { return mapped(e.requestParameters, v, when: api && requestMapped) }
        case 18:
            if key.is("recipientAccountId") { return mapped(e.recipientAccountID, v) }
        case 19:
            if key.is("additionalEventData") {
                let partly = loginTo != nil || e.mfaUsed != nil || userName != e.userName
                return api && partly && v.kind == .object && Self.same(e.additionalEventData, v) ? .descend(.additionalEventData) : .leftover
            }
        default:
            break
        }
        return .leftover
    }

    /// A member of a partly mapped object.
    func nested(_ level: Level, _ key: Key, _ v: JSONSlice) -> Disposition {
        switch level {
        case .userIdentity:
            if key.is("arn") { return mapped(e.userARN, v, when: hasUser) }
            if key.is("principalId") { return mapped(e.userPrincipalID, v, when: hasUser) }
            if key.is("userName") { return mapped(e.userName, v, when: hasUser) }
            if key.is("type") { return mapped(e.userType, v, when: hasUser) }
            if key.is("accountId") { return mapped(e.userAccountID, v, when: hasUser) }
            if key.is("accessKeyId") { return mapped(e.userAccessKeyID, v, when: hasUser) }
            if key.is("credentialId") { return mapped(e.userCredentialID, v, when: hasUser && e.userAccessKeyID == nil) }
            if key.is("invokedBy") { return mapped(e.userInvokedBy, v) }
            if key.is("identityProvider") { return mapped(e.userIdentityProvider, v) }
            if key.is("sessionContext"), v.kind == .object { return .descend(.sessionContext) }
            if key.is("onBehalfOf"), v.kind == .object, idpUID != nil || uidAlt != e.userPrincipalID { return .descend(.onBehalfOf) }
        case .sessionContext:
            if key.is("sessionIssuer"), v.kind == .object { return .descend(.sessionIssuer) }
            if key.is("attributes"), v.kind == .object { return .descend(.sessionAttributes) }
            if key.is("webIdFederationData"), v.kind == .object { return .descend(.webIdentityFederation) }
        case .sessionIssuer:
            if key.is("arn") { return mapped(e.sessionIssuerARN, v) }
        case .sessionAttributes:
            if key.is("creationDate") { return e.sessionCreationMillis != nil ? .mapped : .leftover }
            if key.is("mfaAuthenticated") { return e.sessionMFAAuthenticated != nil ? .mapped : .leftover }
        case .webIdentityFederation:
            if key.is("federatedProvider") { return .identityProvider }
        case .onBehalfOf:
            if key.is("userId") { return mapped(uidAlt, v, when: e.userPrincipalID == nil) }
            if key.is("identityStoreArn") { return mapped(idpUID, v) }
        case .additionalEventData:
            if key.is("LoginTo") { return mapped(loginTo, v) }
            if key.is("MFAUsed") { return classification.eventClass == .authentication && e.mfaUsed != nil ? .mapped : .leftover }
            if key.is("UserName") { return mapped(userName, v, when: e.userName == nil && hasUser) }
        case .insightDetails:
            if key.is("state") { return mapped(e.insightState, v) }
            if key.is("insightType") { return mapped(e.insightType, v) }
            if key.is("eventSource") { return mapped(insightSource, v) }
            if key.is("eventName") { return mapped(insightName, v) }
        }
        return .leftover
    }
}

/// An object key of the record, compared with literals (an escaped key is compared decoded).
struct Key {
    let bytes: UnsafeRawBufferPointer
    let slice: JSONSlice
    /// The decoded key's length in UTF-8 bytes, to dispatch on.
    let length: Int

    init(bytes: UnsafeRawBufferPointer, slice: JSONSlice) {
        self.bytes = bytes
        self.slice = slice
        length = slice.hasEscapes ? JSONText.string(bytes, slice).utf8.count : slice.count
    }

    @inline(__always)
    func `is`(_ literal: StaticString) -> Bool {
        if slice.hasEscapes { return JSONText.equals(bytes, slice, literal) }
        guard slice.count == literal.utf8CodeUnitCount, let base = bytes.baseAddress else { return false }
        return JSONText.bytesEqual(base + Int(slice.start), UnsafeRawPointer(literal.utf8Start), slice.count)
    }
}
