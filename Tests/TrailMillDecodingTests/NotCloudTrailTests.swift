import Foundation
import Testing
import TrailMillCompression
import TrailMillDecoding

/// Valid JSON that is not a CloudTrail log: skipped with a reason, never an error.
@Suite struct NotCloudTrailTests {
    static let noContent = "no JSON content (empty after decompression)"
    static let noRecords = "no \"Records\" member (not a CloudTrail log file)"

    static func topLevel(_ what: String) -> String { "top-level JSON is \(what), not {\"Records\":[...]}" }

    @Test(arguments: [
        ("[]", topLevel("an array")),
        (#"[{"Records":[{}]}]"#, topLevel("an array")),
        (" [1, 2, {\"a\":[]}] \n", topLevel("an array")),
        (#""Records""#, topLevel("a string")),
        ("42", topLevel("a number")),
        ("-0.5e-7", topLevel("a number")),
        ("0", topLevel("a number")),
        ("true", topLevel("true")),
        ("false", topLevel("false")),
        ("null", topLevel("null")),
        ("{}", noRecords),
        ("{ \n }", noRecords),
        (#"{"records":[{}]}"#, noRecords),  // keys are case-sensitive
        (#"{"Records ":[{}]}"#, noRecords),
        (#"{"a":{"Records":[{}]}}"#, noRecords),  // only a top-level member counts
        (#"{"Records":null}"#, "\"Records\" is null, not an array"),
        (#"{"Records":{}}"#, "\"Records\" is an object, not an array"),
        (#"{"Records":{"0":{}}}"#, "\"Records\" is an object, not an array"),
        (#"{"Records":"[]"}"#, "\"Records\" is a string, not an array"),
        (#"{"Records":0}"#, "\"Records\" is a number, not an array"),
        (#"{"x":1,"Records":true}"#, "\"Records\" is true, not an array"),
        (#"{"Records":false,"y":[]}"#, "\"Records\" is false, not an array"),
        (#"{"Records":[]}"#, "\"Records\" is an empty array"),
        ("", noContent),
        (" ", noContent),
        ("\n\t\r \n", noContent),
    ])
    func skippedWithReason(text: String, reason: String) throws {
        let decoded = try #require(try decode(text).value())
        #expect(decoded.content == .notCloudTrail(reason: reason))
        #expect(decoded.records.isEmpty)
        // The same through gzip.
        let gz = try #require(try decode(try Gzip.compress(Array(text.utf8))).value())
        #expect(gz == decoded)
    }

    @Test func digestFileIsNotCloudTrail() throws {
        // Fields per cloudtrail-records.md §2.3 (integrity.md).
        let digest = """
            {
              "awsAccountId": "111122223333",
              "digestStartTime": "2024-05-01T10:00:00Z",
              "digestEndTime": "2024-05-01T11:00:00Z",
              "digestS3Bucket": "bucket",
              "digestS3Object": "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/05/01/111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_20240501T110000Z.json.gz",
              "digestPublicKeyFingerprint": "0123456789abcdef0123456789abcdef",
              "digestSignatureAlgorithm": "SHA256withRSA",
              "newestEventTime": "2024-05-01T10:59:59Z",
              "oldestEventTime": "2024-05-01T10:00:01Z",
              "previousDigestS3Bucket": "bucket",
              "previousDigestS3Object": "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/05/01/prev.json.gz",
              "previousDigestHashValue": "aa",
              "previousDigestHashAlgorithm": "SHA-256",
              "previousDigestSignature": "bb",
              "logFiles": [
                {
                  "s3Bucket": "bucket",
                  "s3Object": "AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/01/f.json.gz",
                  "hashValue": "cc",
                  "hashAlgorithm": "SHA-256",
                  "newestEventTime": "2024-05-01T10:59:59Z",
                  "oldestEventTime": "2024-05-01T10:00:01Z"
                }
              ]
            }
            """
        #expect(foundationParse(Array(digest.utf8)) != nil)
        for input in [Array(digest.utf8), try Gzip.compress(Array(digest.utf8))] {
            let decoded = try #require(try decode(input).value())
            #expect(decoded.content == .notCloudTrail(reason: Self.noRecords))
            #expect(decoded.records.isEmpty)
        }
        // An empty digest (no log files in the hour) too.
        let empty = #"{"awsAccountId":"1","logFiles":[],"previousDigestSignature":null}"#
        #expect(try decode(empty).value()?.content == .notCloudTrail(reason: Self.noRecords))
    }

    @Test func emptyInputsOfEveryEncoding() throws {
        for input in [[], try Gzip.compress([]), try Gzip.compress(Array("  \n".utf8)), try Gzip.compress(try Gzip.compress([]))] {
            let decoded = try #require(try decode(input).value())
            #expect(decoded.content == .notCloudTrail(reason: Self.noContent))
        }
    }

    @Test func escapedRecordsKeyIsNotRecognised() throws {
        // Documented behaviour: the top-level key is compared as raw bytes, so `"Rec\u006frds"` (which RFC 8259
        // says is the same name) is not taken as the Records member. CloudTrail never escapes its keys.
        let decoded = try #require(try decode(#"{"Rec\u006frds":[{"a":1}]}"#).value())
        #expect(decoded.content == .notCloudTrail(reason: Self.noRecords))
        #expect(decoded.records.isEmpty)
    }

    @Test func notCloudTrailValuesAreStillValidated() throws {
        // Skipped shapes are validated to the end like any other file.
        for (text, code) in [
            ("[1,2] x", DecodeError.Code.trailingData),
            ("[1,2,]", .invalidJSON),
            ("{\"Records\":null,}", .invalidJSON),
            ("{\"Records\":{\"a\":01}}", .invalidJSON),
            ("{\"a\":[1,2}", .invalidJSON),
            ("{\"Records\":null", .truncatedJSON),
            ("\"abc", .truncatedJSON),
            ("nul", .truncatedJSON),
            ("nulx", .invalidJSON),
            ("{}{}", .trailingData),
            ("1 2", .trailingData),
        ] {
            let error = try #require(try decode(text).error(), "\(text)")
            #expect(error.code == code, "\(text)")
            #expect(error.recordIndex == nil, "\(text)")
        }
    }
}
