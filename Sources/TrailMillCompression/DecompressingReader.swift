import CZlib

/// How a file's bytes were found to be encoded, by magic bytes (never by file name).
public enum ContentEncoding: String, Sendable, Hashable {
    /// Zero bytes.
    case empty
    /// Not gzip: read as is (for example plain JSON under a `.json.gz` name).
    case plain
    /// One or more concatenated gzip members.
    case gzip
    /// gzip whose decompressed content is itself gzip (an object compressed twice); both layers are removed.
    case doubleGzip
}

/// Streams the decompressed bytes of a file: gzip (every member, to the end), gzip inside gzip, or plain bytes.
///
/// The encoding is detected from the first bytes, so a plain JSON file named `.json.gz` reads as JSON.
/// Every gzip member's CRC-32 and ISIZE are checked. Reading more than `maxDecompressedBytes` fails with
/// `.sizeLimitExceeded`, which protects against gzip bombs. Memory is one input chunk plus zlib's window.
///
/// Detection rules: zero bytes are `.empty`; input starting with `1f 8b` is gzip (so a 1-byte file is always
/// `.plain`); gzip whose decompressed content starts with `1f 8b` is `.doubleGzip` (a third layer stays as bytes).
/// Concatenated members are read to the end; any other bytes after a complete member are `.corruptData`.
///
/// Errors: the initializers throw only for I/O failures (`.ioFailure`, or `.zlibFailure` if zlib cannot start).
/// Problems in the data are thrown by `read(into:)`, after the bytes that inflated before the problem was found
/// have been returned, so an error's `decompressedOffset` does not depend on the destination size. gzip input
/// that ends early (anywhere from its third byte on) is `.truncated`; a CRC-32 or ISIZE mismatch is `.badTrailer`;
/// other invalid data is `.corruptData`; passing the limit is `.sizeLimitExceeded` with `decompressedOffset` set
/// to the limit. After an error, every later `read` rethrows it.
///
/// A double-gzip file uses a second input chunk and zlib window for the inner layer; the inner layer's input is
/// capped too (twice the limit plus 1 MiB), so a stream of empty deflate blocks cannot run unbounded.
public final class DecompressingReader {
    /// The encoding found at open.
    public private(set) var encoding: ContentEncoding = .empty
    /// Compressed (on-disk) bytes consumed so far.
    public private(set) var compressedBytesRead: Int = 0
    /// Decompressed bytes returned so far.
    public private(set) var decompressedBytesProduced: Int = 0

    private let source: ByteSource
    private let limit: Int
    /// Cap on the outer layer's output of a double-gzip file (the inner layer's input).
    private let intermediateLimit: Int
    /// The gzip layer reading the source (`.gzip`, `.doubleGzip`).
    private var outer: InflateLayer?
    /// The gzip layer reading `outer`'s output (`.doubleGzip`).
    private var inner: InflateLayer?
    /// Bytes read while sniffing and not yet returned (at most 2).
    private var pending: [UInt8] = []
    /// Bytes the outer layer has produced (the inner layer's input size, for `.doubleGzip`).
    private var outerProduced = 0
    /// Plain bytes taken from the source.
    private var plainConsumed = 0
    /// The first error thrown; rethrown by every later read.
    private var failure: CompressionError?

    /// Opens `path` and sniffs its encoding.
    /// - Parameters:
    ///   - maxDecompressedBytes: the most decompressed bytes `read` will return before failing.
    ///   - chunkSize: bytes read from disk at a time.
    public init(path: String, maxDecompressedBytes: Int = 2 << 30, chunkSize: Int = 256 * 1024) throws(CompressionError) {
        source = try ByteSource(path: path)
        limit = max(maxDecompressedBytes, 0)
        intermediateLimit = Self.intermediateLimit(for: limit)
        try sniff(chunkSize: chunkSize)
    }

    /// Reads from bytes in memory instead of a file (tests, small documents).
    public init(bytes: [UInt8], maxDecompressedBytes: Int = 2 << 30) throws(CompressionError) {
        let chunkSize = min(max(bytes.count, 2), 256 * 1024)
        source = ByteSource(bytes: bytes)
        limit = max(maxDecompressedBytes, 0)
        intermediateLimit = Self.intermediateLimit(for: limit)
        try sniff(chunkSize: chunkSize)
    }

    /// Fills `destination` with up to `destination.count` decompressed bytes and returns how many were written;
    /// returns 0 only at the end of the data.
    /// - Warning: `destination` is written during the call only; it is not retained.
    ///   An empty `destination` returns 0 without reading.
    public func read(into destination: UnsafeMutableRawBufferPointer) throws(CompressionError) -> Int {
        if pending.isEmpty, let failure { throw failure }
        guard let base = destination.baseAddress, destination.count > 0 else { return 0 }
        let allowance = limit - decompressedBytesProduced
        // Ask for one byte past the limit so passing it is noticed now, not after more output.
        let request = destination.count > allowance ? allowance + 1 : destination.count
        let produced: Int
        do {
            produced = try produce(into: base, count: request)
        } catch {
            throw record(error)
        }
        guard produced <= allowance else {
            // The bytes of this call are not returned; the limit is where the data became too large.
            throw record(
                CompressionError(
                    code: .sizeLimitExceeded,
                    message: "decompressed data is larger than the limit of \(limit) bytes",
                    compressedOffset: compressedBytesRead),
                decompressedOffset: limit)
        }
        decompressedBytesProduced += produced
        return produced
    }

