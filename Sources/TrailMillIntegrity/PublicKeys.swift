import Crypto
import Foundation
import TrailMillHex
import _CryptoExtras

/// A failure to load a public-key or signature file (a usage problem, not a validation verdict).
public struct IntegrityInputError: Error, Sendable, CustomStringConvertible {
    /// The file concerned.
    public var path: String
    /// What is wrong.
    public var message: String

    /// Creates a value.
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}

/// The public keys digests are checked with (integrity.md §5), by fingerprint.
///
/// Sources: the JSON `aws cloudtrail list-public-keys` prints (`{"PublicKeyList":[{Value, ValidityStartTime,
/// ValidityEndTime, Fingerprint}]}`; `Value` is base64 DER), PEM files (`BEGIN PUBLIC KEY` = SubjectPublicKeyInfo,
/// `BEGIN RSA PUBLIC KEY` = PKCS#1; several blocks per file allowed) and raw DER files.
///
/// Fingerprints: for a ListPublicKeys entry, the MD5 of its DER `Value` is recomputed and must equal
/// `Fingerprint` (entries that do not match are refused and listed in `problems`). A PEM or DER key is filed under
/// the MD5 of its PKCS#1 DER (what CloudTrail publishes and digests name) and, when the file holds an SPKI, also
/// under the MD5 of those bytes. PEM and DER keys have no validity window.
public struct PublicKeySet: Sendable {
    /// One usable (or unusable) key.
    public struct Entry: Sendable {
        /// Lowercase hex MD5.
        public var fingerprint: String
        /// Validity window from ListPublicKeys; nil for PEM/DER keys.
        public var validFrom: UTCTime?
        public var validUntil: UTCTime?
        /// Where the key came from, for messages.
        public var origin: String
        /// Why the key bytes could not be loaded as an RSA public key (aws-cli: `Unable to load PKCS #1 key`).
        public var loadError: String?
        let key: _RSA.Signing.PublicKey?

        /// Whether `time` is inside the validity window (always true without one).
        public func isValid(at time: UTCTime) -> Bool {
            if let validFrom, time < validFrom { return false }
            if let validUntil, validUntil < time { return false }
            return true
        }
    }

    /// Every key, in load order.
    public private(set) var entries: [Entry] = []
    /// Entries refused while loading (fingerprint mismatch, bad base64), for warnings.
    public private(set) var problems: [String] = []

    /// An empty set: no signature can be checked (digests are then reported unverified, not invalid).
    public init() {}

    /// Whether no key was loaded.
    public var isEmpty: Bool { entries.isEmpty }

    /// Entries for a fingerprint (compared case-insensitively).
    public func entries(fingerprint: String) -> [Entry] {
        let wanted = fingerprint.lowercased()
        return entries.filter { $0.fingerprint == wanted }
    }

    /// Loads a file of any supported kind, chosen by content.
    public static func load(path: String) throws(IntegrityInputError) -> PublicKeySet {
        var set = PublicKeySet()
        try set.add(path: path)
        return set
    }

    /// Adds the keys in a file of any supported kind, chosen by content.
    public mutating func add(path: String) throws(IntegrityInputError) {
        let bytes: [UInt8]
        switch LocalObject.load(path) {
        case .success(let loaded): bytes = loaded
        case .failure(.notFound): throw IntegrityInputError(path: path, message: "does not exist")
        case .failure(.notReadable(let why)): throw IntegrityInputError(path: path, message: "cannot read: \(why)")
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let trimmed = text.drop { $0.isWhitespace }
        if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") {
            try addListPublicKeys(json: bytes, origin: path)
        } else if text.contains("-----BEGIN ") {
            try addPEM(text, origin: path)
        } else {
            try addDER(bytes, origin: path)
        }
    }

