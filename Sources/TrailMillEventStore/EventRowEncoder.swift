public import TrailMillDecoding
public import TrailMillNormalize
public import TrailMillArchive
import TrailMillHex

/// Writes one normalized event as a row of `COPY events (EventColumns.names) FROM STDIN` in text format.
///
/// Values come straight from the record's bytes (see `CopyFields`); what PostgreSQL cannot hold is replaced per the
/// policy in `ReplacedCharacters`. Every row satisfies the table's NOT NULL columns, so a COPY never fails on
/// content.
public enum EventRowEncoder {
    /// The per-file tail of every row (provenance columns), encoded once per file.
    public struct FileColumns: Sendable {
        /// The file's account folder: `recipient_account_id` when the record has none.
        let accountFolder: [UInt8]
        /// `\tsource_file\tarchive_org_id\tarchive_account_id\tarchive_region\tdelivery_date\t`.
        let provenance: [UInt8]

        /// Encodes `file`'s provenance columns.
        public init(file: TrailFile) {
            let out = OutputBuffer(capacity: 256)
            var ignored = ReplacedCharacters()
            func field(_ text: String?) {
                out.append(0x09)
                guard var text else {
                    out.append(#"\N"#)
                    return
                }
                text.withUTF8 { CopyFields.appendEscaped(UnsafeRawBufferPointer($0), to: out, replaced: &ignored) }
            }
            field(file.relativePath)
            field(file.organizationID)
            field(file.accountID)
            field(file.region)
            field(file.deliveryDate.description)
            out.append(0x09)
            provenance = out.bytes
            out.removeAll()
            var account = file.accountID
            account.withUTF8 { CopyFields.appendEscaped(UnsafeRawBufferPointer($0), to: out, replaced: &ignored) }
            accountFolder = out.bytes
        }
    }

    /// A content-derived identifier for a record whose eventID cannot serve as a key (absent, or not a GUID):
    /// `tm-` and 32 hex digits of two 64-bit hashes of the record's compact JSON text.
    public struct SurrogateID: Sendable, Hashable {
        public var high: UInt64
        public var low: UInt64
        /// Creates the identifier from its two hash halves.
        public init(high: UInt64, low: UInt64) {
            self.high = high
            self.low = low
        }
    }

    /// Appends one row (ending in `\n`) for `e`.
    ///
    /// - Parameter surrogate: when non-nil, `event_id` is this surrogate, the record's own eventID (if any) goes to
    ///   `raw_event_id`, and `derived_fields` lists `event_id`.
    public static func appendRow(
        _ e: FlatEvent, record: RecordView, context: FileContext, file: FileColumns, surrogate: SurrogateID?,
        keepingRaw: Bool = false, to out: OutputBuffer, replaced: inout ReplacedCharacters
    ) {
        record.withUnsafeBytes { bytes in
            appendRow(
                e, bytes: bytes, isCompact: record.isCompact, context: context, file: file, surrogate: surrogate,
                keepingRaw: keepingRaw, to: out, replaced: &replaced)
        }
    }

