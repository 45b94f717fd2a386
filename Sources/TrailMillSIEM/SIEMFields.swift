import TrailMillDecoding
import TrailMillNormalize

/// Buffers an encoder reuses from record to record (one per worker).
public final class SIEMScratch {
    let decoded = OutputBuffer(capacity: 4096)
    let json = OutputBuffer(capacity: 4096)
    let hostName: [UInt8]

    /// Creates buffers; `hostName` goes into syslog headers.
    public init(hostName: String = SyslogHeader.localHostName) { self.hostName = Array(hostName.utf8) }
}

@available(*, unavailable)
extension SIEMScratch: Sendable {}

/// Where `sourceIPAddress` goes: one IPv4 address, one IPv6 address, or anything else (a service host name,
/// `AWS Internal`, a comma list, an address with a leading-zero octet).
enum SourceAddress {
    case ipv4(UnsafeRawBufferPointer)
    case ipv6(UnsafeRawBufferPointer)
    case host(UnsafeRawBufferPointer)

    /// Classifies decoded `sourceIPAddress` text; `::ffff:a.b.c.d` is unmapped to IPv4. `isAddress` is the
    /// normalizer's verdict (`FlatEvent.sourceIsIP`), so no address is parsed twice.
    init?(_ text: UnsafeRawBufferPointer, isAddress: Bool) {
        guard let range = SIEMText.trimmed(text) else { return nil }
        let value = UnsafeRawBufferPointer(rebasing: text[range])
        // The normalizer tested the untrimmed text; a padded value (" 10.0.0.1 ") is tested again after trimming.
        let address = range.count == text.count ? isAddress : IPAddress.isAddress(value)
        if !address {
            self = .host(value)
        } else if IPAddress.isIPv4(value) {
            self = .ipv4(value)
        } else if value.contains(UInt8(ascii: ":")) {
            let mapped: StaticString = "::ffff:"
            let n = mapped.utf8CodeUnitCount
            if value.count > n, SIEMText.equalsIgnoringCase(UnsafeRawBufferPointer(rebasing: value[..<n]), mapped),
                IPAddress.isIPv4(UnsafeRawBufferPointer(rebasing: value[n...]))
            {
                self = .ipv4(UnsafeRawBufferPointer(rebasing: value[n...]))
            } else {
                self = .ipv6(value)
            }
        } else {
            self = .host(value)
        }
    }
}

/// Reading values for SIEM fields out of a normalized event.
struct SIEMValues {
    let event: FlatEvent
    let bytes: UnsafeRawBufferPointer
    let isCompact: Bool
    let scratch: SIEMScratch

    /// Calls `body` with the decoded UTF-8 of a text slice (the input bytes themselves when it has no escapes).
    func withText<R>(_ slice: JSONSlice?, _ body: (UnsafeRawBufferPointer) -> R) -> R? {
        guard let slice else { return nil }
        guard slice.hasEscapes else { return body(UnsafeRawBufferPointer(rebasing: bytes[slice.range])) }
        scratch.decoded.removeAll()
        var decoded: [UInt8] = []
        JSONText.unescape(UnsafeRawBufferPointer(rebasing: bytes[slice.range]), into: &decoded)
        scratch.decoded.append(decoded)
        return scratch.decoded.withUnsafeBytes(body)
    }

    /// Calls `body` with a JSON value's compact text (for `requestParameters`): the input bytes themselves when
    /// the record is already compact.
    func withCompactJSON<R>(_ slice: JSONSlice?, _ body: (UnsafeRawBufferPointer) -> R) -> R? {
        guard let slice, slice.kind != .null else { return nil }
        if isCompact && slice.kind != .string { return body(UnsafeRawBufferPointer(rebasing: bytes[slice.range])) }
        scratch.json.removeAll()
        JSONOutput.appendValue(bytes, slice, compact: false, to: scratch.json)
        return scratch.json.withUnsafeBytes(body)
    }

    /// `slice` unless its decoded text is blank (whitespace or control characters only), so fallbacks apply.
    func nonBlank(_ slice: JSONSlice?) -> JSONSlice? {
        guard let slice else { return nil }
        return withText(slice) { SIEMText.trimmed($0) != nil } == true ? slice : nil
    }

    /// `suser`: userIdentity.userName, else the session issuer's userName (else `root` for the root user).
    var sourceUserName: JSONSlice? { nonBlank(event.userName) ?? nonBlank(event.sessionIssuerUserName) }

    /// A text member of `insightDetails` (`eventSource`, `eventName`).
    func insightMember(_ key: StaticString) -> JSONSlice? {
        guard let details = event.insightDetails, details.kind == .object,
            let value = JSONText.member(bytes, details, key), value.kind == .string
        else { return nil }
        return value
    }

    var isRoot: Bool { event.userType.map { JSONText.equals(bytes, $0, "Root") } ?? false }

    /// `duser`: `requestParameters.userName` when it is a string (the target of IAM user actions).
    var targetUserName: JSONSlice? {
        guard let parameters = event.requestParameters, parameters.kind == .object,
            let name = JSONText.member(bytes, parameters, "userName"), name.kind == .string, name.count > 0
        else { return nil }
        return name
    }

    var isInsight: Bool {
        guard let type = event.eventType, !type.hasEscapes else { return false }
        return SIEMText.equalsIgnoringCase(UnsafeRawBufferPointer(rebasing: bytes[type.range]), "AwsCloudTrailInsight")
    }
}