    /// Adds the entries of `aws cloudtrail list-public-keys` output (or a bare array of its entries).
    public mutating func addListPublicKeys(json bytes: [UInt8], origin: String) throws(IntegrityInputError) {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes), options: [])
        } catch {
            throw IntegrityInputError(path: origin, message: "not JSON")
        }
        let list: [Any]
        if let dictionary = object as? [String: Any], let inner = dictionary["PublicKeyList"] as? [Any] {
            list = inner
        } else if let array = object as? [Any] {
            list = array
        } else {
            throw IntegrityInputError(path: origin, message: "no PublicKeyList array (expected list-public-keys output)")
        }
        for (index, element) in list.enumerated() {
            let label = "\(origin) PublicKeyList[\(index)]"
            guard let entry = element as? [String: Any], let value = entry["Value"] as? String,
                let fingerprint = entry["Fingerprint"] as? String
            else {
                problems.append("\(label): no Value and Fingerprint strings; ignored")
                continue
            }
            guard let der = Data(base64Encoded: value, options: .ignoreUnknownCharacters), !der.isEmpty else {
                problems.append("\(label): Value is not base64; ignored")
                continue
            }
            let computed = Self.md5Hex(Array(der))
            guard computed == fingerprint.lowercased() else {
                problems.append(
                    "\(label): Fingerprint \(fingerprint) is not the MD5 of Value (\(computed)); key refused")
                continue
            }
            let from = Self.time(entry["ValidityStartTime"])
            let until = Self.time(entry["ValidityEndTime"])
            var key: _RSA.Signing.PublicKey?
            var loadError: String?
            switch RSAKeyDER.load(Array(der)) {
            case .success(let loaded): key = loaded
            case .failure(let error): loadError = error.message
            }
            entries.append(
                Entry(
                    fingerprint: computed, validFrom: from, validUntil: until, origin: label, loadError: loadError,
                    key: key))
        }
    }

    /// Adds every `-----BEGIN … PUBLIC KEY-----` block of a PEM text.
    public mutating func addPEM(_ text: String, origin: String) throws(IntegrityInputError) {
        var found = 0
        var body: String?
        var label = ""
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("-----BEGIN ") {
                body = ""
                label = line
            } else if line.hasPrefix("-----END ") {
                guard let content = body else { continue }
                body = nil
                guard label.contains("PUBLIC KEY") else { continue }
                guard let der = Data(base64Encoded: content), !der.isEmpty else {
                    throw IntegrityInputError(path: origin, message: "PEM block \(found + 1) is not base64")
                }
                found += 1
                try addDER(Array(der), origin: "\(origin) (PEM block \(found))")
            } else if body != nil {
                body! += line
            }
        }
        if found == 0 { throw IntegrityInputError(path: origin, message: "no PUBLIC KEY block in the PEM text") }
    }

    /// Adds one DER public key (SubjectPublicKeyInfo or PKCS#1 RSAPublicKey).
    public mutating func addDER(_ der: [UInt8], origin: String) throws(IntegrityInputError) {
        let key: _RSA.Signing.PublicKey
        switch RSAKeyDER.load(der) {
        case .success(let loaded): key = loaded
        case .failure(let error):
            throw IntegrityInputError(path: origin, message: "not an RSA public key: \(error.message)")
        }
        var fingerprints = [Self.md5Hex(Array(key.pkcs1DERRepresentation))]
        let asGiven = Self.md5Hex(der)
        if asGiven != fingerprints[0] { fingerprints.append(asGiven) }
        for fingerprint in fingerprints {
            entries.append(
                Entry(
                    fingerprint: fingerprint, validFrom: nil, validUntil: nil, origin: origin, loadError: nil, key: key))
        }
    }

    /// Adds an RSA public key directly (tests, embedding).
    public mutating func add(pkcs1DER der: [UInt8], validFrom: UTCTime? = nil, validUntil: UTCTime? = nil) throws(
        IntegrityInputError
    ) {
        let key: _RSA.Signing.PublicKey
        switch RSAKeyDER.load(der) {
        case .success(let loaded): key = loaded
        case .failure(let error):
            throw IntegrityInputError(path: "key", message: "not an RSA public key: \(error.message)")
        }
        entries.append(
            Entry(
                fingerprint: Self.md5Hex(der), validFrom: validFrom, validUntil: validUntil, origin: "key",
                loadError: nil, key: key))
    }

    /// A ListPublicKeys time: an ISO 8601 string (aws-cli prints `…+00:00`) or epoch seconds
    /// (`cli_timestamp_format = none`).
    private static func time(_ value: Any?) -> UTCTime? {
        if let text = value as? String { return UTCTime(iso8601: text) }
        if let number = value as? NSNumber, !(value is Bool) {
            return UTCTime(seconds: Int64(number.doubleValue.rounded(.down)))
        }
        return nil
    }

    /// Lowercase hex MD5 (the CloudTrail key fingerprint of DER bytes).
    public static func md5Hex(_ bytes: [UInt8]) -> String { Hex.encode(Insecure.MD5.hash(data: bytes)) }

    /// The key to check a digest with: among entries with its fingerprint, one whose window contains `time` if
    /// any (`inWindow` true), else the first loadable one (`inWindow` false: aws-cli matches by fingerprint only).
    func choose(fingerprint: String, at time: UTCTime?) -> (entry: Entry, inWindow: Bool)? {
        let candidates = entries(fingerprint: fingerprint)
        guard !candidates.isEmpty else { return nil }
        if let time, let match = candidates.first(where: { $0.key != nil && $0.isValid(at: time) }) {
            return (match, true)
        }
        let entry = candidates.first { $0.key != nil } ?? candidates[0]
        return (entry, time == nil)
    }
}
