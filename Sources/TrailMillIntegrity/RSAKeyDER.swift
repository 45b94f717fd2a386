import _CryptoExtras

/// Loads RSA public keys, checking the DER first.
///
/// swift-crypto 3.12.3 frees its key object twice when given DER that is neither a SubjectPublicKeyInfo nor a
/// PKCS#1 RSAPublicKey (`BoringSSLRSAPublicKey.Backing.init(contiguousDerRepresentation:)` frees in its `catch`,
/// then `deinit` frees again; fixed in 4.x): the process aborts. So no bytes reach it unless they pass the same
/// checks BoringSSL makes (`EVP_parse_public_key`, `RSA_parse_public_key`, `rsa_check_public_key`): strict DER,
/// exactly one object, positive minimal integers, an odd modulus of 2048 (swift-crypto's minimum) to 16384 bits, an
/// odd exponent other than 1 of at most 33 bits, and for an SPKI the rsaEncryption OID with NULL parameters and a
/// BIT STRING without unused bits.
enum RSAKeyDER {
    /// Why `der` is not an RSA public key BoringSSL accepts, or nil if it is one.
    static func problem(_ der: [UInt8]) -> String? {
        var reader = Reader(der[...])
        guard let outer = reader.read(tag: 0x30), reader.isAtEnd else { return "not a single DER SEQUENCE" }
        var inner = Reader(outer)
        if inner.peek == 0x30 {
            // SubjectPublicKeyInfo.
            guard let algorithm = inner.read(tag: 0x30), let bits = inner.read(tag: 0x03), inner.isAtEnd else {
                return "not a SubjectPublicKeyInfo"
            }
            let rsaEncryption: [UInt8] = [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01, 0x05, 0x00]
            guard Array(algorithm) == rsaEncryption else { return "not an rsaEncryption key with NULL parameters" }
            guard bits.first == 0 else { return "key BIT STRING has unused bits" }
            return pkcs1Problem(Array(bits.dropFirst()))
        }
        return pkcs1Problem(der)
    }

    /// The key, or why not.
    static func load(_ der: [UInt8]) -> Result<_RSA.Signing.PublicKey, KeyLoadError> {
        if let problem = problem(der) { return .failure(KeyLoadError(message: problem)) }
        do {
            return .success(try _RSA.Signing.PublicKey(derRepresentation: der))
        } catch {
            return .failure(KeyLoadError(message: "rejected by swift-crypto (\(error))"))
        }
    }

    struct KeyLoadError: Error {
        var message: String
    }

    private static func pkcs1Problem(_ der: [UInt8]) -> String? {
        var reader = Reader(der[...])
        guard let sequence = reader.read(tag: 0x30), reader.isAtEnd else { return "not a PKCS#1 RSAPublicKey" }
        var fields = Reader(sequence)
        guard let modulus = fields.read(tag: 0x02), let exponent = fields.read(tag: 0x02), fields.isAtEnd else {
            return "not a PKCS#1 RSAPublicKey (two INTEGERs)"
        }
        guard let modulusBits = positiveBits(modulus), let exponentBits = positiveBits(exponent) else {
            return "RSA integers are not positive minimal DER integers"
        }
        guard modulus.last! & 1 == 1, modulusBits <= 16384, modulusBits > 33 else { return "bad RSA modulus" }
        guard modulusBits >= 2048 else { return "RSA key of \(modulusBits) bits (2048 or more needed)" }
        guard exponent.last! & 1 == 1, exponentBits <= 33, exponentBits > 1 else { return "bad RSA exponent" }
        return nil
    }

    /// The bit length of a positive, minimally encoded INTEGER's content; nil if it is zero, negative or padded.
    private static func positiveBits(_ content: ArraySlice<UInt8>) -> Int? {
        guard let first = content.first, first & 0x80 == 0 else { return nil }
        var bytes = content
        if first == 0 {
            guard bytes.count > 1, bytes[bytes.startIndex + 1] & 0x80 != 0 else { return nil }
            bytes = bytes.dropFirst()
        }
        let lead = bytes.first!
        guard lead != 0 else { return nil }
        return (bytes.count - 1) * 8 + (8 - lead.leadingZeroBitCount)
    }

    /// A strict DER reader (definite, minimal lengths).
    private struct Reader {
        var bytes: ArraySlice<UInt8>

        init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }

        var isAtEnd: Bool { bytes.isEmpty }
        var peek: UInt8? { bytes.first }

        mutating func read(tag: UInt8) -> ArraySlice<UInt8>? {
            guard bytes.count >= 2, bytes.first == tag else { return nil }
            var index = bytes.startIndex + 1
            let first = bytes[index]
            index += 1
            var length = 0
            if first < 0x80 {
                length = Int(first)
            } else {
                let count = Int(first & 0x7F)
                guard (1...4).contains(count), bytes.endIndex - index >= count, bytes[index] != 0 else { return nil }
                for _ in 0..<count {
                    length = length << 8 | Int(bytes[index])
                    index += 1
                }
                guard length >= 0x80 else { return nil }
            }
            guard bytes.endIndex - index >= length else { return nil }
            let content = bytes[index..<(index + length)]
            bytes = bytes[(index + length)...]
            return content
        }
    }
}
