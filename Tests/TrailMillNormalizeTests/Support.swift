import Foundation
import TrailMillTestSupport
import Testing
import TrailMillArchive
import TrailMillCompression
import TrailMillDecoding
import TrailMillNormalize

// MARK: Archive fixtures

/// Trail files (hand-built, as discovery would describe them) that records are normalized against.
enum Fixture {
    static let account = "111122223333"
    static let uniqueName = "Ab12Cd34Ef56Gh78"

    static func date(_ year: Int, _ month: Int, _ day: Int) -> CivilDate { CivilDate(year: year, month: month, day: day)! }

    /// An account trail file whose name carries the delivery stamp `20240315T1205Z`.
    static let accountTrailPath =
        "AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/15/111122223333_CloudTrail_us-east-1_20240315T1205Z_Ab12Cd34Ef56Gh78.json.gz"
    static let accountTrail = TrailFile(
        relativePath: accountTrailPath, absolutePath: "/archive/" + accountTrailPath, prefix: "", organizationID: nil,
        accountID: account, folder: .cloudTrail, region: "us-east-1", deliveryDate: date(2024, 3, 15), size: 2048)

    /// An organization trail file (member account 444455556666) under a key prefix, stamped `20240315T0930Z`.
    static let orgTrailPath =
        "logs/AWSLogs/o-a1b2c3d4e5/444455556666/CloudTrail/eu-west-1/2024/03/15/444455556666_CloudTrail_eu-west-1_20240315T0930Z_Zz98Yy76Xx54Ww32.json.gz"
    static let orgTrail = TrailFile(
        relativePath: orgTrailPath, absolutePath: "/archive/" + orgTrailPath, prefix: "logs",
        organizationID: "o-a1b2c3d4e5", accountID: "444455556666", folder: .cloudTrail, region: "eu-west-1",
        deliveryDate: date(2024, 3, 15), size: 4096)

    /// A file whose name has no delivery stamp (a hand-made export): the fallback time is the delivery date.
    static let unstampedPath = "AWSLogs/111122223333/CloudTrail/ap-south-1/2024/02/29/manual-export.json"
    static let unstamped = TrailFile(
        relativePath: unstampedPath, absolutePath: "/archive/" + unstampedPath, prefix: "", organizationID: nil,
        accountID: account, folder: .cloudTrail, region: "ap-south-1", deliveryDate: date(2024, 2, 29), size: 10)

    /// A file in a given trail folder (Insights, network activity).
    static func inFolder(_ folder: TrailFolder) -> TrailFile {
        let path =
            "AWSLogs/111122223333/\(folder.rawValue)/us-east-1/2024/03/15/111122223333_\(folder.rawValue)_us-east-1_20240315T1205Z_Ab12Cd34Ef56Gh78.json.gz"
        return TrailFile(
            relativePath: path, absolutePath: "/archive/" + path, prefix: "", organizationID: nil, accountID: account,
            folder: folder, region: "us-east-1", deliveryDate: date(2024, 3, 15), size: 100)
    }
}

// MARK: Running the normalizer

/// One record's outputs: the flat line, the raw line, and what the normalizer said about it.
struct FlatLine {
    /// The flat line without its trailing `\n`.
    let bytes: [UInt8]
    /// The `--format raw` line without its trailing `\n`.
    let raw: [UInt8]
    /// The record's bytes as the decoder handed them out.
    let record: [UInt8]
    let isCompact: Bool
    let derived: DerivedFields
    let eventTimeMillis: Int64
    /// The flat line parsed by Foundation (nil if Foundation rejects it, e.g. for lone surrogate escapes).
    let object: [String: Any]?
    /// Top-level keys of the flat line, in the order they were written.
    let keys: [String]

    var text: String { String(decoding: bytes, as: UTF8.self) }
    var rawText: String { String(decoding: raw, as: UTF8.self) }

