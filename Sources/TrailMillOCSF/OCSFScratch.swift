import TrailMillDecoding
import TrailMillNormalize
import TrailMillArchive

/// Buffers the OCSF encoders reuse from record to record (one per worker), so the happy path allocates nothing.
public final class OCSFScratch {
    /// Payloads of pretty-printed records are compacted here before they are embedded as JSON strings.
    let json = OutputBuffer(capacity: 4096)
    /// The open-object path of the `unmapped` member being written.
    var unmapped = UnmappedPath()
    /// The file the per-file values below were made for.
    private var preparedFile = ""
    /// `,"log_name":"<relative path>"`.
    private(set) var logNameJSON: [UInt8] = []
    /// The file's account folder as a JSON string (the fallback for a missing `recipientAccountId`).
    private(set) var accountJSON: [UInt8] = []

    /// Creates empty buffers.
    public init() {}

    /// Encodes the per-file values once per file.
    func prepare(for context: FileContext) {
        let file = context.file.relativePath
        guard file != preparedFile || logNameJSON.isEmpty else { return }
        let text = OutputBuffer(capacity: 256)
        JSONOutput.appendMember("log_name", string: file, to: text)
        logNameJSON = text.bytes
        text.removeAll()
        JSONOutput.appendString(context.file.accountID, to: text)
        accountJSON = text.bytes
        preparedFile = file
    }
}

@available(*, unavailable)
extension OCSFScratch: Sendable {}

/// The members of one JSON object under construction, with commas where they belong.
struct JSONObjectWriter {
    let out: OutputBuffer
    var isEmpty = true

    init(_ out: OutputBuffer) { self.out = out }

    /// Writes `,` unless this is the first member, then `key` (a whole `"name":` literal).
    @inline(__always)
    mutating func key(_ key: StaticString) {
        if !isEmpty { out.append(UInt8(ascii: ",")) }
        isEmpty = false
        out.append(key)
    }
}