    // MARK: - Opening

    private static func intermediateLimit(for limit: Int) -> Int {
        let (doubled, overflow) = limit.multipliedReportingOverflow(by: 2)
        return overflow || doubled > Int.max - (1 << 20) ? Int.max : doubled + (1 << 20)
    }

    /// Reads the first two bytes and, for gzip, the first two decompressed bytes.
    private func sniff(chunkSize: Int) throws(CompressionError) {
        var magic: [UInt8] = [0, 0]
        let count = try magic.withMutableBytes { (buffer) throws(CompressionError) -> Int in
            try source.readFully(into: buffer)
        }
        guard count == 2, magic[0] == 0x1f, magic[1] == 0x8b else {
            encoding = count == 0 ? .empty : .plain
            pending = Array(magic[..<count])
            return
        }
        encoding = .gzip
        let capacity = min(max(chunkSize, 2), 1 << 30)
        let layer = try InflateLayer.make(inputCapacity: capacity)
        _ = try layer.refill { (spare) throws(CompressionError) -> Int in
            spare.copyBytes(from: magic)
            return 2
        }
        outer = layer

        // Peek at the content: gzip inside gzip is unwrapped too. Data errors wait for the first read.
        var peek: [UInt8] = [0, 0]
        var peeked = 0
        do {
            try peek.withMutableBytes { (buffer) throws(CompressionError) in
                guard let base = buffer.baseAddress else { return }
                while peeked < 2 {
                    let count = try pull(layer, isInner: false, into: base + peeked, count: 2 - peeked)
                    if count == 0 { break }
                    peeked += count
                }
            }
        } catch {
            failure = error.located(path: source.path, decompressedOffset: peeked)
        }
        compressedBytesRead = layer.consumed
        outerProduced = peeked
        if failure == nil, peeked == 2, peek[0] == 0x1f, peek[1] == 0x8b {
            encoding = .doubleGzip
            let innerLayer = try InflateLayer.make(inputCapacity: capacity)
            _ = try innerLayer.refill { (spare) throws(CompressionError) -> Int in
                spare.copyBytes(from: peek)
                return 2
            }
            inner = innerLayer
        } else {
            pending = Array(peek[..<peeked])
        }
    }

    // MARK: - Reading

    /// Stores `error` (with the file and position filled in) as the reader's failure and returns it.
    private func record(_ error: CompressionError, decompressedOffset: Int? = nil) -> CompressionError {
        let located = error.located(
            path: source.path, decompressedOffset: decompressedOffset ?? decompressedBytesProduced)
        failure = located
        pending.removeAll()
        return located
    }

    /// Produces up to `count` (> 0) final bytes; 0 only at the end.
    private func produce(into base: UnsafeMutableRawPointer, count: Int) throws(CompressionError) -> Int {
        if !pending.isEmpty {
            let taken = min(count, pending.count)
            pending.withUnsafeBytes { bytes in
                guard let from = bytes.baseAddress else { return }
                base.copyMemory(from: from, byteCount: taken)
            }
            pending.removeFirst(taken)
            if encoding == .plain { plainConsumed += taken; compressedBytesRead = plainConsumed }
            return taken
        }
        switch encoding {
        case .empty:
            return 0
        case .plain:
            let taken = try source.read(into: UnsafeMutableRawBufferPointer(start: base, count: count))
            plainConsumed += taken
            compressedBytesRead = plainConsumed
            return taken
        case .gzip:
            guard let outer else { return 0 }
            defer { compressedBytesRead = outer.consumed }
            return try pull(outer, isInner: false, into: base, count: count)
        case .doubleGzip:
            guard let inner, let outer else { return 0 }
            defer { compressedBytesRead = outer.consumed }
            return try pull(inner, isInner: true, into: base, count: count)
        }
    }

