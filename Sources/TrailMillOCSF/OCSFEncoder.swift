public import TrailMillDecoding
public import TrailMillNormalize
import TrailMillArchive

/// Writes CloudTrail records as OCSF 1.1.0 events, one JSON object per line (`Schemas/ocsf-mapping-v1.md`).
///
/// The class is chosen per record (`OCSFClassifier`): Authentication (3002), Account Change (3001), API Activity
/// (6003), or Detection Finding (2004) for CloudTrail Insights records. Every event has `metadata` (OCSF version
/// `1.1.0`, profiles `cloud` and `datetime`), `cloud`, `time` (epoch ms) and `time_dt`, `severity_id`, `status_id`
/// and `type_uid`; what the mapping does not place is kept, as written, in `unmapped`. Absent values are omitted
/// (never `null`). Strings are copied with their escapes as written, payloads embedded in `api.request.data` and
/// `api.response.data` are JSON strings of the compact payload text, and a line never holds a raw line break or
/// U+0085/U+2028/U+2029.
public enum OCSFEncoder {
    /// The OCSF schema version written in `metadata.version`.
    public static let schemaVersion = "1.1.0"

    /// Appends one OCSF event and `\n` for `event`, normalized from the record whose JSON text (`{` to `}`) is
    /// `bytes`.
    ///
    /// This form re-reads the record's top-level members and treats its text as possibly pretty-printed; when the
    /// decoder's view of the record is at hand, the form taking `isCompact` and `topLevelMembers` is faster.
    /// - Warning: `bytes` is read only during the call; the slices of `event` must point into it.
    public static func appendLine(
        _ event: FlatEvent, bytes: UnsafeRawBufferPointer, context: FileContext, scratch: OCSFScratch, to out: OutputBuffer
    ) {
        appendLine(event, bytes: bytes, isCompact: false, topLevelMembers: nil, context: context, scratch: scratch, to: out)
    }

    /// Appends one OCSF event and `\n` for `event`, normalized from `record`.
    public static func appendLine(
        _ event: FlatEvent, record: RecordView, context: FileContext, scratch: OCSFScratch, to out: OutputBuffer
    ) {
        record.withUnsafeBytes { bytes in
            record.members.withUnsafeBufferPointer { members in
                appendLine(
                    event, bytes: bytes, isCompact: record.isCompact, topLevelMembers: members, context: context,
                    scratch: scratch, to: out)
            }
        }
    }

    /// Appends one OCSF event and `\n` for `event`, normalized from the record whose JSON text is `bytes`.
    ///
    /// - Parameters:
    ///   - isCompact: the record has no whitespace between tokens and no raw U+2028/U+2029 (`RecordView.isCompact`),
    ///     so its values can be copied as they are; false is always correct, only slower.
    ///   - topLevelMembers: the record's top-level members (`RecordView.members`), or nil to read them again.
    /// - Warning: `bytes` and `topLevelMembers` are read only during the call.
    public static func appendLine(
        _ event: FlatEvent, bytes: UnsafeRawBufferPointer, isCompact: Bool, topLevelMembers: UnsafeBufferPointer<JSONMember>?,
        context: FileContext, scratch: OCSFScratch, to out: OutputBuffer
    ) {
        scratch.prepare(for: context)
        var record = OCSFRecord(event, bytes: bytes, compact: isCompact)
        record.write(scratch: scratch, topLevelMembers: topLevelMembers, to: out)
    }
}

/// One record on its way out: the flat event, the OCSF class and the values derived for it. Plain data (no
/// references), so passing it around copies no reference counts; per-file values are in `OCSFScratch`.
struct OCSFRecord {
    let e: FlatEvent
    let bytes: UnsafeRawBufferPointer
    let compact: Bool
    let classification: OCSFClassification
    var isFinding: Bool { classification.eventClass == .detectionFinding }

    // The actor (`userIdentity`).
    /// Whether `actor.user` is written: it has a `uid`, `name` or `account`.
    var hasUser = false
    /// `actor.user.name`: `userIdentity.userName`, else `additionalEventData.UserName` for Identity Center users.
    var userName: JSONSlice?
    /// `actor.user.uid_alt`: `principalId`, else `onBehalfOf.userId`.
    var uidAlt: JSONSlice?
    /// `actor.user.credential_uid`: `accessKeyId`, else `credentialId`.
    var credentialUID: JSONSlice?
    /// `actor.idp.name`: `identityProvider`, else `sessionContext.webIdFederationData.federatedProvider` (found by
    /// the `unmapped` walk).
    var idpName: JSONSlice?
    /// `actor.idp.uid`: `onBehalfOf.identityStoreArn`.
    var idpUID: JSONSlice?
    /// `api.request` (whose `uid` is required) is written only with a `requestID`; `requestParameters` without one
    /// stays in `unmapped`.
    var requestMapped = false
    /// Some element of `resources` could not be written as a `resources[]` object, so the whole value is kept in
    /// `unmapped` too.
    var resourcesHaveLeftovers = false
    // Authentication.
    var loginTo: JSONSlice?
    // Insights: the API the Insight is about (`insightDetails.eventSource`, `eventName`).
    var insightSource: JSONSlice?
    var insightName: JSONSlice?

    init(_ event: FlatEvent, bytes: UnsafeRawBufferPointer, compact: Bool) {
        e = event
        self.bytes = bytes
        self.compact = compact
        classification = OCSFClassifier.classify(event, bytes: bytes)
        guard !isFinding else {
            insightSource = insightMember("eventSource")
            insightName = insightMember("eventName")
            return
        }
        deriveActor()
        requestMapped = e.requestID != nil && e.requestParameters != nil
        if classification.eventClass == .authentication, let extra = e.additionalEventData, extra.kind == .object {
            loginTo = JSONText.member(bytes, extra, "LoginTo").flatMap(Self.text)
        }
    }

