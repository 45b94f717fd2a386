/// A fast non-cryptographic 64-bit hash over bytes (wyhash-style: 16 bytes per 64×64→128-bit multiply).
///
/// Written here rather than using `Hasher` because `Hasher` is randomly seeded per process (its values cannot be
/// stored or compared across runs) and SipHash is several times slower on the ~1 KB records hashed per event.
/// Not for adversarial settings: it only guards against accidental collisions.
public enum FastHash {
    /// Hashes `bytes` with `seed`.
    @inlinable
    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        let n = bytes.count
        var h = seed ^ (UInt64(truncatingIfNeeded: n) &* 0x9E37_79B9_7F4A_7C15)
        // An empty buffer may or may not have a base address; both must hash like any other empty input.
        guard let base = bytes.baseAddress else { return mix(h ^ 0x1656_67B1_9E37_79F9) }
        var i = 0
        while i &+ 16 <= n {
            let a = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let b = base.loadUnaligned(fromByteOffset: i &+ 8, as: UInt64.self)
            h = fold(a ^ 0xA076_1D64_78BD_642F ^ h, b ^ 0xE703_7ED1_A0B4_28DB)
            i &+= 16
        }
        if i &+ 8 <= n {
            h = fold(h ^ base.loadUnaligned(fromByteOffset: i, as: UInt64.self), 0x8EBC_6AF0_9C88_C6E3)
            i &+= 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            tail |= UInt64(base.load(fromByteOffset: i, as: UInt8.self)) << shift
            shift &+= 8
            i &+= 1
        }
        return mix(h ^ tail ^ 0x1656_67B1_9E37_79F9)
    }

    /// Multiplies to 128 bits and folds the halves together (one multiply mixes 16 input bytes).
    @inlinable @inline(__always)
    static func fold(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return product.high ^ product.low
    }

    /// A strong 64-bit finalizer (the "moremur" variant of SplitMix64's).
    @inlinable
    public static func mix(_ value: UInt64) -> UInt64 {
        var x = value
        x ^= x >> 27
        x &*= 0x3C79_AC49_2BA7_B653
        x ^= x >> 33
        x &*= 0x1C69_B3F7_4AC4_AE35
        x ^= x >> 27
        return x
    }
}
