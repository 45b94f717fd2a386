import Crypto
import Foundation
import Testing
import TrailMillArchive
import TrailMillCompression
import TrailMillIntegrity
import TrailMillTestSupport
import _CryptoExtras

/// Test RSA keys, generated once per test run.
enum TestKeys {
    static let aws = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    static let attacker = try! _RSA.Signing.PrivateKey(keySize: .bits2048)

    static func der(_ key: _RSA.Signing.PrivateKey) -> [UInt8] { Array(key.publicKey.pkcs1DERRepresentation) }
    static func fingerprint(_ key: _RSA.Signing.PrivateKey) -> String { PublicKeySet.md5Hex(der(key)) }

    static func sign(_ message: String, with key: _RSA.Signing.PrivateKey) -> String {
        let signature = try! key.signature(for: SHA256.hash(data: Array(message.utf8)), padding: .insecurePKCS1v1_5)
        return signature.rawRepresentation.map { String(format: "%02x", $0) }.joined()
    }

    /// A key set with `keys` listed (default: the "AWS" key), valid around 2024-01-15.
    static func set(_ keys: [_RSA.Signing.PrivateKey] = [aws]) -> PublicKeySet {
        var set = PublicKeySet()
        for key in keys {
            try! set.add(
                pkcs1DER: der(key), validFrom: UTCTime(iso8601: "2024-01-05T00:00:00Z"),
                validUntil: UTCTime(iso8601: "2024-02-04T00:00:00Z"))
        }
        return set
    }
}

/// The integrity fixtures, written out from `FixtureSnapshot` into a scratch folder (tests may change them).
struct FixtureWorkspace {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory("integrity-fixtures")
        for (path, base64) in FixtureSnapshot.files {
            let data = try #require(Data(base64Encoded: base64, options: .ignoreUnknownCharacters))
            try directory.write(path, bytes: Array(data))
        }
    }

    var path: String { directory.path }
    func bucket(_ name: String) -> String { directory.path + "/objects/" + name }
    var manifest: String { directory.path + "/manifest.json" }
    var publicKeys: String { directory.path + "/public_keys.json" }

    func keys() throws -> PublicKeySet { try PublicKeySet.load(path: publicKeys) }
    func sidecar() throws -> SignatureSidecar { try SignatureSidecar.load(path: manifest) }

    func read(_ relative: String) throws -> [UInt8] { try directory.read(relative) }
    func json(_ relative: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(try read(relative))) }

    /// The shipped fixture folder, when present: `$TRAILMILL_INTEGRITY_VECTORS`, else `../shared/reference/vectors/
    /// integrity` next to the repository.
    static var shipped: String? {
        if let override = ProcessInfo.processInfo.environment["TRAILMILL_INTEGRITY_VECTORS"] { return override }
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let path = repo.deletingLastPathComponent().appendingPathComponent("shared/reference/vectors/integrity").path
        return FileManager.default.fileExists(atPath: path + "/manifest.json") ? path : nil
    }
}

/// Builds signed digest chains in the real layout (integrity.md §11), in a scratch folder that is a bucket copy.
struct ChainBuilder {
    let directory: TemporaryDirectory
    var bucket = "test-bucket"
    var prefix = ""
    var organization: String?
    var account = "111122223333"
    var region = "eu-west-1"
    var trail = "audit_trail-1"
    var homeRegion = "eu-west-1"
    var signer = TestKeys.aws

    /// What one built digest is.
    struct Built {
        var key: String
        var inflated: [UInt8]
        var signature: String
        var document: DigestDocument
        var logKeys: [String]
        var logContents: [[UInt8]]
    }

    private(set) var digests: [Built] = []
    private var previous: Built?
    private var previousBackfill: Built?

    init(_ label: String = "chain") throws { directory = try TemporaryDirectory(label) }

    var root: String { directory.path }

    /// 2024-01-15T00:00:00Z + `hours` h + 1 min 31 s: where digest windows start.
    static func windowStart(_ hours: Int) -> UTCTime {
        UTCTime(iso8601: "2024-01-15T00:01:31Z")!.adding(seconds: Int64(hours) * 3600)
    }

    private func base(_ folder: String) -> String {
        var parts: [String] = []
        if !prefix.isEmpty { parts.append(prefix) }
        parts.append("AWSLogs")
        if let organization { parts.append(organization) }
        parts += [account, folder]
        return parts.joined(separator: "/")
    }

    private func datePath(_ time: UTCTime) -> String {
        let d = time.date
        return String(format: "%04d/%02d/%02d", d.year, d.month, d.day)
    }

    func logKey(_ time: UTCTime, _ unique: String) -> String {
        let stamp = String(time.compact.prefix(13)) + "Z"
        return "\(base("CloudTrail"))/\(region)/\(datePath(time))/\(account)_CloudTrail_\(region)_\(stamp)_\(unique).json.gz"
    }

    func digestKey(_ end: UTCTime, backfill: Bool = false) -> String {
        "\(base("CloudTrail-Digest"))/\(region)/\(datePath(end))/\(account)_CloudTrail-Digest_\(region)_\(trail)_"
            + "\(homeRegion)_\(end.compact)\(backfill ? "_backfill" : "").json.gz"
    }

