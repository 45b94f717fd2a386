public import TrailMillDecoding
public import TrailMillNormalize
import TrailMillArchive

/// Writes events as LEEF 2.0 lines with a TAB delimiter (declared as `x09`), following
/// `Schemas/cef-leef-mapping-v1.md`: the CEF mapping, with LEEF's predefined keys where they exist.
///
/// Header: `LEEF:2.0|Amazon|AWS CloudTrail|<eventVersion>|<eventSource>:<eventName>|x09|`.
/// Attributes, in this order, each only when it has a value: `devTime` (epoch ms), `sev` (1–10), `cat`
/// (eventType), `externalId`, `act`, `destinationServiceName`, `insightState` (Insights only), `src` (IPv4 or
/// IPv6) or `shost`, `usrName`, `suid`,
/// `sourceServiceName`, `duser`, `requestClientApplication`, `outcome`, `reason`, `msg`, `accountName` (recipient
/// account), `userIdentityArn`, `userIdentityType`, `awsRegion`, `requestParameters` (compact JSON),
/// `accessKeyId`, `readOnly` (true/false).
///
/// LEEF defines no escaping, so values are sanitized: TAB, CR, LF and other control characters become spaces
/// (in header fields `|` too), so a value can never contain the delimiter or a line break.
public enum LEEFEncoder {
    /// Appends one LEEF 2.0 line for `event` (made from `record`), ending in `\n`.
    public static func appendLine(
        _ event: FlatEvent, record: RecordView, context: FileContext, syslog: SyslogHeader = .none,
        scratch: SIEMScratch, to out: OutputBuffer
    ) {
        record.withUnsafeBytes { bytes in
            appendLine(
                event, bytes: bytes, isCompact: record.isCompact, context: context, syslog: syslog, scratch: scratch,
                to: out)
        }
    }

    /// ``appendLine(_:record:context:syslog:scratch:to:)`` for a record's `bytes` (valid only during the call).
    public static func appendLine(
        _ event: FlatEvent, bytes: UnsafeRawBufferPointer, isCompact: Bool, context: FileContext,
        syslog: SyslogHeader = .none, scratch: SIEMScratch, to out: OutputBuffer
    ) {
        let values = SIEMValues(event: event, bytes: bytes, isCompact: isCompact, scratch: scratch)
        let severity = max(1, SeverityPolicy.severity(event, bytes: bytes))
        syslog.append(millis: event.eventTimeMillis, severity: severity, hostName: scratch.hostName, to: out)

        func header(_ slice: JSONSlice?, limit: Int) -> Bool {
            values.withText(slice) { raw in
                guard let range = SIEMText.trimmed(raw) else { return false }
                SIEMText.appendLEEF(raw, range, limit: limit, header: true, to: out)
                return true
            } ?? false
        }
        out.append("LEEF:2.0|Amazon|AWS CloudTrail|")
        _ = header(event.eventVersion, limit: 31)
        out.append(UInt8(ascii: "|"))
        let insight = values.isInsight
        if !header(insight ? event.eventType : event.eventSource, limit: 120) { out.append("unknown") }
        out.append(UInt8(ascii: ":"))
        if !header(insight ? event.insightType : event.eventName, limit: 120) { out.append("unknown") }
        out.append("|x09|")

        out.append("devTime=")
        JSONOutput.appendInt(Int(event.eventTimeMillis), to: out)
        out.append("\tsev=")
        JSONOutput.appendInt(severity, to: out)
        func field(_ key: StaticString, _ raw: UnsafeRawBufferPointer, limit: Int) {
            guard let range = SIEMText.trimmed(raw) else { return }
            out.append(UInt8(ascii: "\t"))
            out.append(key)
            out.append(UInt8(ascii: "="))
            SIEMText.appendLEEF(raw, range, limit: limit, header: false, to: out)
        }
        func text(_ key: StaticString, _ slice: JSONSlice?, limit: Int) {
            _ = values.withText(slice) { field(key, $0, limit: limit) }
        }
        text("cat", event.eventType, limit: 255)
        text("externalId", event.eventID, limit: 255)
        if insight {
            text("act", values.insightMember("eventName"), limit: 255)
            text("destinationServiceName", values.insightMember("eventSource"), limit: 1023)
            text("insightState", event.insightState, limit: 255)
        } else {
            text("act", event.eventName, limit: 255)
            text("destinationServiceName", event.eventSource, limit: 1023)
        }
        _ = values.withText(event.sourceIPAddress) { raw in
            switch SourceAddress(raw, isAddress: event.sourceIsIP) {
            case .ipv4(let address), .ipv6(let address): field("src", address, limit: 64)
            case .host(let host): field("shost", host, limit: 1023)
            case nil: break
            }
        }
        if let user = values.sourceUserName {
            text("usrName", user, limit: 255)
        } else if values.isRoot {
            field("usrName", CEFEncoder.literal("root"), limit: 255)
        }
        text("suid", event.userPrincipalID, limit: 1023)
        text("sourceServiceName", event.userInvokedBy, limit: 1023)
        text("duser", values.targetUserName, limit: 1023)
        text("requestClientApplication", event.userAgent, limit: 1023)
        field("outcome", CEFEncoder.literal(event.isFailure ? "failure" : "success"), limit: 63)
        text("reason", event.errorCode, limit: 1023)
        text("msg", event.errorMessage, limit: 1023)
        if let account = values.nonBlank(event.recipientAccountID) {
            text("accountName", account, limit: 255)
        } else {
            var folder = context.file.accountID
            folder.withUTF8 { field("accountName", UnsafeRawBufferPointer($0), limit: 255) }
        }
        text("userIdentityArn", event.userARN, limit: 4000)
        text("userIdentityType", event.userType, limit: 4000)
        text("awsRegion", event.awsRegion, limit: 4000)
        _ = values.withCompactJSON(event.requestParameters) { field("requestParameters", $0, limit: 4000) }
        text("accessKeyId", event.userAccessKeyID, limit: 4000)
        if let readOnly = event.readOnly {
            field("readOnly", CEFEncoder.literal(readOnly ? "true" : "false"), limit: 8)
        }
        out.append(UInt8(ascii: "\n"))
    }
}
