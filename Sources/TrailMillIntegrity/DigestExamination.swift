import TrailMillHex

/// What loading and checking one digest found: the fact the driver gives `ChainWalk.examined(_:)`.
@_spi(Testing) public enum DigestExamination: Sendable, Equatable {
    /// No such file (S3's `NoSuchKey`).
    case notFound
    /// Invalid (the record's status says why). The document when it could be parsed, and the SHA-256 of the
    /// uncompressed digest when the checks got past its location (for the hash link).
    case failed(DigestRecord, DigestDocument?, uncompressedSHA256: String?)
    /// Valid, or unverified (nothing wrong, signature not checkable).
    case usable(DigestRecord, DigestDocument, uncompressedSHA256: String)
}

extension DigestExamination {
    /// Checks one digest from its bytes in aws-cli's order (integrity.md §4: gzip and JSON, signature metadata,
    /// required keys, location, public key, signature), then TrailMill's stricter checks against what the next
    /// digest says about it (`request.link`: its `previousDigestSignature`, `digestStartTime`), and the algorithm
    /// names.
    ///
    /// The signature is the sidecar's (the captured S3 metadata) when it has one, else the next digest's
    /// `previousDigestSignature`. The `previousDigestHashValue` link is compared by `ChainWalk`, which knows where
    /// the finding belongs.
    static func examine(
        _ request: DigestRequest, bytes loaded: Result<[UInt8], ReadFailure>, metadata: SignatureSidecar.Metadata?,
        keys: PublicKeySet, maxDecompressedBytes: Int
    ) -> DigestExamination {
        let chain = request.chain
        let location = request.location
        var record = DigestRecord(
            chain: chain, location: location, relativePath: request.relativePath, status: .valid)
        func fail(
            _ reason: String, _ document: DigestDocument? = nil, note: String? = nil, sha256: String? = nil
        ) -> DigestExamination {
            record.status = .invalid(reason)
            if let note { record.notes.append(note) }
            return .failed(record, document, uncompressedSHA256: sha256)
        }

        // 1. The object.
        let bytes: [UInt8]
        switch loaded {
        case .success(let value): bytes = value
        case .failure(.notFound): return .notFound
        case .failure(.notReadable(let why)): return fail("not readable: \(why)")
        }

        // 2. gunzip (exactly one member) and JSON.
        let (outcome, inflated) = GzipMember.content(bytes, maxDecompressedBytes: maxDecompressedBytes)
        switch outcome {
        case .member: break
        case .notGzip: return fail("invalid format", note: "not gzip")
        case .corrupt(let why): return fail("invalid format", note: "damaged gzip: \(why)")
        case .trailingData(let why):
            return fail("invalid format", note: "data after the first gzip member (\(why)); aws-cli ignores it")
        case .doubleGzip: return fail("invalid format", note: "gzip inside gzip")
        case .tooLarge(let limit): return fail("invalid format", note: "larger than \(limit) bytes decompressed")
        }
        let parsed: Result<DigestDocument, DigestFormatError> = Result { () throws(DigestFormatError) in
            try DigestDocument.parse(json: inflated)
        }
        if case .failure(let error) = parsed, ["not UTF-8", "not JSON", "not a JSON object"].contains(error.detail) {
            return fail("invalid format", note: error.detail)
        }

        // 3. Signature metadata (the sidecar is the captured S3 metadata).
        if let metadata, metadata.signature == nil || metadata.signatureAlgorithm == nil {
            return fail(
                "signature verification failed", try? parsed.get(),
                note: "the signature sidecar lists this object without signature metadata (re-uploaded?)")
        }
        if chain.isBackfill, let metadata, metadata.backfillGenerationTimestamp == nil {
            return fail(
                "invalid format", try? parsed.get(),
                note: "backfill digest without backfill-generation-timestamp metadata")
        }

        // 4. Required keys and usable content.
        let document: DigestDocument
        switch parsed {
        case .success(let value): document = value
        case .failure(let error): return fail("invalid format", note: error.detail)
        }
        record.startTime = document.startTime
        record.endTime = document.endTime
        record.logCount = document.logFiles.count

        // 5. Location.
        let claimed = S3Location(bucket: document.digestS3Bucket, key: document.digestS3Object)
        if claimed != location {
            return fail(
                "has been moved from its original location", document,
                note: "its JSON says it is \(claimed.url)")
        }
        let sha256 = DigestSignature.sha256Hex(inflated)
        let link = request.link

        // 6. Public key, 7. signature.
        var signature: String?
        if let metadata {
            signature = metadata.signature
            record.signatureSource = .sidecar
            if let algorithm = metadata.signatureAlgorithm, algorithm != "SHA256withRSA" {
                record.notes.append("signature-algorithm metadata is '\(algorithm)', not SHA256withRSA")
            }
        } else if let link, let linked = link.signature {
            signature = linked
            record.signatureSource = .nextDigest(link.successor)
        }

        let fingerprint = document.digestPublicKeyFingerprint
        var keyTime: UTCTime? = document.endTime
        if chain.isBackfill {
            keyTime = metadata?.backfillGenerationTimestamp.flatMap { UTCTime(iso8601: $0) }
        }
        if keys.isEmpty {
            record.status = .unverified("no public keys loaded; the signature was not checked")
        } else if let (entry, inWindow) = keys.choose(fingerprint: fingerprint, at: keyTime) {
            guard let key = entry.key else {
                return fail("Unable to load PKCS #1 key with fingerprint \(fingerprint)", document, sha256: sha256)
            }
            if !inWindow, let keyTime {
                record.notes.append(
                    "public key \(fingerprint) is valid \(entry.validFrom?.iso8601 ?? "?") to "
                        + "\(entry.validUntil?.iso8601 ?? "?"), not at \(keyTime.iso8601)")
            }
            if let signature {
                let message = DigestSignature.stringToSign(document, uncompressedSHA256: sha256)
                if !DigestSignature.verify(signatureHex: signature, message: message, key: key) {
                    switch record.signatureSource {
                    case .nextDigest(let successor) where link?.trust == .invalid:
                        record.status = .unverified(
                            "the only signature available, previousDigestSignature of \(successor.url) (itself "
                                + "INVALID), does not verify")
                    case .nextDigest(let successor):
                        return fail(
                            "signature verification failed", document,
                            note: "signature taken from previousDigestSignature of \(successor.url)", sha256: sha256)
                    default:
                        return fail("signature verification failed", document, sha256: sha256)
                    }
                }
            } else {
                record.status = .unverified(
                    "no signature: no next digest names it (the newest digest of its chain segment, or the next "
                        + "digest is missing) and S3 metadata is not in a local copy; supply a signature sidecar")
            }
        } else {
            return fail(
                "public key not found in region \(chain.homeRegion) for fingerprint \(fingerprint)", document,
                sha256: sha256)
        }

        // Stricter checks against the next digest's link.
        if let link {
            if case .sidecar = record.signatureSource, let linked = link.signature, let signature,
                Hex.decode(linked) != Hex.decode(signature)
            {
                let text = "previousDigestSignature in \(link.successor.url) is not this digest's signature"
                if link.trust == .valid {
                    return fail(
                        "does not match the previousDigestSignature of the next digest \(link.successor.url)",
                        document, note: text, sha256: sha256)
                }
                record.notes.append(text)
            }
            if let successorStart = link.successorStart, successorStart != document.endTime {
                record.notes.append(
                    "digestEndTime \(document.digestEndTime) is not the digestStartTime "
                        + "\(successorStart.iso8601) of \(link.successor.url)")
            }
        }
        if let algorithm = document.digestSignatureAlgorithm, algorithm != "SHA256withRSA" {
            record.notes.append("digestSignatureAlgorithm is '\(algorithm)', not SHA256withRSA")
        }
        if let algorithm = document.previousDigestHashAlgorithm, algorithm != "SHA-256" {
            record.notes.append("previousDigestHashAlgorithm is '\(algorithm)', not SHA-256")
        }
        return .usable(record, document, uncompressedSHA256: sha256)
    }
}
