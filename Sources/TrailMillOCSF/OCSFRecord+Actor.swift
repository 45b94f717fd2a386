import TrailMillDecoding
import TrailMillNormalize

/// `actor`, `api`, `src_endpoint`, `resources` and `observables`: the members every CloudTrail API call has.
extension OCSFRecord {
    /// Chooses the actor values that have fallbacks (`Schemas/ocsf-mapping-v1.md` §4.3).
    mutating func deriveActor() {
        userName = e.userName
        uidAlt = e.userPrincipalID
        credentialUID = e.userAccessKeyID ?? e.userCredentialID
        idpName = e.userIdentityProvider
        if let identity = e.userIdentity, identity.kind == .object {
            if equals(e.userType, "IdentityCenterUser") {
                if let onBehalf = JSONText.member(bytes, identity, "onBehalfOf"), onBehalf.kind == .object {
                    if uidAlt == nil { uidAlt = JSONText.member(bytes, onBehalf, "userId").flatMap(Self.text) }
                    idpUID = JSONText.member(bytes, onBehalf, "identityStoreArn").flatMap(Self.text)
                }
                if userName == nil, let extra = e.additionalEventData, extra.kind == .object {
                    userName = JSONText.member(bytes, extra, "UserName").flatMap(Self.text)
                }
            }
        }
        hasUser = e.userARN != nil || userName != nil || e.userAccountID != nil
    }