    /// A column's parsed value (nil when absent).
    subscript(_ key: String) -> Any? { object?[key] }
    /// A string column (nil when absent or not a string).
    func string(_ key: String) -> String? { object?[key] as? String }
    /// A column as canonical JSON text (nil when absent): distinguishes `true` from `"true"` and `1`.
    func json(_ key: String) -> String? { canonical(object?[key]) }
    func has(_ key: String) -> Bool { keys.contains(key) }
    /// Whether the flat line contains `fragment` byte for byte.
    func contains(_ fragment: String) -> Bool { bytes.containsSubsequence(Array(fragment.utf8)) }
}

extension FlatLine: CustomTestStringConvertible {
    /// Failure messages show the line, not its byte arrays.
    var testDescription: String { text }
}

/// Decodes a whole log file's text and normalizes/encodes every record inside the decoder's callback.
func normalizeFile(_ text: String, file: TrailFile = Fixture.accountTrail) throws -> [FlatLine] {
    try normalizeFile(bytes: Array(text.utf8), file: file)
}

func normalizeFile(bytes: [UInt8], file: TrailFile = Fixture.accountTrail) throws -> [FlatLine] {
    let context = FileContext(file: file)
    let decoder = LogFileDecoder(reader: try DecompressingReader(bytes: bytes))
    let flat = OutputBuffer(capacity: 1024)
    let raw = OutputBuffer(capacity: 1024)
    var collected: [(flat: [UInt8], raw: [UInt8], record: [UInt8], compact: Bool, derived: DerivedFields, millis: Int64)] = []
    _ = try decoder.forEachRecord { record in
        flat.removeAll()
        raw.removeAll()
        let event = Normalizer.normalize(record, context: context)
        FlatEventEncoder.appendFlatLine(event, record: record, context: context, to: flat)
        FlatEventEncoder.appendRawLine(record: record, to: raw)
        collected.append(
            (flat.bytes, raw.bytes, record.withUnsafeBytes { Array($0) }, record.isCompact, event.derived, event.eventTimeMillis))
    }
    return collected.map { item in
        // Each output is exactly one line.
        #expect(item.flat.last == UInt8(ascii: "\n"))
        #expect(item.flat.dropLast().contains(UInt8(ascii: "\n")) == false)
        #expect(item.raw.last == UInt8(ascii: "\n"))
        #expect(item.raw.dropLast().contains(UInt8(ascii: "\n")) == false)
        let line = Array(item.flat.dropLast())
        let object = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any]
        let keys = topLevelKeys(line)
        #expect(Set(keys).count == keys.count, "duplicate keys in \(String(decoding: line, as: UTF8.self))")
        return FlatLine(
            bytes: line, raw: Array(item.raw.dropLast()), record: item.record, isCompact: item.compact,
            derived: item.derived, eventTimeMillis: item.millis, object: object, keys: keys)
    }
}

/// Normalizes one record (given as JSON text) wrapped in `{"Records":[...]}`.
func normalizeRecord(_ record: String, file: TrailFile = Fixture.accountTrail) throws -> FlatLine {
    let lines = try normalizeFile(#"{"Records":["# + record + "]}", file: file)
    try #require(lines.count == 1)
    return lines[0]
}

/// Like `normalizeRecord`, and requires that Foundation parsed the line.
func flat(_ record: String, file: TrailFile = Fixture.accountTrail) throws -> FlatLine {
    let line = try normalizeRecord(record, file: file)
    try #require(line.object != nil, "not parseable: \(line.text)")
    return line
}

// MARK: JSON helpers (independent of the code under test)

/// Canonical JSON text of a Foundation JSON value (sorted keys), so values compare by meaning and by type.
func canonical(_ value: Any?) -> String? {
    guard let value else { return nil }
    guard
        let data = try? JSONSerialization.data(
            withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes])
    else { return "<unserializable>" }
    return String(decoding: data, as: UTF8.self)
}