    /// ``appendRow(_:record:context:file:surrogate:keepingRaw:to:replaced:)`` for a record's `bytes` (valid only
    /// during the call). With `keepingRaw`, the whole record follows as the `raw` jsonb column.
    public static func appendRow(
        _ e: FlatEvent, bytes b: UnsafeRawBufferPointer, isCompact: Bool, context: FileContext, file: FileColumns,
        surrogate: SurrogateID?, keepingRaw: Bool = false, to out: OutputBuffer, replaced: inout ReplacedCharacters
    ) {
        @inline(__always) func tab() { out.append(0x09) }
        @inline(__always) func null() { out.append(#"\N"#) }
        @inline(__always) func text(_ slice: JSONSlice?) {
            tab()
            if let slice { CopyFields.appendText(b, slice, to: out, replaced: &replaced) } else { null() }
        }
        @inline(__always) func bool(_ flag: Bool?) {
            tab()
            switch flag {
            case true?: out.append(UInt8(ascii: "t"))
            case false?: out.append(UInt8(ascii: "f"))
            case nil: null()
            }
        }
        @inline(__always) func json(_ slice: JSONSlice?) {
            tab()
            guard let slice else { return null() }
            let text = slice.kind == .string
                ? UnsafeRawBufferPointer(rebasing: b[Int(slice.start) - 1..<Int(slice.end) + 1])
                : UnsafeRawBufferPointer(rebasing: b[slice.range])
            CopyFields.appendJSON(text, to: out, replaced: &replaced)
        }

        // Event
        Timestamp.appendISO8601(e.eventTimeMillis, to: out)
        tab()
        if let surrogate {
            out.append("tm-")
            appendHex(surrogate.high, to: out)
            appendHex(surrogate.low, to: out)
        } else if let id = e.eventID {
            CopyFields.appendText(b, id, to: out, replaced: &replaced)
        }
        tab()
        if let recipient = e.recipientAccountID {
            CopyFields.appendText(b, recipient, to: out, replaced: &replaced)
        } else {
            out.append(file.accountFolder)
        }
        if surrogate != nil { text(e.eventID) } else { tab(); null() }
        tab()
        out.append(UInt8(ascii: "1"))
        text(e.eventVersion)
        text(e.eventSource)
        text(e.eventName)
        text(e.eventType)
        tab()
        if let category = e.eventCategory {
            CopyFields.appendText(b, category, to: out, replaced: &replaced)
        } else if let derived = e.derivedEventCategory {
            var name = derived.rawValue
            name.withUTF8 { out.append(UnsafeRawBufferPointer($0)) }
        } else {
            null()
        }
        text(e.awsRegion)
        bool(e.managementEvent)
        bool(e.readOnly)
        text(e.requestID)
        text(e.apiVersion)
        text(e.sharedEventID)
        // Source
        text(e.sourceIPAddress)
        text(e.sourceIsIP ? e.sourceIPAddress : nil)
        text(e.userAgent)
        text(e.vpcEndpointID)
        text(e.vpcEndpointAccountID)
        text(e.tlsVersion)
        text(e.tlsCipherSuite)
        text(e.tlsClientHost)
        bool(e.sessionCredentialFromConsole)
        // Outcome
        text(e.errorCode)
        text(e.errorMessage)
        tab()
        out.append(e.isFailure ? "failure" : "success")
        text(e.consoleLoginResult)
        bool(e.mfaUsed)
        // Actor
        text(e.userType)
        text(e.userPrincipalID)
        text(e.userARN)
        text(e.userAccountID)
        text(e.userAccessKeyID)
        text(e.userName)
        text(e.userInvokedBy)
        text(e.userIdentityProvider)
        text(e.userCredentialID)
        text(e.sessionIssuerType)
        text(e.sessionIssuerPrincipalID)
        text(e.sessionIssuerARN)
        text(e.sessionIssuerAccountID)
        text(e.sessionIssuerUserName)
        bool(e.sessionMFAAuthenticated)
        tab()
        if let created = e.sessionCreationMillis { Timestamp.appendISO8601(created, to: out) } else { null() }
        text(e.sessionSourceIdentity)
        text(e.sessionEC2RoleDelivery)
        text(e.actor)
        // Payload
        json(e.requestParameters)
        json(e.responseElements)
        json(e.additionalEventData)
        json(e.serviceEventDetails)
        json(e.resources)
        tab()
        appendResourceARNs(e.resources, bytes: b, to: out, replaced: &replaced)
        json(e.insightDetails)
        text(e.insightState)
        text(e.insightType)
        json(e.addendum)
        json(e.edgeDeviceDetails)
        json(e.userIdentity)
        // Provenance
        out.append(file.provenance)
        JSONOutput.appendInt(e.recordIndex, to: out)
        tab()
        if e.derived.isEmpty && surrogate == nil {
            null()
        } else {
            let derived = e.derived.columnNames + (surrogate != nil ? ["event_id"] : [])
            out.append(UInt8(ascii: "{"))
            for (k, name) in derived.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                var name = name
                name.withUTF8 { out.append(UnsafeRawBufferPointer($0)) }
            }
            out.append(UInt8(ascii: "}"))
        }
        if keepingRaw {
            tab()
            CopyFields.appendJSON(b, to: out, replaced: &replaced)
        }
        out.append(0x0A)
    }

    /// `resource_arns` as a `text[]` literal (`{"arn:…","arn:…"}`, elements quoted with `"` and `\` escaped), or
    /// `\N` when there are none.
    static func appendResourceARNs(
        _ resources: JSONSlice?, bytes: UnsafeRawBufferPointer, to out: OutputBuffer, replaced: inout ReplacedCharacters
    ) {
        var count = 0
        var element: [UInt8] = []
        // Created at the first ARN: most records have none, and this runs for every row.
        var decodedBuffer: OutputBuffer?
        Normalizer.forEachResourceARN(bytes, resources) { arn in
            let decoded = decodedBuffer ?? OutputBuffer(capacity: 256)
            decodedBuffer = decoded
            out.append(count == 0 ? UInt8(ascii: "{") : UInt8(ascii: ","))
            count += 1
            // Decode into COPY text first, then quote for the array literal: inside quotes `"` and `\` are
            // backslash-escaped, and COPY doubles every backslash again.
            decoded.removeAll()
            CopyFields.appendText(bytes, arn, to: decoded, replaced: &replaced)
            element.removeAll(keepingCapacity: true)
            element.append(UInt8(ascii: "\""))
            decoded.withUnsafeBytes { copyText in
                var k = 0
                while k < copyText.count {
                    let byte = copyText[k]
                    if byte == 0x5C && k + 1 < copyText.count && copyText[k + 1] == 0x5C {
                        // A COPY-escaped backslash (`\\`) is one data backslash: `\\\\` in COPY, `\\` in the array.
                        element.append(contentsOf: [0x5C, 0x5C, 0x5C, 0x5C])
                        k += 2
                        continue
                    }
                    if byte == UInt8(ascii: "\"") { element.append(contentsOf: [0x5C, 0x5C]) }
                    element.append(byte)
                    k += 1
                }
            }
            element.append(UInt8(ascii: "\""))
            out.append(element)
        }
        if count == 0 { out.append(#"\N"#) } else { out.append(UInt8(ascii: "}")) }
    }

    private static func appendHex(_ value: UInt64, to out: OutputBuffer) {
        Hex.forEachDigit(of: value) { out.append($0) }
    }
}