    /// A text value (the flat schema's text rule, `Normalizer.text`).
    @inline(__always)
    static func text(_ v: JSONSlice) -> JSONSlice? { Normalizer.text(v) }

    /// Whether `slice` is the value that starts at `value`'s position (so that member is the one mapped).
    @inline(__always)
    static func same(_ slice: JSONSlice?, _ value: JSONSlice) -> Bool {
        guard let slice else { return false }
        return slice.start == value.start && slice.end == value.end
    }

    func equals(_ slice: JSONSlice?, _ literal: StaticString) -> Bool {
        guard let slice, slice.kind == .string else { return false }
        return JSONText.equals(bytes, slice, literal)
    }

    // MARK: Writing

    mutating func write(scratch: OCSFScratch, topLevelMembers: UnsafeBufferPointer<JSONMember>?, to out: OutputBuffer) {
        out.append(OCSFLiterals.classHeader(classification.eventClass))
        out.append(OCSFLiterals.activity(classification))
        out.append(OCSFLiterals.informational)
        out.append(#","time":"#)
        JSONOutput.appendInt(Int(e.eventTimeMillis), to: out)
        out.append(#","time_dt":""#)
        Timestamp.appendISO8601(e.eventTimeMillis, to: out)
        out.append(UInt8(ascii: "\""))
        writeStatus(to: out)
        writeMetadata(scratch: scratch, to: out)
        writeCloud(scratch: scratch, to: out)
        if isFinding {
            writeInsightFinding(to: out)
            writeUnmapped(scratch: scratch, topLevelMembers: topLevelMembers, to: out)
        } else {
            writeResources(to: out)
            // Before `actor`: the walk finds `federatedProvider` for `actor.idp` (member order has no meaning).
            writeUnmapped(scratch: scratch, topLevelMembers: topLevelMembers, to: out)
            writeActor(to: out)
            writeAPI(scratch: scratch, to: out)
            writeSourceEndpoint(to: out)
            if let agent = e.userAgent {
                out.append(#","http_request":{"user_agent":"#)
                appendText(agent, to: out)
                out.append(UInt8(ascii: "}"))
            }
            switch classification.eventClass {
            case .authentication: writeAuthentication(scratch: scratch, to: out)
            case .accountChange: writeAccountChange(scratch: scratch, to: out)
            default: break
            }
            writeObservables(to: out)
        }
        out.append(UInt8(ascii: "}"))
        out.append(UInt8(ascii: "\n"))
    }

    @inline(__always)
    func appendText(_ slice: JSONSlice, to out: OutputBuffer) {
        JSONOutput.appendText(bytes, slice, compact: compact, to: out)
    }

    /// `key` then the text value, when there is one.
    @inline(__always)
    func member(_ key: StaticString, _ slice: JSONSlice?, _ object: inout JSONObjectWriter) {
        guard let slice else { return }
        object.key(key)
        appendText(slice, to: object.out)
    }

    /// `status_id` and `status` (Success / Failure as the flat `outcome`; New / Resolved for a finding), with the
    /// CloudTrail `errorCode` and `errorMessage` as `status_code` and `status_detail`.
    func writeStatus(to out: OutputBuffer) {
        if isFinding {
            out.append(classification.activityID == 3 ? OCSFLiterals.findingResolved : OCSFLiterals.findingNew)
            return
        }
        out.append(e.isFailure ? OCSFLiterals.failure : OCSFLiterals.success)
        if let code = e.errorCode {
            out.append(#","status_code":"#)
            appendText(code, to: out)
        }
        if let message = e.errorMessage {
            out.append(#","status_detail":"#)
            appendText(message, to: out)
        }
    }

    func writeMetadata(scratch: OCSFScratch, to out: OutputBuffer) {
        out.append(OCSFLiterals.metadataStart)
        if let version = e.eventVersion {
            out.append(#","version":"#)
            appendText(version, to: out)
        }
        if let category = e.eventCategory {
            out.append(#","feature":{"name":"#)
            appendText(category, to: out)
            out.append(UInt8(ascii: "}"))
        } else if let derived = e.derivedEventCategory {
            out.append(#","feature":{"name":"#)
            JSONOutput.appendString(derived.rawValue, to: out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "}"))
        var object = JSONObjectWriter(out)
        object.isEmpty = false
        member(#""uid":"#, e.eventID, &object)
        member(#""event_code":"#, e.eventType, &object)
        member(#""correlation_uid":"#, e.sharedEventID, &object)
        out.append(scratch.logNameJSON)
        out.append(#","sequence":"#)
        JSONOutput.appendInt(e.recordIndex, to: out)
        out.append(UInt8(ascii: "}"))
    }

    /// `cloud`: provider AWS, the region, and the account (`recipientAccountId`, else the archive's account folder,
    /// as for the flat `recipient_account_id`).
    func writeCloud(scratch: OCSFScratch, to out: OutputBuffer) {
        out.append(#","cloud":{"provider":"AWS""#)
        if let region = e.awsRegion {
            out.append(#","region":"#)
            appendText(region, to: out)
        }
        out.append(#","account":{"uid":"#)
        if let account = e.recipientAccountID {
            appendText(account, to: out)
        } else {
            out.append(scratch.accountJSON)
        }
        out.append(UInt8(ascii: "}"))
        out.append(UInt8(ascii: "}"))
    }
}
