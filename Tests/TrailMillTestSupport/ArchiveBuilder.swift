public import Foundation
import TrailMillCompression

/// Builds small CloudTrail archives on disk, file by file, in the real key layout.
public struct ArchiveBuilder: Sendable {
    /// The archive root.
    public let root: TemporaryDirectory

    /// Creates a builder over a fresh temporary directory.
    public init(_ label: String = "archive") throws { root = try TemporaryDirectory(label) }

    /// `[prefix/]AWSLogs/[org/]<account>/<folder>/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<stamp>_<unique>.json.gz`.
    public static func logKey(
        account: String, region: String, date: (Int, Int, Int), time: String = "0005", unique: String = "AAAAAAAAAAAAAAAA",
        org: String? = nil, prefix: String = "", folder: String = "CloudTrail"
    ) -> String {
        let (y, m, d) = date
        let ymd = String(format: "%04d/%02d/%02d", y, m, d)
        let stamp = String(format: "%04d%02d%02dT%@Z", y, m, d, time)
        var key = prefix.isEmpty ? "" : prefix + "/"
        key += "AWSLogs/" + (org.map { $0 + "/" } ?? "") + "\(account)/\(folder)/\(region)/\(ymd)/"
        key += "\(account)_\(folder)_\(region)_\(stamp)_\(unique).json.gz"
        return key
    }

    /// Writes `{"Records":[records…]}` gzip-compressed at `key`; returns the key.
    @discardableResult
    public func writeLog(_ key: String, records: [String]) throws -> String {
        try root.write(key, bytes: try Gzip.compress(Array(ArchiveBuilder.logText(records).utf8)))
        return key
    }

    /// Writes raw bytes at `key`.
    @discardableResult
    public func writeBytes(_ key: String, _ bytes: [UInt8]) throws -> String {
        try root.write(key, bytes: bytes)
        return key
    }

    /// `{"Records":[…]}` text.
    public static func logText(_ records: [String]) -> String { "{\"Records\":[" + records.joined(separator: ",") + "]}" }

    /// A compact CloudTrail record. `extra` members (already JSON, without braces) are appended verbatim.
    public static func record(
        id: String? = UUID().uuidString.lowercased(), account: String = "111122223333", region: String = "us-east-1",
        time: String = "2026-01-15T10:00:00Z", source: String = "ec2.amazonaws.com", name: String = "DescribeInstances",
        user: String = "alice", readOnly: Bool? = true, errorCode: String? = nil, extra: String = ""
    ) -> String {
        var members: [String] = [
            #""eventVersion":"1.08""#,
            #""userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::\#(account):user/\#(user)","accountId":"\#(account)","accessKeyId":"AKIAEXAMPLE","userName":"\#(user)"}"#,
            #""eventTime":"\#(time)""#, #""eventSource":"\#(source)""#, #""eventName":"\#(name)""#,
            #""awsRegion":"\#(region)""#, #""sourceIPAddress":"203.0.113.7""#, #""userAgent":"aws-cli/2.15.0""#,
        ]
        if let errorCode { members.append(#""errorCode":"\#(errorCode)","errorMessage":"denied""#) }
        members.append(#""requestParameters":null,"responseElements":null"#)
        members.append(#""requestID":"req-1""#)
        if let id { members.append(#""eventID":"\#(id)""#) }
        if let readOnly { members.append(#""readOnly":\#(readOnly)"#) }
        members.append(#""eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"\#(account)""#)
        members.append(#""eventCategory":"Management""#)
        if !extra.isEmpty { members.append(extra) }
        return "{" + members.joined(separator: ",") + "}"
    }
}

/// Reading NDJSON output back.
public enum OutputReader {
    /// All lines of every `.ndjson`/`.ndjson.gz` file in `directory`, files in name order.
    public static func lines(in directory: String) throws -> [String] {
        try rawLines(in: directory).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Lines as bytes (exact), files in name order.
    public static func rawLines(in directory: String) throws -> [[UInt8]] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { !$0.hasPrefix(".") && ($0.hasSuffix(".ndjson") || $0.hasSuffix(".ndjson.gz")) }.sorted()
        var lines: [[UInt8]] = []
        for name in names {
            var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name)))
            if name.hasSuffix(".gz") { bytes = try Gzip.decompress(bytes) }
            lines += bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true).map(Array.init)
        }
        return lines
    }

    /// Every line parsed as a JSON object.
    public static func objects(in directory: String) throws -> [[String: Any]] {
        try rawLines(in: directory).map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                throw CocoaError(.coderReadCorrupt)
            }
            return object
        }
    }
}

/// gzip for test targets that do not depend on TrailMillCompression themselves.
public enum GzipForTests {
    /// Decompresses every member of `bytes`.
    public static func decompress(_ bytes: [UInt8]) throws -> [UInt8] { try Gzip.decompress(bytes) }

    /// Compresses `text` into one gzip member.
    public static func compress(_ text: String) throws -> [UInt8] { try Gzip.compress(Array(text.utf8)) }
}