/// Canonical JSON text of JSON source text.
func canonical(json text: String) -> String? {
    guard let value = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) else {
        return "<invalid JSON: \(text)>"
    }
    return canonical(value)
}

/// JSON text with the whitespace between tokens removed (strings are copied untouched).
func compactJSON(_ text: String) -> String { FoundationJSON.compact(text) }

/// The keys of a JSON object's top level, in text order (raw key text; the encoder writes ASCII keys).
func topLevelKeys(_ bytes: [UInt8]) -> [String] {
    var keys: [String] = []
    var depth = 0
    var expectKey = false
    var i = 0
    while i < bytes.count {
        let c = bytes[i]
        if c == UInt8(ascii: "\"") {
            var j = i + 1
            while j < bytes.count, bytes[j] != UInt8(ascii: "\"") { j += bytes[j] == UInt8(ascii: "\\") ? 2 : 1 }
            if depth == 1 && expectKey {
                keys.append(String(decoding: bytes[(i + 1)..<min(j, bytes.count)], as: UTF8.self))
                expectKey = false
            }
            i = j + 1
            continue
        }
        switch c {
        case UInt8(ascii: "{"):
            depth += 1
            if depth == 1 { expectKey = true }
        case UInt8(ascii: "["): depth += 1
        case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
        case UInt8(ascii: ","): if depth == 1 { expectKey = true }
        default: break
        }
        i += 1
    }
    return keys
}

/// The flat line's columns in schema order, as the encoder writes them (`FlatEventEncoder.appendFlatLine`).
let schemaOrder = [
    "schema_version", "event_id", "recipient_account_id", "event_time", "event_version", "event_source", "event_name",
    "event_type", "event_category", "aws_region", "management_event", "read_only", "request_id", "api_version",
    "shared_event_id", "source_ip_address", "source_ip", "user_agent", "vpc_endpoint_id", "vpc_endpoint_account_id",
    "tls_version", "tls_cipher_suite", "tls_client_host", "session_credential_from_console", "error_code",
    "error_message", "outcome", "console_login_result", "mfa_used", "user_type", "user_principal_id", "user_arn",
    "user_account_id", "user_access_key_id", "user_name", "user_invoked_by", "user_identity_provider",
    "user_credential_id", "session_issuer_type", "session_issuer_principal_id", "session_issuer_arn",
    "session_issuer_account_id", "session_issuer_user_name", "session_mfa_authenticated", "session_creation_date",
    "session_source_identity", "session_ec2_role_delivery", "actor", "request_parameters", "response_elements",
    "additional_event_data", "service_event_details", "resources", "resource_arns", "insight_details",
    "insight_state", "insight_type", "addendum", "edge_device_details", "user_identity", "source_file",
    "archive_org_id", "archive_account_id", "archive_region", "delivery_date", "record_index", "derived_fields",
]

/// Whether `keys` appear in schema order (a subsequence of `schemaOrder`).
func isInSchemaOrder(_ keys: [String]) -> Bool {
    var position = 0
    for key in keys {
        guard let found = schemaOrder[position...].firstIndex(of: key) else { return false }
        position = found + 1
    }
    return true
}

extension Array where Element == UInt8 {
    func containsSubsequence(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard count >= needle.count else { return false }
        for start in 0...(count - needle.count) where self[start] == needle[0] {
            if self[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }
}

/// A minimal record with the given extra members (JSON text after the fixed ones, without a leading comma).
func record(_ extra: String = "", eventTime: String? = "\"2024-03-15T12:00:00Z\"") -> String {
    var members = [#""eventVersion":"1.08""#, #""eventSource":"s3.amazonaws.com""#, #""eventName":"ListBuckets""#]
    if let eventTime { members.append(#""eventTime":"# + eventTime) }
    if !extra.isEmpty { members.append(extra) }
    return "{" + members.joined(separator: ",") + "}"
}
