import Crypto
import TrailMillHex

/// Checks the log files a digest lists (integrity.md §7): each is present, exactly one gzip member, and the SHA-256
/// of its content is the entry's `hashValue`.
enum LogCheck {
    /// The records for `entries` of `digest`, in entry order, reading and hashing at most `concurrency` files at
    /// once.
    static func check(
        _ entries: [DigestLogEntry], of digest: DigestRecord, map: LocationMap, root: ArchiveRoot,
        maxDecompressedBytes: Int, concurrency: Int
    ) -> [LogRecord] {
        let location = digest.location
        let digestValid = digest.status.isValid
        let fromBackfill = digest.chain.isBackfill
        return BoundedParallel.map(count: entries.count, workers: concurrency) { index in
            var record = check(
                entries[index], digest: location, digestValid: digestValid, map: map, root: root,
                maxDecompressedBytes: maxDecompressedBytes)
            record.fromBackfill = fromBackfill
            return record
        }
    }

    /// The record for one entry of the digest at `digest` (`digestValid`: whether that digest is valid, else the
    /// intact log is only unverified).
    static func check(
        _ entry: DigestLogEntry, digest: S3Location, digestValid: Bool, map: LocationMap, root: ArchiveRoot,
        maxDecompressedBytes: Int
    ) -> LogRecord {
        let location = S3Location(bucket: entry.s3Bucket, key: entry.s3Object)
        let relativePath = map.relativePath(of: location)
        var record = LogRecord(location: location, relativePath: relativePath, status: .valid, digest: digest)
        func finish(_ status: LogStatus, _ note: String? = nil) -> LogRecord {
            record.status = status
            if let note { record.notes.append(note) }
            return record
        }
        guard let relativePath else {
            return finish(.invalid("not found"), "bucket \(entry.s3Bucket) is not part of this copy")
        }
        let bytes: [UInt8]
        switch root.load(relativePath) {
        case .success(let loaded): bytes = loaded
        case .failure(.notFound): return finish(.invalid("not found"))
        case .failure(.notReadable(let why)): return finish(.invalid("not readable: \(why)"))
        }
        var hasher = SHA256()
        let outcome = GzipMember.decompress(bytes, maxDecompressedBytes: maxDecompressedBytes) {
            hasher.update(bufferPointer: $0)
        }
        switch outcome {
        case .member: break
        case .notGzip: return finish(.invalid("invalid format"), "not gzip")
        case .corrupt(let why): return finish(.invalid("invalid format"), "damaged gzip: \(why)")
        case .trailingData(let why):
            return finish(
                .invalid("unexpected data after end of compressed stream"),
                "\(why); aws-cli 1.45.11 hashes the first member only and may call it valid")
        case .doubleGzip:
            return finish(.invalid("hash value doesn't match"), "gzip inside gzip (aws-cli hashes the inner gzip bytes)")
        case .tooLarge(let limit):
            return finish(.invalid("not readable: more than \(limit) bytes decompressed"))
        }
        let computed = Array(hasher.finalize())
        if let algorithm = entry.hashAlgorithm, algorithm != "SHA-256" {
            record.notes.append("hashAlgorithm is '\(algorithm)', not SHA-256")
        }
        guard Hex.decode(entry.hashValue) == computed else { return finish(.invalid("hash value doesn't match")) }
        if !Hex.isLowercase(entry.hashValue) {
            record.notes.append("hashValue is not lowercase hex (aws-cli compares case-sensitively and fails it)")
        }
        return finish(digestValid ? .valid : .unverified("listed in a digest whose signature could not be checked"))
    }
}
