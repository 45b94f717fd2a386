import Crypto
import Foundation
import Testing
import TrailMillCompression
import TrailMillIntegrity
import TrailMillTestSupport
import _CryptoExtras

@Suite("Times, names and digest JSON")
struct ModelTests {
    @Test("UTC times parse and print in both forms")
    func times() throws {
        let time = try #require(UTCTime(iso8601: "2015-08-17T15:01:31Z"))
        #expect(time.compact == "20150817T150131Z")
        #expect(UTCTime(compact: "20150817T150131Z") == time)
        #expect(time.iso8601 == "2015-08-17T15:01:31Z")
        #expect(UTCTime(iso8601: "2015-08-17T15:01:31.250Z") == time)
        #expect(UTCTime(iso8601: "2015-08-17T17:01:31+02:00") == time)
        #expect(UTCTime(iso8601: "1969-12-31T23:59:59Z")?.seconds == -1)
        #expect(UTCTime(iso8601: "1969-12-31T23:59:59Z")?.iso8601 == "1969-12-31T23:59:59Z")
        for bad in ["2015-08-17", "2015-02-30T00:00:00Z", "2015-08-17T25:00:00Z", "2015-08-17T15:01:31", "x"] {
            #expect(UTCTime(iso8601: bad) == nil, "\(bad)")
        }
        #expect(UTCTime(compact: "20150817T150131") == nil)
    }

    @Test("digest file names: trail names with underscores, backfill, home region")
    func names() throws {
        let name = try #require(
            DigestFileName.parse(
                "123456789012_CloudTrail-Digest_us-east-2_my_trail_us-east-1_20150817T150131Z.json.gz",
                accountID: "123456789012", region: "us-east-2"))
        #expect(name.trailName == "my_trail")
        #expect(name.homeRegion == "us-east-1")
        #expect(name.sourceRegion == "us-east-2")
        #expect(name.compactTime == "20150817T150131Z")
        #expect(!name.isBackfill)
        #expect(name.fileName == "123456789012_CloudTrail-Digest_us-east-2_my_trail_us-east-1_20150817T150131Z.json.gz")

        let backfill = try #require(
            DigestFileName.parse(
                "123456789012_CloudTrail-Digest_us-east-1_t_us-east-1_20150817T150131Z_backfill.json.gz",
                accountID: "123456789012", region: "us-east-1"))
        #expect(backfill.isBackfill)
        #expect(backfill.trailName == "t")

        for bad in [
            "123456789012_CloudTrail-Digest_us-east-1_t_us-east-1_20150817T150131Z.json",
            "999999999999_CloudTrail-Digest_us-east-1_t_us-east-1_20150817T150131Z.json.gz",
            "123456789012_CloudTrail-Digest_us-west-2_t_us-east-1_20150817T150131Z.json.gz",
            "123456789012_CloudTrail-Digest_us-east-1_us-east-1_20150817T150131Z.json.gz",
            "123456789012_CloudTrail-Digest_us-east-1_t_us-east-1_2015081715013Z.json.gz",
        ] {
            #expect(DigestFileName.parse(bad, accountID: "123456789012", region: "us-east-1") == nil, "\(bad)")
        }
    }

    static let minimal =
        #"{"digestPublicKeyFingerprint":"fp","digestS3Bucket":"b","digestS3Object":"k","previousDigestSignature":null,"#
        + #""digestEndTime":"2024-01-15T01:01:31Z","digestStartTime":"2024-01-15T00:01:31Z","logFiles":[]}"#

    @Test("a digest parses with the required keys; a null previousDigestSignature is a starting digest")
    func parseMinimal() throws {
        let document = try DigestDocument.parse(json: Array(Self.minimal.utf8))
        #expect(document.previousDigestSignature == nil)
        #expect(document.isStartingDigest)
        #expect(document.logFiles.isEmpty)
        #expect(document.endTime == UTCTime(iso8601: "2024-01-15T01:01:31Z"))
    }

    @Test("each required key missing, wrong types and bad JSON are format errors")
    func parseErrors() throws {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(Self.minimal.utf8)) as? [String: Any])
        for key in DigestDocument.requiredKeys + ["logFiles"] {
            var copy = object
            copy.removeValue(forKey: key)
            let bytes = Array(try JSONSerialization.data(withJSONObject: copy))
            #expect(throws: DigestFormatError.self, "\(key)") { try DigestDocument.parse(json: bytes) }
        }
        var wrong = object
        wrong["digestEndTime"] = 5
        #expect(throws: DigestFormatError.self) {
            try DigestDocument.parse(json: Array(try JSONSerialization.data(withJSONObject: wrong)))
        }
        wrong = object
        wrong["logFiles"] = [["s3Bucket": "b", "s3Object": "k"]]
        #expect(throws: DigestFormatError.self) {
            try DigestDocument.parse(json: Array(try JSONSerialization.data(withJSONObject: wrong)))
        }
        wrong = object
        wrong["digestEndTime"] = "yesterday"
        #expect(throws: DigestFormatError.self) {
            try DigestDocument.parse(json: Array(try JSONSerialization.data(withJSONObject: wrong)))
        }
        #expect(throws: DigestFormatError.self) { try DigestDocument.parse(json: Array("[1]".utf8)) }
        #expect(throws: DigestFormatError.self) { try DigestDocument.parse(json: Array("{".utf8)) }
        #expect(throws: DigestFormatError.self) { try DigestDocument.parse(json: [0xff, 0xfe]) }
    }

    @Test("jsonBytes round trips through parse")
    func roundTrip() throws {
        let document = DigestDocument(
            awsAccountId: "1", digestStartTime: "2024-01-15T00:01:31Z", digestEndTime: "2024-01-15T01:01:31Z",
            digestS3Bucket: "b", digestS3Object: "AWSLogs/x/y", digestPublicKeyFingerprint: "fp",
            previousDigestS3Bucket: "b", previousDigestS3Object: "p", previousDigestHashValue: "00",
            previousDigestHashAlgorithm: "SHA-256", previousDigestSignature: "ab",
            logFiles: [DigestLogEntry(s3Bucket: "b", s3Object: "l", hashValue: "cd")])
        #expect(try DigestDocument.parse(json: document.jsonBytes()) == document)
    }
}

