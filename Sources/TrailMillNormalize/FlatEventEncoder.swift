public import TrailMillDecoding
import TrailMillArchive

/// Writes records as NDJSON lines: flat schema v1 objects, or the original record on one line.
public enum FlatEventEncoder {
    /// Appends one flat-schema-v1 JSON object and `\n`. Null columns are omitted (an absent key means null);
    /// the column order is the schema's.
    public static func appendFlatLine(
        _ e: FlatEvent, record: RecordView, context: FileContext, to out: OutputBuffer
    ) {
        record.withUnsafeBytes { appendFlatLine(e, bytes: $0, isCompact: record.isCompact, context: context, to: out) }
    }

    /// ``appendFlatLine(_:record:context:to:)`` for a record's `bytes` (valid only during the call).
    public static func appendFlatLine(
        _ e: FlatEvent, bytes b: UnsafeRawBufferPointer, isCompact compact: Bool, context: FileContext,
        to out: OutputBuffer
    ) {
        // Each `name` is the whole `,"column":` literal, written with one copy.
        @inline(__always) func text(_ name: StaticString, _ slice: JSONSlice?) {
            guard let slice else { return }
            out.append(name)
            JSONOutput.appendText(b, slice, compact: compact, to: out)
        }
        @inline(__always) func value(_ name: StaticString, _ slice: JSONSlice?) {
            guard let slice else { return }
            out.append(name)
            JSONOutput.appendValue(b, slice, compact: compact, to: out)
        }
        @inline(__always) func bool(_ name: StaticString, _ flag: Bool?) {
            guard let flag else { return }
            out.append(name)
            JSONOutput.appendBool(flag, to: out)
        }

        JSONOutput.appendLiteral("{\"schema_version\":1", to: out)
        // Event
        text(#","event_id":"#, e.eventID)
        if let recipient = e.recipientAccountID {
            text(#","recipient_account_id":"#, recipient)
        } else {
            JSONOutput.appendMember("recipient_account_id", string: context.file.accountID, to: out)
        }
        out.append(#","event_time":"#)
        out.append(UInt8(ascii: "\""))
        Timestamp.appendISO8601(e.eventTimeMillis, to: out)
        out.append(UInt8(ascii: "\""))
        text(#","event_version":"#, e.eventVersion)
        text(#","event_source":"#, e.eventSource)
        text(#","event_name":"#, e.eventName)
        text(#","event_type":"#, e.eventType)
        if let category = e.eventCategory {
            text(#","event_category":"#, category)
        } else if let derived = e.derivedEventCategory {
            JSONOutput.appendMember("event_category", string: derived.rawValue, to: out)
        }
        text(#","aws_region":"#, e.awsRegion)
        bool(#","management_event":"#, e.managementEvent)
        bool(#","read_only":"#, e.readOnly)
        text(#","request_id":"#, e.requestID)
        text(#","api_version":"#, e.apiVersion)
        text(#","shared_event_id":"#, e.sharedEventID)
        // Source
        text(#","source_ip_address":"#, e.sourceIPAddress)
        if e.sourceIsIP { text(#","source_ip":"#, e.sourceIPAddress) }
        text(#","user_agent":"#, e.userAgent)
        text(#","vpc_endpoint_id":"#, e.vpcEndpointID)
        text(#","vpc_endpoint_account_id":"#, e.vpcEndpointAccountID)
        text(#","tls_version":"#, e.tlsVersion)
        text(#","tls_cipher_suite":"#, e.tlsCipherSuite)
        text(#","tls_client_host":"#, e.tlsClientHost)
        bool(#","session_credential_from_console":"#, e.sessionCredentialFromConsole)
        // Outcome
        text(#","error_code":"#, e.errorCode)
        text(#","error_message":"#, e.errorMessage)
        out.append(#","outcome":"#)
        if e.isFailure {
            JSONOutput.appendLiteral("\"failure\"", to: out)
        } else {
            JSONOutput.appendLiteral("\"success\"", to: out)
        }
        text(#","console_login_result":"#, e.consoleLoginResult)
        bool(#","mfa_used":"#, e.mfaUsed)
        // Actor
        text(#","user_type":"#, e.userType)
        text(#","user_principal_id":"#, e.userPrincipalID)
        text(#","user_arn":"#, e.userARN)
        text(#","user_account_id":"#, e.userAccountID)
        text(#","user_access_key_id":"#, e.userAccessKeyID)
        text(#","user_name":"#, e.userName)
        text(#","user_invoked_by":"#, e.userInvokedBy)
        text(#","user_identity_provider":"#, e.userIdentityProvider)
        text(#","user_credential_id":"#, e.userCredentialID)
        text(#","session_issuer_type":"#, e.sessionIssuerType)
        text(#","session_issuer_principal_id":"#, e.sessionIssuerPrincipalID)
        text(#","session_issuer_arn":"#, e.sessionIssuerARN)
        text(#","session_issuer_account_id":"#, e.sessionIssuerAccountID)
        text(#","session_issuer_user_name":"#, e.sessionIssuerUserName)
        bool(#","session_mfa_authenticated":"#, e.sessionMFAAuthenticated)
        if let created = e.sessionCreationMillis {
            out.append(#","session_creation_date":"#)
            out.append(UInt8(ascii: "\""))
            Timestamp.appendISO8601(created, to: out)
            out.append(UInt8(ascii: "\""))
        }
        text(#","session_source_identity":"#, e.sessionSourceIdentity)
        text(#","session_ec2_role_delivery":"#, e.sessionEC2RoleDelivery)
        text(#","actor":"#, e.actor)
        // Payload
        value(#","request_parameters":"#, e.requestParameters)
        value(#","response_elements":"#, e.responseElements)
        value(#","additional_event_data":"#, e.additionalEventData)
        value(#","service_event_details":"#, e.serviceEventDetails)
        value(#","resources":"#, e.resources)
        appendResourceARNs(e.resources, bytes: b, compact: compact, to: out)
        value(#","insight_details":"#, e.insightDetails)
        text(#","insight_state":"#, e.insightState)
        text(#","insight_type":"#, e.insightType)
        value(#","addendum":"#, e.addendum)
        value(#","edge_device_details":"#, e.edgeDeviceDetails)
        value(#","user_identity":"#, e.userIdentity)
        // Provenance
        out.append(context.provenanceJSON)
        out.append(#","record_index":"#)
        JSONOutput.appendInt(e.recordIndex, to: out)
        if !e.derived.isEmpty {
            out.append(#","derived_fields":"#)
            out.append(UInt8(ascii: "["))
            for (k, name) in e.derived.columnNames.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                JSONOutput.appendString(name, to: out)
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "}"))
        out.append(UInt8(ascii: "\n"))
    }

    /// Appends the original record on one line, then `\n` (`--format raw`).
    public static func appendRawLine(record: RecordView, to out: OutputBuffer) {
        record.withUnsafeBytes { bytes in
            if record.isCompact {
                out.append(bytes)
            } else {
                JSONText.appendCompact(bytes, to: out)
            }
        }
        out.append(UInt8(ascii: "\n"))
    }

    /// `resource_arns`: the string `ARN` (any key case) of each object in `resources`, when there is at least one.
    static func appendResourceARNs(
        _ resources: JSONSlice?, bytes: UnsafeRawBufferPointer, compact: Bool, to out: OutputBuffer
    ) {
        var count = 0
        Normalizer.forEachResourceARN(bytes, resources) { arn in
            if count == 0 {
                out.append(#","resource_arns":"#)
                out.append(UInt8(ascii: "["))
            } else {
                out.append(UInt8(ascii: ","))
            }
            JSONOutput.appendText(bytes, arn, compact: compact, to: out)
            count += 1
        }
        if count > 0 { out.append(UInt8(ascii: "]")) }
    }
}