    /// Inflates from `layer` into `base`; returns > 0 bytes, or 0 at the true end of the layer's input.
    ///
    /// Loops over headers and member boundaries that produce no output. `isInner` selects the layer's input:
    /// the source for the outer layer, the outer layer's output for the inner one.
    private func pull(
        _ layer: InflateLayer, isInner: Bool, into base: UnsafeMutableRawPointer, count: Int
    ) throws(CompressionError) -> Int {
        while true {
            if let deferred = layer.deferredError { throw deferred }
            if layer.memberEnded {
                try startNextMemberOrEnd(layer, isInner: isInner)
                if layer.memberEnded { return 0 }
                continue
            }
            if layer.available == 0, try feed(layer, isInner: isInner) == 0 {
                throw dataError(.truncated, "input ends inside a gzip member", layer, isInner: isInner)
            }
            let step = layer.inflate(into: base, count: count)
            switch step.status {
            case Z_STREAM_END:
                if step.produced > 0 { return step.produced }
            case Z_OK, Z_BUF_ERROR:
                if step.produced > 0 { return step.produced }
                if step.consumed == 0 && layer.available > 0 {
                    throw dataError(.zlibFailure, "inflate made no progress", layer, isInner: isInner)
                }
            default:
                let error = inflateError(step.status, layer, isInner: isInner)
                guard step.produced > 0 else { throw error }
                // Return what inflated before the problem; the error comes with the next call.
                layer.deferredError = error
                return step.produced
            }
        }
    }

    /// The error for a failed inflate call.
    private func inflateError(_ status: Int32, _ layer: InflateLayer, isInner: Bool) -> CompressionError {
        switch status {
        case Z_DATA_ERROR:
            let message = layer.lastMessage ?? "invalid deflate data"
            // zlib's texts for a CRC-32 and an ISIZE mismatch in the gzip trailer.
            let isTrailer = message == "incorrect data check" || message == "incorrect length check"
            return dataError(isTrailer ? .badTrailer : .corruptData, message, layer, isInner: isInner)
        case Z_NEED_DICT:
            return dataError(.corruptData, "deflate stream needs a preset dictionary", layer, isInner: isInner)
        case Z_MEM_ERROR:
            return dataError(.zlibFailure, "zlib is out of memory", layer, isInner: isInner)
        default:
            let detail = layer.lastMessage.map { ": \($0)" } ?? ""
            return dataError(.zlibFailure, "inflate failed (\(zlibStatusName(status)))\(detail)", layer, isInner: isInner)
        }
    }

    /// After a member's end: starts the next member if the input continues with gzip magic, leaves
    /// `memberEnded` set if the input has ended, and throws for anything else.
    private func startNextMemberOrEnd(_ layer: InflateLayer, isInner: Bool) throws(CompressionError) {
        while layer.available < 2, try feed(layer, isInner: isInner) > 0 {}
        switch layer.available {
        case 0:
            return
        case 1 where layer.availableByte(at: 0) == 0x1f:
            throw dataError(.truncated, "input ends inside a gzip header", layer, isInner: isInner)
        default:
            if layer.available >= 2 && layer.availableByte(at: 0) == 0x1f && layer.availableByte(at: 1) == 0x8b {
                try layer.startNextMember()
                return
            }
        }
        let memberEnd = layer.consumed
        var trailing = layer.available
        layer.discardAvailable()
        while true {
            let added = try feed(layer, isInner: isInner)
            if added == 0 { break }
            trailing += added
            layer.discardAvailable()
        }
        let message =
            isInner
            ? "\(trailing) trailing bytes after inner gzip member ending at offset \(memberEnd) of the outer content"
            : "\(trailing) trailing bytes after gzip member ending at offset \(memberEnd)"
        throw CompressionError(code: .corruptData, message: message, compressedOffset: outer?.consumed ?? memberEnd)
    }

    /// Adds input to `layer`; returns the number of bytes added, 0 at the end of its input.
    private func feed(_ layer: InflateLayer, isInner: Bool) throws(CompressionError) -> Int {
        guard isInner else {
            return try layer.refill { (spare) throws(CompressionError) -> Int in try source.read(into: spare) }
        }
        guard let outer else { return 0 }
        return try layer.refill { (spare) throws(CompressionError) -> Int in
            guard let base = spare.baseAddress else { return 0 }
            let room = intermediateLimit - outerProduced
            let request = spare.count > room ? room + 1 : spare.count
            let count = try pull(outer, isInner: false, into: base, count: request)
            outerProduced += count
            guard outerProduced <= intermediateLimit else {
                throw CompressionError(
                    code: .sizeLimitExceeded,
                    message: "inner gzip layer is larger than \(intermediateLimit) bytes",
                    compressedOffset: outer.consumed)
            }
            return count
        }
    }

    /// An error found in `layer`, at the current on-disk position.
    private func dataError(
        _ code: CompressionError.Code, _ message: String, _ layer: InflateLayer, isInner: Bool
    ) -> CompressionError {
        CompressionError(
            code: code, message: isInner ? "inner gzip layer: \(message)" : message,
            compressedOffset: outer?.consumed ?? layer.consumed)
    }
}

@available(*, unavailable)
extension DecompressingReader: Sendable {}

extension CompressionError {
    /// This error with the file and decompressed position filled in (an existing path is kept).
    func located(path: String?, decompressedOffset: Int) -> CompressionError {
        var copy = self
        if copy.path == nil { copy.path = path }
        copy.decompressedOffset = decompressedOffset
        return copy
    }
}
