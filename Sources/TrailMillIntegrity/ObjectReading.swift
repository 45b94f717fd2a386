import TrailMillCompression
import TrailMillPOSIX

/// Why a local object could not be read.
enum ReadFailure: Error, Equatable {
    /// No such file (S3's `NoSuchKey`).
    case notFound
    /// It exists but cannot be read (permissions, a directory, an I/O error).
    case notReadable(String)
}

/// The archive root folder: where objects are read by their relative path.
struct ArchiveRoot: Sendable {
    /// The folder, without a trailing `/` (unless it is `/`).
    let path: String

    /// The root at `path` (trailing slashes dropped).
    init(_ path: String) {
        var root = path
        while root.count > 1, root.hasSuffix("/") { root.removeLast() }
        self.path = root
    }

    /// The absolute path of a file under the root.
    func absolutePath(_ relativePath: String) -> String {
        path == "/" ? "/" + relativePath : path + "/" + relativePath
    }

    /// The bytes of the object at `relativePath`.
    func load(_ relativePath: String) -> Result<[UInt8], ReadFailure> { LocalObject.load(absolutePath(relativePath)) }
}

/// Whole-file reads, so a missing file is told apart from an unreadable one.
enum LocalObject {
    /// The bytes of the regular file at `path`.
    static func load(_ path: String) -> Result<[UInt8], ReadFailure> {
        do throws(SystemCallError) { return .success(try FileSystem.readFile(path)) } catch {
            return .failure(error.isNotFound ? .notFound : .notReadable(error.isNotRegularFile ? "not a regular file" : error.reason))
        }
    }
}

/// What reading a `.json.gz` object as CloudTrail does (one gzip member) gave.
enum GzipOutcome: Equatable {
    /// Exactly one gzip member, of this many decompressed bytes (all passed to the sink).
    case member(size: Int)
    /// Not gzip at all (no `1f 8b` magic), or empty.
    case notGzip
    /// Damaged gzip: corrupt deflate data, a CRC-32/ISIZE mismatch, or a truncated member.
    case corrupt(String)
    /// A complete gzip member followed by more bytes (a second member or garbage).
    case trailingData(String)
    /// gzip whose content is itself gzip: CloudTrail never writes this, and aws-cli would hash the inner gzip bytes.
    case doubleGzip
    /// Decompressing passed the configured limit.
    case tooLarge(Int)
}

/// Decompresses exactly one gzip member, strictly (stricter than aws-cli 1.45.11, which ignores what follows the
/// first member; the same as aws-cli develop for logs).
///
/// `TrailMillCompression` reads every member of a multi-member file. A file holds one member exactly when the last
/// member's ISIZE (the last 4 bytes) equals the total decompressed size modulo 2³² and no empty member precedes it:
/// earlier members with content would make the total larger by less than 2³² (the size limit is below 4 GiB).
/// Leading empty members are found by trying each later `1f 8b 08` position as the end of a prefix made only of
/// empty members; such a prefix decompresses to nothing, and any other prefix fails fast.
enum GzipMember {
    /// The most candidate member starts looked at before the file is called corrupt (a guard against crafted files
    /// with many `1f 8b 08` sequences in their header).
    static let maxCandidates = 64

    /// Decompresses `bytes`, handing the content to `sink` in pieces; the outcome says whether the file was exactly
    /// one gzip member (content passed to `sink` is only meaningful for `.member`).
    static func decompress(
        _ bytes: [UInt8], maxDecompressedBytes: Int, sink: (UnsafeRawBufferPointer) -> Void
    ) -> GzipOutcome {
        guard bytes.count >= 2, bytes[0] == 0x1f, bytes[1] == 0x8b else { return .notGzip }
        let limit = min(maxDecompressedBytes, Int(UInt32.max) - 1)
        let size: Int
        let encoding: ContentEncoding
        do {
            let reader = try DecompressingReader(bytes: bytes, maxDecompressedBytes: limit)
            size = try drain(reader, sink: sink)
            encoding = reader.encoding
        } catch {
            if error.code == .sizeLimitExceeded { return .tooLarge(limit) }
            if error.code == .corruptData, error.message.contains("trailing bytes after gzip member") {
                return .trailingData(error.message)
            }
            return .corrupt(error.message)
        }
        if encoding == .doubleGzip { return .doubleGzip }
        guard encoding == .gzip, bytes.count >= 18 else { return .corrupt("not a complete gzip member") }
        let n = bytes.count
        let isize =
            UInt32(bytes[n - 4]) | UInt32(bytes[n - 3]) << 8 | UInt32(bytes[n - 2]) << 16 | UInt32(bytes[n - 1]) << 24
        if isize != UInt32(truncatingIfNeeded: size) { return .trailingData("a second gzip member follows the first") }
        if hasLeadingEmptyMember(bytes) { return .trailingData("an empty gzip member is followed by another member") }
        return .member(size: size)
    }

    /// Decompresses one member into memory (digests: small documents).
    static func content(_ bytes: [UInt8], maxDecompressedBytes: Int) -> (GzipOutcome, [UInt8]) {
        var content: [UInt8] = []
        let outcome = decompress(bytes, maxDecompressedBytes: maxDecompressedBytes) { piece in
            content.append(contentsOf: piece)
        }
        return (outcome, content)
    }

    /// Whether the file starts with one or more empty gzip members followed by another member.
    private static func hasLeadingEmptyMember(_ bytes: [UInt8]) -> Bool {
        var checked = 0
        var position = 18  // no gzip member is shorter than 18 bytes
        while position + 2 < bytes.count {
            if bytes[position] == 0x1f, bytes[position + 1] == 0x8b, bytes[position + 2] == 0x08 {
                checked += 1
                if checked > maxCandidates { return true }
                do {
                    let reader = try DecompressingReader(bytes: Array(bytes[..<position]), maxDecompressedBytes: 0)
                    if try drain(reader, sink: { _ in }) == 0, reader.encoding == .gzip { return true }
                } catch {
                    // Output before this position: the first member has content, so (ISIZE matching) the file is
                    // one member. Anything else (a truncated member): not a boundary, keep looking.
                    if error.code == .sizeLimitExceeded { return false }
                }
            }
            position += 1
        }
        return false
    }

    /// Reads `reader` to the end; returns the number of bytes.
    private static func drain(
        _ reader: DecompressingReader, sink: (UnsafeRawBufferPointer) -> Void
    ) throws(CompressionError) -> Int {
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
        defer { chunk.deallocate() }
        var total = 0
        while true {
            let count = try reader.read(into: chunk)
            if count == 0 { return total }
            total += count
            sink(UnsafeRawBufferPointer(rebasing: chunk[..<count]))
        }
    }
}
