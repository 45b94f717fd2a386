import CZlib

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One zlib inflate stream (gzip wrapper) together with the input buffer it reads from.
///
/// The `z_stream` lives at a fixed heap address because zlib keeps pointers into it; `next_in` points into
/// `input`, which this object owns, and `next_out` is cleared after every call so no caller pointer is kept.
final class InflateLayer {
    /// What one `inflate` call did.
    struct Step {
        /// zlib's return code.
        var status: Int32
        /// Bytes written to the destination.
        var produced: Int
        /// Input bytes consumed.
        var consumed: Int
    }

    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutableRawBufferPointer
    /// True after a member's trailer was checked and before the next member starts.
    private(set) var memberEnded = false
    /// Input bytes consumed by inflate so far, over all members.
    private(set) var consumed = 0
    /// An error found by a call that also produced bytes: those bytes are returned first, then this is thrown.
    var deferredError: CompressionError?

    private init(stream: UnsafeMutablePointer<z_stream>, input: UnsafeMutableRawBufferPointer) {
        self.stream = stream
        self.input = input
    }

    /// Creates a gzip inflater with an input buffer of `inputCapacity` bytes (at least 2).
    static func make(inputCapacity: Int) throws(CompressionError) -> InflateLayer {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = CZlib_inflateInit2(stream, 15 + 16)
        guard status == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw CompressionError(code: .zlibFailure, message: "inflateInit2 failed (\(zlibStatusName(status)))")
        }
        let input = UnsafeMutableRawBufferPointer.allocate(byteCount: max(inputCapacity, 2), alignment: 16)
        return InflateLayer(stream: stream, input: input)
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
        input.deallocate()
    }

    /// Unconsumed input bytes.
    var available: Int { Int(stream.pointee.avail_in) }

    /// The unconsumed input byte at `index` (`index < available`).
    func availableByte(at index: Int) -> UInt8 {
        guard index >= 0, index < available, let next = stream.pointee.next_in else { return 0 }
        return next[index]
    }

    /// zlib's message for the last error, if any.
    var lastMessage: String? {
        guard let message = stream.pointee.msg else { return nil }
        return String(cString: message)
    }

    /// Moves unconsumed input to the front of the buffer and lets `fill` write after it.
    /// - Returns: the number of bytes `fill` added; 0 means its source has ended.
    func refill(
        _ fill: (UnsafeMutableRawBufferPointer) throws(CompressionError) -> Int
    ) throws(CompressionError) -> Int {
        guard let base = input.baseAddress else { return 0 }
        let keep = min(Int(stream.pointee.avail_in), input.count)
        if keep > 0, let next = stream.pointee.next_in, UnsafeMutableRawPointer(next) != base {
            memmove(base, next, keep)
        }
        stream.pointee.next_in = base.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_in = uInt(keep)
        guard keep < input.count else { return 0 }
        let added = try fill(UnsafeMutableRawBufferPointer(rebasing: input[keep...]))
        stream.pointee.avail_in = uInt(keep + added)
        return added
    }

    /// Drops all unconsumed input (used when counting trailing garbage).
    func discardAvailable() {
        stream.pointee.avail_in = 0
    }

    /// Inflates into `destination` (at most `count` bytes, `count > 0`).
    func inflate(into destination: UnsafeMutableRawPointer, count: Int) -> Step {
        let room = uInt(min(count, Int(uInt.max)))
        let before = stream.pointee.avail_in
        stream.pointee.next_out = destination.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = room
        let status = CZlib.inflate(stream, Z_NO_FLUSH)
        let produced = Int(room - stream.pointee.avail_out)
        stream.pointee.next_out = nil
        stream.pointee.avail_out = 0
        let used = Int(before - stream.pointee.avail_in)
        consumed += used
        if status == Z_STREAM_END { memberEnded = true }
        return Step(status: status, produced: produced, consumed: used)
    }

    /// Prepares for the next gzip member, keeping the unconsumed input.
    func startNextMember() throws(CompressionError) {
        let status = inflateReset(stream)
        guard status == Z_OK else {
            throw CompressionError(code: .zlibFailure, message: "inflateReset failed (\(zlibStatusName(status)))")
        }
        memberEnded = false
    }
}

/// zlib's name for a return code, for messages.
func zlibStatusName(_ status: Int32) -> String {
    switch status {
    case Z_OK: "Z_OK"
    case Z_STREAM_END: "Z_STREAM_END"
    case Z_NEED_DICT: "Z_NEED_DICT"
    case Z_ERRNO: "Z_ERRNO"
    case Z_STREAM_ERROR: "Z_STREAM_ERROR"
    case Z_DATA_ERROR: "Z_DATA_ERROR"
    case Z_MEM_ERROR: "Z_MEM_ERROR"
    case Z_BUF_ERROR: "Z_BUF_ERROR"
    case Z_VERSION_ERROR: "Z_VERSION_ERROR"
    default: "zlib status \(status)"
    }
}
