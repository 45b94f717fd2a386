import Foundation

/// One `logFiles[]` entry of a digest.
public struct DigestLogEntry: Sendable, Equatable {
    /// Bucket of the log file.
    public var s3Bucket: String
    /// Key of the log file.
    public var s3Object: String
    /// Hex SHA-256 of the log's uncompressed bytes.
    public var hashValue: String
    /// `"SHA-256"`; nil when absent.
    public var hashAlgorithm: String?
    /// Newest `eventTime` in the log, as written.
    public var newestEventTime: String?
    /// Oldest `eventTime` in the log, as written.
    public var oldestEventTime: String?

    /// Creates a value.
    public init(
        s3Bucket: String, s3Object: String, hashValue: String, hashAlgorithm: String? = "SHA-256",
        newestEventTime: String? = nil, oldestEventTime: String? = nil
    ) {
        self.s3Bucket = s3Bucket
        self.s3Object = s3Object
        self.hashValue = hashValue
        self.hashAlgorithm = hashAlgorithm
        self.newestEventTime = newestEventTime
        self.oldestEventTime = oldestEventTime
    }
}

/// Why a digest's JSON is not a usable digest (reported as aws-cli's `INVALID: invalid format`).
public struct DigestFormatError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, for notes and tests.
    public var detail: String

    /// Creates a value.
    public init(_ detail: String) { self.detail = detail }

    public var description: String { detail }
}

/// A CloudTrail digest file's JSON, parsed (integrity.md §3). String values are kept exactly as written: the signed
/// string uses them as they are.
public struct DigestDocument: Sendable, Equatable {
    public var awsAccountId: String?
    public var digestStartTime: String
    public var digestEndTime: String
    public var digestS3Bucket: String
    public var digestS3Object: String
    public var digestPublicKeyFingerprint: String
    /// `"SHA256withRSA"`; aws-cli never reads it.
    public var digestSignatureAlgorithm: String?
    public var newestEventTime: String?
    public var oldestEventTime: String?
    public var previousDigestS3Bucket: String?
    public var previousDigestS3Object: String?
    /// Hex SHA-256 of the previous digest's uncompressed bytes (aws-cli never checks it).
    public var previousDigestHashValue: String?
    public var previousDigestHashAlgorithm: String?
    /// Hex signature of the previous digest; part of this digest's signed string.
    public var previousDigestSignature: String?
    public var logFiles: [DigestLogEntry]

    /// The keys aws-cli requires before anything else (`previousDigestSignature` may be null).
    public static let requiredKeys = [
        "digestPublicKeyFingerprint", "digestS3Bucket", "digestS3Object", "previousDigestSignature", "digestEndTime",
        "digestStartTime",
    ]

    /// Creates a value.
    public init(
        awsAccountId: String? = nil, digestStartTime: String, digestEndTime: String, digestS3Bucket: String,
        digestS3Object: String, digestPublicKeyFingerprint: String, digestSignatureAlgorithm: String? = "SHA256withRSA",
        newestEventTime: String? = nil, oldestEventTime: String? = nil, previousDigestS3Bucket: String? = nil,
        previousDigestS3Object: String? = nil, previousDigestHashValue: String? = nil,
        previousDigestHashAlgorithm: String? = nil, previousDigestSignature: String? = nil,
        logFiles: [DigestLogEntry] = []
    ) {
        self.awsAccountId = awsAccountId
        self.digestStartTime = digestStartTime
        self.digestEndTime = digestEndTime
        self.digestS3Bucket = digestS3Bucket
        self.digestS3Object = digestS3Object
        self.digestPublicKeyFingerprint = digestPublicKeyFingerprint
        self.digestSignatureAlgorithm = digestSignatureAlgorithm
        self.newestEventTime = newestEventTime
        self.oldestEventTime = oldestEventTime
        self.previousDigestS3Bucket = previousDigestS3Bucket
        self.previousDigestS3Object = previousDigestS3Object
        self.previousDigestHashValue = previousDigestHashValue
        self.previousDigestHashAlgorithm = previousDigestHashAlgorithm
        self.previousDigestSignature = previousDigestSignature
        self.logFiles = logFiles
    }

    /// A starting digest: the first of a chain segment (after validation was enabled or logging restarted), whose
    /// `previousDigest*` fields are null. aws-cli looks at the bucket only; a null key ends its walk the same way.
    public var isStartingDigest: Bool { previousDigestS3Bucket == nil || previousDigestS3Object == nil }

    /// `digestStartTime` parsed (validated at parse time).
    public var startTime: UTCTime { UTCTime(iso8601: digestStartTime)! }

    /// `digestEndTime` parsed (validated at parse time).
    public var endTime: UTCTime { UTCTime(iso8601: digestEndTime)! }

