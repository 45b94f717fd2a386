import TrailMillDecoding
import TrailMillNormalize

/// The members only some classes have: Authentication's `user`, `is_mfa`, `dst_endpoint`, `service`; Account
/// Change's `user` and `policy`; a Detection Finding's `finding_info` for Insights records.
extension OCSFRecord {
    /// A string member of `requestParameters`.
    func requestParameter(_ key: StaticString) -> JSONSlice? {
        guard let parameters = e.requestParameters, parameters.kind == .object,
            let value = JSONText.member(bytes, parameters, key), value.kind == .string, value.count > 0
        else { return nil }
        return value
    }

    /// `user` (required): the role assumed (`requestParameters.roleArn`, `roleSessionName`) or the signing-in
    /// identity (`userIdentity.arn`, `principalId`); `is_mfa` from `additionalEventData.MFAUsed`;
    /// `dst_endpoint.svc_name` from `additionalEventData.LoginTo`, else `service.name` = `eventSource` (the class needs
    /// one of the two).
    func writeAuthentication(scratch: OCSFScratch, to out: OutputBuffer) {
        let assumesRole = e.eventName.map { JSONText.equals(bytes, $0, "AssumeRole") } == true
            || e.eventName.map { JSONText.equals(bytes, $0, "AssumeRoleWithSAML") } == true
            || e.eventName.map { JSONText.equals(bytes, $0, "AssumeRoleWithWebIdentity") } == true
        let role = assumesRole ? requestParameter("roleArn") : nil
        let session = assumesRole ? requestParameter("roleSessionName") : nil
        let uid = role ?? e.userARN
        writeTargetUser(uid: uid, name: session, uidAlt: role == nil ? e.userPrincipalID : nil, scratch: scratch, to: out)
        if let mfa = e.mfaUsed {
            out.append(#","is_mfa":"#)
            JSONOutput.appendBool(mfa, to: out)
        }
        if let loginTo {
            out.append(#","dst_endpoint":{"svc_name":"#)
            appendText(loginTo, to: out)
            out.append(UInt8(ascii: "}"))
        } else {
            out.append(#","service":{"name":"#)
            if let source = e.eventSource { appendText(source, to: out) } else { out.append(#""unknown""#) }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// `user` (required): the IAM user or role changed (`requestParameters.userName`, else `roleName`), else the
    /// caller; `policy` from `requestParameters.policyArn` / `policyName`.
    func writeAccountChange(scratch: OCSFScratch, to out: OutputBuffer) {
        if let target = requestParameter("userName") ?? requestParameter("roleName") {
            writeTargetUser(uid: nil, name: target, uidAlt: nil, scratch: scratch, to: out)
        } else {
            writeTargetUser(uid: e.userARN, name: e.userName, uidAlt: e.userPrincipalID, scratch: scratch, to: out)
        }
        let arn = requestParameter("policyArn")
        let name = requestParameter("policyName")
        if arn != nil || name != nil {
            out.append(#","policy":{"#)
            var policy = JSONObjectWriter(out)
            member(#""uid":"#, arn, &policy)
            member(#""name":"#, name, &policy)
            out.append(UInt8(ascii: "}"))
        }
    }

    /// `user` with the values given; when it would have neither `uid` nor `name`, the caller's account (else the
    /// recipient account) stands for it, since OCSF requires a user with an account, name or uid.
    func writeTargetUser(uid: JSONSlice?, name: JSONSlice?, uidAlt: JSONSlice?, scratch: OCSFScratch, to out: OutputBuffer) {
        out.append(#","user":{"#)
        var user = JSONObjectWriter(out)
        member(#""uid":"#, uid, &user)
        member(#""name":"#, name, &user)
        member(#""uid_alt":"#, uidAlt, &user)
        if uid == nil && name == nil {
            user.key(#""account":{"uid":"#)
            if let account = e.userAccountID ?? e.recipientAccountID {
                appendText(account, to: out)
            } else {
                out.append(scratch.accountJSON)
            }
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "}"))
    }

    // MARK: Insights

    /// A text member of `insightDetails`.
    func insightMember(_ key: StaticString) -> JSONSlice? {
        guard let details = e.insightDetails, details.kind == .object else { return nil }
        return JSONText.member(bytes, details, key).flatMap(Self.text)
    }

    /// `finding_info` for a CloudTrail Insights record: `uid` = `sharedEventID` (the one ID of the Start and End
    /// records), `title` "<insightType> on <eventSource> <eventName>", `types` [insightType], `analytic` Statistical;
    /// and `api` naming the API the Insight is about.
    func writeInsightFinding(to out: OutputBuffer) {
        let source = insightSource
        let name = insightName
        out.append(#","finding_info":{"uid":"#)
        if let uid = e.sharedEventID ?? e.eventID { appendText(uid, to: out) } else { out.append(#""unknown""#) }
        out.append(#","title":""#)
        if let type = e.insightType { appendContent(type, to: out) } else { out.append("CloudTrail Insight") }
        if let name {
            out.append(" on ")
            if let source {
                appendContent(source, to: out)
                out.append(" ")
            }
            appendContent(name, to: out)
        }
        out.append(UInt8(ascii: "\""))
        if let type = e.insightType {
            out.append(#","types":["#)
            appendText(type, to: out)
            out.append(UInt8(ascii: "]"))
        }
        out.append(#","analytic":{"type_id":3,"type":"Statistical","name":"#)
        if let type = e.insightType { appendText(type, to: out) } else { out.append(#""CloudTrail Insights""#) }
        out.append(UInt8(ascii: "}"))
        out.append(UInt8(ascii: "}"))
        if let name {
            out.append(#","api":{"operation":"#)
            appendText(name, to: out)
            if let source {
                out.append(#","service":{"name":"#)
                appendText(source, to: out)
                out.append(UInt8(ascii: "}"))
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// A text value's content without its quotes, for building one string out of several values.
    func appendContent(_ slice: JSONSlice, to out: OutputBuffer) {
        let content = UnsafeRawBufferPointer(rebasing: bytes[slice.range])
        if compact || slice.kind != .string {
            out.append(content)
        } else {
            JSONText.appendCompact(content, to: out, insideString: true)
        }
    }
}