    /// `actor`: `user`, `session`, `invoked_by`, `idp`. API Activity requires an actor, so a record that names no
    /// principal gets `invoked_by` = `eventSource` (the service that recorded the call).
    func writeActor(to out: OutputBuffer) {
        let hasSession = e.sessionIssuerARN != nil || e.sessionCreationMillis != nil || e.sessionMFAAuthenticated != nil
        let hasIDP = idpName != nil || idpUID != nil
        let fallback = !hasUser && !hasSession && e.userInvokedBy == nil
        guard hasUser || hasSession || e.userInvokedBy != nil || hasIDP || classification.eventClass == .apiActivity else {
            return
        }
        out.append(#","actor":{"#)
        var actor = JSONObjectWriter(out)
        if hasUser {
            actor.key(#""user":{"#)
            var user = JSONObjectWriter(out)
            member(#""uid":"#, e.userARN, &user)
            member(#""uid_alt":"#, uidAlt, &user)
            member(#""name":"#, userName, &user)
            member(#""type":"#, e.userType, &user)
            if let account = e.userAccountID {
                user.key(#""account":{"uid":"#)
                appendText(account, to: out)
                out.append(UInt8(ascii: "}"))
            }
            member(#""credential_uid":"#, credentialUID, &user)
            out.append(UInt8(ascii: "}"))
        }
        if hasSession {
            actor.key(#""session":{"#)
            var session = JSONObjectWriter(out)
            member(#""issuer":"#, e.sessionIssuerARN, &session)
            if let created = e.sessionCreationMillis {
                session.key(#""created_time":"#)
                JSONOutput.appendInt(Int(created), to: out)
                session.key(#""created_time_dt":""#)
                Timestamp.appendISO8601(created, to: out)
                out.append(UInt8(ascii: "\""))
            }
            if let mfa = e.sessionMFAAuthenticated {
                session.key(#""is_mfa":"#)
                JSONOutput.appendBool(mfa, to: out)
            }
            out.append(UInt8(ascii: "}"))
        }
        if let invokedBy = e.userInvokedBy {
            member(#""invoked_by":"#, invokedBy, &actor)
        } else if fallback {
            actor.key(#""invoked_by":"#)
            if let source = e.eventSource { appendText(source, to: out) } else { out.append(#""unknown""#) }
        }
        if hasIDP {
            actor.key(#""idp":{"#)
            var idp = JSONObjectWriter(out)
            member(#""name":"#, idpName, &idp)
            member(#""uid":"#, idpUID, &idp)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "}"))
    }

    /// `api`: operation (`eventName`), service, version, request (`requestID`, `requestParameters`) and response
    /// (`responseElements`, `errorCode`, `errorMessage`). Payloads are JSON strings of their compact text.
    func writeAPI(scratch: OCSFScratch, to out: OutputBuffer) {
        out.append(#","api":{"operation":"#)
        if let name = e.eventName { appendText(name, to: out) } else { out.append(#""unknown""#) }
        if let source = e.eventSource {
            out.append(#","service":{"name":"#)
            appendText(source, to: out)
            out.append(UInt8(ascii: "}"))
        }
        if let version = e.apiVersion {
            out.append(#","version":"#)
            appendText(version, to: out)
        }
        if let request = e.requestID {
            out.append(#","request":{"uid":"#)
            appendText(request, to: out)
            if requestMapped, let parameters = e.requestParameters {
                out.append(#","data":"#)
                appendEmbeddedJSON(parameters, scratch: scratch, to: out)
            }
            out.append(UInt8(ascii: "}"))
        }
        if e.responseElements != nil || e.errorCode != nil || e.errorMessage != nil {
            out.append(#","response":{"#)
            var response = JSONObjectWriter(out)
            if let elements = e.responseElements {
                response.key(#""data":"#)
                appendEmbeddedJSON(elements, scratch: scratch, to: out)
            }
            member(#""error":"#, e.errorCode, &response)
            member(#""message":"#, e.errorMessage, &response)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "}"))
    }

    /// A JSON value of the record written as a JSON string holding its compact text (`{"a":1}` → `"{\"a\":1}"`).
    func appendEmbeddedJSON(_ value: JSONSlice, scratch: OCSFScratch, to out: OutputBuffer) {
        out.append(UInt8(ascii: "\""))
        let text = value.kind == .string
            ? UnsafeRawBufferPointer(rebasing: bytes[Int(value.start) - 1..<Int(value.end) + 1])
            : UnsafeRawBufferPointer(rebasing: bytes[value.range])
        if compact {
            JSONOutput.appendEscaped(text, to: out)
        } else {
            scratch.json.removeAll()
            JSONText.appendCompact(text, to: scratch.json)
            scratch.json.withUnsafeBytes { JSONOutput.appendEscaped($0, to: out) }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// `src_endpoint`: `ip` when `sourceIPAddress` is one IPv4 or IPv6 address (of at most 40 characters, the
    /// `ip_t` limit), else the text as `domain` and `name`; `uid` = `vpcEndpointId`. API Activity requires a source,
    /// so a record with neither gets `svc_name` = `eventSource`.
    func writeSourceEndpoint(to out: OutputBuffer) {
        guard e.sourceIPAddress != nil || e.vpcEndpointID != nil || classification.eventClass == .apiActivity else { return }
        out.append(#","src_endpoint":{"#)
        var endpoint = JSONObjectWriter(out)
        if let source = e.sourceIPAddress {
            if let ip = sourceIP {
                member(#""ip":"#, ip, &endpoint)
            } else {
                member(#""domain":"#, source, &endpoint)
                member(#""name":"#, source, &endpoint)
            }
        }
        member(#""uid":"#, e.vpcEndpointID, &endpoint)
        if endpoint.isEmpty {
            endpoint.key(#""svc_name":"#)
            if let source = e.eventSource { appendText(source, to: out) } else { out.append(#""unknown""#) }
        }
        out.append(UInt8(ascii: "}"))
    }

    /// `sourceIPAddress` when it goes to `src_endpoint.ip`.
    var sourceIP: JSONSlice? {
        guard e.sourceIsIP, let source = e.sourceIPAddress, source.count <= 40 else { return nil }
        return source
    }

    /// `resources[]`: `uid` = `ARN` (any key case), `type`, `owner.account.uid` = `accountId`. An element that has
    /// other members, non-string values or no ARN is left out, and the whole `resources` value is then kept in
    /// `unmapped` as well, so nothing is lost.
    /// Authentication and Account Change have no `resources` attribute: there the value stays in `unmapped`.
    mutating func writeResources(to out: OutputBuffer) {
        guard let resources = e.resources else { return }
        guard resources.kind == .array, classification.eventClass == .apiActivity else {
            resourcesHaveLeftovers = true
            return
        }
        var written = 0
        var leftovers = false
        let bytes = self.bytes
        JSONText.forEachElement(bytes, array: resources) { element in
            guard element.kind == .object else {
                leftovers = true
                return
            }
            var arn: JSONSlice?
            var type: JSONSlice?
            var account: JSONSlice?
            JSONText.forEachMember(bytes, object: element) { m in
                let text = m.value.kind == .string && m.value.count > 0 ? m.value : nil
                if text != nil, arn == nil, Self.equalsIgnoringCase(bytes, m.key, "arn") {
                    arn = text
                } else if text != nil, type == nil, Self.equalsIgnoringCase(bytes, m.key, "type") {
                    type = text
                } else if text != nil, account == nil, Self.equalsIgnoringCase(bytes, m.key, "accountId") {
                    account = text
                } else {
                    leftovers = true
                }
                return true
            }
            guard let arn else {
                leftovers = true
                return
            }
            out.append(written == 0 ? #","resources":[{"uid":"# : #",{"uid":"#)
            appendText(arn, to: out)
            if let type {
                out.append(#","type":"#)
                appendText(type, to: out)
            }
            if let account {
                out.append(#","owner":{"account":{"uid":"#)
                appendText(account, to: out)
                out.append(UInt8(ascii: "}"))
                out.append(UInt8(ascii: "}"))
            }
            out.append(UInt8(ascii: "}"))
            written += 1
        }
        if written > 0 { out.append(UInt8(ascii: "]")) }
        resourcesHaveLeftovers = leftovers || written == 0
    }

    /// ASCII case-insensitive equality of an unescaped key with a literal.
    static func equalsIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ key: JSONSlice, _ literal: StaticString) -> Bool {
        !key.hasEscapes && Normalizer.asciiCaseInsensitiveEquals(bytes, key, literal)
    }

    /// `observables`: the actor's user name and the source IP address.
    func writeObservables(to out: OutputBuffer) {
        let ip = sourceIP
        let name = hasUser ? userName : nil
        guard name != nil || ip != nil else { return }
        out.append(#","observables":["#)
        if let name {
            out.append(#"{"name":"actor.user.name","type":"User Name","type_id":4,"value":"#)
            appendText(name, to: out)
            out.append(UInt8(ascii: "}"))
        }
        if let ip {
            out.append(name == nil ? #"{"name":"src_endpoint.ip","type":"IP Address","type_id":2,"value":"# : #",{"name":"src_endpoint.ip","type":"IP Address","type_id":2,"value":"#)
            appendText(ip, to: out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
    }
}