    /// Writes `logs` log files delivered in hour `hour` and the digest covering them, signed; `restart` makes it a
    /// starting digest (after a stop); `wrongHashLink` gives it a `previousDigestHashValue` that is not the previous
    /// digest's SHA-256 (signed as it is: the link itself is wrong, the previous digest is intact).
    @discardableResult
    mutating func addDigest(
        hour: Int, logs: Int = 2, restart: Bool = false, backfill: Bool = false, fingerprintOf: _RSA.Signing.PrivateKey? = nil,
        wrongHashLink: Bool = false
    ) throws -> Built {
        let start = Self.windowStart(hour)
        let end = start.adding(seconds: 3600)
        var entries: [DigestLogEntry] = []
        var logKeys: [String] = []
        var contents: [[UInt8]] = []
        for index in 0..<logs {
            let time = start.adding(seconds: Int64(10 * 60 * (index + 1)))
            let unique = String(format: "%02d%02dabcdefghijkl", hour, index).prefix(16)
            let key = logKey(time, backfill ? "B" + unique.dropFirst() : String(unique))
            let eventTime = time.adding(seconds: -120).iso8601
            let raw = Array(
                "{\"Records\":[{\"eventVersion\":\"1.08\",\"eventTime\":\"\(eventTime)\",\"eventName\":\"Get\(hour)x\(index)\",\"awsRegion\":\"\(region)\"}]}"
                    .utf8)
            try directory.write(key, bytes: try Gzip.compress(raw))
            entries.append(
                DigestLogEntry(
                    s3Bucket: bucket, s3Object: key, hashValue: DigestSignature.sha256Hex(raw),
                    newestEventTime: eventTime, oldestEventTime: eventTime))
            logKeys.append(key)
            contents.append(raw)
        }
        let key = digestKey(end, backfill: backfill)
        let link = restart ? nil : (backfill ? previousBackfill : previous)
        let document = DigestDocument(
            awsAccountId: account, digestStartTime: start.iso8601, digestEndTime: end.iso8601, digestS3Bucket: bucket,
            digestS3Object: key, digestPublicKeyFingerprint: TestKeys.fingerprint(fingerprintOf ?? signer),
            newestEventTime: entries.last?.newestEventTime, oldestEventTime: entries.first?.oldestEventTime,
            previousDigestS3Bucket: link == nil ? nil : bucket, previousDigestS3Object: link?.key,
            previousDigestHashValue: link.map { DigestSignature.sha256Hex($0.inflated + (wrongHashLink ? [0x20] : [])) },
            previousDigestHashAlgorithm: link == nil ? nil : "SHA-256", previousDigestSignature: link?.signature,
            logFiles: entries)
        let built = try write(document, key: key, logKeys: logKeys, contents: contents)
        if backfill { previousBackfill = built } else { previous = built }
        digests.append(built)
        return built
    }

    /// Signs and writes a digest document at `key`.
    func write(
        _ document: DigestDocument, key: String, logKeys: [String] = [], contents: [[UInt8]] = [],
        signer: _RSA.Signing.PrivateKey? = nil
    ) throws -> Built {
        let inflated = document.jsonBytes()
        let signature = TestKeys.sign(
            DigestSignature.stringToSign(document, uncompressed: inflated), with: signer ?? self.signer)
        try directory.write(key, bytes: try Gzip.compress(inflated))
        return Built(
            key: key, inflated: inflated, signature: signature, document: document, logKeys: logKeys,
            logContents: contents)
    }

    /// A sidecar with the signatures of `digests` (default: all).
    func sidecar(_ which: [Built]? = nil) -> SignatureSidecar {
        var sidecar = SignatureSidecar()
        for built in which ?? digests {
            let generation = built.key.hasSuffix("_backfill.json.gz") ? built.document.digestEndTime : nil
            sidecar.set(
                .init(signature: built.signature, backfillGenerationTimestamp: generation), bucket: bucket, key: built.key)
        }
        return sidecar
    }

    func path(_ key: String) -> String { directory.path + "/" + key }

    func remove(_ key: String) throws { try FileManager.default.removeItem(atPath: path(key)) }

    func validate(
        keys: PublicKeySet = TestKeys.set(), sidecar: SignatureSidecar? = nil, selection: IntegritySelection = .init()
    ) throws -> IntegrityReport {
        try IntegrityValidator(
            root: root, selection: selection, keys: keys, signatures: sidecar ?? self.sidecar()
        ).validate()
    }
}

extension IntegrityReport {
    /// The status of the digest at `key`.
    func digest(_ key: String) -> DigestStatus? { digests.first { $0.location.key == key }?.status }

    /// The statuses of the checked entries for the log at `key`.
    func log(_ key: String) -> [LogStatus] {
        logs.filter { $0.location.key == key && $0.digest != nil }.map(\.status)
    }

    /// stdout and stderr as aws-cli would print them.
    func text(verbose: Bool = true) -> (stdout: String, stderr: String) { ValidationOutput.render(self, verbose: verbose) }
}