    /// Parses the uncompressed bytes of a digest file.
    ///
    /// Beyond aws-cli's required keys, a usable digest needs `logFiles` as an array of objects with string
    /// `s3Bucket`, `s3Object` and `hashValue` (aws-cli crashes without them), string-or-null optional fields, and
    /// start and end times in CloudTrail's format.
    public static func parse(json bytes: [UInt8]) throws(DigestFormatError) -> DigestDocument {
        guard String(validating: bytes, as: UTF8.self) != nil else { throw DigestFormatError("not UTF-8") }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes), options: [])
        } catch {
            throw DigestFormatError("not JSON")
        }
        guard let fields = object as? [String: Any] else { throw DigestFormatError("not a JSON object") }
        for key in requiredKeys where fields[key] == nil {
            throw DigestFormatError("required key '\(key)' is missing")
        }

        func string(_ key: String) throws(DigestFormatError) -> String {
            guard let value = fields[key] as? String else { throw DigestFormatError("'\(key)' is not a string") }
            return value
        }
        func optionalString(_ key: String, in dictionary: [String: Any]) throws(DigestFormatError) -> String? {
            guard let value = dictionary[key], !(value is NSNull) else { return nil }
            guard let text = value as? String else { throw DigestFormatError("'\(key)' is not a string or null") }
            return text
        }

        guard let rawLogs = fields["logFiles"] else { throw DigestFormatError("'logFiles' is missing") }
        guard let logArray = rawLogs as? [Any] else { throw DigestFormatError("'logFiles' is not an array") }
        var logs: [DigestLogEntry] = []
        logs.reserveCapacity(logArray.count)
        for (index, element) in logArray.enumerated() {
            guard let entry = element as? [String: Any] else {
                throw DigestFormatError("logFiles[\(index)] is not an object")
            }
            guard let bucket = entry["s3Bucket"] as? String, let key = entry["s3Object"] as? String,
                let hash = entry["hashValue"] as? String
            else {
                throw DigestFormatError("logFiles[\(index)] lacks a string s3Bucket, s3Object or hashValue")
            }
            logs.append(
                DigestLogEntry(
                    s3Bucket: bucket, s3Object: key, hashValue: hash,
                    hashAlgorithm: try optionalString("hashAlgorithm", in: entry),
                    newestEventTime: try optionalString("newestEventTime", in: entry),
                    oldestEventTime: try optionalString("oldestEventTime", in: entry)))
        }

        let document = DigestDocument(
            awsAccountId: try optionalString("awsAccountId", in: fields),
            digestStartTime: try string("digestStartTime"), digestEndTime: try string("digestEndTime"),
            digestS3Bucket: try string("digestS3Bucket"), digestS3Object: try string("digestS3Object"),
            digestPublicKeyFingerprint: try string("digestPublicKeyFingerprint"),
            digestSignatureAlgorithm: try optionalString("digestSignatureAlgorithm", in: fields),
            newestEventTime: try optionalString("newestEventTime", in: fields),
            oldestEventTime: try optionalString("oldestEventTime", in: fields),
            previousDigestS3Bucket: try optionalString("previousDigestS3Bucket", in: fields),
            previousDigestS3Object: try optionalString("previousDigestS3Object", in: fields),
            previousDigestHashValue: try optionalString("previousDigestHashValue", in: fields),
            previousDigestHashAlgorithm: try optionalString("previousDigestHashAlgorithm", in: fields),
            previousDigestSignature: try optionalString("previousDigestSignature", in: fields),
            logFiles: logs)
        guard UTCTime(iso8601: document.digestStartTime) != nil else {
            throw DigestFormatError("digestStartTime '\(document.digestStartTime)' is not a UTC time")
        }
        guard UTCTime(iso8601: document.digestEndTime) != nil else {
            throw DigestFormatError("digestEndTime '\(document.digestEndTime)' is not a UTC time")
        }
        return document
    }

    /// The JSON object with every §3 field (nulls written), as CloudTrail writes it; for tests and tools that
    /// build digests. Keys are sorted, output is compact.
    public func jsonBytes() -> [UInt8] {
        func value(_ text: String?) -> Any { text.map { $0 as Any } ?? NSNull() }
        var object: [String: Any] = [
            "awsAccountId": value(awsAccountId), "digestStartTime": digestStartTime, "digestEndTime": digestEndTime,
            "digestS3Bucket": digestS3Bucket, "digestS3Object": digestS3Object,
            "digestPublicKeyFingerprint": digestPublicKeyFingerprint,
            "digestSignatureAlgorithm": value(digestSignatureAlgorithm),
            "newestEventTime": value(newestEventTime), "oldestEventTime": value(oldestEventTime),
            "previousDigestS3Bucket": value(previousDigestS3Bucket),
            "previousDigestS3Object": value(previousDigestS3Object),
            "previousDigestHashValue": value(previousDigestHashValue),
            "previousDigestHashAlgorithm": value(previousDigestHashAlgorithm),
            "previousDigestSignature": value(previousDigestSignature),
        ]
        object["logFiles"] = logFiles.map { entry -> [String: Any] in
            [
                "s3Bucket": entry.s3Bucket, "s3Object": entry.s3Object, "hashValue": entry.hashValue,
                "hashAlgorithm": value(entry.hashAlgorithm), "newestEventTime": value(entry.newestEventTime),
                "oldestEventTime": value(entry.oldestEventTime),
            ]
        }
        let data =
            (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data()
        return Array(data)
    }
}
