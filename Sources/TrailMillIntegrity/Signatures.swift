import Crypto
import Foundation
import TrailMillHex
import _CryptoExtras

/// The signed string and the RSA check (integrity.md §4).
public enum DigestSignature {
    /// `digestEndTime \n digestS3Bucket/digestS3Object \n hex(SHA-256(uncompressed digest)) \n
    /// (previousDigestSignature ?? "null")`, UTF-8, no trailing newline; the JSON values exactly as written.
    public static func stringToSign(_ document: DigestDocument, uncompressed: [UInt8]) -> String {
        stringToSign(document, uncompressedSHA256: sha256Hex(uncompressed))
    }

    /// The same, from the hex SHA-256 of the uncompressed digest.
    public static func stringToSign(_ document: DigestDocument, uncompressedSHA256: String) -> String {
        "\(document.digestEndTime)\n\(document.digestS3Bucket)/\(document.digestS3Object)\n\(uncompressedSHA256)\n"
            + (document.previousDigestSignature ?? "null")
    }

    /// Lowercase hex SHA-256.
    public static func sha256Hex(_ bytes: [UInt8]) -> String { Hex.encode(SHA256.hash(data: bytes)) }

    /// Whether `signatureHex` (either case) is an RSASSA-PKCS1-v1_5 signature with SHA-256 (only; SHA-1, SHA-512
    /// and PSS signatures fail) of `message` under the public key in DER (PKCS#1 or SPKI).
    public static func verify(signatureHex: String, message: String, publicKeyDER: [UInt8]) -> Bool {
        guard case .success(let key) = RSAKeyDER.load(publicKeyDER) else { return false }
        return verify(signatureHex: signatureHex, message: message, key: key)
    }

    static func verify(signatureHex: String, message: String, key: _RSA.Signing.PublicKey) -> Bool {
        guard let signature = Hex.decode(signatureHex), !signature.isEmpty else { return false }
        return key.isValidSignature(
            _RSA.Signing.RSASignature(rawRepresentation: signature), for: SHA256.hash(data: Array(message.utf8)),
            padding: .insecurePKCS1v1_5)
    }
}

/// Digest signatures captured outside the archive: the S3 user metadata (`x-amz-meta-signature`,
/// `x-amz-meta-signature-algorithm`, `x-amz-meta-backfill-generation-timestamp`) that a plain download loses.
///
/// File format (JSON), the shape of the fixtures' `manifest.json`, so that file is accepted as it is:
///
/// ```
/// [ {"bucket": "my-bucket", "key": "AWSLogs/…/…_CloudTrail-Digest_….json.gz",
///    "metadata": {"signature": "<hex>", "signature-algorithm": "SHA256withRSA"}}, … ]
/// ```
///
/// or the same array under `"objects"` in an object. `bucket` may be omitted (the entry then matches the key in any
/// bucket). Other fields (`kind`, …) are ignored; so are entries whose key is not a digest key. Capture with e.g.
/// `aws s3api head-object --bucket B --key K --query Metadata` for each digest (only chain heads need it).
///
/// An entry for a digest is a statement about the object in S3: an entry with no `signature` or no
/// `signature-algorithm` means the object had no signature metadata, which aws-cli reports as
/// `signature verification failed` (a digest re-uploaded by someone other than CloudTrail). A digest with no entry
/// at all falls back to the next digest's `previousDigestSignature`.
public struct SignatureSidecar: Sendable {
    /// The captured metadata of one object.
    public struct Metadata: Sendable, Hashable {
        /// Hex signature.
        public var signature: String?
        /// `SHA256withRSA`.
        public var signatureAlgorithm: String?
        /// Backfill digests only.
        public var backfillGenerationTimestamp: String?

        /// Creates a value.
        public init(
            signature: String?, signatureAlgorithm: String? = "SHA256withRSA", backfillGenerationTimestamp: String? = nil
        ) {
            self.signature = signature
            self.signatureAlgorithm = signatureAlgorithm
            self.backfillGenerationTimestamp = backfillGenerationTimestamp
        }
    }

    private var byLocation: [S3Location: Metadata] = [:]
    private var byKey: [String: Metadata] = [:]

    /// An empty sidecar.
    public init() {}

    /// Number of entries.
    public var count: Int { byLocation.count + byKey.count }

    /// Adds (or replaces) an entry; `bucket` nil matches any bucket.
    public mutating func set(_ metadata: Metadata, bucket: String?, key: String) {
        if let bucket { byLocation[S3Location(bucket: bucket, key: key)] = metadata } else { byKey[key] = metadata }
    }

    /// The entry for a location, if any.
    public func metadata(for location: S3Location) -> Metadata? { byLocation[location] ?? byKey[location.key] }

    /// Loads a sidecar file.
    public static func load(path: String) throws(IntegrityInputError) -> SignatureSidecar {
        let bytes: [UInt8]
        switch LocalObject.load(path) {
        case .success(let loaded): bytes = loaded
        case .failure(.notFound): throw IntegrityInputError(path: path, message: "does not exist")
        case .failure(.notReadable(let why)): throw IntegrityInputError(path: path, message: "cannot read: \(why)")
        }
        return try parse(json: bytes, origin: path)
    }

    /// Parses a sidecar document.
    public static func parse(json bytes: [UInt8], origin: String) throws(IntegrityInputError) -> SignatureSidecar {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes), options: [])
        } catch {
            throw IntegrityInputError(path: origin, message: "not JSON")
        }
        let list: [Any]
        if let array = object as? [Any] {
            list = array
        } else if let dictionary = object as? [String: Any], let inner = dictionary["objects"] as? [Any] {
            list = inner
        } else {
            throw IntegrityInputError(
                path: origin, message: "expected an array of {bucket, key, metadata} objects (or one under \"objects\")")
        }
        var sidecar = SignatureSidecar()
        for (index, element) in list.enumerated() {
            guard let entry = element as? [String: Any], let key = entry["key"] as? String else {
                throw IntegrityInputError(path: origin, message: "entry \(index) has no \"key\" string")
            }
            if let kind = entry["kind"] as? String, kind != "digest" { continue }
            guard key.contains("/CloudTrail-Digest/") else { continue }
            let metadata = entry["metadata"] as? [String: Any] ?? [:]
            if entry["metadata"] != nil, !(entry["metadata"] is [String: Any]) {
                throw IntegrityInputError(path: origin, message: "entry \(index): \"metadata\" is not an object")
            }
            sidecar.set(
                Metadata(
                    signature: metadata["signature"] as? String,
                    signatureAlgorithm: metadata["signature-algorithm"] as? String,
                    backfillGenerationTimestamp: metadata["backfill-generation-timestamp"] as? String),
                bucket: entry["bucket"] as? String, key: key)
        }
        return sidecar
    }
}
