/// A growable byte buffer for building output text on the hot path.
///
/// Written instead of appending to `[UInt8]` because every `Array.append` re-checks uniqueness and capacity in
/// an out-of-line call; profiling the flat encoder showed ~15% of its time there. Here an append is one compare
/// and a store or `memcpy`. It is a final class used by one thread at a time and passed by reference.
public final class OutputBuffer {
    @usableFromInline var storage: UnsafeMutableRawPointer
    @usableFromInline var capacity: Int
    @usableFromInline var written = 0
    /// Bytes written.
    public var count: Int { written }

    /// Creates an empty buffer with room for `capacity` bytes.
    public init(capacity: Int = 64 << 10) {
        self.capacity = max(capacity, 64)
        storage = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 16)
    }

    deinit { storage.deallocate() }

    /// Makes room for `extra` more bytes.
    @inlinable @inline(__always)
    public func reserve(_ extra: Int) {
        if count &+ extra > capacity { grow(to: count &+ extra) }
    }

    @usableFromInline
    func grow(to needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let grown = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
        grown.copyMemory(from: storage, byteCount: count)
        storage.deallocate()
        storage = grown
        capacity = newCapacity
    }

    /// Appends one byte.
    @inlinable @inline(__always)
    public func append(_ byte: UInt8) {
        if count == capacity { grow(to: count + 1) }
        storage.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        written &+= 1
    }

    /// Appends bytes.
    @inlinable @inline(__always)
    public func append(_ bytes: UnsafeRawBufferPointer) {
        let n = bytes.count
        guard n > 0, let source = bytes.baseAddress else { return }
        reserve(n)
        (storage + count).copyMemory(from: source, byteCount: n)
        written &+= n
    }

    /// Appends a static ASCII/UTF-8 literal.
    @inlinable @inline(__always)
    public func append(_ literal: StaticString) {
        append(UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// Appends the bytes of an array.
    public func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// Forgets the content, keeping the memory.
    public func removeAll() { written = 0 }

    /// Calls `body` with the bytes written so far.
    /// - Warning: Do not let the pointer escape `body`; any later append may move the storage.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: storage, count: count))
    }

    /// A copy of the bytes written so far.
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }
}

@available(*, unavailable)
extension OutputBuffer: Sendable {}
