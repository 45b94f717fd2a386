public import TrailMillArchive
import TrailMillDecoding

/// What the normalizer knows about the file a record came from: its place in the archive.
public struct FileContext: Sendable {
    /// The file, as discovery described it.
    public let file: TrailFile
    /// The delivery time to use when a record has no usable `eventTime`: the `YYYYMMDDTHHmmZ` stamp in the file
    /// name when present, else midnight UTC of the delivery date.
    public let deliveryMillis: Int64
    /// The provenance members of a flat NDJSON line, pre-encoded once per file.
    let provenanceJSON: [UInt8]

    /// Creates the context for `file`.
    public init(file: TrailFile) {
        self.file = file
        deliveryMillis = FileContext.fileNameMillis(file.relativePath) ?? Timestamp.millis(file.deliveryDate)
        let json = OutputBuffer(capacity: 256)
        JSONOutput.appendMember("source_file", string: file.relativePath, to: json)
        if let org = file.organizationID { JSONOutput.appendMember("archive_org_id", string: org, to: json) }
        JSONOutput.appendMember("archive_account_id", string: file.accountID, to: json)
        JSONOutput.appendMember("archive_region", string: file.region, to: json)
        JSONOutput.appendMember("delivery_date", string: file.deliveryDate.description, to: json)
        provenanceJSON = json.bytes
    }

    /// The `_YYYYMMDDTHHmmZ_` delivery stamp in a CloudTrail log file name, as UTC milliseconds.
    static func fileNameMillis(_ path: String) -> Int64? {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        for part in name.split(separator: "_") where part.count == 14 && part.hasSuffix("Z") {
            let text = Array(part.utf8)
            guard text[8] == UInt8(ascii: "T") else { continue }
            // YYYYMMDDTHHmmZ → YYYYMMDDTHHmm00Z for the compact parser.
            let expanded = Array(text[0..<13]) + Array("00Z".utf8)
            if let millis = expanded.withUnsafeBytes({ Timestamp.parseMillis($0) }) { return millis }
        }
        return nil
    }
}
