public import TrailMillDecoding
public import TrailMillNormalize
import TrailMillArchive

/// Writes events as CEF:0 lines, following `Schemas/cef-leef-mapping-v1.md` (the cef.md §2.2 mapping).
///
/// Header: `CEF:0|Amazon|AWS CloudTrail|<eventVersion>|<eventSource>:<eventName>|<eventName>|<severity>|`.
/// Extension keys, in this order, each written only when it has a value: `rt` (eventTime, epoch ms),
/// `externalId` (eventID), `act` (eventName), `destinationServiceName` (eventSource), one of `src` (IPv4) /
/// `c6a2` + `c6a2Label` (IPv6) / `shost` (anything else) from sourceIPAddress, `suser`, `suid` (principalId),
/// `sourceServiceName` (invokedBy), `duser` (requestParameters.userName), `requestClientApplication` (userAgent),
/// `outcome`, `reason` (errorCode), `msg` (errorMessage), `cat` (eventType), `deviceExternalId` (recipient
/// account), then labelled custom fields `cs1` userIdentityArn, `cs2` userIdentityType, `cs3` awsRegion,
/// `cs4` requestParameters (compact JSON), `cs5` insightState (Insights only), `cs6` accessKeyId, `cn1` readOnly (1/0).
/// For Insights events the class ID is `AwsCloudTrailInsight:<insightType>`, and `act` /
/// `destinationServiceName` name the API the insight is about.
public enum CEFEncoder {
    /// Appends one CEF line for `event` (made from `record`), ending in `\n`.
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
        let severity = SeverityPolicy.severity(event, bytes: bytes)
        syslog.append(millis: event.eventTimeMillis, severity: severity, hostName: scratch.hostName, to: out)

        // Header.
        func header(_ slice: JSONSlice?, limit: Int, orElse fallback: StaticString) {
            if values.withText(slice, { SIEMText.appendCEFHeader($0, limit: limit, to: out) }) != true {
                out.append(fallback)
            }
        }
        out.append("CEF:0|Amazon|AWS CloudTrail|")
        header(event.eventVersion, limit: 31, orElse: "")
        out.append(UInt8(ascii: "|"))
        let insight = values.isInsight
        header(insight ? event.eventType : event.eventSource, limit: 500, orElse: "unknown")
        out.append(UInt8(ascii: ":"))
        header(insight ? event.insightType : event.eventName, limit: 500, orElse: "unknown")
        out.append(UInt8(ascii: "|"))
        header(insight ? event.insightType : event.eventName, limit: 512, orElse: "unknown")
        out.append(UInt8(ascii: "|"))
        JSONOutput.appendInt(severity, to: out)
        out.append(UInt8(ascii: "|"))

        // Extension.
        out.append("rt=")
        JSONOutput.appendInt(Int(event.eventTimeMillis), to: out)
        func field(_ key: StaticString, _ raw: UnsafeRawBufferPointer, limit: Int) {
            guard let range = SIEMText.trimmed(raw) else { return }
            out.append(UInt8(ascii: " "))
            out.append(key)
            out.append(UInt8(ascii: "="))
            SIEMText.appendCEFValue(raw, range, limit: limit, to: out)
        }
        func text(_ key: StaticString, _ slice: JSONSlice?, limit: Int) {
            _ = values.withText(slice) { field(key, $0, limit: limit) }
        }
        func labelled(_ labelKey: StaticString, _ label: StaticString, _ key: StaticString, _ raw: UnsafeRawBufferPointer, limit: Int) {
            guard SIEMText.trimmed(raw) != nil else { return }
            field(labelKey, UnsafeRawBufferPointer(start: label.utf8Start, count: label.utf8CodeUnitCount), limit: 1023)
            field(key, raw, limit: limit)
        }
        func labelledText(_ labelKey: StaticString, _ label: StaticString, _ key: StaticString, _ slice: JSONSlice?, limit: Int) {
            _ = values.withText(slice) { labelled(labelKey, label, key, $0, limit: limit) }
        }

        text("externalId", event.eventID, limit: 40)
        if insight {
            // Insights: the API the insight is about, and whether it starts or ends.
            text("act", values.insightMember("eventName"), limit: 63)
            text("destinationServiceName", values.insightMember("eventSource"), limit: 1023)
        } else {
            text("act", event.eventName, limit: 63)
            text("destinationServiceName", event.eventSource, limit: 1023)
        }
        _ = values.withText(event.sourceIPAddress) { raw in
            switch SourceAddress(raw, isAddress: event.sourceIsIP) {
            case .ipv4(let address): field("src", address, limit: 64)
            case .ipv6(let address):
                field("c6a2", address, limit: 64)
                field("c6a2Label", literal("Source IPv6 Address"), limit: 1023)
            case .host(let host): field("shost", host, limit: 1023)
            case nil: break
            }
        }
        if let user = values.sourceUserName {
            text("suser", user, limit: 1023)
        } else if values.isRoot {
            field("suser", literal("root"), limit: 1023)
        }
        text("suid", event.userPrincipalID, limit: 1023)
        text("sourceServiceName", event.userInvokedBy, limit: 1023)
        text("duser", values.targetUserName, limit: 1023)
        text("requestClientApplication", event.userAgent, limit: 1023)
        field("outcome", literal(event.isFailure ? "failure" : "success"), limit: 63)
        text("reason", event.errorCode, limit: 1023)
        text("msg", event.errorMessage, limit: 1023)
        text("cat", event.eventType, limit: 1023)
        if let account = values.nonBlank(event.recipientAccountID) {
            text("deviceExternalId", account, limit: 255)
        } else {
            var folder = context.file.accountID
            folder.withUTF8 { field("deviceExternalId", UnsafeRawBufferPointer($0), limit: 255) }
        }
        labelledText("cs1Label", "userIdentityArn", "cs1", event.userARN, limit: 4000)
        labelledText("cs2Label", "userIdentityType", "cs2", event.userType, limit: 4000)
        labelledText("cs3Label", "awsRegion", "cs3", event.awsRegion, limit: 4000)
        _ = values.withCompactJSON(event.requestParameters) { labelled("cs4Label", "requestParameters", "cs4", $0, limit: 4000) }
        if insight { labelledText("cs5Label", "insightState", "cs5", event.insightState, limit: 4000) }
        labelledText("cs6Label", "accessKeyId", "cs6", event.userAccessKeyID, limit: 4000)
        if let readOnly = event.readOnly {
            labelled("cn1Label", "readOnly", "cn1", literal(readOnly ? "1" : "0"), limit: 20)
        }
        out.append(UInt8(ascii: "\n"))
    }

    @inline(__always)
    static func literal(_ text: StaticString) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)
    }
}
