import TrailMillDecoding
import TrailMillNormalize

/// Buffers the OCSF encoders reuse from record to record (one per worker), so the happy path allocates nothing.
public final class OCSFScratch {
    /// Payloads of pretty-printed records are compacted here before they are embedded as JSON strings.
    let json = OutputBuffer(capacity: 4096)
    /// The open-object path of the `unmapped` member being written.
    var unmapped = UnmappedPath()
    /// `,"log_name":"<source file>"`, for the file it was made for.
    private var logNameFile = ""
    private var logNameJSON: [UInt8] = []

    /// Creates empty buffers.
    public init() {}

    /// `,"log_name":"<relative path>"` for `file`, encoded once per file.
    func logName(for file: String) -> [UInt8] {
        if file != logNameFile || logNameJSON.isEmpty {
            let text = OutputBuffer(capacity: 256)
            JSONOutput.appendMember("log_name", string: file, to: text)
            logNameJSON = text.bytes
            logNameFile = file
        }
        return logNameJSON
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