@Suite("Signatures and public keys")
struct SignatureTests {
    @Test("aws-cli's unit-test string to sign")
    func awsCliVector() throws {
        let document = DigestDocument(
            digestStartTime: "z", digestEndTime: "a", digestS3Bucket: "b", digestS3Object: "c",
            digestPublicKeyFingerprint: "fp", previousDigestSignature: nil)
        #expect(
            DigestSignature.stringToSign(document, uncompressed: Array("abc".utf8))
                == "a\nb/c\nba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\nnull")
    }

    struct Vector: Decodable {
        var bucket: String
        var key: String
        var uncompressedSha256: String
        var stringToSign: String
        var signatureHex: String
        var fingerprint: String
    }

    struct KeyEntry: Decodable {
        var Value: String
        var Fingerprint: String
    }

    struct Vectors: Decodable {
        var publicKey: KeyEntry
        var unlistedPublicKey: KeyEntry
        var digests: [Vector]
    }

    @Test("every vectors.json entry: uncompressed SHA-256, string to sign, RSA signature, fingerprint")
    func vectors() throws {
        let workspace = try FixtureWorkspace()
        defer { workspace.directory.remove() }
        let vectors = try JSONDecoder().decode(Vectors.self, from: Data(try workspace.read("vectors.json")))
        #expect(vectors.digests.count == 14)
        let keys = [vectors.publicKey, vectors.unlistedPublicKey].reduce(into: [String: [UInt8]]()) {
            $0[$1.Fingerprint] = Array(Data(base64Encoded: $1.Value)!)
        }
        for key in keys { #expect(PublicKeySet.md5Hex(key.value) == key.key) }
        for vector in vectors.digests {
            let gz = try workspace.read("objects/\(vector.bucket)/\(vector.key)")
            let inflated = try Gzip.decompress(gz)
            #expect(DigestSignature.sha256Hex(inflated) == vector.uncompressedSha256, "\(vector.key)")
            let document = try DigestDocument.parse(json: inflated)
            #expect(document.digestPublicKeyFingerprint == vector.fingerprint)
            #expect(DigestSignature.stringToSign(document, uncompressed: inflated) == vector.stringToSign, "\(vector.key)")
            let der = try #require(keys[vector.fingerprint])
            #expect(DigestSignature.verify(signatureHex: vector.signatureHex, message: vector.stringToSign, publicKeyDER: der))
            #expect(
                DigestSignature.verify(
                    signatureHex: vector.signatureHex.uppercased(), message: vector.stringToSign, publicKeyDER: der))
            // Any change fails: the message, the signature, the key.
            #expect(!DigestSignature.verify(signatureHex: vector.signatureHex, message: vector.stringToSign + " ", publicKeyDER: der))
            var flipped = Array(vector.signatureHex)
            flipped[10] = flipped[10] == "0" ? "1" : "0"
            #expect(!DigestSignature.verify(signatureHex: String(flipped), message: vector.stringToSign, publicKeyDER: der))
            let other = try #require(keys.first { $0.key != vector.fingerprint }?.value)
            #expect(!DigestSignature.verify(signatureHex: vector.signatureHex, message: vector.stringToSign, publicKeyDER: other))
        }
    }

    @Test("only PKCS#1 v1.5 with SHA-256 verifies: SHA-1, SHA-512 and PSS signatures fail")
    func algorithms() throws {
        let key = TestKeys.aws
        let message = "2024-01-15T01:01:31Z\nb/k\n00\nnull"
        let der = TestKeys.der(key)
        #expect(DigestSignature.verify(signatureHex: TestKeys.sign(message, with: key), message: message, publicKeyDER: der))
        let data = Array(message.utf8)
        let others = [
            try key.signature(for: Insecure.SHA1.hash(data: data), padding: .insecurePKCS1v1_5),
            try key.signature(for: SHA512.hash(data: data), padding: .insecurePKCS1v1_5),
            try key.signature(for: SHA256.hash(data: data), padding: .PSS),
        ]
        for signature in others {
            let hex = signature.rawRepresentation.map { String(format: "%02x", $0) }.joined()
            #expect(!DigestSignature.verify(signatureHex: hex, message: message, publicKeyDER: der))
        }
        #expect(!DigestSignature.verify(signatureHex: "zz", message: message, publicKeyDER: der))
        #expect(!DigestSignature.verify(signatureHex: "", message: message, publicKeyDER: der))
    }

    @Test("list-public-keys JSON, SPKI PEM, PKCS#1 PEM and DER all give fingerprint d5a2…")
    func keyFormats() throws {
        let workspace = try FixtureWorkspace()
        defer { workspace.directory.remove() }
        let fingerprint = "d5a212977c4ebd567a09191304306aca"
        let json = try PublicKeySet.load(path: workspace.publicKeys)
        #expect(json.entries.map(\.fingerprint) == [fingerprint])
        #expect(json.entries[0].validFrom == UTCTime(iso8601: "2024-01-05T00:00:00Z"))
        #expect(json.entries[0].validUntil == UTCTime(iso8601: "2024-02-04T00:00:00Z"))
        #expect(json.problems.isEmpty)
        for file in ["public_key_1.pem", "public_key_1.pkcs1.pem"] {
            let set = try PublicKeySet.load(path: workspace.path + "/" + file)
            #expect(set.entries.map(\.fingerprint).first == fingerprint, "\(file)")
            #expect(set.entries.allSatisfy { $0.validFrom == nil })
        }
        let unlisted = try PublicKeySet.load(path: workspace.path + "/public_key_2_unlisted.pem")
        #expect(unlisted.entries.first?.fingerprint == "854e46d422ce857f954e21cc5de6edea")

        // Raw DER, both forms.
        let pem = String(decoding: try workspace.read("public_key_1.pem"), as: UTF8.self)
        let body = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        let spki = try workspace.directory.write("key.der", bytes: Array(Data(base64Encoded: body)!))
        #expect(try PublicKeySet.load(path: spki).entries.first?.fingerprint == fingerprint)

        // Both PEM files in one: two keys.
        let both = try workspace.directory.write(
            "both.pem",
            bytes: try workspace.read("public_key_1.pem") + Array("\n".utf8) + workspace.read("public_key_2_unlisted.pkcs1.pem"))
        let set = try PublicKeySet.load(path: both)
        #expect(Set(set.entries.map(\.fingerprint)).isSuperset(of: [fingerprint, "854e46d422ce857f954e21cc5de6edea"]))
    }

    @Test("a ListPublicKeys entry whose Fingerprint is not the MD5 of its Value is refused")
    func fingerprintMismatch() throws {
        let workspace = try FixtureWorkspace()
        defer { workspace.directory.remove() }
        var text = String(decoding: try workspace.read("public_keys.json"), as: UTF8.self)
        text = text.replacingOccurrences(of: "d5a212977c4ebd567a09191304306aca", with: "00a212977c4ebd567a09191304306aca")
        let path = try workspace.directory.write("bad_keys.json", text: text)
        let set = try PublicKeySet.load(path: path)
        #expect(set.entries.isEmpty)
        #expect(set.problems.count == 1)
        #expect(set.problems[0].contains("is not the MD5 of Value"))
    }

    @Test("unreadable key and sidecar files are input errors")
    func inputErrors() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(throws: IntegrityInputError.self) { try PublicKeySet.load(path: directory.path + "/missing.json") }
        let garbage = try directory.write("garbage.pem", text: "-----BEGIN PUBLIC KEY-----\n!!!\n-----END PUBLIC KEY-----\n")
        #expect(throws: IntegrityInputError.self) { try PublicKeySet.load(path: garbage) }
        let notKey = try directory.write("x.der", bytes: [0x30, 0x03, 0x02, 0x01, 0x01])
        #expect(throws: IntegrityInputError.self) { try PublicKeySet.load(path: notKey) }
        let sidecar = try directory.write("s.json", text: #"{"a":1}"#)
        #expect(throws: IntegrityInputError.self) { try SignatureSidecar.load(path: sidecar) }
    }

    @Test("malformed key DER is refused before swift-crypto sees it (3.12.3 aborts on it); mutations never crash")
    func derGuards() throws {
        let pkcs1 = TestKeys.der(TestKeys.aws)
        let spki = Array(TestKeys.aws.publicKey.derRepresentation)
        for der in [pkcs1, spki] {
            #expect(DigestSignature.verify(signatureHex: "00", message: "m", publicKeyDER: der) == false)
            var set = PublicKeySet()
            try set.addDER(der, origin: "t")
            #expect(set.entries.first?.fingerprint == TestKeys.fingerprint(TestKeys.aws))
        }
        let refused: [[UInt8]] = [
            [], [0x30], [0x30, 0x00], Array("hello".utf8), [0x30, 0x03, 0x02, 0x01, 0x01],
            pkcs1 + [0x00], Array(pkcs1.dropLast()), Array(spki.dropLast()), spki + [0x05, 0x00],
        ]
        for der in refused {
            var set = PublicKeySet()
            #expect(throws: IntegrityInputError.self) { try set.addDER(der, origin: "t") }
        }
        // Every single-byte change in the structure: either refused by the guard or loaded; never an abort.
        for original in [pkcs1, spki] {
            let positions = Array(0..<min(40, original.count)) + Array((original.count - 8)..<original.count)
            for position in positions {
                for replacement: UInt8 in [0x00, 0x01, 0x02, 0x30, 0x7F, 0x80, 0x81, 0x82, 0xFF, original[position] ^ 0x01] {
                    var der = original
                    der[position] = replacement
                    var set = PublicKeySet()
                    do {
                        try set.addDER(der, origin: "t")
                    } catch {
                        // A guard miss would reach swift-crypto's failing path (and its double free).
                        #expect(!error.message.contains("rejected by swift-crypto"), "\(position) \(replacement)")
                    }
                }
            }
        }
    }

    @Test("manifest.json is a signature sidecar; entries without metadata are kept as 'no signature'")
    func sidecar() throws {
        let workspace = try FixtureWorkspace()
        defer { workspace.directory.remove() }
        let sidecar = try workspace.sidecar()
        #expect(sidecar.count == 14)
        let d1 = S3Location(
            bucket: "ct-clean",
            key: "ctprefix/AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2024/01/15/123456789012_CloudTrail-Digest_us-east-1_test-trail_us-east-1_20240115T010131Z.json.gz")
        #expect(sidecar.metadata(for: d1)?.signature?.hasPrefix("1ce04104") == true)
        #expect(sidecar.metadata(for: d1)?.signatureAlgorithm == "SHA256withRSA")
        #expect(sidecar.metadata(for: S3Location(bucket: "other", key: d1.key)) == nil)

        let parsed = try SignatureSidecar.parse(
            json: Array(#"{"objects":[{"key":"AWSLogs/1/CloudTrail-Digest/r/x.json.gz","metadata":{}}]}"#.utf8), origin: "t")
        let entry = parsed.metadata(for: S3Location(bucket: "any", key: "AWSLogs/1/CloudTrail-Digest/r/x.json.gz"))
        #expect(entry != nil)
        #expect(entry?.signature == nil)
    }

    @Test("choosing a key: the fingerprint, preferring an entry whose validity window holds the time")
    func keyWindow() throws {
        var set = PublicKeySet()
        try set.add(
            pkcs1DER: TestKeys.der(TestKeys.aws), validFrom: UTCTime(iso8601: "2024-01-01T00:00:00Z"),
            validUntil: UTCTime(iso8601: "2024-01-31T00:00:00Z"))
        #expect(set.entries(fingerprint: TestKeys.fingerprint(TestKeys.aws).uppercased()).count == 1)
        #expect(set.entries(fingerprint: TestKeys.fingerprint(TestKeys.attacker)).isEmpty)
        #expect(set.entries[0].isValid(at: UTCTime(iso8601: "2024-01-15T00:00:00Z")!))
        #expect(!set.entries[0].isValid(at: UTCTime(iso8601: "2024-02-15T00:00:00Z")!))
    }
}

@Suite("One gzip member, strictly")
struct GzipMemberTests {
    /// The verdict on a one-log chain whose log file is replaced by `make(original content)`.
    func outcome(_ make: ([UInt8]) throws -> [UInt8]) throws -> LogStatus {
        var chain = try ChainBuilder("gzip")
        defer { chain.directory.remove() }
        let built = try chain.addDigest(hour: 1, logs: 1)
        try chain.directory.write(built.logKeys[0], bytes: try make(built.logContents[0]))
        let report = try chain.validate()
        return try #require(report.logs.first { $0.digest != nil }).status
    }

    @Test("one member: valid; the same content stored (level 0) is valid too")
    func single() throws {
        #expect(try outcome { try Gzip.compress($0) } == .valid)
        #expect(try outcome { try Gzip.compress($0, level: 0) } == .valid)
    }

    @Test("a second member, garbage, or an empty member first: unexpected data after end of compressed stream")
    func trailing() throws {
        let second = try Gzip.compress(Array(#"{"Records":[{"injected":true}]}"#.utf8))
        let empty = try Gzip.compress([])
        let expected = LogStatus.invalid("unexpected data after end of compressed stream")
        #expect(try outcome { try Gzip.compress($0) + second } == expected)
        #expect(try outcome { try Gzip.compress($0) + empty } == expected)
        #expect(try outcome { try Gzip.compress($0) + Array("garbage".utf8) } == expected)
        #expect(try outcome { try Gzip.compress($0) + [0] } == expected)
        #expect(try outcome { try empty + Gzip.compress($0) } == expected)
        #expect(try outcome { try empty + empty + Gzip.compress($0) } == expected)
        // Content split over two members hashes right but is still two members.
        #expect(try outcome { try Gzip.compress(Array($0.prefix(10))) + Gzip.compress(Array($0.dropFirst(10))) } == expected)
    }

    @Test("not gzip, plain JSON, empty, truncated, bad CRC: invalid format; gzip in gzip: hash value doesn't match")
    func damaged() throws {
        #expect(try outcome { _ in Array("not gzip at all".utf8) } == .invalid("invalid format"))
        #expect(try outcome { $0 } == .invalid("invalid format"))
        #expect(try outcome { _ in [] } == .invalid("invalid format"))
        #expect(try outcome { Array(try Gzip.compress($0).dropLast(5)) } == .invalid("invalid format"))
        #expect(
            try outcome {
                var bytes = try Gzip.compress($0)
                bytes[bytes.count - 6] ^= 0xff
                return bytes
            } == .invalid("invalid format"))
        #expect(try outcome { try Gzip.compress(try Gzip.compress($0)) } == .invalid("hash value doesn't match"))
    }

    @Test("one byte changed in the content: hash value doesn't match")
    func oneByte() throws {
        #expect(
            try outcome {
                var content = $0
                content[20] ^= 0x01
                return try Gzip.compress(content)
            } == .invalid("hash value doesn't match"))
    }
}

@Suite("Fixture snapshot")
struct FixtureSnapshotTests {
    @Test(
        "the embedded snapshot equals the shipped fixtures",
        .enabled(if: FixtureWorkspace.shipped != nil, "the shipped fixture folder is not present"))
    func matchesShippedFiles() throws {
        let shipped = try #require(FixtureWorkspace.shipped)
        var onDisk: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: shipped)
        while let path = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: shipped + "/" + path, isDirectory: &isDirectory),
                !isDirectory.boolValue, path != "README.md"
            {
                onDisk.append(path)
            }
        }
        #expect(onDisk.sorted() == FixtureSnapshot.files.map(\.path).sorted())
        for (path, base64) in FixtureSnapshot.files {
            let embedded = Data(base64Encoded: base64, options: .ignoreUnknownCharacters)
            #expect(embedded == FileManager.default.contents(atPath: shipped + "/" + path), "\(path)")
        }
    }
}

