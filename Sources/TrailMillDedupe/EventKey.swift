/// A fixed-size 128-bit fingerprint of `(eventID, recipientAccountId)`: what the dedupe table stores instead of
/// strings. Two different keys collide with probability about n²/2¹²⁸ — nil for any archive.
public struct EventKey: Hashable, Sendable {
    /// High 64 bits.
    public var high: UInt64
    /// Low 64 bits (never zero: zero marks an empty table slot).
    public var low: UInt64

    /// Creates a key from its parts.
    @inlinable
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low == 0 ? 1 : low
    }

    /// The fingerprint of an event ID and recipient account, each given as its exact (decoded) UTF-8 bytes.
    @inlinable
    public init(eventID: UnsafeRawBufferPointer, account: UnsafeRawBufferPointer) {
        let accountHash = FastHash.hash(account, seed: 0x5151_A7A7_0F0F_3C3C)
        self.init(
            high: FastHash.hash(eventID, seed: accountHash),
            low: FastHash.hash(eventID, seed: ~accountHash &* 0x9E37_79B9_7F4A_7C15))
    }

    /// Whether `id` has the shape of the GUIDs CloudTrail assigns (8-4-4-4-12 hex digits). Documentation
    /// placeholders such as `EXAMPLE` or `REDACTED` do not, and must never be merged as duplicates.
    @inlinable
    public static func isGUID(_ id: UnsafeRawBufferPointer) -> Bool {
        guard id.count == 36 else { return false }
        for i in 0..<36 {
            let c = id[i]
            if i == 8 || i == 13 || i == 18 || i == 23 {
                if c != UInt8(ascii: "-") { return false }
            } else if c &- UInt8(ascii: "0") >= 10 && (c | 0x20) &- UInt8(ascii: "a") >= 6 {
                return false
            }
        }
        return true
    }
}
